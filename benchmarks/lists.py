"""Stage of the three lists: ``match`` and ``dormant`` together, against a plain pandas script.

The input is generated here with numpy (:func:`make_graph`), straight into graph tables, at
the sizes of the issue: at city scale about 100,000 Party organizations in 12 districts,
50,000 needs, 150,000 resources, 30,000 projects and 300,000 activities (a district is a
twelfth of that). Communities raise the needs, units offer the resources (service scopes
25% community, 40% street, 30% district, 5% city), projects pair a community with units,
most activities are held by two to five tied organizations.

Ours: :func:`gongjian.queries.match` then :func:`gongjian.queries.dormant` on the graph
loaded from its file (loading is setup; building the co-building layer is timed, as in a
command). Baseline (:mod:`benchmarks.baselines.obvious_lists`): the same logic as a plain
pandas script — a merge by category (district by district), a filter by scope, and a Python
loop over the candidate pairs for the network part (islands, cut-off groups from networkx
components, existing ties) and over the ties for the dormant check. Target (city scale):
both together ≤ 30 s and ≥ 10× the pandas script.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.data import Dataset
from benchmarks.harness import Side, Stage

__all__ = ["AS_OF", "SIZES", "make_graph", "ours", "stages"]

AS_OF = "2025-06-30"
#: Rows per scale: districts, streets per district, communities per street, Party
#: organizations, ties, needs, resources, projects, activities.
SIZES: dict[str, dict[str, int]] = {
    "city": {"districts": 12, "streets": 12, "communities": 10, "orgs": 100_000,
             "needs": 50_000, "resources": 150_000, "projects": 30_000,
             "activities": 300_000},
    "district": {"districts": 1, "streets": 12, "communities": 10, "orgs": 8_400,
                 "needs": 4_200, "resources": 12_500, "projects": 2_500,
                 "activities": 25_000},
}


def _days(rng: np.random.Generator, n: int, first: str, last: str) -> np.ndarray:
    lo, hi = np.datetime64(first, "D"), np.datetime64(last, "D")
    return (lo + rng.integers(0, int((hi - lo).astype(int)), n).astype("timedelta64[D]")) \
        .astype("datetime64[s]")


def _maybe(rng: np.random.Generator, values: np.ndarray, p: float) -> np.ndarray:
    """``values`` with a share ``1 - p`` of them missing (``NaT``)."""
    return np.where(rng.random(len(values)) < p, values, np.datetime64("NaT"))


def make_graph(scale: str, seed: int = 0):
    """The synthetic graph of the three lists at ``scale`` (vectorized; seconds)."""
    from gongjian.graph.model import KnowledgeGraph

    size = SIZES[scale]
    rng = np.random.default_rng(seed)
    nd, ns, nc = size["districts"], size["streets"], size["communities"]
    n_streets, n_comms = nd * ns, nd * ns * nc
    district_names = np.array([f"第{d + 1}区" for d in range(nd)], dtype=object)
    # axis organizations: one per street, one per community
    street_of_street = np.arange(n_streets)
    street_of_comm = np.arange(n_comms) // nc
    n_units = size["orgs"] - n_streets - n_comms
    unit_comm = rng.integers(0, n_comms, n_units)
    kinds = np.concatenate([
        np.full(n_streets, "street", dtype=object), np.full(n_comms, "community", dtype=object),
        rng.choice(np.array(["unit", "new_economy", "building", "industry", "park"],
                            dtype=object), n_units, p=[0.7, 0.17, 0.06, 0.04, 0.03])])
    street = np.concatenate([street_of_street, street_of_comm, unit_comm // nc])
    comm = np.concatenate([np.full(n_streets, -1), np.arange(n_comms),
                           np.where(rng.random(n_units) < 0.6, unit_comm, -1)])
    n = len(kinds)
    ids = np.array([f"G{i:06d}" for i in range(n)], dtype=object)
    district = district_names[street // ns]
    street_name = np.array([f"街道{s}" for s in range(n_streets)], dtype=object)[street]
    comm_name = np.where(comm >= 0, np.array([f"社区{c}" for c in range(n_comms)] + [""],
                                             dtype=object)[comm], None)
    orgs = pd.DataFrame({"id": ids, "name": np.array([f"组织{i}" for i in range(n)], dtype=object),
                         "kind": kinds, "district": district, "street": street_name,
                         "community": comm_name})
    orgs = orgs.astype({c: "str" for c in orgs.columns})

    # ties: community–street; most units with a community of their street; unit pairs (some
    # groups end up cut off from the axis); a few across districts
    units = np.arange(n_streets + n_comms, n)
    tied_units = units[rng.random(len(units)) < 0.8]
    unit_street = street[tied_units]
    partner_comm = n_streets + unit_street * nc + rng.integers(0, nc, len(tied_units))
    pair_a = rng.choice(units, len(units) // 6)
    pair_b = pair_a + rng.integers(1, 40, len(pair_a))
    pair_b = np.minimum(pair_b, n - 1)
    cross_a = rng.choice(units, n // 50)
    cross_b = rng.choice(units, n // 50)
    src = np.concatenate([n_streets + np.arange(n_comms), tied_units, pair_a, cross_a])
    dst = np.concatenate([street_of_comm, partner_comm, pair_b, cross_b])
    m = len(src)
    start = _days(rng, m, "2018-01-01", "2025-06-01")
    end = _maybe(rng, start + rng.integers(200, 3000, m).astype("timedelta64[D]"), 0.15)
    relations = pd.DataFrame({
        "source_id": ids[src], "target_id": ids[dst],
        "type": rng.choice(np.array(["agreement", "pairing", "dual_reporting", "joint_meeting"],
                                    dtype=object), m),
        "start": start, "end": end.astype("datetime64[s]")}).astype(
        {"source_id": "str", "target_id": "str", "type": "str"})

    cats = np.array(["venue", "funding", "talent", "volunteering", "professional", "goods",
                     "employment", "culture", "other"], dtype=object)
    nn = size["needs"]
    need_org = np.where(rng.random(nn) < 0.9, n_streets + rng.integers(0, n_comms, nn),
                        rng.integers(0, n_streets, nn))
    needs = pd.DataFrame({
        "id": np.array([f"N{i:06d}" for i in range(nn)], dtype=object),
        "org_id": ids[need_org], "category": rng.choice(cats, nn),
        "description": "需求", "raised": _days(rng, nn, "2023-01-01", "2025-09-30"),
        "status": rng.choice(np.array(["open", "claimed", "done", "closed"], dtype=object), nn,
                             p=[0.6, 0.2, 0.15, 0.05])})
    nr = size["resources"]
    res_org = rng.choice(units, nr)
    resources = pd.DataFrame({
        "id": np.array([f"R{i:06d}" for i in range(nr)], dtype=object),
        "org_id": ids[res_org], "category": rng.choice(cats, nr), "description": "资源",
        "quantity": pd.array(rng.integers(1, 500, nr).astype(float), dtype="Float64"),
        "scope": rng.choice(np.array(["community", "street", "district", "city"], dtype=object),
                            nr, p=[0.25, 0.4, 0.3, 0.05]),
        "until": _maybe(rng, _days(rng, nr, "2024-06-01", "2027-12-31"), 0.2)
        .astype("datetime64[s]")})
    npj = size["projects"]
    lead = n_streets + rng.integers(0, n_comms, npj)
    tie = rng.integers(0, len(tied_units), npj)
    pstart = _days(rng, npj, "2022-01-01", "2025-06-01")
    projects = pd.DataFrame({
        "id": np.array([f"P{i:06d}" for i in range(npj)], dtype=object),
        "name": "项目", "lead_id": ids[np.where(rng.random(npj) < 0.7, partner_comm[tie], lead)],
        "participants": [[ids[u]] for u in tied_units[tie]],
        "need_ids": [[x] for x in needs["id"].to_numpy()[rng.integers(0, nn, npj)]],
        "resource_ids": [[x] for x in resources["id"].to_numpy()[rng.integers(0, nr, npj)]],
        "start": pstart,
        "end": _maybe(rng, pstart + rng.integers(60, 900, npj).astype("timedelta64[D]"), 0.8)
        .astype("datetime64[s]"),
        "status": rng.choice(np.array(["planned", "active", "done", "stopped"], dtype=object),
                             npj, p=[0.1, 0.45, 0.4, 0.05])})
    na = size["activities"]
    which = rng.integers(0, m, na)
    extra = rng.integers(0, 4, na)
    others = rng.integers(0, n, (na, 3))
    participants = [[ids[src[w]], ids[dst[w]], *ids[o[:k]]]
                    for w, k, o in zip(which, extra, others, strict=True)]
    activities = pd.DataFrame({
        "date": _days(rng, na, "2022-01-01", "2025-06-30"),
        "name": "活动", "kind": rng.choice(np.array(["joint_meeting", "joint_activity",
                                                     "volunteering", "reporting_service"],
                                                    dtype=object), na),
        "participants": participants,
        "attendees": pd.array(rng.integers(2, 80, na), dtype="Int64")})
    for df in (needs, resources, projects, activities):
        for c in df.columns:
            if df[c].dtype == object and not isinstance(df[c].iloc[0], list):
                df[c] = df[c].astype("str")
    return KnowledgeGraph.from_frames(party_orgs=orgs, relations=relations, needs=needs,
                                      resources=resources, projects=projects,
                                      activities=activities)


def make_graph_file(clock, *, out: str, scale: str, seed: int) -> dict:
    """Task: generate the input and save it as a graph file."""
    from gongjian.graph.io import save

    with clock():
        kg = make_graph(scale, seed)
        save(kg, Path(out))
    return {"rows": len(kg.party_orgs)}


def ours(clock, *, graph: str, as_of: str) -> dict:
    """Task: match then dormant on one loaded graph (timed together)."""
    from gongjian.graph.io import load
    from gongjian.queries.dormant import dormant
    from gongjian.queries.match import match

    kg = load(Path(graph))
    with clock():
        with clock("match"):
            matched = match(kg, as_of=as_of)
        with clock("dormant"):
            asleep = dormant(kg, as_of=as_of)
    return {"rows": len(kg.party_orgs),
            "size": f"{len(kg.needs):,} needs, {len(kg.resources):,} resources, "
                    f"{len(kg.activities):,} activities",
            "found": {"matches": len(matched), "dormant": len(asleep)}}


def _check(ours, bases) -> bool:
    (pandas_,) = bases
    return ours.seconds is not None and ours.seconds <= 30 and (
        pandas_.seconds is None or pandas_.seconds >= 10 * ours.seconds)


def stages(data: Dataset) -> list[Stage]:
    """One stage: match + dormant together against the pandas script."""
    graph = str(data.folder / "lists.gjg")
    common = {"graph": graph, "as_of": AS_OF}
    return [Stage(
        "match + dormant", "lists",
        Side("gongjian", f"{__name__}:ours", common, timeout=None),
        [Side("pandas script", "benchmarks.baselines.obvious_lists:task", common)],
        target="≤ 30 s, ≥ 10× pandas",
        needs=("gongjian.queries.match:match", "gongjian.queries.dormant:dormant"),
        check=_check, inputs=("ensure_lists",), show_parts=True,
        note="input generated with numpy (benchmarks.lists.make_graph); loading is setup")]
