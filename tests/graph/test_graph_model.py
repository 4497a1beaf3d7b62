"""The graph is immutable: a graph with other tables never answers from the old ones."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from gongjian.graph.build import build
from gongjian.graph.model import KnowledgeGraph
from gongjian.queries import bridges, islands
from gongjian.queries.layer import layer_view

from .helpers import make_ledger, org

AS_OF = "2024-06-30"
ORGS = [org("a", "community"), org("b", "unit"), org("c", "unit"), org("d", "unit")]
PAIR = {"source_id": "b", "target_id": "c", "type": "pairing"}
AXIS = {"source_id": "a", "target_id": "d", "type": "pairing"}


@pytest.fixture
def detached():
    """A community tied to a unit, and two units tied only to each other: two islands."""
    return build(make_ledger(party_orgs=ORGS, relations=[PAIR, AXIS]))


def tie(kg: KnowledgeGraph, source: str, target: str) -> pd.DataFrame:
    extra = pd.DataFrame({"source_id": [source], "target_id": [target], "type": ["pairing"]})
    return pd.concat([kg.relations, extra], ignore_index=True)


def test_a_graph_with_a_new_tie_answers_from_the_new_tie(detached):
    assert sorted(islands(detached, as_of=AS_OF)["id"]) == ["b", "c"]
    tied = detached.with_tables(relations=tie(detached, "a", "b"))
    assert len(islands(tied, as_of=AS_OF)) == 0
    fresh = build(make_ledger(party_orgs=ORGS, relations=[
        PAIR, AXIS, {"source_id": "a", "target_id": "b", "type": "pairing"}]))
    assert len(islands(fresh, as_of=AS_OF)) == 0  # a fresh graph of the same ledger agrees
    # the first graph is unchanged and still answers from its own tables
    assert sorted(islands(detached, as_of=AS_OF)["id"]) == ["b", "c"]
    assert sorted(bridges(tied, as_of=AS_OF).query("articulation")["id"]) == ["a", "b"]


def test_tables_cannot_be_replaced_in_place(detached):
    islands(detached, as_of=AS_OF)
    with pytest.raises(dataclasses.FrozenInstanceError):
        detached.relations = tie(detached, "a", "b")  # type: ignore[misc]
    assert sorted(islands(detached, as_of=AS_OF)["id"]) == ["b", "c"]


def test_dataclasses_replace_starts_an_empty_cache(detached):
    before = layer_view(detached, AS_OF)
    assert before is layer_view(detached, AS_OF)  # cached per graph and day
    other = dataclasses.replace(detached, relations=tie(detached, "a", "c"))
    after = layer_view(other, AS_OF)
    assert after is not before
    assert after.degree.tolist() == [2, 1, 2, 1] and before.degree.tolist() == [1, 1, 1, 1]
    with pytest.raises(ValueError, match="_cache"):
        dataclasses.replace(detached, _cache={})


def test_with_tables_conforms_and_refuses_unknown_tables(detached):
    smaller = detached.with_tables(party_orgs=pd.DataFrame({"id": ["a"]}), meta={"x": 1})
    assert list(smaller.party_orgs.columns) == list(KnowledgeGraph().party_orgs.columns)
    assert smaller.meta == {"x": 1} and smaller.relations is detached.relations
    with pytest.raises(TypeError, match="nodes"):
        detached.with_tables(nodes=pd.DataFrame())
