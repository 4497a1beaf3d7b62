"""Excel cells as text (fastexcel): every kind of cell, row and column numbers, .xlsx and .xls."""

from __future__ import annotations

import datetime as dt

import pytest

from gongjian.loaders.excel import cell_text, read_excel, read_sheets
from gongjian.loaders.sheet import read_sheet


def _book(rows: list[list], *, title: str = "党组织", cover: bool = False, **kw):
    from openpyxl import Workbook

    book = Workbook(**kw)
    sheet = book.active
    if cover:
        sheet.title = "封面"
        sheet.append(["不是这张表"])
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    return book, sheet


def test_every_kind_of_xlsx_cell_reads_as_cell_text(tmp_path):
    values = ["文本", "true", "false", True, False, 12.0, 3, 12.5, -2.25, 1e20, -0.0,
              dt.datetime(2023, 5, 1), dt.date(2023, 5, 2), dt.datetime(2023, 5, 1, 8, 30),
              dt.datetime(2023, 5, 1, 8, 30, 15, 500000), dt.time(8, 30), dt.time(0, 0),
              "2023-05-01 00:00:00", "1899-12-31 08:30:00", "0.00001", "-0", "NA", None]
    book, _ = _book([["组织编码", "值"], *[["A", v] for v in values]])
    book.save(tmp_path / "党组织.xlsx")
    got = read_excel(tmp_path / "党组织.xlsx", "party_orgs")[1].tolist()[1:]
    want = [cell_text(v) for v in values]
    # the documented exception: text that reads exactly as a date cell reads as that date
    want[17:19] = ["2023-05-01", "08:30:00"]
    assert got == want
    assert want[3:5] == ["TRUE", "FALSE"] and want[1:3] == ["true", "false"]
    assert want[11:17] == ["2023-05-01", "2023-05-02", "2023-05-01 08:30:00",
                           "2023-05-01 08:30:15.500000", "08:30:00", "00:00:00"]
    assert want[19:21] == ["0.00001", "-0"]


def test_text_that_looks_typed_stays_text_in_a_column_without_typed_cells(tmp_path):
    rows = [["编码", "是否", "日期", "数"], ["A1", "true", "2023-05-01 00:00:00", "12.50"],
            ["A2", "false", "2023-05-01T08:30:00", "0.3"]]
    _book(rows)[0].save(tmp_path / "党组织.xlsx")
    got = read_excel(tmp_path / "党组织.xlsx", "party_orgs").values.tolist()
    # booleans and numbers stay as typed; text written like a date cell reads as that date
    assert got == [rows[0], ["A1", "true", "2023-05-01", "12.50"],
                   ["A2", "false", "2023-05-01 08:30:00", "0.3"]]


def test_one_column_with_booleans_numbers_and_dates_together(tmp_path):
    cells = [True, "true", 0.5, "0.5", dt.datetime(2023, 5, 1), "2023-05-01 00:00:00",
             dt.time(8, 30), None, "甲"]
    _book([["列"], *[[c] for c in cells]])[0].save(tmp_path / "t.xlsx")
    got = read_excel(tmp_path / "t.xlsx", "party_orgs")[0].tolist()
    assert got == ["列", "TRUE", "true", "0.5", "0.5", "2023-05-01", "2023-05-01",
                   "08:30:00", "", "甲"]


def test_iso_date_cells(tmp_path):
    cells = [dt.datetime(2023, 5, 1, 8, 30), dt.datetime(2023, 5, 1), dt.date(2023, 5, 2),
             "2023-05-01T08:30:00"]
    _book([[c] for c in cells], iso_dates=True)[0].save(tmp_path / "t.xlsx")
    assert read_excel(tmp_path / "t.xlsx", "party_orgs")[0].tolist() == [
        "2023-05-01 08:30:00", "2023-05-01", "2023-05-02", "2023-05-01 08:30:00"]


