"""Baseline: the four analyses the obvious way — a networkx Graph and a pandas group-by.

The co-building layer is a ``networkx.Graph`` built row by row from the relations that are
active on the analysis date, between organizations that are not dissolved. Then:

- islands: ``nx.isolates`` among the kinds expected to co-build, and
  ``nx.connected_components`` without a street or community organization;
- bridges: ``nx.articulation_points`` and ``nx.betweenness_centrality(k=samples, seed=0)``;
- clusters: ``nx.community.louvain_communities(seed=0)``, kept when they span 2+ districts;
- coverage: a pandas ``groupby`` of the 两新组织 by district (organizational and work
  coverage rates) and the uncovered ones with a one-line plan.

The ledger's Chinese values are mapped with the vocabulary of :mod:`gongjian.schema` (an
analyst would keep the same little dictionaries by hand).
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from gongjian import schema

__all__ = ["ANALYSES", "bridges", "clusters", "coverage", "islands", "layer", "prepare"]


def _codes(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    mapping = {v: schema.canonical(aliases, v) for v in values.dropna().unique()}
    return values.map(mapping)


def _dates(values: pd.Series) -> pd.Series:
    text = values.str.replace(r"[年月/]", "-", regex=True).str.replace("日", "")
    return pd.to_datetime(text, errors="coerce", format="mixed")


def prepare(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Map kinds, statuses, types and coverage to codes and parse the relation dates."""
    orgs = tables["party_orgs"].copy()
    orgs["kind"] = _codes(orgs["kind"], schema.PARTY_KIND_ALIASES)
    orgs["status"] = _codes(orgs.get("status", pd.Series(index=orgs.index, dtype=str)),
                            schema.STATUS_ALIASES)
    rel = tables["relations"].copy()
    by_name = dict(zip(orgs["name"], orgs["id"], strict=True))
    for end in ("source", "target"):
        if f"{end}_name" in rel:
            rel[f"{end}_id"] = rel[f"{end}_id"].fillna(rel[f"{end}_name"].map(by_name))
    for col in ("start", "end"):
        rel[col] = _dates(rel[col]) if col in rel else pd.NaT
    out = {"party_orgs": orgs, "relations": rel}
    if "organizations" in tables:
        o = tables["organizations"].copy()
        o["coverage"] = _codes(o.get("coverage", pd.Series(index=o.index, dtype=str)),
                               schema.COVERAGE_ALIASES)
        o.loc[o["coverage"].isna() & o["covering_org_id"].notna(), "coverage"] = "host"
        o["coverage"] = o["coverage"].fillna("none")
        o["party_members"] = pd.to_numeric(o.get("party_members"), errors="coerce").fillna(0)
        out["organizations"] = o
    return out


def layer(tables: dict[str, pd.DataFrame], as_of: str) -> nx.Graph:
    """The co-building layer on ``as_of``, built row by row."""
    day = pd.Timestamp(as_of)
    orgs = tables["party_orgs"]
    orgs = orgs[orgs["status"] != "dissolved"]
    g = nx.Graph()
    for rec in orgs[["id", "kind", "district"]].to_dict("records"):
        g.add_node(rec["id"], kind=rec["kind"], district=rec["district"])
    for rec in tables["relations"][["source_id", "target_id", "start", "end"]].to_dict("records"):
        a, b = rec["source_id"], rec["target_id"]
        if a == b or a not in g or b not in g:
            continue
        if (pd.isna(rec["start"]) or rec["start"] <= day) and \
                (pd.isna(rec["end"]) or rec["end"] >= day):
            g.add_edge(a, b)
    return g


def islands(g: nx.Graph, **_) -> list:
    """Isolated organizations of the co-building kinds, and groups cut off from the axis."""
    kinds = g.nodes(data="kind")
    out = [n for n in nx.isolates(g) if kinds[n] in schema.CO_BUILDING_KINDS]
    for comp in nx.connected_components(g):
        if len(comp) > 1 and not any(kinds[n] in schema.AXIS_KINDS for n in comp):
            out.extend(comp)
    return out


def bridges(g: nx.Graph, *, samples: int, **_) -> list:
    """Articulation points ranked by sampled betweenness."""
    cut = set(nx.articulation_points(g))
    between = nx.betweenness_centrality(g, k=min(samples, len(g)), seed=0)
    return sorted(cut, key=between.__getitem__, reverse=True)


def clusters(g: nx.Graph, **_) -> list:
    """Louvain communities whose members lie in two or more districts."""
    district = g.nodes(data="district")
    return [c for c in nx.community.louvain_communities(g, seed=0)
            if len({district[n] for n in c}) >= 2]


def coverage(organizations: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coverage rates per district, and the uncovered organizations with a plan."""
    o = organizations.assign(
        organizational=organizations["coverage"].isin(schema.ORGANIZATIONAL_COVERAGE),
        work=organizations["coverage"].isin(schema.WORK_COVERAGE))
    rates = o.groupby("district")[["organizational", "work"]].mean()
    todo = o[~o["organizational"]].copy()
    site_members = todo.groupby("site")["party_members"].transform("sum")
    site_count = todo.groupby("site")["party_members"].transform("size")
    todo["plan"] = "instructor"
    todo.loc[todo["site"].notna() & (site_members >= 3) & (site_count > 1), "plan"] = "joint"
    todo.loc[todo["party_members"] >= 3, "plan"] = "own"
    return rates, todo


ANALYSES = {"islands": islands, "bridges": bridges, "clusters": clusters}


# --- benchmark task ----------------------------------------------------------------------

def task(clock, *, ledger: str, analysis: str, as_of: str, samples: int) -> dict:
    """Task: one analysis on the ledger's tables in memory (timed: layer + algorithm)."""
    from pathlib import Path

    from benchmarks.baselines.obvious_build import read_ledger

    tables = prepare(read_ledger(Path(ledger)))
    if analysis == "coverage":
        with clock():
            _rates, todo = coverage(tables["organizations"])
        return {"rows": len(tables["organizations"]),
                "size": f"{len(tables['organizations']):,} organizations", "found": len(todo)}
    with clock():
        g = layer(tables, as_of)
        found = ANALYSES[analysis](g, samples=samples)
    return {"rows": g.number_of_nodes(),
            "size": f"{g.number_of_nodes():,} nodes, {g.number_of_edges():,} ties",
            "found": len(found)}
