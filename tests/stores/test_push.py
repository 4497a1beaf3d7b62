"""Push to a real FalkorDB: idempotent, typed, refusing hostile values before sending."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gongjian.errors import StoreError
from gongjian.graph.model import KnowledgeGraph
from gongjian.stores.push import MAX_TEXT, plan_push, push, relation_keys

pytestmark = pytest.mark.falkordb


def counts(store) -> tuple[int, int]:
    nodes = store.execute("MATCH (n) RETURN count(n) AS n")[0]["n"]
    rels = store.execute("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    return nodes, rels


def test_push_twice_creates_nothing_the_second_time(store, small_kg):
    first = push(small_kg, store, batch_size=3)
    assert first.created == first.rows > 0 and first.matched == 0
    before = counts(store)
    second = push(small_kg, store, batch_size=2)
    assert second.created == 0 and second.matched == first.rows
    assert counts(store) == before
    # 13 orgs + 4 organizations + 1 site; 9 ledger rows kept distinct + 2 links
    assert before == (18, 11)


def test_stored_graph_shape(store, small_kg):
    summary = push(small_kg, store)
    assert summary.skipped == 0
    rows = store.execute(
        "MATCH (a:PartyOrg)-[r:PAIRING]->(b:PartyOrg) RETURN a.id AS a, b.id AS b, r.key AS k, "
        "r.projects AS projects, r.source_row AS row ORDER BY row")
    assert [(r["a"], r["b"]) for r in rows] == [("U1", "C1"), ("U7", "D1"), ("W1", "C2"),
                                                ("U1", "C1")]
    assert rows[0]["k"] != rows[3]["k"] and rows[3]["k"].endswith("#2")
    assert rows[2]["projects"] == ["助老", "助学"] and rows[1]["projects"] is None
    agreement = store.execute("MATCH ()-[r:AGREEMENT {source_row: 5}]->() "
                              "RETURN r.start AS start, r.end AS end, toString(r.end) AS text, "
                              "typeOf(r.end) AS type")
    assert agreement == [{"start": dt.date(2021, 1, 1), "end": dt.date(2026, 12, 31),
                          "text": "2026-12-31", "type": "Date"}]
    node = store.execute("MATCH (n:PartyOrg {id: 'U1'}) RETURN n")[0]["n"]
    assert node["members"] == 6 and node["source_file"] == "党组织.csv"
    assert "secretary" not in node and "phone" not in node  # personal fields stay home
    cover = store.execute("MATCH (:PartyOrg {id: 'U1'})-[r:COVERS]->(o:Organization) "
                          "RETURN r.mode AS mode, o.uscc AS uscc")
    assert cover == [{"mode": "own", "uscc": "91320102MA1X0001"}]
    site = store.execute("MATCH (s:Site) RETURN s.district AS d")
    assert site == [{"d": ["玄武区"]}]


def test_personal_fields_only_when_asked(store, small_kg):
    push(small_kg, store, include_personal=True)
    node = store.execute("MATCH (n:PartyOrg {id: 'U1'}) RETURN n.secretary AS s")
    assert node == [{"s": "张三"}]


def test_text_round_trips_unchanged(store):
    hostile = ['引号"和\\反斜杠', "换行\n制表\t回车\r", "emoji 🏢",
               "'; MATCH (n) DETACH DELETE n //",
               "`反引号`", "{map: 1}", "$param"]
    kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame({
        "id": [f"x{i}" for i in range(len(hostile))], "name": hostile,
        "kind": ["unit"] * len(hostile), "district": ["玄武区"] * len(hostile)}))
    push(kg, store)
    got = store.execute("MATCH (n:PartyOrg) RETURN n.id AS id, n.name AS name ORDER BY id")
    assert [g["name"] for g in got] == hostile


@pytest.mark.parametrize("bad, reason", [("a\x00b", "NUL"), ("长" * (MAX_TEXT + 1), "过长")])
def test_hostile_values_refused_before_sending(store, small_kg, bad, reason):
    small_kg.party_orgs.loc[3, "name"] = bad
    with pytest.raises(StoreError) as err:
        push(small_kg, store)
    message = str(err.value)
    assert "党组织.csv 第5行" in message and "组织名称" in message and reason in message
    assert counts(store) == (0, 0)  # nothing was sent


def test_non_finite_number_refused_naming_row(small_kg):
    small_kg.relations["weight"] = [1.0] * (len(small_kg.relations) - 1) + [float("inf")]
    with pytest.raises(StoreError, match=r"共建关系.csv 第10行 「weight」"):
        plan_push(small_kg)


def test_replace_clears_first(store, small_kg):
    push(small_kg, store)
    smaller = KnowledgeGraph.from_frames(party_orgs=small_kg.party_orgs.head(2))
    push(smaller, store, replace=True)
    assert counts(store) == (2, 0)


def test_dangling_ends_are_skipped_and_counted(store, small_kg):
    extra = pd.DataFrame({"source_id": ["U1"], "target_id": ["NOPE"], "type": ["pairing"]})
    kg = small_kg.with_tables(relations=pd.concat([small_kg.relations, extra]))
    summary = push(kg, store)
    assert summary.skipped == 1


def test_relation_keys_stable_across_row_order(small_kg):
    rel = small_kg.relations
    keys = relation_keys(rel)
    shuffled = relation_keys(rel.iloc[::-1].reset_index(drop=True))
    assert sorted(k.split("#")[0] for k in keys) == sorted(k.split("#")[0] for k in shuffled)
    assert len(set(keys)) == len(keys)
