"""Baseline: read a ledger and build its graph the obvious way — pandas and a networkx loop.

What a competent analyst writes in an afternoon: ``pandas.read_csv`` each file (trying
UTF-8, then GB18030, the encodings Excel writes), rename the Chinese headers to short
names, then add every row to a ``networkx.MultiDiGraph`` as a node or an edge with its
cells as attributes (``to_dict("records")``, not ``iterrows``). There is no validation:
bad rows go in as they are. The graph is persisted the obvious way, with ``pickle``.

Run it alone: ``python -m benchmarks.baselines.obvious_build LEDGER [OUT.pickle]``.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import networkx as nx
import pandas as pd

from gongjian.loaders.tables import TABLES  # the file names and headers of the ledger spec

__all__ = ["build_graph", "main", "read_ledger", "read_table"]


def read_table(folder: Path, table: str) -> pd.DataFrame | None:
    """One ledger table as text columns named by their English aliases, or None."""
    spec = TABLES[table]
    path = next((p for p in sorted(Path(folder).iterdir())
                 if p.stem in spec.file_names and p.suffix.lower() in (".csv", ".xlsx", ".xls")),
                None)
    if path is None:
        return None
    if path.suffix.lower() == ".csv":
        try:
            df = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
        except UnicodeDecodeError:
            df = pd.read_csv(path, dtype=str, encoding="gb18030")
    else:
        df = pd.read_excel(path, dtype=str)
    names = {c.zh: c.name for c in spec.columns}
    return df.rename(columns=lambda h: names.get(str(h).strip(" *"), str(h).strip(" *")))


def read_ledger(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table of the ledger folder that is there."""
    tables = {t: read_table(Path(folder), t) for t in TABLES}
    return {t: df for t, df in tables.items() if df is not None}


def _clean(records: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if isinstance(v, str)} for r in records]


def build_graph(tables: dict[str, pd.DataFrame]) -> nx.MultiDiGraph:
    """The whole graph: Party organizations, organizations, sites and places as nodes;
    co-building ties, subordination, coverage and location as edges."""
    g = nx.MultiDiGraph()
    orgs = tables["party_orgs"]
    by_name = dict(zip(orgs["name"], orgs["id"], strict=True))
    for rec in _clean(orgs.to_dict("records")):
        g.add_node(("PartyOrg", rec["id"]), **rec)
        if rec.get("parent_id"):
            g.add_edge(("PartyOrg", rec["id"]), ("PartyOrg", rec["parent_id"]),
                       type="subordinate_to")
        _locate(g, ("PartyOrg", rec["id"]), rec)
    for rec in _clean(tables.get("organizations", pd.DataFrame()).to_dict("records")):
        g.add_node(("Organization", rec["uscc"]), **rec)
        if rec.get("covering_org_id"):
            g.add_edge(("PartyOrg", rec["covering_org_id"]), ("Organization", rec["uscc"]),
                       type="covers", mode=rec.get("coverage"))
        _locate(g, ("Organization", rec["uscc"]), rec)
    for rec in _clean(tables.get("sites", pd.DataFrame()).to_dict("records")):
        g.add_node(("Site", rec["name"]), **rec)
    for rec in _clean(tables["relations"].to_dict("records")):
        a = rec.get("source_id") or by_name.get(rec.get("source_name"))
        b = rec.get("target_id") or by_name.get(rec.get("target_name"))
        g.add_edge(("PartyOrg", a), ("PartyOrg", b), **rec)
    return g


def _locate(g: nx.MultiDiGraph, node: tuple, rec: dict) -> None:
    path = "/".join(rec[k] for k in ("district", "street", "community") if rec.get(k))
    if path:
        g.add_edge(node, ("Region", path), type="located_in")
    if rec.get("site"):
        g.add_edge(node, ("Site", rec["site"]), type="located_in")


def main(argv: list[str]) -> None:
    """Read ``argv[0]``, build, and pickle the graph to ``argv[1]`` when given."""
    g = build_graph(read_ledger(Path(argv[0])))
    print(f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges")
    if len(argv) > 1:
        with open(argv[1], "wb") as f:
            pickle.dump(g, f, protocol=pickle.HIGHEST_PROTOCOL)


# --- benchmark tasks ---------------------------------------------------------------------

def build_task(clock, *, ledger: str) -> dict:
    """Task: read and build (timed)."""
    with clock():
        tables = read_ledger(Path(ledger))
        g = build_graph(tables)
    return {"rows": sum(len(df) for df in tables.values()),
            "size": f"{g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges"}


def excel_task(clock, *, ledger: str) -> dict:
    """Task: ``pandas.read_excel`` (openpyxl) of the 党组织 table of an xlsx ledger (timed)."""
    path = next(p for p in Path(ledger).iterdir() if p.suffix == ".xlsx")
    with clock():
        df = pd.read_excel(path, dtype=str, engine="openpyxl")
    return {"rows": len(df), "size": f"{len(df):,} rows", "rate": True}


def pickle_task(clock, *, ledger: str, out: str) -> dict:
    """Task: build and pickle the graph (makes the baseline's graph file)."""
    with clock():
        main([ledger, out])
    return {}


def unpickle_task(clock, *, path: str) -> dict:
    """Task: load the pickled graph (timed)."""
    with clock(), open(path, "rb") as f:
        g = pickle.load(f)
    return {"size": f"{g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges"}


if __name__ == "__main__":
    main(sys.argv[1:])
