"""Outputs of the commands: never over an input, one message for a bad path, modes by umask,
spreadsheets that are safe and open in Excel (valid sheet titles, percentage cells, one
workbook for ``summary``), numeric options checked."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from gongjian.cli import app
from gongjian.queries.labels import SUMMARY_SECTIONS as SECTIONS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ledger"
EVIL = '=HYPERLINK("http://evil.example","x")'
runner = CliRunner()


def _errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith(("错误", "内部错误"))]


def _one_error(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    errors = _errors(result)
    assert len(errors) == 1 and errors[0].startswith("错误"), result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


@pytest.fixture
def ledger(tmp_path) -> Path:
    """A small ledger whose second district is a formula (it passes ``check``)."""
    folder = tmp_path / "台账"
    folder.mkdir()
    (folder / "党组织.csv").write_text(
        "组织编码,组织名称,组织类别,所属区,所属街道\n"
        "S1,新街口街道党工委,街道党工委,玄武区,新街口街道\n"
        "C1,丹凤街社区党委,社区党委,玄武区,新街口街道\n"
        f"U1,区教育局机关党委,机关党组织,\"{EVIL.replace(chr(34), chr(34) * 2)}\",\n",
        encoding="utf-8-sig")
    (folder / "共建关系.csv").write_text(
        "甲方编码,乙方编码,关系类型\nU1,S1,结对共建\n", encoding="utf-8-sig")
    return folder


@pytest.fixture
def graph(ledger, tmp_path) -> Path:
    out = tmp_path / "图.gjg"
    assert runner.invoke(app, ["build", str(ledger), "-o", str(out)]).exit_code == 0
    return out


def _snapshot(*paths: Path) -> dict[Path, bytes]:
    files = [f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()]
    return {f: f.read_bytes() for f in files}


def test_no_command_writes_over_an_input(ledger, graph, tmp_path):
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.gjg"
    link.symlink_to(graph)
    before = _snapshot(ledger, graph)
    cases = [
        ["check", str(ledger), "--problems", str(ledger / "共建关系.csv")],
        ["check", str(ledger), "-f", "csv", "-o", str(ledger / "党组织.csv")],
        ["check", str(ledger), "--rejects", str(ledger)],
        ["build", str(ledger), "-o", str(ledger / "党组织.csv")],
        ["build", str(graph), "-o", str(graph)],
        ["islands", str(graph), "-f", "csv", "-o", str(graph)],
        ["islands", str(graph), "-f", "csv", "-o", str(tmp_path / "sub" / ".." / graph.name)],
        ["islands", str(link), "-f", "json", "-o", str(graph)],
        ["bridges", str(graph), "-f", "csv", "-o", str(link)],
        ["summary", str(ledger), "-f", "json", "-o", str(ledger / "共建关系.csv")],
        ["coverage", str(graph), "-f", "xlsx", "-o", str(graph)],
        ["info", str(graph), "-f", "csv", "-o", str(graph)],
        ["viz", str(graph), "-o", str(graph)],
        ["report", str(graph), "-o", str(graph)],
    ]
    for args in cases:
        result = runner.invoke(app, args)
        _one_error(result, "不能写入")
        assert _snapshot(ledger, graph) == before, args
    assert not list(tmp_path.rglob("*.part"))


def test_bad_output_paths_get_one_message_and_leave_nothing(graph, ledger, tmp_path):
    folder = tmp_path / "已有目录"
    folder.mkdir()
    _one_error(runner.invoke(app, ["islands", str(graph), "-f", "csv", "-o", str(folder)]),
               "是目录")
    _one_error(runner.invoke(app, ["islands", str(graph), "-f", "csv", "-o", ""]), "为空")
    _one_error(runner.invoke(app, ["info", str(graph), "-f", "xlsx", "-o", str(folder)]),
               "是目录")
    _one_error(runner.invoke(app, ["build", str(ledger), "-o", str(folder)]), "是目录")
    a_file = tmp_path / "x.txt"
    a_file.write_text("x")
    _one_error(runner.invoke(app, ["viz", str(graph), "--split-by", "district", "-o",
                                   str(a_file)]), "是文件")
    _one_error(runner.invoke(app, ["check", str(ledger), "-f", "csv", "-o",
                                   str(tmp_path / "p.csv"), "--problems",
                                   str(tmp_path / "p.csv")]), "两个输出")
    blocker = tmp_path / "文件"
    blocker.write_text("x")
    _one_error(runner.invoke(app, ["islands", str(graph), "-f", "csv", "-o",
                                   str(blocker / "结果.csv")]), "无法写入")
    assert list(folder.iterdir()) == []
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_file_modes_follow_the_umask(ledger, tmp_path, mask):
    old = os.umask(mask)
    try:
        target = tmp_path / "图.gjg"
        for _ in range(2):  # written, then rebuilt over the old file
            assert runner.invoke(app, ["build", str(ledger), "-o", str(target)]).exit_code == 0
        outs = [target]
        for fmt in ("csv", "json", "xlsx"):
            out = tmp_path / f"孤岛.{fmt}"
            assert runner.invoke(app, ["islands", str(target), "-f", fmt, "-o", str(out)]
                                 ).exit_code == 0
            outs.append(out)
    finally:
        os.umask(old)
    for out in outs:
        assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask, out


def _cells(path: Path) -> dict[str, list[list]]:
    wb = load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


def test_summary_xlsx_is_one_workbook_with_safe_headers(ledger, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(app, ["summary", str(ledger), "-f", "xlsx", "-o", str(out / "s.xlsx")])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["s.xlsx"]
    sheets = _cells(out / "s.xlsx")
    assert list(sheets) == [title for title, _ in SECTIONS.values()]
    values = [v for rows in sheets.values() for row in rows for v in row if isinstance(v, str)]
    assert "'" + EVIL in values  # the district, as a header or a cell, shown as text
    assert not [v for v in values if v.startswith(("=", "+", "-", "@"))]


def test_summary_csv_headers_are_neutralised(ledger, tmp_path):
    result = runner.invoke(app, ["summary", str(ledger), "-f", "csv",
                                 "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.glob("s-*.csv"))
    assert len(files) == len(SECTIONS)
    fields = [f for path in files
              for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines())
              for f in row]
    assert "'" + EVIL in fields
    assert not [f for f in fields if f.startswith(("=", "+", "@"))]


def _valid_title(title: str) -> bool:
    return 0 < len(title) <= 31 and not set(title) & set(":\\/?*[]")


def test_xlsx_sheet_titles_are_valid_and_rates_are_percentages(tmp_path):
    en = tmp_path / "c.xlsx"
    result = runner.invoke(app, ["coverage", str(EXAMPLE), "--lang", "en", "-f", "xlsx",
                                 "-o", str(en)])
    assert result.exit_code == 0, result.output
    (title,) = load_workbook(en).sheetnames
    assert _valid_title(title) and "%" in title  # the rates kept whole
    rates = tmp_path / "r.xlsx"
    assert runner.invoke(app, ["coverage", str(EXAMPLE), "--by", "street", "-f", "xlsx",
                               "-o", str(rates)]).exit_code == 0
    ws = load_workbook(rates).active
    header = [c.value for c in ws[1]]
    for name in ("组织覆盖率", "工作覆盖率"):
        column = header.index(name) + 1
        cells = [ws.cell(row=r, column=column) for r in range(2, ws.max_row + 1)]
        numbers = [c for c in cells if c.value is not None]
        assert numbers and all(c.number_format == "0.0%" for c in numbers)
        assert all(isinstance(c.value, (int, float)) and 0 <= c.value <= 1 for c in numbers)
    info = tmp_path / "i.xlsx"
    assert runner.invoke(app, ["info", str(EXAMPLE), "-f", "xlsx", "-o", str(info)]
                         ).exit_code == 0
    assert load_workbook(info).sheetnames == ["图谱概况"]


@pytest.mark.parametrize("args,option", [
    (["viz", "{g}", "-o", "{o}", "--around", "S1", "--depth", "-3"], "--depth"),
    (["viz", "{g}", "-o", "{o}", "--max-nodes", "-1"], "--max-nodes"),
    (["bridges", "{g}", "--top", "0"], "--top"),
    (["bridges", "{g}", "--samples", "0"], "--samples"),
    (["clusters", "{g}", "--min-districts", "0"], "--min-districts"),
    (["clusters", "{g}", "--resolution", "0"], "--resolution"),
    (["clusters", "{g}", "--resolution", "-1.5"], "--resolution"),
])
def test_numeric_options_are_checked(graph, tmp_path, args, option):
    out = tmp_path / "网络.html"
    args = [a.format(g=graph, o=out) for a in args]
    result = runner.invoke(app, args)
    _one_error(result, option)
    assert not out.exists()


def test_demo_into_a_file_is_refused(tmp_path):
    target = tmp_path / "已有文件"
    target.write_text("x", encoding="utf-8")
    _one_error(runner.invoke(app, ["demo", str(target)]), "是文件")
    assert target.read_text(encoding="utf-8") == "x"
