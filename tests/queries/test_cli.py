"""The analysis commands through the real command line: JSON keys and codes, Chinese tables."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from gongjian.cli import app

AS_OF = "2025-06-30"
runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize(("command", "extra", "keys"), [
    ("islands", ["--as-of", AS_OF], {"id", "name", "kind", "district", "reason", "group",
                                     "suggestions"}),
    ("bridges", ["--as-of", AS_OF, "--top", "5", "--samples", "50"],
     {"id", "name", "kind", "district", "articulation", "cut_off", "districts"}),
    ("clusters", ["--as-of", AS_OF, "--seed", "3"],
     {"cluster", "size", "districts", "cross_district_ties", "members"}),
    ("coverage", ["--plan"], {"uscc", "name", "status", "plan", "proposal"}),
    ("coverage", ["--uncovered"], {"uscc", "name", "status", "plan", "proposal"}),
    ("coverage", [], {"uscc", "name", "status", "plan", "proposal"}),
])
def test_json_is_an_array_with_the_issue_keys(demo_folder, command, extra, keys):
    rows = json.loads(run(command, demo_folder, *extra, "-f", "json").stdout)
    assert isinstance(rows, list) and rows
    assert all(keys <= set(row) for row in rows)
    if command == "bridges":
        assert len(rows) == 5
    if command == "islands":
        assert {r["kind"] for r in rows} == {"unit"} and {r["reason"] for r in rows} == {
            "isolated", "detached"}  # codes, not labels


def test_people_see_chinese_or_english_headers_and_labels(demo_folder):
    zh = run("islands", demo_folder, "--as-of", AS_OF, "-f", "csv").stdout
    assert "孤岛类型" in zh and "无共建关系" in zh and "单位党组织" in zh
    en = run("islands", demo_folder, "--as-of", AS_OF, "--lang", "en", "-f", "csv").stdout
    assert "island type" in en and "unit Party organization" in en
    table = run("islands", demo_folder, "--as-of", AS_OF).stdout
    assert "党建孤岛 8 个" in table


def test_files_csv_and_xlsx(demo_folder, tmp_path):
    run("coverage", demo_folder, "--by", "street", "-f", "csv", "-o", tmp_path / "覆盖.csv")
    df = pd.read_csv(tmp_path / "覆盖.csv", encoding="utf-8-sig")
    assert {"所属街道", "组织覆盖率", "工作覆盖率"} <= set(df.columns)
    run("coverage", demo_folder, "--plan", "-f", "xlsx", "-o", tmp_path / "建议.xlsx")
    plan = pd.read_excel(tmp_path / "建议.xlsx", engine="openpyxl")
    assert set(plan["覆盖建议"]) == {"单独组建", "联合组建", "选派党建指导员"}


def test_summary_in_every_format(demo_folder, tmp_path):
    parts = json.loads(run("summary", demo_folder, "--as-of", AS_OF, "-f", "json").stdout)
    assert set(parts) == {"overview", "kinds", "relation_types", "coverage"}
    assert parts["overview"][-1]["district"] is None  # the total row
    table = run("summary", demo_folder, "--as-of", AS_OF).stdout
    assert "概览（按区）" in table and "两新组织覆盖（按区）" in table
    text = run("summary", demo_folder, "--as-of", AS_OF, "-f", "csv").stdout
    assert "合计" in text and "关键联结单位" in text
    run("summary", demo_folder, "--as-of", AS_OF, "-f", "csv", "-o", tmp_path / "概览.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "概览-coverage.csv", "概览-kinds.csv", "概览-overview.csv", "概览-relation_types.csv"]


def test_bad_options_are_one_line_errors(demo_folder):
    result = runner.invoke(app, ["islands", str(demo_folder), "--kinds", "街道办"])
    assert result.exit_code == 1
    assert "未知的组织类别「街道办」" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["islands", str(demo_folder), "--as-of", "明天"])
    assert result.exit_code != 0 and "不是日期" in result.output


def test_help_has_examples():
    for command in ("islands", "bridges", "clusters", "coverage", "summary"):
        assert "例 Example" in run(command, "--help").stdout


def test_coverage_lists_every_organization_and_gives_rates_with_by(demo_folder):
    rows = json.loads(run("coverage", demo_folder, "-f", "json").stdout)
    statuses = {r["status"] for r in rows}
    assert statuses <= {"own", "joint", "host", "fallback", "instructor", "none"}
    rates = json.loads(run("coverage", demo_folder, "--by", "overall", "-f", "json").stdout)
    assert rates[0]["organizations"] == len(rows)
    covered = sum(r["status"] in {"own", "joint", "host"} for r in rows)
    assert rates[0]["organizational"] == covered
    table = run("coverage", demo_folder).stdout
    assert f"两新组织 {len(rows)} 个" in table and "组织覆盖率" in table


def test_xlsx_to_the_terminal_is_one_clear_line(demo_folder):
    result = runner.invoke(app, ["islands", str(demo_folder), "-f", "xlsx"])
    assert result.exit_code == 1
    assert "-o 文件名.xlsx" in result.output and "Traceback" not in result.output
