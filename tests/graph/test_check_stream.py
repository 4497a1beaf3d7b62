"""``gongjian check`` reads the ledger in chunks (graph.stream.check_file): the same problems
in the same order, the same rows read, loaded and rejected per table, and the same files of
rejected rows as the ledger read whole (``read_ledger``), whatever the chunk size — on the
examples (workbooks), the demo, a ledger with errors planted across chunks, and a hostile
one (GB18030, ragged rows, blank lines, cells over several lines, totals and notes, a
workbook of two sheets with error cells and a stray cell); and in strict mode."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gongjian
from gongjian.cli import app
from gongjian.errors import LedgerError
from gongjian.graph.stream import build_file, check_file
from gongjian.loaders import read_ledger, table_counts, write_problems, write_rejects

from .test_graph_stream import messy  # noqa: F401  (the fixture: errors planted across files)

EXAMPLES = Path(gongjian.__file__).parents[1] / "examples" / "ledger"


def _rows(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def _text(rows: list[list[str]]) -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


@pytest.fixture(scope="module")
def hostile(messy, tmp_path_factory) -> Path:  # noqa: F811
    """The messy ledger made hostile: encodings, ragged rows, totals, notes, a workbook."""
    from openpyxl import Workbook

    folder = tmp_path_factory.mktemp("hostile") / "台账"
    shutil.copytree(messy, folder)
    firms = _rows(folder / "两新组织.csv")
    head, width = firms[0], len(firms[0])
    name = head.index("名称")
    firms[40][name] = "跨\n两行的名称"  # a cell over two lines
    firms[60] = [*firms[60], "多出的格"]  # a ragged row: the file is read with Python's csv
    firms[80][name] = "坏\x07名"  # a control character: rejected
    firms.insert(100, [""] * width)  # a blank line keeps the row numbers after it
    firms.insert(150, ["合计", *[""] * (width - 1)])  # a total in the middle
    firms += [list(firms[i]) for i in (5, 300)]  # repeats of earlier credit codes
    firms.append(["注：本表由街道填报", *[""] * (width - 1)])  # a note at the end
    (folder / "两新组织.csv").write_bytes(_text(firms).encode("gb18030"))
    rel = _rows(folder / "共建关系.csv")
    (folder / "共建关系.csv").unlink()
    book = Workbook()
    book.active.title = "下拉选项"
    book.active.append(["结对共建"])
    book.active.sheet_state = "hidden"
    half = len(rel) // 2
    for title, part in (("一季度", rel[1:half]), ("二季度", rel[half:])):
        sheet = book.create_sheet(title)
        sheet.append(rel[0])
        for row in part:
            sheet.append(row)
    second = book["二季度"]
    second.append(["合计", *[""] * (len(rel[0]) - 1)])
    second["H7"] = "#N/A"  # an error value in a cell
    book["一季度"]["XFD1048576"] = "误输入"  # a stray cell far from the table
    book.save(folder / "共建关系.xlsx")
    return folder


def _ledgers(request, name: str) -> Path:
    return EXAMPLES if name == "examples" else request.getfixturevalue(name)


@pytest.mark.parametrize(("name", "chunk_bytes"), [
    ("examples", 1 << 25), ("examples", 200), ("demo_folder", 400), ("messy", 1 << 16),
    ("messy", 1 << 14), ("hostile", 1 << 14), ("hostile", 1 << 25)])
def test_check_in_chunks_finds_what_the_whole_ledger_shows(request, tmp_path, name,
                                                            chunk_bytes):
    folder = _ledgers(request, name)
    ledger = read_ledger(folder)
    found = check_file(folder, rejects=tmp_path / "chunked", chunk_bytes=chunk_bytes)
    assert found.problems == ledger.problems
    assert found.counts().equals(table_counts(ledger))
    assert found.counts("en").equals(table_counts(ledger, lang="en"))
    whole = write_rejects(ledger, tmp_path / "whole")
    assert [p.name for p in found.rejects] == [p.name for p in whole]
    for a, b in zip(whole, found.rejects, strict=True):
        assert b.read_bytes() == a.read_bytes(), a.name
    if name in ("messy", "hostile"):
        assert ledger.errors and whole  # something to compare
    if name == "hostile":
        codes = {p.code for p in ledger.problems}
        assert {"control_char", "skipped_total", "skipped_note", "duplicate", "hidden_sheet",
                "stray_cell", "extra_cells"} <= codes, codes
    if chunk_bytes == 1 << 16:  # build_file gives its problems too, the same
        assert build_file(folder, tmp_path / "图.gjg", chunk_bytes=chunk_bytes).problems \
            == ledger.problems


def test_strict_refuses_with_the_loader_message_and_writes_nothing(messy, tmp_path):  # noqa: F811
    with pytest.raises(LedgerError) as whole:
        read_ledger(messy, strict=True)
    with pytest.raises(LedgerError) as chunked:
        check_file(messy, strict=True, rejects=tmp_path / "rejects", chunk_bytes=1 << 12)
    assert str(chunked.value) == str(whole.value)
    assert not (tmp_path / "rejects").exists()
    result = CliRunner().invoke(app, ["check", str(messy), "--strict", "--rejects",
                                      str(tmp_path / "rejects")])
    assert result.exit_code == 1
    assert "严格模式" in result.output
    assert not (tmp_path / "rejects").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_command_reports_the_whole_ledger(hostile, tmp_path, lang):
    ledger = read_ledger(hostile)
    out, problems = tmp_path / "out.csv", tmp_path / "问题清单.csv"
    result = CliRunner().invoke(app, [
        "check", str(hostile), "-f", "csv", "-o", str(out), "--problems", str(problems),
        "--rejects", str(tmp_path / "rejects"), "--lang", lang])
    assert result.exit_code == 1, result.output  # the ledger has errors
    expected = write_problems(ledger.problems, tmp_path / "expected.csv", lang=lang)
    assert problems.read_bytes() == expected.read_bytes()
    rows = _rows(out)
    assert len(rows) == len(ledger.problems) + 1
    assert [r[:3] for r in rows[1:]] == [r[:3] for r in _rows(expected)[1:]]
    for row in table_counts(ledger, lang=lang).itertuples(index=False):
        line = (f"{row.table}（{row.file}）：读取 {row.read} 行，载入 {row.loaded}，"
                f"拒绝 {row.rejected}，错误 {row.errors}，警告 {row.warnings}" if lang == "zh"
                else f"{row.table} ({row.file}): {row.read} rows read, {row.loaded} loaded, "
                     f"{row.rejected} rejected, {row.errors} errors, {row.warnings} warnings")
        assert " ".join(line.split()) in " ".join(result.output.split())  # rich wraps
    whole = write_rejects(ledger, tmp_path / "whole")
    assert sorted(p.name for p in (tmp_path / "rejects").iterdir()) == \
        sorted(p.name for p in whole)
    for path in whole:
        assert (tmp_path / "rejects" / path.name).read_bytes() == path.read_bytes()


def test_clean_ledger_exits_zero(tmp_path):
    result = CliRunner().invoke(app, ["check", str(EXAMPLES), "--rejects", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "党组织（党组织.xlsx）：读取 13 行，载入 13，拒绝 0，错误 0，警告 0" in result.output
    assert not (tmp_path / "r").exists()


def test_workbook_with_mapped_headers(tmp_path):
    """A 两新组织 workbook whose headers ``gongjian.toml`` maps: its sheets are told apart
    with the mapping in chunks too (as read whole)."""
    from openpyxl import load_workbook

    folder = tmp_path / "台账"
    shutil.copytree(EXAMPLES, folder)
    book = load_workbook(folder / "两新组织.xlsx")
    sheet = book["两新组织"]
    sheet["B1"] = "企业名称"
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=1, max_row=3)]
    other = book.create_sheet("二区")
    for row in rows:
        other.append(row)
    book.save(folder / "两新组织.xlsx")
    config = {"columns": {"企业名称": "名称"}}
    ledger = read_ledger(folder, config=config)
    assert "other_sheet" in {p.code for p in ledger.problems}
    found = check_file(folder, config=config, chunk_bytes=400)
    assert found.problems == ledger.problems
    assert found.counts().equals(table_counts(ledger))
