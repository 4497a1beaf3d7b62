"""The demo through the real loaders and graph: zero errors, and the planted structures show."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

from gongjian import schema
from gongjian.cli import app
from gongjian.demo import DEMO_AS_OF, run_demo
from gongjian.graph import io
from gongjian.graph.build import build
from gongjian.loaders import read_ledger


@pytest.fixture(scope="module")
def ledger(demo_dir):
    return read_ledger(demo_dir)


@pytest.fixture(scope="module")
def kg(ledger):
    return build(ledger)


def test_reads_with_zero_errors(ledger, truth):
    assert ledger.errors == []
    # the only warning: the planted firm with 5 members and no Party organization
    assert [p.value for p in ledger.warnings] == ["5"]
    assert len(ledger.party_orgs) == truth["counts"]["party_orgs"]
    assert len(ledger.relations) == truth["counts"]["relations"]
    assert len(ledger.organizations) == truth["counts"]["organizations"]
    assert len(ledger.sites) == truth["counts"]["sites"]
    assert len(ledger.regions) == truth["counts"]["regions"]


def test_layer_isolates_are_exactly_the_planted_ones(kg, truth):
    layer = kg.co_building_layer(DEMO_AS_OF)
    assert set(nx.isolates(layer)) == set(truth["islands_as_of"])
    exp = truth["expired_agreement"]
    before = kg.co_building_layer("2024-06-01")  # the agreement still ran then
    assert list(before.neighbors(exp["source_id"])) == [exp["target_id"]]
    assert truth["dissolved"][0] not in layer


def test_layer_shows_detached_group_and_bridge(kg, truth):
    layer = kg.co_building_layer(DEMO_AS_OF)
    kinds = nx.get_node_attributes(layer, "kind")
    cut_off = [c for c in nx.connected_components(layer)
               if len(c) > 1 and not any(kinds[n] in schema.AXIS_KINDS for n in c)]
    assert [sorted(c) for c in cut_off] == [truth["detached_group"]]
    articulation = set(nx.articulation_points(layer))
    assert truth["articulation"]["id"] in articulation
    assert {n for n in articulation if kinds[n] == "unit"} == {truth["articulation"]["id"]}
    sub = layer.subgraph(truth["cross_district_cluster"]["ids"])
    assert nx.density(sub) == 1.0
    assert {layer.nodes[n]["district"] for n in sub} == {"秦淮区", "鼓楼区"}


def test_business_district_spans_three_districts(kg):
    site = kg.sites.set_index("name").loc["新街口商圈"]
    assert sorted(site["district"]) == ["玄武区", "秦淮区", "鼓楼区"]


def test_uncovered_firms_in_graph(kg, truth):
    orgs = kg.organizations.set_index("uscc")
    none = set(orgs.index[orgs["coverage"] == "none"])
    unc = truth["uncovered"]
    assert none == {*unc["own_branch"], *unc["no_members"], *unc["joint_branch"]["usccs"]}


def test_run_demo_builds_and_saves(tmp_path, truth):
    result = run_demo(tmp_path / "d", lang="en")
    assert result.errors == 0 and result.warnings == 1
    assert result.graph_path.is_file()
    loaded = io.load(result.graph_path)
    assert len(loaded.party_orgs) == truth["counts"]["party_orgs"]
    text = "\n".join(result.lines("en"))
    assert "graph file" in text and str(result.graph_path) in text
    assert result.truth["islands_as_of"] == truth["islands_as_of"]


def test_run_demo_writes_the_analyses_pages_and_report(tmp_path, truth):
    """The demo's spreadsheets list the planted islands; pages and report are written."""
    result = run_demo(tmp_path / "d")
    assert set(result.outputs) == {"problems", "analyses", "page", "pages", "report"}
    assert result.outputs["analyses"].name == "分析结果.xlsx"
    islands = pd.read_excel(result.outputs["analyses"], sheet_name="党建孤岛", dtype=str,
                            engine="openpyxl")
    isolated = set(islands.loc[islands["孤岛类型"] == "无共建关系", "组织编码"])
    assert isolated == set(truth["islands_as_of"])
    assert result.outputs["page"].name == "网络.html"
    district_pages = sorted(p.name for p in result.outputs["pages"].parent.glob("*.html"))
    assert len(district_pages) == 4  # three districts and the index
    report = result.outputs["report"].read_text("utf-8")
    assert "区域化党建共建分析报告" in report
    for island in truth["islands_as_of"]:
        assert island in report
    assert any(str(p) in "\n".join(result.lines()) for p in result.outputs.values())


def test_demo_command(tmp_path):
    runner = CliRunner()
    out = runner.invoke(app, ["demo", str(tmp_path / "演示"), "--seed", "2024"])
    assert out.exit_code == 0, out.output
    assert "错误 0 个" in out.output
    assert (tmp_path / "演示" / "图谱.gjg").is_file()
    help_ = runner.invoke(app, ["demo", "--help"])
    assert help_.exit_code == 0 and "Example" in help_.output


def test_islands_analysis_finds_exactly_the_planted_ones(kg, truth):
    from gongjian.queries.islands import islands

    found = islands(kg, as_of=DEMO_AS_OF)
    isolated = set(found.loc[found["reason"] == "isolated", "id"])
    detached = found[found["reason"] == "detached"]
    assert isolated == set(truth["islands_as_of"])
    assert sorted(detached["id"]) == truth["detached_group"]
    assert detached["group"].nunique() == 1


def test_demo_refuses_a_folder_with_other_ledgers(tmp_path):
    (tmp_path / "party_orgs.csv").write_text("id,name\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["demo", str(tmp_path)])
    assert out.exit_code == 1 and "party_orgs.csv" in out.output


def test_analyses_recover_the_planted_bridge_cluster_and_plan(kg, truth):
    from gongjian.queries.bridges import bridges
    from gongjian.queries.clusters import clusters
    from gongjian.queries.coverage import coverage_list

    found = bridges(kg, as_of=DEMO_AS_OF)
    units = found[(found["kind"] == "unit") & found["articulation"]]
    assert units["id"].tolist() == [truth["articulation"]["id"]]
    assert units["cut_off"].tolist() == [len(truth["articulation"]["cut_off"])]

    planted = set(truth["cross_district_cluster"]["ids"])
    crossing = clusters(kg, as_of=DEMO_AS_OF)
    best = max(crossing.itertuples(), key=lambda r: len(planted & set(r.members)))
    assert planted <= set(best.members)
    assert sorted(best.districts) == sorted(truth["cross_district_cluster"]["districts"])

    plan = coverage_list(kg).set_index("uscc")["plan"]
    unc = truth["uncovered"]
    assert plan.dropna().to_dict() == {
        **dict.fromkeys(unc["own_branch"], "own_branch"),
        **dict.fromkeys(unc["no_members"], "instructor"),
        **dict.fromkeys(unc["joint_branch"]["usccs"], "joint_branch")}
