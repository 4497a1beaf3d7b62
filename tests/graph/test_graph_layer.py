"""The co-building layer: what is in it, and the fast arrays against a plain networkx build."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongjian.graph.build import build
from gongjian.schema import RELATION_TYPES

from .helpers import make_ledger, org

AS_OF = dt.date(2024, 6, 30)


def test_layer_semantics():
    kg = build(make_ledger(
        party_orgs=[org("a", "community"), org("b", "unit"), org("c", "unit"),
                    org("d", "unit", status="dissolved"), org("lone", "unit"),
                    org("e", "unit", status="weak")],
        relations=[
            {"source_id": "b", "target_id": "a", "type": "pairing"},
            {"source_id": "a", "target_id": "b", "type": "agreement", "end": "2025-01-01"},
            {"source_id": "a", "target_id": "b", "type": "pairing", "start": "2020-01-01"},
            {"source_id": "a", "target_id": "c", "type": "agreement", "end": "2024-06-29"},
            {"source_id": "a", "target_id": "c", "type": "pairing", "start": "2024-07-01"},
            {"source_id": "a", "target_id": "d", "type": "pairing"},
            {"source_id": "e", "target_id": "e", "type": "pairing"},
            {"source_id": "e", "target_id": "a", "type": "dual_reporting", "end": "2024-06-30"},
        ]))
    layer = kg.co_building_layer(AS_OF)
    assert sorted(layer.nodes) == ["a", "b", "c", "e", "lone"]  # dissolved out, isolated in
    assert sorted(map(sorted, layer.edges)) == [["a", "b"], ["a", "e"]]
    assert layer.edges["a", "b"] == {"types": ["agreement", "pairing"], "count": 3}
    assert layer.edges["a", "e"]["types"] == ["dual_reporting"]  # ends on the day: still active
    assert layer.nodes["a"]["kind"] == "community"
    later = kg.co_building_layer("2025-06-30")
    assert sorted(map(sorted, later.edges)) == [["a", "b"], ["a", "c"]]
    assert later.edges["a", "b"]["types"] == ["pairing"]


def plain_layer(kg, as_of) -> nx.Graph:
    """The layer built the obvious way, one row at a time."""
    day = pd.Timestamp(as_of)
    g = nx.Graph()
    for row in kg.party_orgs.itertuples():
        if row.status != "dissolved":
            g.add_node(row.id)
    for row in kg.relations.itertuples():
        s, t = row.source_id, row.target_id
        if s == t or s not in g or t not in g:
            continue
        if (pd.notna(row.start) and row.start > day) or (pd.notna(row.end) and row.end < day):
            continue
        if g.has_edge(s, t):
            g.edges[s, t]["types"].add(row.type)
            g.edges[s, t]["count"] += 1
        else:
            g.add_edge(s, t, types={row.type}, count=1)
    return g


dates = st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31)))


@st.composite
def ledgers(draw):
    n = draw(st.integers(1, 12))
    ids = [f"P{i}" for i in range(n)]
    orgs = [org(i, draw(st.sampled_from(["community", "unit", "street", "grid"])),
                status=draw(st.sampled_from([None, "active", "weak", "dissolved"])))
            for i in ids]
    relations = [
        {"source_id": draw(st.sampled_from([*ids, "ghost"])),
         "target_id": draw(st.sampled_from(ids)),
         "type": draw(st.sampled_from(list(RELATION_TYPES))), "start": draw(dates),
         "end": draw(dates)}
        for _ in range(draw(st.integers(0, 30)))
    ]
    return make_ledger(party_orgs=orgs, relations=relations)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=ledgers(), as_of=st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31)))
def test_arrays_and_layer_match_a_plain_networkx_build(ledger, as_of):
    kg = build(ledger)
    expected = plain_layer(kg, as_of)
    arrays = kg.co_building_arrays(as_of)
    assert sorted(arrays.ids) == sorted(expected.nodes)
    got = {frozenset((arrays.ids[s], arrays.ids[t])): (ty.split("|"), int(c))
           for s, t, ty, c in zip(arrays.source, arrays.target, arrays.types, arrays.count,
                                  strict=True)}
    assert all(s < t for s, t in zip(arrays.source, arrays.target, strict=True))
    want = {frozenset((s, t)): (sorted(d["types"]), d["count"])
            for s, t, d in expected.edges(data=True)}
    assert got == want
    layer = kg.co_building_layer(as_of)
    assert set(layer.nodes) == set(expected.nodes)
    assert {frozenset(e): (d["types"], d["count"]) for *e, d in layer.edges(data=True)} == want
    ig = kg.co_building_igraph(as_of)
    assert ig.vcount() == len(expected) and ig.ecount() == expected.number_of_edges()


def test_igraph_from_arrays_keeps_every_edge_in_order_across_chunks():
    import numpy as np

    from gongjian.graph.model import IGRAPH_CHUNK, igraph_from_arrays

    rng = np.random.default_rng(7)
    m = 2 * IGRAPH_CHUNK + 123  # three chunks, the last one short
    source = rng.integers(0, 5000, size=m)
    target = rng.integers(0, 5000, size=m)
    g = igraph_from_arrays(5001, source, target)
    assert g.vcount() == 5001 and not g.is_directed()
    got = np.asarray(g.get_edgelist())
    # igraph stores an undirected edge with its smaller end first
    assert (got[:, 0] == np.minimum(source, target)).all()
    assert (got[:, 1] == np.maximum(source, target)).all()
    assert igraph_from_arrays(3, np.array([], dtype=np.int64), np.array([])).ecount() == 0