def test_leading_blank_rows_and_columns_keep_spreadsheet_numbers(tmp_path):
    book, sheet = _book([], cover=True)
    sheet["C3"] = "玄武区党组织台账"
    sheet["B5"], sheet["C5"], sheet["D5"] = "组织编码", "组织名称", "党员数"
    sheet["B6"], sheet["C6"], sheet["D6"] = "A1", "甲社区党委", 12.0
    sheet["C8"] = "乙"  # a ragged row below a blank one
    book.save(tmp_path / "党组织.xlsx")
    raw = read_sheet(tmp_path / "党组织.xlsx", "party_orgs")
    assert raw.grid.shape == (8, 4)
    assert list(raw.grid.columns) == [0, 1, 2, 3]
    assert raw.grid.values.tolist() == [
        ["", "", "", ""], ["", "", "", ""], ["", "", "玄武区党组织台账", ""], ["", "", "", ""],
        ["", "组织编码", "组织名称", "党员数"], ["", "A1", "甲社区党委", "12"],
        ["", "", "", ""], ["", "", "乙", ""]]
    assert raw.rows.tolist() == list(range(1, 9))
    assert not raw.grid.isna().any().any()


def test_formulas_without_cached_values_read_as_empty_cells_and_are_listed(tmp_path):
    book, _ = _book([["编码", "书记", "数"], ["A1", '=HYPERLINK("x")', "=1+1"],
                         ["A2", "张三", 3]], cover=True)
    book["封面"]["B1"] = "=2+2"  # another sheet's formula is not this sheet's cell
    book.save(tmp_path / "党组织.xlsx")
    grids, _ = read_sheets(tmp_path / "党组织.xlsx", "party_orgs")
    assert grids[0].name == "党组织"
    assert grids[0].grid.values.tolist() == [["编码", "书记", "数"], ["A1", "", ""],
                                             ["A2", "张三", "3"]]
    assert [(i.ref, i.code, i.value) for i in grids[0].issues] == [
        ("B2", "formula_no_value", '=HYPERLINK("x")'), ("C2", "formula_no_value", "=1+1")]


@pytest.mark.parametrize(("xml", "found"), [
    (b"<c><f>1+1</f></c>", True), (b'<c><f t="shared" si="0"/></c>', True),
    (b"<dataValidation><formula1>x</formula1>", False), (b"<t>off fluff</t>" * 99, False),
    (b"<t>of</t>" * 99 + b"<f>1</f>", True), (b"<filterColumn/><font/>", False)])
def test_formula_elements_are_found(xml, found):
    from gongjian.loaders.workbook import _formula_tag

    assert _formula_tag(xml) is found


def test_xls_cells(tmp_path):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("党组织")
    date, time = xlwt.easyxf(num_format_str="yyyy-mm-dd"), xlwt.easyxf(num_format_str="hh:mm")
    stamp = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    cells = [("标题",), (12.0,), (0.1 + 0.2,), (1e-05,), ("0.00001",), (True,), ("true",),
             (dt.date(2023, 5, 1), date), (dt.datetime(2023, 5, 1, 8, 30), stamp),
             (dt.time(8, 30), time), (7,)]
    for r, cell in enumerate(cells, start=2):
        sheet.write(r, 1, *cell)
    book.save(str(tmp_path / "党组织.xls"))
    grid = read_excel(tmp_path / "党组织.xls", "party_orgs")
    assert grid.shape == (13, 2)
    assert grid[0].tolist() == [""] * 13
    assert grid[1].tolist() == ["", "", "标题", "12", "0.30000000000000004", "1e-05", "0.00001",
                                "TRUE", "true", "2023-05-01", "2023-05-01 08:30:00",
                                "08:30:00", "7"]


def test_the_two_cells_read_otherwise_than_cell_text(tmp_path):
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("党组织").write(0, 0, 1.0000000000000002)  # exact double, unlike openpyxl
    book.save(str(tmp_path / "党组织.xls"))
    assert read_excel(tmp_path / "党组织.xls", "party_orgs")[0].tolist() == ["1"]
    assert cell_text(1.0000000000000002) == "1.0000000000000002"
    _book([[dt.timedelta(days=1, hours=2)]])[0].save(tmp_path / "t.xlsx")
    assert read_excel(tmp_path / "t.xlsx", "party_orgs")[0].tolist() == ["1900-01-01 02:00:00"]


@pytest.mark.parametrize("name", ["党组织.xlsx", "党组织.xls"])
def test_not_a_workbook_is_one_clear_error(tmp_path, name):
    from gongjian.errors import LedgerError

    (tmp_path / name).write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    with pytest.raises(LedgerError, match=rf"{name.replace('.', '[.]')} 不是有效的 Excel 文件"):
        read_excel(tmp_path / name, "party_orgs")
