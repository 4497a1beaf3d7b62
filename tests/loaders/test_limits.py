"""What a file can do to the process (spec: "Limits"): small hostile workbooks.

Each file is read in a fresh Python process whose peak memory (``VmHWM``) is measured: for
an input under 100 KB it must stay under 300 MB, and the read must end in a correct read or
one clear Chinese message, never an abort.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from conftest import REL_HEADER, write_csv
from xlsx_files import rewrite_part, share_strings

from gongjian.loaders import read_ledger

PEAK_MB = 300

_CHILD = textwrap.dedent("""
    import json, sys
    from gongjian.errors import LedgerError
    from gongjian.loaders import read_ledger
    out = {}
    try:
        ledger = read_ledger(sys.argv[1])
        out["orgs"] = ledger.party_orgs["id"].tolist()
        out["problems"] = [[p.code, p.sheet, p.row, p.value, p.message] for p in ledger.problems]
    except LedgerError as err:
        out["refused"] = str(err)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            out["peak_mb"] = int(line.split()[1]) / 1024
    print(json.dumps(out, ensure_ascii=False))
""")


def _read_in_child(folder: Path) -> dict:
    """Read ``folder`` in a fresh process: its answer, peak memory and time."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(folder)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["seconds"] = time.perf_counter() - started
    return out


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "台账"
    folder.mkdir()
    write_csv(folder / "共建关系.csv", REL_HEADER, [])
    return folder


