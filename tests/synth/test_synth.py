"""Synthetic ledgers: spec format on the real divisions shipped with the package, valid codes,
unknown regions and divisions folders as errors, the CLI, an installed wheel."""

from __future__ import annotations

import filecmp
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gongjian.cli import app
from gongjian.errors import GongjianError
from gongjian.loaders import read_ledger
from gongjian.loaders.tables import TABLES
from gongjian.synth.divisions import PACKAGED, find_divisions
from gongjian.synth.generate import synthesize
from gongjian.synth.lists import LIST_FILES
from gongjian.synth.names import is_valid_uscc


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> dict:
    return synthesize(tmp_path_factory.mktemp("synth"), scale="district", seed=3)


def _read(info, table) -> pd.DataFrame:
    return pd.read_csv(info["files"][table], dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")


def test_district_scale_on_real_divisions(district):
    assert district["divisions"] == find_divisions() and district["region"] == "玄武区"
    counts = district["counts"]
    assert 1_700 <= counts["party_orgs"] <= 2_300
    regions = _read(district, "regions")
    assert "新街口街道" in set(regions["名称"]) and "320102003" in set(regions["区划代码"])
    for table in TABLES:
        df = _read(district, table)
        expected = [c.zh for c in TABLES[table].columns]
        if table in LIST_FILES:  # the lists give every end by id: the name columns are left out
            expected = [h for h in expected if h in set(df.columns)]
            assert {c.zh for c in TABLES[table].columns if c.required} <= set(df.columns)
        assert list(df.columns) == expected, table
        assert len(df) == counts[table]


def test_district_scale_codes_and_references(district):
    orgs, rel = _read(district, "party_orgs"), _read(district, "relations")
    firms, sites = _read(district, "organizations"), _read(district, "sites")
    assert orgs["组织编码"].is_unique and sites["名称"].is_unique
    assert firms["统一社会信用代码"].is_unique
    assert all(is_valid_uscc(c) for c in firms["统一社会信用代码"])
    ids = set(orgs["组织编码"])
    assert rel["甲方编码"].isin(ids).all() and rel["乙方编码"].isin(ids).all()
    covering = firms["覆盖党组织编码"][firms["覆盖党组织编码"] != ""]
    assert covering.isin(ids).all()
    assert set(rel["关系类型"]) == {"共建协议", "结对共建", "双报到", "兼职委员", "联席会议"}
    ends = pd.to_datetime(rel["结束日期"][rel["结束日期"] != ""])
    assert (ends < "2025-01-01").any() and (ends > "2026-01-01").any()  # some expired


def test_district_scale_reads_with_zero_errors(district):
    ledger = read_ledger(district["folder"])
    assert ledger.errors == []
    assert len(ledger.party_orgs) == district["counts"]["party_orgs"]
    assert len(ledger.relations) == district["counts"]["relations"]


def test_same_seed_same_files(tmp_path, district):
    again = synthesize(tmp_path, scale="district", seed=3)
    for key, path in district["files"].items():
        assert filecmp.cmp(path, again["files"][key], shallow=False), key


def test_xlsx_format(tmp_path):
    info = synthesize(tmp_path, scale="district", fmt="xlsx", limit=1, seed=2)
    assert {p.suffix for p in info["files"].values()} == {".xlsx"}
    ledger = read_ledger(tmp_path)
    assert ledger.errors == []
    assert len(ledger.organizations) == info["counts"]["organizations"]
    projects = pd.read_excel(tmp_path / "项目清单.xlsx", sheet_name="项目清单", dtype=str)
    assert list(projects.columns)[:3] == ["项目编号", "项目名称", "牵头组织编码"]
    assert len(projects) == info["counts"]["projects"] > 10
    with pytest.raises(GongjianError, match="Excel"):
        synthesize(tmp_path / "big", scale="province", fmt="xlsx")
    with pytest.raises(GongjianError, match=r"党组织\.xlsx"):  # no CSV beside the Excel files
        synthesize(tmp_path, scale="district", fmt="csv")


def test_divisions_travel_with_the_package_and_can_be_overridden(tmp_path, monkeypatch):
    monkeypatch.delenv("GONGJIAN_DIVISIONS", raising=False)
    assert find_divisions() == PACKAGED
    assert (PACKAGED / "LICENSE").is_file() and (PACKAGED / "README.md").is_file()
    other = tmp_path / "other"
    other.mkdir()
    for path in PACKAGED.glob("*.csv.gz"):
        (other / path.name).symlink_to(path)
    monkeypatch.setenv("GONGJIAN_DIVISIONS", str(other))
    assert find_divisions() == other
    assert find_divisions(PACKAGED) == PACKAGED  # --divisions wins over the variable
    monkeypatch.setenv("GONGJIAN_DIVISIONS", str(tmp_path / "nowhere"))
    with pytest.raises(GongjianError, match="GONGJIAN_DIVISIONS"):
        synthesize(tmp_path / "out", scale="district")  # no made-up places instead
    assert not (tmp_path / "out").exists()


def test_bad_divisions_folder_and_region(tmp_path):
    with pytest.raises(GongjianError, match=r"villages\.csv\.gz"):
        synthesize(tmp_path, scale="district", divisions=tmp_path)
    with pytest.raises(GongjianError, match="南京市鼓楼区"):
        synthesize(tmp_path, scale="district", region="鼓楼区")
    for scale in ("district", "city", "province", "nation"):
        with pytest.raises(GongjianError, match="找不到区划「不存在市」"):
            synthesize(tmp_path, scale=scale, region="不存在市")
    with pytest.raises(GongjianError, match=r"相近的有：.*南京市"):
        synthesize(tmp_path, scale="district", region="南京")
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_city_scale_is_streamed_with_limit(tmp_path):
    info = synthesize(tmp_path, scale="city", region="南京市", limit=2)
    n = info["counts"]
    # two districts of 南京市 with their share of the city's totals
    assert 5_000 < n["party_orgs"] < 50_000
    assert 8 < n["organizations"] / n["party_orgs"] < 13
    assert 4 < n["relations"] / n["party_orgs"] < 6
    # the lists in the city's proportions (≈ 50k needs, 150k resources, 30k projects and
    # 300k activities for 100k organizations and 500k ties)
    assert 0.4 < n["needs"] / n["party_orgs"] < 0.6
    assert 1.3 < n["resources"] / n["party_orgs"] < 1.7
    assert 0.5 < n["projects"] / n["needs"] < 0.7
    assert 0.5 < n["activities"] / n["relations"] < 0.7
    orgs = _read(info, "party_orgs").set_index("组织编码")["所属区"]
    rel = _read(info, "relations")
    across = orgs.loc[rel["甲方编码"]].to_numpy() != orgs.loc[rel["乙方编码"]].to_numpy()
    assert 0.002 < across.mean() < 0.05  # ties across the district border, not a token one


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> dict:
    """玄武, 秦淮 and 建邺 at district scale: the smallest ledger with district borders."""
    return synthesize(tmp_path_factory.mktemp("three"), scale="district", region="南京市",
                      limit=3, seed=3)


def _ends(info: dict, column: str) -> tuple[np.ndarray, np.ndarray]:
    """The ``column`` of the 党组织 rows at both ends of every relation."""
    orgs = _read(info, "party_orgs").set_index("组织编码")[column]
    rel = _read(info, "relations")
    return orgs.loc[rel["甲方编码"]].to_numpy(), orgs.loc[rel["乙方编码"]].to_numpy()


def test_ties_cross_every_district_border(three):
    assert read_ledger(three["folder"]).errors == []  # every end is a 党组织 of the file
    a, b = _ends(three, "所属区")
    across = a != b
    assert 0.01 < across.mean() < 0.15
    borders = {frozenset(pair) for pair in zip(a[across], b[across], strict=True)}
    assert borders == {frozenset(pair) for pair in
                       (("玄武区", "秦淮区"), ("玄武区", "建邺区"), ("秦淮区", "建邺区"))}
    # 毗邻党建: several pairs of streets meet on each border
    ka, kb = _ends(three, "组织类别")
    streets = across & (ka == "街道党工委") & (kb == "街道党工委")
    per_border = pd.Series([frozenset(p) for p in zip(a[streets], b[streets], strict=True)])
    assert (per_border.value_counts() >= 2).all() and per_border.nunique() == 3
    assert (across & (ka != "街道党工委") & (kb != "街道党工委")).sum() >= 10


def test_shared_sites_and_city_committees(three):
    sites, firms = _read(three, "sites"), _read(three, "organizations")
    shared = sites[sites["所属区"].str.contains("、")]
    assert len(shared) >= 1
    assert (shared["所属区"].str.count("、") == shared["所属街道"].str.count("、")).all()
    at = firms[firms["所在楼宇园区"].isin(shared["名称"])]
    assert at["所属区"].nunique() >= 2  # 两新组织 of several districts in one business district
    orgs, rel = _read(three, "party_orgs"), _read(three, "relations")
    city = orgs[orgs["组织名称"].str.match(r"南京市.+系统党委")]
    assert len(city) >= 1
    district = orgs.set_index("组织编码")["所属区"]
    partners = pd.concat([rel["乙方编码"][rel["甲方编码"].isin(city["组织编码"])],
                          rel["甲方编码"][rel["乙方编码"].isin(city["组织编码"])]])
    assert district.loc[partners].nunique() == 3


def test_clusters_cross_district_borders(three):
    from gongjian.graph.build import build
    from gongjian.queries import clusters

    found = clusters(build(read_ledger(three["folder"])), as_of="2025-06-30")
    assert len(found) >= 1
    assert (found["districts"].map(len) >= 2).all()
    assert (found["cross_district_ties"] > 0).all()


def test_same_seed_same_files_across_districts(tmp_path, three):
    again = synthesize(tmp_path, scale="district", region="南京市", limit=3, seed=3)
    for key, path in three["files"].items():
        assert filecmp.cmp(path, again["files"][key], shallow=False), key


def test_islands_and_cut_off_groups_are_planted(district):
    import networkx as nx

    from gongjian.graph.build import build

    kg = build(read_ledger(district["folder"]))
    layer = kg.co_building_layer("2025-06-30")
    kinds = nx.get_node_attributes(layer, "kind")
    isolated = [n for n in nx.isolates(layer) if kinds[n] == "unit"]
    assert len(isolated) >= 5
    cut_off = [c for c in nx.connected_components(layer)
               if len(c) > 1 and not any(kinds[n] in ("street", "community") for n in c)]
    assert cut_off and all(len(c) == 3 for c in cut_off)
    biggest = max(nx.connected_components(layer), key=len)
    assert len(biggest) > 0.95 * layer.number_of_nodes()


def test_synth_command(tmp_path):
    out = CliRunner().invoke(app, ["synth", "--scale", "district", "-o", str(tmp_path / "s"),
                                   "--seed", "1", "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "Party organizations" in out.output and "activities" in out.output
    assert (Path(tmp_path) / "s" / "党组织.csv").is_file()
    assert (Path(tmp_path) / "s" / "活动记录.csv").is_file()
    bare = CliRunner().invoke(app, ["synth", "--scale", "district", "-o", str(tmp_path / "b"),
                                    "--seed", "1", "--no-lists"])
    assert bare.exit_code == 0, bare.output
    assert sorted(p.stem for p in (tmp_path / "b").iterdir()) == sorted(
        ["党组织", "共建关系", "两新组织", "楼宇园区", "区域"])
    for stem in ("党组织", "共建关系", "两新组织"):  # the lists are drawn last
        assert filecmp.cmp(tmp_path / "s" / f"{stem}.csv", tmp_path / "b" / f"{stem}.csv",
                           shallow=False)
    for scale in ("district", "city"):
        bad = CliRunner().invoke(app, ["synth", "--scale", scale, "-o", str(tmp_path / "x"),
                                       "--region", "不存在市"])
        assert bad.exit_code == 1 and "找不到区划「不存在市」" in bad.output
        assert "Traceback" not in bad.output and not (tmp_path / "x").exists()


def test_usccs_vectorized_match_scalar_check():
    from gongjian.synth.names import uscc_check, usccs

    codes = usccs(np.random.default_rng(5), np.array(["320102"] * 500),
                  social=np.arange(500) % 3 == 0, trader=np.arange(500) % 3 == 1)
    assert all(uscc_check(c[:17]) == c[17] for c in codes)
    assert {c[:2] for c in codes} == {"91", "92", "51", "52"}


@pytest.mark.parametrize("communities", [0, 1])
def test_tiny_batches_and_districts_without_communities(tmp_path, communities):
    """Many districts with a handful of rows each (as at nation scale): no empty-array trouble."""
    from gongjian.synth import generate as synth
    from gongjian.synth.divisions import synthetic_skeleton
    from gongjian.synth.lists import HEADERS, LIST_FILES
    from gongjian.synth.writer import TableSink

    skeleton = synthetic_skeleton(districts=6, streets=2, communities=communities)
    sink = TableSink(tmp_path, "csv", {**synth.FILES, **LIST_FILES}, extra=HEADERS)
    counts = synth.stream(sink, skeleton, synth.Target(60, 40, 80), 0, with_lists=True)
    sink.close()
    assert counts["regions"] == 6 * (1 + 2 + 2 * communities)
    ledger = read_ledger(tmp_path)
    assert ledger.errors == []
    assert len(ledger.party_orgs) == counts["party_orgs"]
    ids = set(ledger.party_orgs["id"])
    info = {"folder": tmp_path}
    assert counts["needs"] > 0 and counts["activities"] > 0
    assert _list(info, "需求清单")["提出组织编码"].isin(ids).all()
    assert _list(info, "活动记录")["参与组织"].str.split("、").explode().isin(ids).all()


# --- the three lists and the activity record (spec: 三张清单与活动记录) -------------------

#: The spec's headers, written out here on purpose (not taken from the generator).
LIST_HEADERS = {
    "需求清单": ["需求编号", "提出组织编码", "类别", "需求内容", "提出日期", "状态"],
    "资源清单": ["资源编号", "提供组织编码", "类别", "资源内容", "数量", "服务范围", "有效期至"],
    "项目清单": ["项目编号", "项目名称", "牵头组织编码", "参与组织", "对应需求", "使用资源",
             "开始日期", "结束日期", "状态"],
    "活动记录": ["活动日期", "活动名称", "活动类型", "参与组织", "项目编号", "参与人数"],
}
CATEGORIES = {"场地", "活动场地", "阵地", "资金", "经费", "人才", "专业人才", "志愿服务",
              "志愿者", "专业服务", "法律服务", "医疗服务", "技术服务", "物资", "就业", "岗位",
              "文化", "文体", "其他"}


def _list(info: dict, stem: str) -> pd.DataFrame:
    return pd.read_csv(Path(info["folder"]) / f"{stem}.csv", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")


def _split(cells: pd.Series) -> pd.Series:
    """Every id named in cells of 、-separated ids (empty cells name none)."""
    return cells[cells != ""].str.split("、").explode()


def _is_date(cells: pd.Series) -> bool:
    cells = cells[cells != ""]
    return bool(cells.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
                and pd.to_datetime(cells, format="%Y-%m-%d", errors="coerce").notna().all())


def test_lists_have_the_spec_headers_values_and_dates(district):
    counts = district["counts"]
    for stem, columns in LIST_HEADERS.items():
        df = _list(district, stem)
        assert list(df.columns) == columns, stem
        assert len(df) > 100
    needs, resources = _list(district, "需求清单"), _list(district, "资源清单")
    projects, acts = _list(district, "项目清单"), _list(district, "活动记录")
    assert len(needs) == counts["needs"] and len(acts) == counts["activities"]
    for df, column in ((needs, "需求编号"), (resources, "资源编号"), (projects, "项目编号")):
        assert df[column].is_unique and (df[column] != "").all()
    assert set(needs["类别"]) <= CATEGORIES and set(resources["类别"]) <= CATEGORIES
    assert len(set(needs["类别"])) >= 9  # every category, several spellings
    assert set(needs["状态"]) <= {"待认领", "已认领", "已完成", "已关闭", ""}
    assert set(resources["服务范围"]) <= {"本社区", "本街道", "本区", "全市", ""}
    assert set(projects["状态"]) == {"计划", "实施中", "已完成", "已终止"}
    assert set(acts["活动类型"]) == {"联席会议", "共建活动", "志愿服务", "报到服务", "其他"}
    quantity = pd.to_numeric(resources["数量"][resources["数量"] != ""])
    attendees = pd.to_numeric(acts["参与人数"][acts["参与人数"] != ""])
    assert (quantity >= 0).all() and (attendees >= 0).all()
    assert (attendees == attendees.round()).all()
    for df, column in ((needs, "提出日期"), (resources, "有效期至"), (projects, "开始日期"),
                       (projects, "结束日期"), (acts, "活动日期")):
        assert _is_date(df[column]), column
    assert (acts["活动日期"] <= "2025-06-30").all()


def test_lists_refer_to_ids_of_the_ledger(district):
    ids = set(_read(district, "party_orgs")["组织编码"])
    needs, resources = _list(district, "需求清单"), _list(district, "资源清单")
    projects, acts = _list(district, "项目清单"), _list(district, "活动记录")
    assert needs["提出组织编码"].isin(ids).all()
    assert resources["提供组织编码"].isin(ids).all()
    assert projects["牵头组织编码"].isin(ids).all()
    assert _split(projects["参与组织"]).isin(ids).all()
    assert (projects["参与组织"] != "").all()
    assert _split(projects["对应需求"]).isin(set(needs["需求编号"])).all()
    assert _split(projects["使用资源"]).isin(set(resources["资源编号"])).all()
    people = acts["参与组织"].str.split("、")
    assert people.map(lambda p: len(set(p)) >= 2).all()
    assert people.explode().isin(ids).all()
    assert acts["项目编号"][acts["项目编号"] != ""].isin(set(projects["项目编号"])).all()
    # a project's activities fall between its start and its end
    on = acts[acts["项目编号"] != ""].merge(projects, left_on="项目编号", right_on="项目编号")
    assert len(on) > 100 and (on["活动日期"] >= on["开始日期"]).all()
    ended = on[on["结束日期"] != ""]
    assert (ended["活动日期"] <= ended["结束日期"]).all()


def test_lists_in_realistic_proportions(district):
    orgs = _read(district, "party_orgs")
    needs, resources = _list(district, "需求清单"), _list(district, "资源清单")
    projects, acts = _list(district, "项目清单"), _list(district, "活动记录")
    rel = _read(district, "relations")
    # every community raises a few needs a year (2018 to mid-2025)
    communities = orgs["组织编码"][orgs["组织类别"].str.startswith("社区")]
    per = needs["提出组织编码"].value_counts().reindex(communities, fill_value=0)
    assert (per > 0).mean() > 0.95 and 1 < per.median() / 7.5 < 6
    # most resident units offer one to three resources
    unit_kinds = ["机关党组织", "事业单位党组织", "国有企业党组织"]
    units = orgs["组织编码"][orgs["组织类别"].isin(unit_kinds)]
    offered = resources["提供组织编码"].value_counts()
    assert 0.8 < units.isin(offered.index).mean() < 0.95 and offered.max() <= 3
    # a bit over half of the needs answered by projects; the answer gives the need's status
    answered = set(_split(projects["对应需求"]))
    assert 0.5 < len(answered) / len(needs) < 0.62
    assert 0.5 < len(projects) / len(needs) < 0.7
    done = _split(projects["对应需求"][projects["状态"] == "已完成"])
    assert (needs.set_index("需求编号").loc[done, "状态"] == "已完成").all()
    assert (needs["状态"][~needs["需求编号"].isin(answered)] != "已完成").all()
    # activities for most but not all ties
    pairs = {frozenset(p) for people in acts["参与组织"].str.split("、")
             for p in zip(people[:1] * (len(people) - 1), people[1:], strict=True)}
    ties = [frozenset(p) for p in zip(rel["甲方编码"], rel["乙方编码"], strict=True)]
    evidenced = np.mean([t in pairs for t in ties])
    assert 0.7 < evidenced < 0.95
    assert 0.45 < len(acts) / len(rel) < 0.75
    assert 2.5 < len(resources) / len(needs) < 3.5
