"""Plain, slow reference versions of match and dormant, written straight from the spec, and a
random-graph maker: the fast versions must give the same rows."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from gongjian.graph.model import KnowledgeGraph

LEVELS = ["community", "street", "district", "city"]
MENDS = ["island", "cut_off", "cross_district"]


def random_graph(seed: int, n_orgs: int = 60, n_ties: int = 50, n_needs: int = 40,
                 n_res: int = 80, n_acts: int = 60, n_proj: int = 15) -> KnowledgeGraph:
    rng = np.random.default_rng(seed)
    districts = ["甲区", "乙区", "丙区"]
    kinds = ["street", "community", "unit", "unit", "unit", "industry", "building"]
    ids = [f"O{i:03d}" for i in range(n_orgs)]
    d = rng.choice(districts, n_orgs)
    st = np.array([f"{x}街{rng.integers(2)}" for x in d])
    comm = np.array([f"{x}社{rng.integers(2)}" if rng.random() < 0.8 else None for x in st],
                    dtype=object)
    status = np.where(rng.random(n_orgs) < 0.05, "dissolved", None)
    orgs = pd.DataFrame({"id": ids, "name": [f"组织{i}" for i in range(n_orgs)],
                         "kind": rng.choice(kinds, n_orgs), "district": d, "street": st,
                         "community": comm, "status": status})
    s, t = rng.integers(n_orgs, size=n_ties), rng.integers(n_orgs, size=n_ties)
    day0 = np.datetime64("2022-01-01")
    start = day0 + rng.integers(0, 1500, n_ties).astype("timedelta64[D]")
    end = np.where(rng.random(n_ties) < 0.3,
                   start + rng.integers(100, 1500, n_ties).astype("timedelta64[D]"),
                   np.datetime64("NaT"))
    rel = pd.DataFrame({"source_id": np.array(ids)[s], "target_id": np.array(ids)[t],
                        "type": rng.choice(["agreement", "pairing", "joint_meeting"], n_ties),
                        "start": start.astype("datetime64[s]"), "end": end.astype("datetime64[s]")})
    cats = ["venue", "funding", "talent"]
    needs = pd.DataFrame({
        "id": [f"N{i:03d}" for i in range(n_needs)],
        "org_id": rng.choice(ids, n_needs), "category": rng.choice(cats, n_needs),
        "raised": (day0 + rng.integers(0, 1400, n_needs).astype("timedelta64[D]"))
        .astype("datetime64[s]"),
        "status": rng.choice(["open", "open", "open", "claimed"], n_needs)})
    until = np.where(rng.random(n_res) < 0.2,
                     day0 + rng.integers(0, 1500, n_res).astype("timedelta64[D]"),
                     np.datetime64("NaT"))
    res = pd.DataFrame({
        "id": [f"R{i:03d}" for i in rng.permutation(n_res)],
        "org_id": rng.choice(ids, n_res), "category": rng.choice(cats, n_res),
        "scope": rng.choice(LEVELS, n_res), "until": until.astype("datetime64[s]")})
    acts = pd.DataFrame({
        "date": (day0 + rng.integers(0, 1400, n_acts).astype("timedelta64[D]"))
        .astype("datetime64[s]"),
        "participants": [list(rng.choice(ids, rng.integers(2, 5), replace=False))
                         for _ in range(n_acts)]})
    p_start = day0 + rng.integers(0, 1400, n_proj).astype("timedelta64[D]")
    projects = pd.DataFrame({
        "id": [f"P{i:02d}" for i in range(n_proj)],
        "lead_id": rng.choice(ids, n_proj),
        "participants": [list(rng.choice(ids, rng.integers(0, 3), replace=False))
                         for _ in range(n_proj)],
        "resource_ids": [list(rng.choice(res["id"], rng.integers(0, 3), replace=False))
                         for _ in range(n_proj)],
        "start": np.where(rng.random(n_proj) < 0.2, np.datetime64("NaT"), p_start)
        .astype("datetime64[s]"),
        "end": np.where(rng.random(n_proj) < 0.5, np.datetime64("NaT"),
                        p_start + rng.integers(30, 400, n_proj).astype("timedelta64[D]"))
        .astype("datetime64[s]"),
        "status": rng.choice(["active", "done", None, "planned"], n_proj)})
    return KnowledgeGraph.from_frames(party_orgs=orgs, relations=rel, needs=needs,
                                      resources=res, activities=acts, projects=projects)


def _layer(kg: KnowledgeGraph, day: pd.Timestamp) -> nx.Graph:
    g = nx.Graph()
    live = kg.party_orgs[kg.party_orgs["status"].fillna("active") != "dissolved"]
    g.add_nodes_from(live["id"])
    for r in kg.relations.itertuples():
        if r.source_id == r.target_id or r.source_id not in g or r.target_id not in g:
            continue
        if (pd.isna(r.start) or r.start <= day) and (pd.isna(r.end) or r.end >= day):
            g.add_edge(r.source_id, r.target_id)
    return g


def _active_project(p, day) -> bool:
    if p.status == "active":
        return True
    if isinstance(p.status, str):
        return False
    return (pd.isna(p.start) or p.start <= day) and (pd.isna(p.end) or p.end >= day)


def reference_match(kg: KnowledgeGraph, as_of: str, top: int) -> pd.DataFrame:
    day = pd.Timestamp(as_of)
    g = _layer(kg, day)
    axis = {o for o, k in zip(kg.party_orgs["id"], kg.party_orgs["kind"], strict=True)
            if k in ("street", "community")}
    attached = {}
    for comp in nx.connected_components(g):
        reach = bool(comp & axis)
        for v in comp:
            attached[v] = reach
    where = {r.id: r for r in kg.party_orgs.itertuples()}
    used = {r for p in kg.projects.itertuples() if _active_project(p, day)
            for r in p.resource_ids}
    rows = []
    for n in kg.needs.itertuples():
        if n.status != "open" or (pd.notna(n.raised) and n.raised > day) or n.org_id not in g:
            continue
        a = where[n.org_id]
        cands = []
        for r in kg.resources.itertuples():
            if r.category != n.category or r.org_id not in g or r.org_id == n.org_id:
                continue
            if pd.notna(r.until) and r.until < day:
                continue
            b = where[r.org_id]
            if a.district == b.district and a.street == b.street and \
                    isinstance(a.community, str) and a.community == b.community:
                prox = 0
            elif a.district == b.district and a.street == b.street:
                prox = 1
            elif a.district == b.district:
                prox = 2
            else:
                prox = 3
            if prox > LEVELS.index(r.scope):
                continue
            tied = g.has_edge(n.org_id, r.org_id)
            if tied:
                mend = 3
            elif g.degree(n.org_id) == 0 or g.degree(r.org_id) == 0:
                mend = 0
            elif attached[n.org_id] != attached[r.org_id]:
                mend = 1
            elif a.district != b.district:
                mend = 2
            else:
                mend = 3
            idle = r.id not in used
            cands.append(((prox, mend, tied, not idle, r.id), r, prox, mend, tied))
        cands.sort(key=lambda c: c[0])
        for rank, (_, r, prox, mend, tied) in enumerate(cands[:top], start=1):
            rows.append({"need_id": n.id, "resource_id": r.id, "proximity": LEVELS[prox],
                         "mends": MENDS[mend] if mend < 3 else None, "new_tie": not tied,
                         "rank": rank})
    out = pd.DataFrame(rows, columns=["need_id", "resource_id", "proximity", "mends",
                                      "new_tie", "rank"])
    return out.sort_values(["need_id", "rank"]).reset_index(drop=True)


def reference_dormant(kg: KnowledgeGraph, as_of: str, window: int) -> pd.DataFrame:
    day = pd.Timestamp(as_of)
    g = _layer(kg, day)
    last: dict[frozenset, pd.Timestamp] = {}

    def note(members, when):
        members = [m for m in dict.fromkeys(members) if m in g]
        for i, x in enumerate(members):
            for y in members[i + 1:]:
                key = frozenset((x, y))
                if key not in last or last[key] < when:
                    last[key] = when

    for act in kg.activities.itertuples():
        if act.date <= day:
            note(act.participants, act.date)
    for p in kg.projects.itertuples():
        if pd.notna(p.start) and p.start > day:
            continue
        when = day if pd.isna(p.end) or p.end > day else p.end
        note([p.lead_id, *p.participants], when)
    rows = []
    for r in kg.relations.itertuples():
        if r.source_id == r.target_id or not g.has_node(r.source_id) or \
                not g.has_node(r.target_id):
            continue
        if not ((pd.isna(r.start) or r.start <= day) and (pd.isna(r.end) or r.end >= day)):
            continue
        seen = last.get(frozenset((r.source_id, r.target_id)))
        if seen is not None and (day - seen).days <= window:
            continue
        rows.append({"source_id": r.source_id, "target_id": r.target_id, "type": r.type,
                     "last_evidence": seen,
                     "days_since": None if seen is None else (day - seen).days})
    return pd.DataFrame(rows, columns=["source_id", "target_id", "type", "last_evidence",
                                       "days_since"])
