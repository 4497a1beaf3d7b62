"""``gongjian analyze``: the whole job in one process, on real ledgers, into real files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import gongjian
from gongjian import schema
from gongjian.analyze import SHEETS, analyze
from gongjian.cli import app
from tests.change.conftest import AS_OF, EXPECTED

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ledger"
runner = CliRunner()


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    return analyze(EXAMPLE, tmp_path_factory.mktemp("结果"), as_of=AS_OF)


def test_writes_every_file(example_run):
    files = example_run.files
    assert list(files) == ["problems", "graph", "analyses", "report", "page", "pages"]
    assert [files[k].name for k in ("problems", "graph", "analyses", "report", "page")] == [
        "问题清单.xlsx", "图谱.gjg", "分析结果.xlsx", "分析报告.html", "网络.html"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in files.values())


def test_graph_file_is_the_ledger_built(example_run):
    saved = gongjian.load(example_run.files["graph"])
    assert saved.counts() == gongjian.load(EXAMPLE).counts()


def test_problem_list_lists_the_ledger_problems(example_run):
    problems = gongjian.check(EXAMPLE)
    sheet = pd.read_excel(example_run.files["problems"], dtype=str, engine="openpyxl")
    assert len(sheet) == len(problems)
    assert example_run.errors + example_run.warnings == len(problems)


def test_workbook_has_a_sheet_per_analysis_with_chinese_headers(example_run):
    wb = openpyxl.load_workbook(example_run.files["analyses"], read_only=True)
    assert wb.sheetnames == [zh for key, zh, _ in SHEETS if key != "diff"]
    islands = pd.read_excel(example_run.files["analyses"], sheet_name="党建孤岛", dtype=str)
    assert {"组织编码", "孤岛类型", "建议共建对象"} <= set(islands.columns)
    kg = gongjian.load(EXAMPLE)
    expected = gongjian.islands(kg, as_of=AS_OF)
    assert islands["组织编码"].tolist() == expected["id"].tolist()
    assert set(islands["孤岛类型"]) <= {t.zh for t in schema.ISLAND_REASONS.values()}
    overview = pd.read_excel(example_run.files["analyses"], sheet_name="概览", dtype=str)
    assert overview["区"].iloc[-1] == "合计"
    plan = pd.read_excel(example_run.files["analyses"], sheet_name="覆盖组建建议", dtype=str)
    assert len(plan) == len(gongjian.coverage_plan(kg))


def test_report_and_pages(example_run):
    report = example_run.files["report"].read_text("utf-8")
    assert "<html" in report and AS_OF in report
    index = example_run.files["pages"]
    assert index.name == "index.html" and index.parent.name == "各区"
    kg = gongjian.load(EXAMPLE)
    districts = kg.party_orgs.loc[kg.co_building_arrays(AS_OF).rows, "district"].nunique()
    assert len(list(index.parent.glob("*.html"))) == districts + 1


def test_large_networks_are_split_by_street(tmp_path):
    result = analyze(EXAMPLE, tmp_path, as_of=AS_OF, max_nodes=5)
    index = result.files["pages"]
    assert index.parent.name == "各街道"
    kg = gongjian.load(EXAMPLE)
    layer = kg.party_orgs.loc[kg.co_building_arrays(AS_OF).rows]
    streets = layer[["district", "street"]].astype(str).drop_duplicates()
    assert len(list(index.parent.glob("*.html"))) == len(streets) + 1


def test_compare_adds_the_changes_sheet(ledgers, tmp_path):
    old, new = ledgers
    result = analyze(new, tmp_path / "out", as_of=AS_OF, compare=old)
    assert {(c, i) for c, i in zip(result.changes["change"], result.changes["id"],
                                   strict=True)} == EXPECTED
    sheet = pd.read_excel(result.files["analyses"], sheet_name="变化", dtype=str)
    assert list(sheet.columns) == ["变化", "编码", "名称", "所属区", "说明"]
    assert set(zip(sheet["变化"], sheet["编码"], strict=True)) == {
        (schema.CHANGES[c].zh, i) for c, i in EXPECTED}
    # the report has the 变化 section with a list per kind planted; the page marks the new
    report = result.files["report"].read_text(encoding="utf-8")
    section = report[report.index('<section id="changes">'):report.index('<section id="charts">')]
    kinds = set(re.findall(r'data-change="(\w+)"', section))
    assert kinds == {c for c, _ in EXPECTED}
    assert "N1党组织" in section and "U3党组织" in section
    html = result.files["page"].read_text(encoding="utf-8")
    model = json.loads(re.search(r'id="gj-data">(.*?)</script>', html, re.S).group(1))
    new = {i for i, f in zip(model["n"]["id"], model["nw"], strict=True) if f}
    assert new == {i for c, i in EXPECTED if c in ("org_new", "island_new")}


def test_from_a_graph_file(ledgers, tmp_path):
    graph = gongjian.save(gongjian.load(ledgers[1]), tmp_path / "本期.gjg")
    before = graph.read_bytes()
    result = analyze(graph, tmp_path, as_of=AS_OF, lang="en")
    assert list(result.files) == ["analyses", "report", "page", "pages"]
    assert result.files["analyses"].name == "analyses.xlsx"
    assert graph.read_bytes() == before


def _cells(path: Path) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book}


def test_from_a_graph_file_reads_only_what_it_uses_and_writes_the_same(ledgers, tmp_path):
    """Opened in two parts (the 两新组织 alone, then the network without them), a graph file
    gives the workbook, report and pages the whole graph in memory gives."""
    from gongjian.queries import summary
    from gongjian.queries.diff import diff
    from gongjian.viz import render, write_report, write_split

    whole = analyze(ledgers[1], tmp_path / "台账", as_of=AS_OF, compare=ledgers[0])
    again = analyze(whole.files["graph"], tmp_path / "图", as_of=AS_OF, compare=ledgers[0])
    assert len(again.kg.links) == 0 and again.counts["links"] > 0  # vertical links never read
    assert again.counts == whole.counts == gongjian.load(ledgers[1]).counts()
    assert _cells(again.files["analyses"]) == _cells(whole.files["analyses"])
    kg = gongjian.load(ledgers[1])  # the whole graph, as built in memory
    changes = diff(ledgers[0], kg, as_of_old=AS_OF, as_of_new=AS_OF)
    ref = tmp_path / "参照"
    expected = {
        "report": write_report(kg, ref / "报告.html", as_of=AS_OF, changes=changes),
        "page": render(kg, ref / "网络.html", as_of=AS_OF, changes=changes),
        "pages": write_split(kg, ref / "各区", by="district", as_of=AS_OF, changes=changes),
    }
    for key in ("report", "page"):
        assert again.files[key].read_bytes() == expected[key].read_bytes(), key
    pages = sorted(p.name for p in again.files["pages"].parent.iterdir())
    assert pages == sorted(p.name for p in expected["pages"].parent.iterdir())
    for name in pages:
        assert (again.files["pages"].parent / name).read_bytes() == \
            (expected["pages"].parent / name).read_bytes(), name
    overview = summary(kg, as_of=AS_OF)["overview"]
    sheet = _cells(again.files["analyses"])["概览"]
    assert [row[1:4] for row in sheet[1:]] == \
        overview[["party_orgs", "ties", "internal_ties"]].values.tolist()


def test_never_writes_over_its_inputs(ledgers, tmp_path):
    """Comparing with the graph file an earlier run left in the output folder is refused."""
    old, new = ledgers
    first = analyze(old, tmp_path, as_of=AS_OF)
    graph = first.files["graph"]
    stamp, content = graph.stat().st_mtime_ns, graph.read_bytes()
    with pytest.raises(gongjian.GongjianError, match="不会覆盖输入文件"):
        analyze(new, tmp_path, as_of=AS_OF, compare=graph)
    assert graph.stat().st_mtime_ns == stamp and graph.read_bytes() == content
    out = runner.invoke(app, ["analyze", str(new), "-o", str(tmp_path), "--compare", str(graph)])
    assert out.exit_code == 1 and "不会覆盖输入文件" in out.output
    assert graph.read_bytes() == content


def test_beside_the_ledger_leaves_the_ledger_alone(ledgers, tmp_path):
    import shutil

    folder = shutil.copytree(ledgers[0], tmp_path / "台账")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    analyze(folder, folder, as_of=AS_OF)
    assert all((folder / n).read_bytes() == b for n, b in before.items())
    again = analyze(folder, folder, as_of=AS_OF)  # a second run reads the same ledger
    assert again.counts == gongjian.load(ledgers[0]).counts()


def test_analyze_command_prints_what_it_wrote(ledgers, tmp_path):
    old, new = ledgers
    out = runner.invoke(app, ["analyze", str(new), "-o", str(tmp_path / "结果"),
                              "--as-of", AS_OF, "--compare", str(old)])
    assert out.exit_code == 0, out.output
    for name in ("问题清单.xlsx", "图谱.gjg", "分析结果.xlsx", "分析报告.html", "网络.html"):
        assert name in out.stdout
        assert (tmp_path / "结果" / name).is_file()
    assert f"变化 {len(EXPECTED)} 项" in out.output
    en = runner.invoke(app, ["analyze", str(new), "-o", str(tmp_path / "en"), "--lang", "en"])
    assert en.exit_code == 0, en.output
    assert "report.html" in en.stdout and (tmp_path / "en" / "streets").exists() is False


def test_analyze_command_errors(tmp_path):
    (tmp_path / "file").write_text("x")
    out = runner.invoke(app, ["analyze", str(EXAMPLE), "-o", str(tmp_path / "file")])
    assert out.exit_code == 1 and "是文件" in out.output
    out = runner.invoke(app, ["analyze", str(tmp_path / "无"), "-o", str(tmp_path / "o")])
    assert out.exit_code == 1 and "找不到" in out.output
