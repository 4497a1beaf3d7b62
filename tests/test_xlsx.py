"""The streaming .xlsx writer: what it writes reads back the same in openpyxl and calamine."""

from __future__ import annotations

import zipfile

import fastexcel
from openpyxl import load_workbook

from gongjian.xlsx import XlsxBook

ROWS = [
    ["甲 & 乙 <丙> \"丁\"", 3, 0.25, True],
    ["  前后有空格  ", -7, None, False],
    ["换行\n第二行", 2**40, 1e-05, None],
    ["控制\x01字符\x1f", 0, 0.0, True],
]


def _write(path, title="表 1"):
    with XlsxBook(path) as book:
        sheet = book.sheet(title, widths=[20, 8, 8, 6], percent=[False, False, True, False])
        sheet.header(["名称", "数", "比率", "是否"])
        sheet.rows(ROWS)
        sheet.close()
        other = book.sheet("第二页", widths=[6])
        other.header(["n"])
        other.rows([i] for i in range(3000))
        other.close()


def test_reads_back_in_openpyxl(tmp_path):
    path = tmp_path / "a.xlsx"
    _write(path)
    book = load_workbook(path)
    assert book.sheetnames == ["表 1", "第二页"]
    ws = book["表 1"]
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    want = [[r[0].replace("\x01", "").replace("\x1f", ""), *r[1:]] for r in ROWS]
    assert got == want
    assert ws["C2"].number_format == "0.0%" and ws["B2"].number_format == "General"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFFCE4D6"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:D5"
    assert ws.column_dimensions["A"].width == 20
    assert book["第二页"].max_row == 3001


def test_reads_back_in_calamine(tmp_path):
    path = tmp_path / "a.xlsx"
    _write(path)
    reader = fastexcel.read_excel(str(path))
    assert reader.sheet_names == ["表 1", "第二页"]
    df = reader.load_sheet(0).to_pandas()
    assert df["名称"].tolist()[:3] == [r[0] for r in ROWS[:3]]
    assert reader.load_sheet(1).to_pandas()["n"].tolist() == list(range(3000))


def test_a_sheet_streams_into_the_zip(tmp_path):
    path = tmp_path / "a.xlsx"
    _write(path)
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        names = set(zf.namelist())
    assert {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml",
            "xl/workbook.xml", "[Content_Types].xml"} <= names
