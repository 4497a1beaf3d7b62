"""graph.info: counts by table, kind, relation type, link type and district."""

from __future__ import annotations

import pandas as pd

from gongjian import schema
from gongjian.graph.build import build
from gongjian.graph.info import INFO_SECTIONS, flatten, summarize

from .helpers import make_ledger, org


def test_counts_on_a_hand_made_ledger():
    kg = build(make_ledger(
        party_orgs=[org("a", "community", "玄武区"), org("b", "unit", "秦淮区"),
                    org("c", "unit", "玄武区", status="dissolved"),
                    org("d", "temporary", "鼓楼区")],
        relations=[
            {"source_id": "a", "target_id": "b", "type": "pairing"},
            {"source_id": "a", "target_id": "c", "type": "agreement", "end": "2001-01-01"},
            {"source_id": "b", "target_id": "b", "type": "dual_reporting"},
        ],
        organizations=[{"uscc": "1", "name": "x", "type": "private_firm", "district": "秦淮区"}]))
    parts = summarize(kg)
    assert list(parts) == list(INFO_SECTIONS)
    kinds = parts["party_kinds"].set_index("key")
    assert kinds["count"].to_dict() == {"community": 1, "unit": 2, "temporary": 1}
    assert kinds.loc["unit", "dissolved"] == 1
    assert kinds.loc["unit", "label"] == schema.PARTY_KINDS["unit"].zh
    assert list(kinds.index) == ["community", "unit", "temporary"]  # schema order
    types = parts["relation_types"].set_index("key")
    assert types["count"].to_dict() == {"agreement": 1, "pairing": 1, "dual_reporting": 1}
    assert types.loc["agreement", "ended"] == 1 and types.loc["pairing", "ended"] == 0
    districts = parts["districts"].set_index("key")
    assert districts.loc["玄武区"].to_dict() == {
        "label": "玄武区", "party_orgs": 2, "organizations": 0, "relations": 2,
        "cross_district": 1}
    assert districts.loc["秦淮区", "relations"] == 2
    assert districts.loc["秦淮区", "organizations"] == 1
    assert districts.loc["鼓楼区", "relations"] == 0
    assert parts["tables"].set_index("key")["count"].to_dict() == kg.counts()
    en = summarize(kg, lang="en")["party_kinds"].set_index("key")
    assert en.loc["unit", "label"] == schema.PARTY_KINDS["unit"].en


def test_counts_agree_with_the_tables(demo_graph):
    parts = summarize(demo_graph)
    assert parts["party_kinds"]["count"].sum() == len(demo_graph.party_orgs)
    assert parts["relation_types"]["count"].sum() == len(demo_graph.relations)
    assert parts["link_types"]["count"].sum() == len(demo_graph.links)
    assert parts["districts"]["party_orgs"].sum() == len(demo_graph.party_orgs)
    assert parts["districts"]["organizations"].sum() == len(demo_graph.organizations)
    assert parts["districts"]["cross_district"].sum() % 2 == 0
    flat = flatten(parts)
    assert len(flat) == sum(len(df) for df in parts.values())
    assert flat.columns[:4].tolist() == ["section", "key", "label", "count"]
    assert pd.api.types.is_integer_dtype(flat["count"])


def test_districts_show_their_official_codes(demo_graph):
    districts = summarize(demo_graph)["districts"].set_index("label")["key"].to_dict()
    assert districts == {"玄武区": "320102", "秦淮区": "320104", "鼓楼区": "320106"}