def _book(folder: Path, extra=None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "党组织"
    sheet.append(["组织编码", "组织名称", "组织类别", "所属区"])
    sheet.append(["A1", "长江路社区党委", "社区党委", "玄武区"])
    sheet.append(["A2", "玄武区教育局机关党委", "机关党组织", "玄武区"])
    if extra:
        extra(sheet)
    path = folder / "党组织.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("cell", ["XFD1048576", "XFD20", "A1048576", "ZZ99999"])
def test_a_stray_cell_is_left_out_with_a_warning(tmp_path, cell):
    folder = _folder(tmp_path)
    path = _book(folder, lambda s: s.__setitem__(cell, "误输入"))
    assert path.stat().st_size < 100_000
    out = _read_in_child(folder)
    assert out["orgs"] == ["A1", "A2"]
    row = int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert out["problems"] == [["stray_cell", "党组织", row, "误输入",
                                f"单元格 {cell} 远在表格之外，已忽略"]]
    assert out["peak_mb"] < PEAK_MB, out
    assert out["seconds"] < 60, out


def test_a_dimension_that_lies_does_no_harm(tmp_path):
    import re

    folder = _folder(tmp_path)
    path = _book(folder)
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda d: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', d))
    out = _read_in_child(folder)
    assert out["orgs"] == ["A1", "A2"] and out["problems"] == []
    assert out["peak_mb"] < PEAK_MB, out


@pytest.mark.parametrize("refs", [60, 600])
def test_a_shared_string_bomb_is_refused(tmp_path, refs):
    folder = _folder(tmp_path)
    big = "党" * ((8 << 20) // 3)  # 8 MiB of UTF-8 in one shared string

    def fill(sheet):
        for r in range(refs):
            sheet.cell(row=4 + r // 10, column=1 + r % 10, value="大字符串")

    path = share_strings(_book(folder, fill), ["大字符串"])
    rewrite_part(path, "xl/sharedStrings.xml", lambda d: d.replace("大字符串".encode(),
                                                                  big.encode()))
    assert path.stat().st_size < 100_000
    out = _read_in_child(folder)
    assert "refused" in out, out
    assert out["refused"].startswith("党组织.xlsx 的工作表「党组织」引用的共享文本展开后约有")
    assert "已拒绝读取" in out["refused"]
    assert out["peak_mb"] < PEAK_MB, out


def test_a_part_that_expands_too_much_is_refused(tmp_path):
    folder = _folder(tmp_path)
    path = _book(folder)
    rewrite_part(path, "xl/worksheets/sheet1.xml",
                 lambda d: d.replace(b"</worksheet>", b" " * (48 << 20) + b"</worksheet>"))
    assert path.stat().st_size < 100_000
    out = _read_in_child(folder)
    assert out["refused"].startswith("党组织.xlsx 中的 xl/worksheets/sheet1.xml 解压后有 48 MB")
    assert out["peak_mb"] < PEAK_MB, out


def test_many_real_cells_are_read_not_trimmed(tmp_path):
    """A sheet that really is wide and long is read whole: stray cells are far from the rest."""
    folder = _folder(tmp_path)

    def fill(sheet):
        for r in range(4, 3004):
            sheet.append([f"B{r}", f"党组织{r}", "社区党委", "玄武区", *range(20)])

    _book(folder, fill)
    ledger = read_ledger(folder)
    assert len(ledger.party_orgs) == 3002 and ledger.problems == []


def test_a_row_far_below_without_cell_references(tmp_path):
    """Cells without ``r`` take their place from the row: still bounded, still read."""
    folder = _folder(tmp_path)
    path = _book(folder)
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda d: d.replace(
        b"</sheetData>", b'<row r="1048576"><c t="inlineStr"><is><t>z</t></is></c></row>'
                         b"</sheetData>"))
    out = _read_in_child(folder)
    assert out["orgs"] == ["A1", "A2"]
    assert out["problems"] == [["stray_cell", "党组织", 1048576, "z",
                                "单元格 A1048576 远在表格之外，已忽略"]]
    assert out["peak_mb"] < PEAK_MB, out


def test_shared_strings_as_excel_writes_them_are_read(tmp_path):
    folder = _folder(tmp_path)
    path = share_strings(_book(folder), ["长江路社区党委", "社区党委", "玄武区"])
    ledger = read_ledger(folder)
    assert ledger.problems == []
    assert ledger.party_orgs[["name", "kind", "district"]].values.tolist() == [
        ["长江路社区党委", "community", "玄武区"], ["玄武区教育局机关党委", "unit", "玄武区"]]
    import zipfile

    with zipfile.ZipFile(path) as archive:  # the cells really are shared-string cells
        assert archive.read("xl/worksheets/sheet1.xml").count(b't="s"') == 4


def test_a_large_sheet_is_read_as_it_is_and_its_formula_cells_still_found(tmp_path,
                                                                         monkeypatch):
    """Sheet XML over ``GUARD_LIMIT`` (a large real ledger) is checked streamed, not read
    whole first; its formula and error cells are still found."""
    from xlsx_files import set_cell_xml

    from gongjian.loaders import workbook

    folder = _folder(tmp_path)
    path = _book(folder, lambda s: s.append(["A3", "=B2", "社区党委", "玄武区"]))
    set_cell_xml(path, "B2", b'<c r="B2" t="e"><f>#REF!</f><v>#REF!</v></c>')
    monkeypatch.setattr(workbook, "GUARD_LIMIT", 0)
    ledger = read_ledger(folder)
    assert ledger.party_orgs["id"].tolist() == ["A2"]
    assert [(p.row, p.code, p.value) for p in ledger.errors] == [
        (2, "formula_error", "#REF!"), (4, "formula_no_value", "=B2")]


def test_a_sheet_hidden_from_the_relations_is_still_checked(tmp_path):
    """A sheet the workbook's relations point to oddly is still checked before it is read."""
    folder = _folder(tmp_path)
    path = _book(folder, lambda s: s.__setitem__("XFD1048576", "误输入"))
    rewrite_part(path, "xl/_rels/workbook.xml.rels",
                 lambda d: d.replace(b'Target="/xl/worksheets/sheet1.xml"',
                                     b'Target="/xl/worksheets/../worksheets/sheet1.xml"'))
    with zipfile.ZipFile(path) as archive:
        assert b"worksheets/../worksheets/sheet1.xml" in archive.read("xl/_rels/workbook.xml.rels")
    out = _read_in_child(folder)
    assert out["refused"].startswith("党组织.xlsx 的工作表「党组织」范围异常"), out
    assert out["peak_mb"] < PEAK_MB, out


def test_an_xls_with_a_stray_cell_is_refused_in_little_memory(tmp_path):
    import xlwt

    folder = _folder(tmp_path)
    book = xlwt.Workbook()
    book.add_sheet("说明").write(0, 0, "填表说明")
    sheet = book.add_sheet("党组织")
    for c, h in enumerate(["组织编码", "组织名称", "组织类别", "所属区"]):
        sheet.write(0, c, h)
    for c, v in enumerate(["A1", "长江路社区党委", "社区党委", "玄武区"]):
        sheet.write(1, c, v)
    sheet.write(65535, 255, "误输入")
    book.save(str(folder / "党组织.xls"))
    assert (folder / "党组织.xls").stat().st_size < 100_000
    out = _read_in_child(folder)
    assert out["refused"].startswith(
        "党组织.xls 的工作表「党组织」用到 IV65536，范围远大于其中的 9 个单元格"), out
    assert out["peak_mb"] < PEAK_MB, out


def _large_sheet_rows(start: int, stop: int) -> bytes:
    """Rows of a real-looking 党组织 sheet: varied names, so that it compresses as real
    ledgers do (about 10 times), not as a bomb."""
    import random

    rng = random.Random(7)
    streets = ["新街口", "梅园新村", "玄武门", "锁金村", "红山", "孝陵卫", "玄武湖", "后宰门"]
    rows = []
    for r in range(start, stop):
        name = f"{rng.choice(streets)}街道{rng.randrange(1, 10**6)}号社区党支部"
        rows.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>B{r:07d}</t></is></c>'
                    f'<c r="B{r}" t="inlineStr"><is><t>{name}</t></is></c>'
                    f'<c r="C{r}" t="inlineStr"><is><t>社区党委</t></is></c>'
                    f'<c r="D{r}" t="inlineStr"><is><t>玄武区</t></is></c>'
                    f'<c r="E{r}"><v>{rng.randrange(3, 300)}</v></c></row>')
    return "".join(rows).encode()


_LIMITED_CHILD = textwrap.dedent("""
    import resource, sys
    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
""") + _CHILD


def test_a_stray_cell_in_a_large_sheet_is_left_out_in_bounded_memory(tmp_path):
    """Sheet XML over ``GUARD_LIMIT`` (checked streamed, not read whole first) with one cell
    at ``XFD1048576``: calamine would build 16,384 × 1,048,576 cells and abort the process.
    Read under a hard limit of the address space, it ends in the warning naming the cell."""
    from gongjian.loaders.workbook import GUARD_LIMIT

    folder = _folder(tmp_path)
    path = _book(folder)
    rows = 4 + GUARD_LIMIT // 300
    body = _large_sheet_rows(4, rows) + (
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>误输入</t></is></c></row>'
    ).encode()
    rewrite_part(path, "xl/worksheets/sheet1.xml",
                 lambda d: d.replace(b"</sheetData>", body + b"</sheetData>"))
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > GUARD_LIMIT and info.file_size < 20 * info.compress_size
    limit = 3 << 30
    done = subprocess.run([sys.executable, "-c", _LIMITED_CHILD, str(folder), str(limit)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(out["orgs"]) == rows - 2 and out["orgs"][:3] == ["A1", "A2", "B0000004"]
    assert out["problems"] == [["stray_cell", "党组织", 1048576, "误输入",
                                "单元格 XFD1048576 远在表格之外，已忽略"]]
    assert out["peak_mb"] < 1024, out["peak_mb"]  # the 3 GiB limit is never approached
