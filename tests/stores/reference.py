"""In-memory answers the Cypher reports must equal (networkx and pandas on the tables)."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from gongjian import schema
from gongjian.graph.model import KnowledgeGraph


def isolated_ids(kg: KnowledgeGraph, as_of: str) -> list[str]:
    layer = kg.co_building_layer(as_of)
    return sorted(n for n in nx.isolates(layer)
                  if layer.nodes[n].get("kind") in schema.CO_BUILDING_KINDS)


def cut_off_groups(kg: KnowledgeGraph, as_of: str) -> dict[str, str]:
    """Member id → group (smallest id of its group)."""
    layer = kg.co_building_layer(as_of)
    out = {}
    for comp in nx.connected_components(layer):
        if len(comp) > 1 and not any(layer.nodes[n]["kind"] in schema.AXIS_KINDS for n in comp):
            group = min(comp)
            out.update({n: group for n in comp})
    return out


def cross_district_ties(kg: KnowledgeGraph, as_of: str) -> pd.DataFrame:
    rel = kg.active_relations(as_of)
    district = kg.party_orgs.set_index("id")["district"]
    a, b = rel["source_id"].map(district), rel["target_id"].map(district)
    keep = (a != b).to_numpy()
    a, b, rel = a[keep], b[keep], rel[keep]
    lo = a.where(a < b, b).to_numpy()
    hi = b.where(a < b, a).to_numpy()
    rows = []
    frame = pd.DataFrame({"lo": lo, "hi": hi, "s": rel["source_id"].to_numpy(),
                          "t": rel["target_id"].to_numpy()})
    for (x, y), part in frame.groupby(["lo", "hi"]):
        rows.append({"district_a": x, "district_b": y, "ties": len(part),
                     "organizations": len(set(part["s"]) | set(part["t"]))})
    return pd.DataFrame(rows, columns=["district_a", "district_b", "ties", "organizations"])


def assert_cross_district_ties(got: pd.DataFrame, kg: KnowledgeGraph, as_of: str) -> None:
    """The rows of the ``cross_district_ties`` report are those of :func:`cross_district_ties`."""
    want = cross_district_ties(kg, as_of)
    key = ["district_a", "district_b"]
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True),
                                  want.sort_values(key).reset_index(drop=True),
                                  check_dtype=False)


def coverage_by_street(kg: KnowledgeGraph) -> pd.DataFrame:
    org = kg.organizations
    df = pd.DataFrame({
        "district": org["district"], "street": org["street"],
        "o": org["coverage"].isin(schema.ORGANIZATIONAL_COVERAGE).astype(int),
        "w": org["coverage"].isin(schema.WORK_COVERAGE).astype(int)})
    g = df.groupby(["district", "street"], dropna=False)
    out = pd.DataFrame({"organizations": g.size(), "organizational": g["o"].sum(),
                        "work": g["w"].sum()}).reset_index()
    return out
