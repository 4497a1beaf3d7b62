"""Cross-district clusters: planted cliques found, seeded, members a partition."""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import pandas as pd
import pytest

from gongjian.errors import AnalysisError
from gongjian.queries import clusters

from .conftest import graph


def _two_cliques_and_a_path():
    """A clique across 秦淮区/鼓楼区, a clique inside 玄武区, one weak tie between them."""
    cross = [(f"q{i}", "community" if i % 2 else "unit", "秦淮区") for i in range(4)] + \
            [(f"g{i}", "unit", "鼓楼区") for i in range(4)]
    local = [(f"x{i}", "unit", "玄武区") for i in range(6)]
    edges = list(combinations([o[0] for o in cross], 2)) + \
        list(combinations([o[0] for o in local], 2)) + [("q0", "x0")]
    return graph(cross + local, edges)


def test_finds_the_cross_district_clique_only():
    found = clusters(_two_cliques_and_a_path(), as_of="2025-06-30")
    assert len(found) == 1
    row = found.iloc[0]
    assert row["cluster"] == "C001"
    assert row["members"] == sorted(["q0", "q1", "q2", "q3", "g0", "g1", "g2", "g3"])
    assert row["districts"] == ["秦淮区", "鼓楼区"]
    assert row["members_per_district"] == {"秦淮区": 4, "鼓楼区": 4}
    assert row["internal_ties"] == 28 and row["cross_district_ties"] == 16
    assert row["density"] == 1.0
    assert row["bridging_members"] == row["members"]


def test_min_districts_and_partition():
    kg = _two_cliques_and_a_path()
    everything = clusters(kg, as_of="2025-06-30", min_districts=1)
    members = [m for ms in everything["members"] for m in ms]
    assert sorted(members) == sorted(kg.party_orgs["id"])  # every vertex once
    assert everything["size"].tolist() == sorted(everything["size"], reverse=True)
    assert everything["cluster"].tolist() == [f"C{i:03d}" for i in range(1, len(everything) + 1)]
    assert clusters(kg, as_of="2025-06-30", min_districts=3).empty
    with pytest.raises(AnalysisError):
        clusters(kg, min_districts=0)


def test_same_seed_same_clusters_on_a_random_graph():
    g = nx.gnm_random_graph(300, 900, seed=3)
    orgs = [(f"o{v:03d}", "unit", ["玄武区", "秦淮区", "鼓楼区"][v % 3]) for v in g]
    kg = graph(orgs, [(f"o{a:03d}", f"o{b:03d}") for a, b in g.edges])
    a = clusters(kg, as_of="2025-06-30", seed=11, min_districts=1)
    b = clusters(graph(orgs, [(f"o{a:03d}", f"o{b:03d}") for a, b in g.edges]),
                 as_of="2025-06-30", seed=11, min_districts=1)
    pd.testing.assert_frame_equal(a, b)
    assert sum(a["size"]) == 300
    # internal ties counted right: compare with networkx per cluster
    for members, internal in zip(a["members"], a["internal_ties"], strict=True):
        ids = {int(m[1:]) for m in members}
        assert g.subgraph(ids).number_of_edges() == internal
