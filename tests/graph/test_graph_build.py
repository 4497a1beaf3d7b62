"""graph.build: regions, region keys, vertical links, coverage, strict mode, real ledger files."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongjian.errors import LedgerError
from gongjian.graph.build import build
from gongjian.graph.model import NODE_TABLES

from .helpers import make_ledger, org

XW, QH, GL = "玄武区", "秦淮区", "鼓楼区"


def links_of(kg, type_: str) -> set[tuple]:
    df = kg.links[kg.links["type"] == type_]
    cols = ["source_label", "source", "target_label", "target"]
    if type_ == "covers":
        cols.append("mode")
    return set(df[cols].itertuples(index=False, name=None))


def test_regions_from_names_without_codes():
    kg = build(make_ledger(party_orgs=[
        org("S", "street", XW, "新街口街道"),
        org("C", "community", XW, "新街口街道", "丹凤街社区"),
        org("U", "unit", QH),
        org("G", "grid", GL, None, "宁海路社区"),
    ]))
    regions = kg.regions.set_index("key")
    assert sorted(regions.index) == sorted([
        XW, f"{XW}/新街口街道", f"{XW}/新街口街道/丹凤街社区", QH, GL, f"{GL}/宁海路社区"])
    assert regions["code"].isna().all()
    assert regions.loc[f"{XW}/新街口街道/丹凤街社区", "parent"] == f"{XW}/新街口街道"
    assert regions.loc[f"{XW}/新街口街道/丹凤街社区", "level"] == "community"
    assert regions.loc[f"{GL}/宁海路社区", "parent"] == GL
    assert pd.isna(regions.loc[QH, "parent"])
    assert set(regions["district"]) == {XW, QH, GL}
    assert kg.party_orgs.set_index("id")["region"].to_dict() == {
        "S": f"{XW}/新街口街道", "C": f"{XW}/新街口街道/丹凤街社区", "U": QH,
        "G": f"{GL}/宁海路社区"}
    assert links_of(kg, "part_of") == {
        ("Region", f"{XW}/新街口街道", "Region", XW),
        ("Region", f"{XW}/新街口街道/丹凤街社区", "Region", f"{XW}/新街口街道"),
        ("Region", f"{GL}/宁海路社区", "Region", GL)}


def test_regions_table_gives_codes_and_its_own_regions():
    kg = build(make_ledger(
        party_orgs=[org("C", "community", XW, "新街口街道", "丹凤街社区"),
                    org("U", "unit", QH, "夫子庙街道")],
        regions=[
            {"code": "320102", "name": XW, "level": "district", "parent_code": "320100"},
            {"code": "320102002", "name": "新街口街道", "level": "street",
             "parent_code": "320102"},
            {"code": "320102002001", "name": "丹凤街社区", "level": "community",
             "parent_code": "320102002"},
            {"code": "320102002009", "name": "北门桥社区", "level": "community",
             "parent_code": "320102002"},
        ]))
    regions = kg.regions.set_index("key")
    assert regions.loc[XW, "code"] == "320102"
    assert regions.loc[f"{XW}/新街口街道/丹凤街社区", "code"] == "320102002001"
    # a region only the table knows is a node too, hung from its parent
    assert regions.loc[f"{XW}/新街口街道/北门桥社区", "parent"] == f"{XW}/新街口街道"
    assert regions.loc[f"{XW}/新街口街道/北门桥社区", "district"] == XW
    # names the table does not know still make regions, without a code
    assert pd.isna(regions.loc[f"{QH}/夫子庙街道", "code"])
    assert regions.loc[f"{QH}/夫子庙街道", "parent"] == QH
    assert regions.index.is_unique
    assert ("Region", f"{XW}/新街口街道/北门桥社区", "Region", f"{XW}/新街口街道") \
        in links_of(kg, "part_of")


def test_links_of_every_type():
    kg = build(make_ledger(
        party_orgs=[
            org("S", "street", XW, "新街口街道"),
            org("IND", "industry", XW, system="教育"),
            org("IND2", "industry", QH, system="教育"),
            org("E1", "unit", XW, "新街口街道", parent_id="IND", system="教育",
                site="新街口商圈"),
            org("E2", "unit", QH, system="教育", parent_id="GONE"),
            org("H1", "unit", XW, system="卫生健康"),
            org("B", "building", XW, "新街口街道", site="金鹰大厦", parent_id="S"),
        ],
        organizations=[
            {"uscc": "91320102MA1XXXXX01", "name": "甲公司", "type": "private_firm",
             "district": XW, "street": "新街口街道", "site": "金鹰大厦",
             "covering_org_id": "B", "coverage": "joint"},
            {"uscc": "91320102MA1XXXXX02", "name": "乙公司", "type": "private_firm",
             "district": XW, "covering_org_id": "S", "coverage": "fallback"},
            {"uscc": "91320102MA1XXXXX03", "name": "丙协会", "type": "social_org",
             "district": QH},
        ],
        sites=[
            {"name": "新街口商圈", "kind": "business_district", "district": [XW, QH, GL],
             "street": ["新街口街道", "洪武路街道", "华侨路街道"]},
            {"name": "金鹰大厦", "kind": "building", "district": [XW], "street": ["新街口街道"]},
        ]))
    assert links_of(kg, "subordinate_to") == {("PartyOrg", "E1", "PartyOrg", "IND"),
                                              ("PartyOrg", "B", "PartyOrg", "S")}
    assert links_of(kg, "guides") == {("PartyOrg", "IND", "PartyOrg", "E1"),
                                      ("PartyOrg", "IND2", "PartyOrg", "E2")}
    assert links_of(kg, "covers") == {
        ("PartyOrg", "B", "Organization", "91320102MA1XXXXX01", "joint"),
        ("PartyOrg", "S", "Organization", "91320102MA1XXXXX02", "fallback")}
    located = links_of(kg, "located_in")
    assert ("PartyOrg", "E1", "Region", XW + "/新街口街道") in located
    assert ("PartyOrg", "E1", "Site", "新街口商圈") in located
    assert ("Organization", "91320102MA1XXXXX01", "Site", "金鹰大厦") in located
    assert ("Organization", "91320102MA1XXXXX03", "Region", QH) in located
    site_links = {(s, t) for sl, s, tl, t in located if sl == "Site"}
    assert site_links == {
        ("新街口商圈", XW), ("新街口商圈", QH), ("新街口商圈", GL),
        ("新街口商圈", f"{XW}/新街口街道"), ("新街口商圈", f"{QH}/洪武路街道"),
        ("新街口商圈", f"{GL}/华侨路街道"),
        ("金鹰大厦", XW), ("金鹰大厦", f"{XW}/新街口街道")}
    # every link joins two existing nodes
    keys = set(kg.node_table()["node"])
    for sl, s, tl, t, *_ in kg.links.itertuples(index=False, name=None):
        assert f"{sl}:{s}" in keys and f"{tl}:{t}" in keys
    assert set(kg.links["type"]) == {"subordinate_to", "located_in", "guides", "covers",
                                     "part_of"}


def test_site_street_goes_to_the_district_that_has_it():
    kg = build(make_ledger(
        party_orgs=[org("Q", "community", QH, "洪武路街道", "x社区")],
        sites=[{"name": "商圈", "kind": "business_district", "district": [XW, QH],
                "street": ["洪武路街道"]}]))
    assert ("Site", "商圈", "Region", f"{QH}/洪武路街道") in links_of(kg, "located_in")
    assert f"{XW}/洪武路街道" not in set(kg.regions["key"])


def test_sites_named_but_not_listed_become_nodes():
    kg = build(make_ledger(party_orgs=[org("B", "building", XW, "新街口街道", site="德基广场")]))
    site = kg.sites.set_index("name").loc["德基广场"]
    assert site["district"] == [XW] and site["street"] == ["新街口街道"]
    assert pd.isna(site["kind"])
    assert ("PartyOrg", "B", "Site", "德基广场") in links_of(kg, "located_in")


def test_coverage_is_filled():
    firm = {"type": "private_firm", "district": XW}
    kg = build(make_ledger(
        party_orgs=[org("P", "new_economy")],
        organizations=[
            {"uscc": "1", "name": "a", **firm},
            {"uscc": "2", "name": "b", "covering_org_id": "P", **firm},
            {"uscc": "3", "name": "c", "coverage": "instructor", **firm},
            {"uscc": "4", "name": "d", "coverage": "none", **firm},
        ]))
    assert kg.organizations.set_index("uscc")["coverage"].to_dict() == {
        "1": "none", "2": "host", "3": "instructor", "4": "none"}
    assert links_of(kg, "covers") == {("PartyOrg", "P", "Organization", "2", "host")}


def test_dangling_relations_are_left_out_and_counted():
    kg = build(make_ledger(
        party_orgs=[org("a", "community"), org("b", "unit")],
        relations=[{"source_id": "a", "target_id": "b", "type": "pairing"},
                   {"source_id": "a", "target_id": "rejected", "type": "pairing"}]))
    assert kg.relations[["source_id", "target_id"]].values.tolist() == [["a", "b"]]
    assert kg.meta["dropped"] == {"relations": 1}


def test_strict_refuses_a_ledger_with_errors_and_lenient_counts_them():
    ledger = make_ledger(errors=2, party_orgs=[org("a", "unit")])
    with pytest.raises(LedgerError, match=r"2 个错误.*gongjian check"):
        build(ledger, strict=True)
    kg = build(ledger)
    assert kg.meta["problems"] == {"errors": 2, "warnings": 0}
    assert kg.meta["rejected_rows"] == 2
    assert kg.meta["source"] == "台账" and kg.meta["gongjian"]
    assert build(make_ledger(party_orgs=[org("a", "unit")]), strict=True).counts()[
        "party_orgs"] == 1


def test_to_networkx_holds_every_node_and_edge(demo_graph):
    kg = demo_graph
    g = kg.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == sum(len(getattr(kg, t)) for t, _ in NODE_TABLES.values())
    assert g.number_of_edges() == len(kg.relations) + len(kg.links)
    assert all("label" in attrs for _, attrs in g.nodes(data=True))
    layers = pd.Series([d["layer"] for *_, d in g.edges(data=True)]).value_counts()
    assert layers.to_dict() == {"vertical": len(kg.links), "co_building": len(kg.relations)}
    rel = kg.relations.iloc[0]
    data = g.get_edge_data(f"PartyOrg:{rel['source_id']}", f"PartyOrg:{rel['target_id']}")
    assert rel["type"] in {d["type"] for d in data.values()}


def test_demo_ledger_files_build_a_consistent_graph(demo_graph):
    kg = demo_graph
    assert kg.regions["key"].is_unique
    assert kg.regions["code"].notna().all()  # the demo has a full 区域 table
    assert set(kg.party_orgs["region"]) <= set(kg.regions["key"])
    assert set(kg.organizations["region"]) <= set(kg.regions["key"])
    assert kg.organizations["coverage"].notna().all()
    parents = kg.regions["parent"].dropna()
    assert set(parents) <= set(kg.regions["key"])
    for type_ in ("subordinate_to", "located_in", "guides", "covers", "part_of"):
        assert links_of(kg, type_), type_
    expected_guides = (
        kg.party_orgs[kg.party_orgs["kind"] == "industry"][["id", "system", "district"]]
        .merge(kg.party_orgs[kg.party_orgs["kind"] != "industry"][["id", "system", "district"]],
               on=["system", "district"]))
    assert len(links_of(kg, "guides")) == len(expected_guides)


def test_real_csv_ledger_with_a_bad_row(tmp_path):
    from gongjian.loaders import read_ledger

    folder = tmp_path / "台账"
    folder.mkdir()
    (folder / "党组织.csv").write_text(
        "组织编码,组织名称,组织类别,所属区,所属街道,所属社区,党员数\n"
        "S1,新街口街道党工委,街道党工委,玄武区,新街口街道,,30\n"
        "C1,丹凤街社区党委,社区党委,玄武区,新街口街道,丹凤街社区,十二\n"
        "U1,区教育局机关党委,机关党组织,玄武区,,,45\n", encoding="gb18030")
    (folder / "共建关系.csv").write_text(
        "甲方编码,乙方编码,关系类型,开始日期\nU1,S1,结对共建,2023/5/1\n", encoding="gb18030")
    ledger = read_ledger(folder)
    kg = build(ledger)
    assert sorted(kg.party_orgs["id"]) == ["S1", "U1"]
    assert kg.meta["rejected_rows"] == 1 and kg.meta["problems"]["errors"] >= 1
    assert kg.relations["start"].tolist() == [pd.Timestamp("2023-05-01")]
    assert set(kg.regions["key"]) == {"玄武区", "玄武区/新街口街道"}
    with pytest.raises(LedgerError):
        build(ledger, strict=True)


def test_regions_table_with_a_cycle_or_an_unknown_parent_still_builds():
    kg = build(make_ledger(
        party_orgs=[org("a", "unit", XW)],
        regions=[
            {"code": "1", "name": "甲街道", "level": "street", "parent_code": "2"},
            {"code": "2", "name": "乙街道", "level": "street", "parent_code": "1"},
            {"code": "3", "name": "丙街道", "level": "street", "parent_code": "999"},
            {"code": "3", "name": "重复", "level": "street"},
        ]))
    regions = kg.regions.set_index("code")
    assert regions.index.dropna().is_unique and kg.regions["key"].is_unique
    assert regions.loc["3", "key"] == "丙街道" and pd.isna(regions.loc["3", "parent"])
    assert pd.isna(regions.loc["3", "district"])


def test_public_api_names():
    import gongjian
    from gongjian.graph import io

    assert gongjian.build is build
    assert gongjian.load is io.load and gongjian.save is io.save


names = st.sampled_from([None, "甲", "乙", "丙"])


@st.composite
def random_ledgers(draw):
    n = draw(st.integers(1, 10))
    ids = [f"P{i}" for i in range(n)]
    orgs = [org(i, draw(st.sampled_from(["street", "community", "unit", "industry"])),
                draw(st.sampled_from([XW, QH])), draw(names), draw(names),
                parent_id=draw(st.sampled_from([None, "nobody", *ids])),
                system=draw(st.sampled_from([None, "教育", "国资"])),
                site=draw(st.sampled_from([None, "大厦", "园区"])))
            for i in ids]
    firms = [{"uscc": f"U{i}", "name": f"企业{i}", "type": "private_firm",
              "district": draw(st.sampled_from([XW, GL])), "street": draw(names),
              "community": draw(names), "site": draw(st.sampled_from([None, "大厦", "商场"])),
              "covering_org_id": draw(st.sampled_from([None, "nobody", *ids])),
              "coverage": draw(st.sampled_from([None, "own", "none", "fallback"]))}
             for i in range(draw(st.integers(0, 6)))]
    sites = [{"name": "大厦", "kind": "building", "district": draw(st.lists(
        st.sampled_from([XW, QH, GL]), min_size=1, max_size=3, unique=True)),
        "street": draw(st.lists(st.sampled_from(["甲", "乙", "丁"]), max_size=3))}]
    regions = [{"code": "1", "name": XW, "level": "district"},
               {"code": "11", "name": "甲", "level": "street", "parent_code": "1"}]
    return make_ledger(party_orgs=orgs, organizations=firms, sites=sites, regions=regions)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=random_ledgers())
def test_build_invariants_on_random_ledgers(ledger):
    kg = build(ledger)
    keys = set(kg.node_table()["node"])
    for sl, s, tl, t, *_ in kg.links.itertuples(index=False, name=None):
        assert f"{sl}:{s}" in keys and f"{tl}:{t}" in keys
    regions = kg.regions
    assert regions["key"].is_unique
    assert set(regions["parent"].dropna()) <= set(regions["key"])
    assert set(kg.party_orgs["region"]) | set(kg.organizations["region"]) <= set(regions["key"])
    assert regions.set_index("key").loc[XW, "code"] == "1"
    if f"{XW}/甲" in set(regions["key"]):
        assert regions.set_index("key").loc[f"{XW}/甲", "code"] == "11"
    located = kg.links[(kg.links["type"] == "located_in")
                       & (kg.links["source_label"] == "PartyOrg")]
    assert len(located) == len(kg.party_orgs) + kg.party_orgs["site"].notna().sum()
    assert set(kg.sites["name"]) >= set(kg.party_orgs["site"].dropna())
    assert kg.organizations["coverage"].notna().all()
    assert len(kg.links[kg.links["type"] == "part_of"]) == regions["parent"].notna().sum()
