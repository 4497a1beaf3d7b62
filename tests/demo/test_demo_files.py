"""The demo ledgers: formats, determinism, valid codes, and the planted ground truth."""

from __future__ import annotations

import datetime as dt
import filecmp
import zipfile

import networkx as nx
import pytest

from gongjian import schema
from gongjian.demo import DEMO_AS_OF, write_demo
from gongjian.loaders.tables import TABLES
from gongjian.synth.names import is_valid_uscc

from .conftest import active_layer


def test_files_and_formats(demo_dir, truth):
    names = {p.name for p in demo_dir.iterdir()}
    assert names == {"ground_truth.json", *truth["files"].values()}
    suffixes = {p.suffix for p in demo_dir.iterdir()}
    assert {".csv", ".xlsx"} <= suffixes
    for p in demo_dir.glob("*.xlsx"):
        assert zipfile.is_zipfile(p)
    gbk = (demo_dir / "两新组织.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert gbk.decode("gbk").startswith("统一社会信用代码,")
    assert (demo_dir / "共建关系.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_headers_are_the_spec(raw):
    for table, df in raw.items():
        assert list(df.columns) == [c.zh for c in TABLES[table].columns], table


def test_same_seed_same_bytes(tmp_path, demo_dir):
    again = write_demo(tmp_path / "again")
    for p in demo_dir.iterdir():
        assert filecmp.cmp(p, again / p.name, shallow=False), p.name
    other = write_demo(tmp_path / "other", seed=1)
    assert not filecmp.cmp(demo_dir / "共建关系.csv", other / "共建关系.csv", shallow=False)


def test_values_are_accepted_spellings(raw):
    orgs, rel, firms = raw["party_orgs"], raw["relations"], raw["organizations"]
    assert all(schema.canonical(schema.PARTY_KIND_ALIASES, v) for v in orgs["组织类别"])
    assert all(schema.canonical(schema.RELATION_TYPE_ALIASES, v) for v in rel["关系类型"])
    assert all(schema.canonical(schema.COVERAGE_ALIASES, v) for v in firms["覆盖方式"] if v)
    assert orgs["组织编码"].is_unique and orgs["组织名称"].is_unique
    kinds = {schema.canonical(schema.PARTY_KIND_ALIASES, v) for v in orgs["组织类别"]}
    assert kinds == set(schema.PARTY_KINDS)
    types = {schema.canonical(schema.RELATION_TYPE_ALIASES, v) for v in rel["关系类型"]}
    assert types == set(schema.RELATION_TYPES)
    assert 600 <= len(orgs) <= 1000
    assert set(orgs["状态"]) == {"正常", "软弱涣散", "已撤销"}
    # every relation end given by id or by a name of the ledger
    ids, names = set(orgs["组织编码"]), set(orgs["组织名称"])
    for col_id, col_name in (("甲方编码", "甲方名称"), ("乙方编码", "乙方名称")):
        assert all((i in ids) if i else (n in names) for i, n in zip(rel[col_id], rel[col_name],
                                                                    strict=True))
    assert (rel["乙方编码"] == "").sum() > 0  # some ends by name, as the spec allows


def test_real_divisions_and_business_district(raw):
    regions = raw["regions"]
    assert set(regions.loc[regions["层级"] == "区", "名称"]) == {"玄武区", "秦淮区", "鼓楼区"}
    assert "320102003" in set(regions["区划代码"])  # 新街口街道
    streets = set(regions.loc[regions["层级"] == "街道", "名称"])
    orgs = raw["party_orgs"]
    street_orgs = orgs[orgs["组织类别"] == "街道党工委"]
    assert set(street_orgs["所属街道"]) == streets
    communities = regions[regions["层级"] == "社区"]
    community_orgs = orgs[orgs["组织类别"].str.startswith("社区")]
    assert len(community_orgs) == len(communities)
    xjk = raw["sites"].set_index("名称").loc["新街口商圈"]
    assert xjk["所属区"] == "玄武区、秦淮区、鼓楼区"


def test_usccs_valid_and_unique(raw):
    codes = raw["organizations"]["统一社会信用代码"]
    assert codes.is_unique
    assert all(is_valid_uscc(c) for c in codes)


def test_dates_keep_the_demo_correct_any_day(raw, truth):
    rel = raw["relations"]
    ends = [dt.date.fromisoformat(e) for e in rel["结束日期"] if e]
    past = [e for e in ends if e < DEMO_AS_OF]
    assert past == [dt.date.fromisoformat(truth["expired_agreement"]["end"])]
    assert all(e.year >= 2035 for e in ends if e not in past)
    assert all(dt.date.fromisoformat(s) <= DEMO_AS_OF for s in rel["开始日期"] if s)


def test_planted_isolates_have_no_ties(raw, truth, layer):
    rel = raw["relations"]
    named = set(rel["甲方编码"]) | set(rel["乙方编码"])
    orgs = raw["party_orgs"].set_index("组织编码")
    for oid in truth["isolated"]:
        assert oid not in named and orgs.loc[oid, "组织名称"] not in set(rel["乙方名称"])
    isolates = set(nx.isolates(layer))
    assert isolates == set(truth["islands_as_of"])


def test_expired_agreement_is_the_only_tie_of_its_unit(raw, truth):
    exp = truth["expired_agreement"]
    before = active_layer(raw, dt.date(2024, 1, 1))
    after = active_layer(raw, DEMO_AS_OF)
    assert list(before.neighbors(exp["source_id"])) == [exp["target_id"]]
    assert after.degree(exp["source_id"]) == 0


def test_only_planted_groups_are_cut_off_from_the_axis(raw, truth, layer):
    orgs = raw["party_orgs"].set_index("组织编码")
    axis = {i for i in layer if schema.canonical(schema.PARTY_KIND_ALIASES,
                                                 orgs.loc[i, "组织类别"]) in schema.AXIS_KINDS}
    cut_off = [c for c in nx.connected_components(layer) if not c & axis]
    groups = sorted(sorted(c) for c in cut_off if len(c) > 1)
    assert groups == [truth["detached_group"]]
    singles = {next(iter(c)) for c in cut_off if len(c) == 1}
    assert singles == set(truth["islands_as_of"])


def test_articulation_unit_cuts_off_the_known_set(truth, layer, raw):
    art = truth["articulation"]
    assert art["id"] in set(nx.articulation_points(layer))
    main = max(nx.connected_components(layer), key=len)
    g = layer.subgraph(main).copy()
    g.remove_node(art["id"])
    pieces = sorted(nx.connected_components(g), key=len)
    assert len(pieces) == 2 and sorted(pieces[0]) == art["cut_off"]
    orgs = raw["party_orgs"].set_index("组织编码")
    unit_spellings = {"单位党组织", *schema.PARTY_KINDS["unit"].aliases}
    units = {i for i in nx.articulation_points(layer) if orgs.loc[i, "组织类别"] in unit_spellings}
    assert units == {art["id"]}


def test_cross_district_cluster_is_dense_and_crosses(truth, layer, raw):
    ids = truth["cross_district_cluster"]["ids"]
    sub = layer.subgraph(ids)
    assert nx.density(sub) == 1.0
    districts = set(raw["party_orgs"].set_index("组织编码").loc[ids, "所属区"])
    assert districts == set(truth["cross_district_cluster"]["districts"])


def test_uncovered_firms(raw, truth):
    firms = raw["organizations"].set_index("统一社会信用代码")
    unc = truth["uncovered"]
    none = firms[(firms["覆盖方式"] == "") & (firms["覆盖党组织编码"] == "")]
    planted = {*unc["own_branch"], *unc["no_members"], *unc["joint_branch"]["usccs"]}
    assert set(none.index) == planted
    assert firms.loc[unc["own_branch"][0], "党员数"] == "5"
    assert (firms.loc[unc["no_members"], "党员数"] == "0").all()
    small = firms.loc[unc["joint_branch"]["usccs"]]
    members = small["党员数"].astype(int)
    assert len(small) == 4 and members.between(1, 2).all() and members.sum() >= 3
    assert set(small["所在楼宇园区"]) == {unc["joint_branch"]["site"]}
    # every firm with 3+ members outside the plan has its own or a host organization
    covered = firms.drop(index=list(planted))
    many = covered[covered["党员数"].astype(int) >= 3]
    assert set(many["覆盖方式"]) <= {"单独组建", "联合组建", "依托组建"}


def test_counts_match_the_files(raw, truth):
    counts = truth["counts"]
    assert counts["party_orgs"] == len(raw["party_orgs"])
    assert counts["relations"] == len(raw["relations"])
    assert counts["organizations"] == len(raw["organizations"])
    assert counts["sites"] == len(raw["sites"])
    assert counts["regions"] == len(raw["regions"])
    assert sum(counts["party_orgs_by_kind"].values()) == counts["party_orgs"]
