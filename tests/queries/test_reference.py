"""The fast path (arrays + igraph) against networkx on random graphs: the same answers exactly."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongjian import schema
from gongjian.graph.model import KnowledgeGraph
from gongjian.queries import bridges, diff, islands, summary
from gongjian.queries.bridges import (
    articulation_mask,
    bridging_mask,
    cut_off_counts,
    sampled_betweenness,
)
from gongjian.queries.layer import layer_view

AS_OF = "2025-06-30"
KINDS = list(schema.PARTY_KINDS)
DISTRICTS = ["玄武区", "秦淮区", "鼓楼区"]


@st.composite
def graphs(draw) -> KnowledgeGraph:
    """Random graphs: any kinds, some dissolved, self ties, repeated and expired ties."""
    n = draw(st.integers(1, 22))
    ids = [f"o{i:02d}" for i in draw(st.permutations(range(n)))]
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=n, max_size=n))
    districts = draw(st.lists(st.sampled_from(DISTRICTS), min_size=n, max_size=n))
    status = draw(st.lists(st.sampled_from(["active", "active", "active", "weak", "dissolved"]),
                           min_size=n, max_size=n))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                    st.sampled_from([None, "2024-01-01", "2030-01-01"])),
                          max_size=3 * n))
    return KnowledgeGraph.from_frames(
        party_orgs=pd.DataFrame({"id": ids, "name": ids, "kind": kinds, "district": districts,
                                 "status": status}),
        relations=pd.DataFrame({
            "source_id": [ids[a] for a, _, _ in edges],
            "target_id": [ids[b] for _, b, _ in edges],
            "type": ["agreement"] * len(edges),
            "end": pd.to_datetime(pd.Series([e for *_, e in edges], dtype=object)),
        }))


def _settings(n: int = 100):
    return settings(max_examples=n, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@_settings(100)
@given(graphs())
def test_articulation_points_components_isolates_match_networkx(kg):
    g = kg.co_building_layer(AS_OF)
    view = layer_view(kg, AS_OF)
    ids = view.arrays.ids
    ap, _ = cut_off_counts(view)
    assert set(ids[ap]) == set(nx.articulation_points(g))
    ours = {frozenset(ids[view.component == c]) for c in np.unique(view.component)}
    assert ours == {frozenset(c) for c in nx.connected_components(g)}
    assert set(ids[view.degree == 0]) == set(nx.isolates(g))


@_settings(100)
@given(graphs())
def test_cut_off_equals_brute_force_removal(kg):
    g = kg.co_building_layer(AS_OF)
    view = layer_view(kg, AS_OF)
    _, cut = cut_off_counts(view)
    for i, node in enumerate(view.arrays.ids):
        component = nx.node_connected_component(g, node)
        rest = g.subgraph(component - {node})
        largest = max((len(c) for c in nx.connected_components(rest)), default=0)
        assert cut[i] == len(component) - 1 - largest, node


@_settings(40)
@given(graphs())
def test_betweenness_is_exact_with_all_sources(kg):
    g = kg.co_building_layer(AS_OF)
    view = layer_view(kg, AS_OF)
    ours = sampled_betweenness(view, samples=view.n + 5)
    ref = nx.betweenness_centrality(g)
    assert np.allclose(ours, [ref[i] for i in view.arrays.ids])


@_settings(100)
@given(graphs())
def test_islands_match_a_networkx_reference(kg):
    g = kg.co_building_layer(AS_OF)
    isolated = {v for v in nx.isolates(g) if g.nodes[v]["kind"] in schema.CO_BUILDING_KINDS}
    detached = set()
    for comp in nx.connected_components(g):
        kinds = {g.nodes[v]["kind"] for v in comp}
        if len(comp) >= 2 and not kinds & set(schema.AXIS_KINDS):
            detached |= {v for v in comp if g.nodes[v]["kind"] in schema.CO_BUILDING_KINDS}
    found = islands(kg, as_of=AS_OF)
    assert set(found.loc[found["reason"] == "isolated", "id"]) == isolated
    assert set(found.loc[found["reason"] == "detached", "id"]) == detached
    # a group number names exactly one connected component
    for _, rows in found[found["reason"] == "detached"].groupby("group"):
        comp = nx.node_connected_component(g, rows["id"].iloc[0])
        assert set(rows["id"]) <= comp
    for ids, reasons, own in zip(found["suggestions"], found["suggestion_reasons"], found["id"],
                                 strict=True):
        assert own not in ids and len(ids) == len(reasons) <= 3


@_settings(50)
@given(graphs())
def test_bridges_lists_every_articulation_point_and_cross_district_org(kg):
    g = kg.co_building_layer(AS_OF)
    found = bridges(kg, as_of=AS_OF, samples=5)
    listed = set(found["id"])
    assert set(nx.articulation_points(g)) <= listed
    for v in g:
        reach = {g.nodes[v]["district"]} | {g.nodes[u]["district"] for u in g[v]}
        if len(reach) >= 2:
            assert v in listed
            assert found.loc[found["id"] == v, "districts"].iloc[0] == sorted(reach)
    keys = list(zip(~found["articulation"], -found["cut_off"],
                    -found["districts"].map(len), -found["betweenness"], found["id"],
                    strict=True))
    assert keys == sorted(keys)


@_settings(100)
@given(graphs())
def test_articulation_mask_matches_networkx_and_the_block_cut_tree(kg):
    """Disconnected graphs, isolated and dissolved organizations included (see graphs())."""
    g = kg.co_building_layer(AS_OF)
    view = layer_view(kg, AS_OF)
    mask = articulation_mask(view)
    assert mask.dtype == bool and len(mask) == view.n == len(g)
    assert set(view.arrays.ids[mask]) == set(nx.articulation_points(g))
    # the block-cut tree cuts something off exactly at those vertices
    assert ((cut_off_counts(view)[1] > 0) == mask).all()


@_settings(50)
@given(graphs())
def test_bridging_mask_is_what_bridges_lists(kg):
    view = layer_view(kg, AS_OF)
    listed = set(bridges(kg, as_of=AS_OF, samples=3)["id"])
    assert set(view.arrays.ids[bridging_mask(view)]) == listed


@_settings(40)
@given(graphs())
def test_summary_counts_networkx_articulation_points(kg):
    g = kg.co_building_layer(AS_OF)
    overview = summary(kg, as_of=AS_OF)["overview"]
    total = overview.iloc[-1]
    assert total["articulation_points"] == len(set(nx.articulation_points(g)))
    for district, row in overview.iloc[:-1].set_index("district").iterrows():
        want = {v for v in nx.articulation_points(g) if g.nodes[v]["district"] == district}
        assert row["articulation_points"] == len(want)


@_settings(40)
@given(graphs())
def test_diff_bridges_are_the_difference_of_networkx_articulation_sets(kg):
    """One graph on two days (ties ending 2024-01-01 are active on the first only)."""
    old_day, new_day = "2023-06-30", AS_OF
    ap_old = set(nx.articulation_points(kg.co_building_layer(old_day)))
    g_new = kg.co_building_layer(new_day)
    ap_new = set(nx.articulation_points(g_new))
    changes = diff(kg, kg, as_of_old=old_day, as_of_new=new_day)
    new = changes[changes["change"] == "bridge_new"]
    assert set(new["id"]) == ap_new - ap_old
    assert set(changes.loc[changes["change"] == "bridge_lost", "id"]) == ap_old - ap_new
    for node, detail in zip(new["id"], new["detail"], strict=True):
        component = nx.node_connected_component(g_new, node)
        rest = g_new.subgraph(component - {node})
        largest = max(len(c) for c in nx.connected_components(rest))
        assert detail == f"移除后断开{len(component) - 1 - largest}个组织"
