"""Spreadsheets as offices keep them (spec: "Spreadsheets as they are really kept").

Every file here is made by the test: openpyxl for ``.xlsx`` (merged title rows, hidden
sheets), the sheet XML patched by hand where openpyxl cannot write a cell the way Excel does
(a formula with its cached value, an error value), xlwt for ``.xls``, bytes for CSV.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import PARTY_HEADER, PARTY_ROWS, REL_HEADER, write_csv
from xlsx_files import set_cell_xml

from gongjian.loaders import read_ledger
from gongjian.loaders.problems import problems_frame

HEADER = ["组织编码", "组织名称", "组织类别", "所属区", "党员数"]


def _ledger(tmp_path: Path, relations: list[list[str]] | None = None) -> Path:
    folder = tmp_path / "台账"
    folder.mkdir(exist_ok=True)
    write_csv(folder / "共建关系.csv", REL_HEADER, relations or [])
    return folder


def _streets_book(folder: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    lists = book.active
    lists.title = "下拉选项"
    lists.append(["社区党委", "机关党组织"])
    lists.sheet_state = "hidden"
    notes = book.create_sheet("填表说明")
    notes.append(["填表说明：每个街道一个工作表，组织编码必填"])
    for street, rows in (
            ("新街口街道", [["X1", "新街口社区党委", "社区党委", "玄武区", 40],
                            ["X2", "丹凤街社区党委", "社区党委", "玄武区", "三十"]]),
            ("梅园新村街道", [["M1", "梅园社区党委", "社区党委", "玄武区", 35],
                              ["X1", "重复编码党支部", "社区党委", "玄武区", 5]])):
        sheet = book.create_sheet(street)
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
    # a street sheet with its columns in another order and one more column
    sheet = book.create_sheet("玄武门街道")
    sheet.append(["组织名称", "组织编码", "书记", "组织类别", "所属区"])
    sheet.append(["玄武门社区党委", "W1", "王五", "社区党委", "玄武区"])
    path = folder / "党组织.xlsx"
    book.save(path)
    return path


def test_one_sheet_per_street_every_visible_sheet_is_read(tmp_path):
    folder = _ledger(tmp_path, [["X1", "", "M1", "", "结对共建", "", ""],
                                ["W1", "", "M1", "", "联席会议", "", ""]])
    _streets_book(folder)
    ledger = read_ledger(folder)
    orgs = ledger.party_orgs
    assert orgs["id"].tolist() == ["X1", "M1", "W1"]
    assert orgs["secretary"].tolist()[2] == "王五"  # a column only the third sheet has
    assert orgs["source_row"].tolist() == [2, 2, 2]
    assert len(ledger.relations) == 2  # ties to organizations of other sheets resolve
    got = [(p.severity, p.sheet, p.row, p.code) for p in ledger.problems]
    assert got == [("warning", "下拉选项", None, "hidden_sheet"),
                   ("warning", "填表说明", None, "foreign_sheet"),
                   ("error", "新街口街道", 3, "bad_int"),
                   ("error", "梅园新村街道", 3, "duplicate")]
    duplicate = ledger.errors[1]
    assert duplicate.message == "与工作表「新街口街道」第2行重复"
    assert duplicate.text().startswith("党组织.xlsx 工作表「梅园新村街道」 第3行")
    rejected = ledger.rejected["party_orgs"]
    assert rejected[["工作表", "行号"]].values.tolist() == [["新街口街道", 3], ["梅园新村街道", 3]]
    assert rejected["原因"].tolist()[0].startswith("「党员数」不是非负整数")
    frame = problems_frame(ledger.problems)
    assert list(frame.columns)[-1] == "sheet" and frame["sheet"].iloc[0] == "新街口街道"


def test_a_sheet_named_like_the_table_is_preferred(tmp_path):
    from openpyxl import Workbook

    folder = _ledger(tmp_path)
    book = Workbook()
    book.active.title = "玄武区"
    book.active.append(HEADER)
    book.active.append(["A9", "不读的党委", "社区党委", "玄武区", 9])
    named = book.create_sheet("党组织")
    named.append(HEADER)
    named.append(["A1", "长江路社区党委", "社区党委", "玄武区", 120])
    book.create_sheet("说明").append(["本表由区委组织部汇总"])
    book.save(folder / "党组织.xlsx")
    ledger = read_ledger(folder)
    assert ledger.party_orgs["id"].tolist() == ["A1"]
    # the other sheet holding the table is named; the instructions sheet goes unmentioned
    assert [(p.sheet, p.code, p.message) for p in ledger.problems] == [
        ("玄武区", "other_sheet", "已读取与表同名的工作表「党组织」，这个工作表未读取")]


def test_a_hidden_first_sheet_is_not_the_table(tmp_path):
    from openpyxl import Workbook

    folder = _ledger(tmp_path)
    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(["非公企业党组织", "单位党组织"])
    book.active.sheet_state = "hidden"
    data = book.create_sheet("Sheet2")
    data.append(HEADER)
    data.append(["A1", "长江路社区党委", "社区党委", "玄武区", 120])
    book.save(folder / "党组织.xlsx")
    ledger = read_ledger(folder)
    assert ledger.party_orgs["id"].tolist() == ["A1"]
    assert [(p.sheet, p.code) for p in ledger.problems] == [("Sheet1", "hidden_sheet")]


def test_no_sheet_with_the_header_names_the_sheet(tmp_path):
    from openpyxl import Workbook

    from gongjian.errors import LedgerError

    folder = _ledger(tmp_path)
    book = Workbook()
    book.active.title = "汇总"
    book.active.append(["编号", "单位"])
    book.save(folder / "党组织.xlsx")
    with pytest.raises(LedgerError, match=r"党组织\.xlsx 工作表「汇总」 缺少必需的列"):
        read_ledger(folder)


def test_decorated_headers(tmp_path):
    from openpyxl import Workbook

    folder = _ledger(tmp_path)
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet["A1"] = "玄武区党组织基本信息台账（2024年）"
    sheet.merge_cells("A1:G1")
    sheet["A2"] = "填报单位：玄武区委组织部"
    # row 3 blank; rows 4-5: a two-row header, merged down and under a group header
    sheet["A4"], sheet["B4"] = "组织\n编码*", "组织名称（必填）"
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("B4:B5")
    sheet["C4"] = "基本情况"
    sheet.merge_cells("C4:E4")
    sheet["C5"], sheet["D5"], sheet["E5"] = "组织 类别", "所属区【必填】", "党员数(人)"
    sheet["F4"] = "成立日期\n（年月日）"
    sheet.merge_cells("F4:F5")
    sheet.append(["A1", "长江路社区党委", "社区党委", "玄武区", 120, dt.datetime(2001, 7, 1)])
    sheet.append(["A2", "玄武区教育局机关党委", "机关党组织", "玄武区", 132, None])
    book.save(folder / "党组织.xlsx")
    ledger = read_ledger(folder)
    assert ledger.problems == []
    orgs = ledger.party_orgs
    assert orgs[["id", "name", "kind", "district", "members"]].values.tolist() == [
        ["A1", "长江路社区党委", "community", "玄武区", 120],
        ["A2", "玄武区教育局机关党委", "unit", "玄武区", 132]]
    assert orgs["founded"].iloc[0] == pd.Timestamp("2001-07-01")
    assert orgs["source_row"].tolist() == [6, 7]


def test_decorated_headers_in_csv(tmp_path):
    folder = _ledger(tmp_path)
    text = ("党组织台账,,,\r\n,,,\r\n\"组织\n编码\",组织名称(必填),组织类别 ,所属区＊（区名）\r\n"
            "A1,甲,社区党委,玄武区\r\n")
    (folder / "党组织.csv").write_text(text, encoding="utf-8")
    ledger = read_ledger(folder)
    assert ledger.problems == [] and ledger.party_orgs["id"].tolist() == ["A1"]


def test_rows_that_are_not_data_are_skipped_with_a_warning(tmp_path):
    from openpyxl import Workbook

    folder = _ledger(tmp_path, [["A1", "", "A2", "", "结对共建", "", ""]])
    book = Workbook()
    sheet = book.active
    sheet.title = "新街口街道"
    sheet.append(HEADER)
    sheet.append(["", "", "", "", "（人）"])
    sheet.append(["A1", "长江路社区党委", "社区党委", "玄武区", 120])
    sheet.append(["A2", "合计党支部", "社区党委", "玄武区", 12])  # a name, not a total
    sheet.append(["小计（新街口街道）", "", "", "", 132])
    sheet.append(["", "合  计", "", "", "=SUM(E3:E4)"])
    sheet.append(["总计：", None, None, None, 132])
    sheet.append(["注：党员数为正式党员"])
    sheet.merge_cells("A8:E8")
    sheet.append(["填表说明：1. 组织编码必填；2. 每个组织一行"])
    sheet.append(["制表人：张三", "审核人：李四", "", "联系电话：025-12345678"])
    sheet.append(["备注：无"])
    book.save(folder / "党组织.xlsx")
    ledger = read_ledger(folder, strict=True)  # strict: not a single error
    assert ledger.party_orgs["id"].tolist() == ["A1", "A2"]
    assert [(p.severity, p.row, p.code, p.value) for p in ledger.problems] == [
        ("warning", 2, "skipped_unit", "（人）"),
        ("warning", 5, "skipped_total", "小计（新街口街道）"),
        ("warning", 6, "skipped_total", "合  计"),
        ("warning", 7, "skipped_total", "总计："),
        ("warning", 8, "skipped_note", "注：党员数为正式党员"),
        ("warning", 9, "skipped_note", "填表说明：1. 组织编码必填；2. 每个组织一行"),
        ("warning", 10, "skipped_note", "制表人：张三"),
        ("warning", 11, "skipped_note", "备注：无")]
    assert all(p.sheet == "新街口街道" for p in ledger.problems)
    assert ledger.problems[1].text() == (
        "党组织.xlsx 工作表「新街口街道」 第5行 值「小计（新街口街道）」：合计行，不是数据，已跳过")


def test_a_totals_word_beside_data_is_data(make_ledger):
    rows = [*PARTY_ROWS, ["合计", "甲社区党委", "社区党委", "玄武区", "3", "", ""],
            ["", "合计", "", "", "261", "", ""]]
    ledger = read_ledger(make_ledger(party=(PARTY_HEADER, rows)))
    assert "合计" in ledger.party_orgs["id"].tolist()  # the id column holds it, beside a name
    assert [(p.row, p.code) for p in ledger.problems] == [(6, "skipped_total")]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_trailing_ctrl_z_in_csv(tmp_path, encoding):
    folder = _ledger(tmp_path)
    write_csv(folder / "党组织.csv", PARTY_HEADER, PARTY_ROWS, encoding)
    with open(folder / "党组织.csv", "ab") as fh:
        fh.write(b"\x1a")
    ledger = read_ledger(folder, strict=True)
    assert len(ledger.party_orgs) == 3
    assert [(p.severity, p.row, p.code) for p in ledger.problems] == [
        ("warning", 5, "skipped_eof")]


def test_formulas_cached_values_and_error_values(tmp_path):
    from openpyxl import Workbook

    folder = _ledger(tmp_path)
    book = Workbook()
    sheet = book.active
    sheet.title = "党组织"
    sheet.append([*HEADER, "书记"])
    sheet.append(["A1", "=H2&\"党支部\"", "社区党委", "玄武区", 10, "甲"])  # never computed
    sheet.append(["A2", "=H3&\"党支部\"", "社区党委", "玄武区", "=1+1", "乙"])
    sheet.append(["A3", "丙党支部", "社区党委", "玄武区", 5, "=#REF!"])
    sheet.append(["A4", "丁党支部", "社区党委", "玄武区", "=NA()", "丁"])
    sheet.append(["A5", "戊党支部", "社区党委", "玄武区", "=1/0", "戊"])
    sheet.append(["A6", "己党支部", "社区党委", "玄武区", 6, "=VALUE(\"x\")"])
    path = folder / "党组织.xlsx"
    book.save(path)
    # as Excel saves them: a cached value beside the formula, or an error value
    set_cell_xml(path, "B3", b'<c r="B3" t="str"><f>H3&amp;"\xe5\x85\x9a\xe6\x94\xaf\xe9\x83\xa8"'
                             b'</f><v>\xe4\xb9\x99\xe5\x85\x9a\xe6\x94\xaf\xe9\x83\xa8</v></c>')
    set_cell_xml(path, "E3", b'<c r="E3"><f>1+1</f><v>2</v></c>')
    set_cell_xml(path, "F4", b'<c r="F4" t="e"><f>#REF!</f><v>#REF!</v></c>')
    set_cell_xml(path, "E5", b'<c r="E5" t="e"><f>NA()</f><v>#N/A</v></c>')
    set_cell_xml(path, "E6", b'<c r="E6" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    set_cell_xml(path, "F7", b'<c r="F7" t="e"><v>#VALUE!</v></c>')  # pasted as value
    ledger = read_ledger(folder)
    assert ledger.party_orgs[["id", "name", "members"]].values.tolist() == [
        ["A2", "乙党支部", 2]]
    got = [(p.row, p.column, p.code, p.value) for p in ledger.errors]
    assert got == [(2, "组织名称", "formula_no_value", '=H2&"党支部"'),
                   (4, "书记", "formula_error", "#REF!"),
                   (5, "党员数", "formula_error", "#N/A"),
                   (6, "党员数", "formula_error", "#DIV/0!"),
                   (7, "书记", "formula_error", "#VALUE!")]
    assert "单元格 B2" in ledger.errors[0].message and "单元格 E5" in ledger.errors[2].message
    # formula text is never data, not even in the rejected rows
    assert not ledger.rejected["party_orgs"].astype(str).apply(
        lambda c: c.str.startswith("=")).any().any()


def test_excel_serial_dates(tmp_path):
    from openpyxl import Workbook

    folder = _ledger(tmp_path, [["A1", "", "A2", "", "结对共建", 45200, ""]])
    book = Workbook()
    book.active.append([*HEADER, "成立日期"])
    book.active.append(["A1", "长江路社区党委", "社区党委", "玄武区", 120, 45047])
    book.active.append(["A2", "甲党委", "机关党组织", "玄武区", 100, 45047.5])
    book.active.append(["A3", "乙党委", "机关党组织", "玄武区", 100, 12345])
    book.save(folder / "党组织.xlsx")
    ledger = read_ledger(folder)
    assert ledger.party_orgs["founded"].tolist() == [pd.Timestamp("2023-05-01")] * 2
    assert ledger.relations["start"].tolist() == [pd.Timestamp("2023-10-01")]
    assert [(p.row, p.code, p.value) for p in ledger.errors] == [(4, "bad_date", "12345")]


def test_xls_with_several_sheets_and_a_totals_row(tmp_path):
    import xlwt

    folder = _ledger(tmp_path)
    book = xlwt.Workbook()
    notes = book.add_sheet("说明")
    notes.write(0, 0, "填表说明")
    for name, rows in (("甲街道", [["A1", "甲党委", "社区党委", "玄武区", 3.0]]),
                       ("乙街道", [["B1", "乙党委", "社区党委", "玄武区", 4.0],
                                   ["合计", "", "", "", 7.0]])):
        sheet = book.add_sheet(name)
        for c, h in enumerate(HEADER):
            sheet.write(0, c, h)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                sheet.write(r, c, v)
    book.save(str(folder / "党组织.xls"))
    ledger = read_ledger(folder)
    assert ledger.party_orgs["id"].tolist() == ["A1", "B1"]
    assert [(p.sheet, p.row, p.code) for p in ledger.problems] == [
        ("说明", None, "foreign_sheet"), ("乙街道", 3, "skipped_total")]


def test_c1_controls_and_long_text_are_errors_at_check(make_ledger):
    from gongjian.loaders import check

    long_name = "长" * 1_000_001
    rows = [*PARTY_ROWS, ["A4", "坏\u009b名", "unit", "玄武区", "", "", ""],
            ["A5", long_name, "unit", "玄武区", "", "", ""],
            ["A6", "正好" * 5000, "unit", "玄武区", "", "", ""]]
    problems = check(make_ledger(party=(PARTY_HEADER, rows)))
    assert [(p.row, p.code) for p in problems if p.is_error] == [
        (5, "control_char"), (6, "too_long")]
    too_long = next(p for p in problems if p.code == "too_long")
    assert too_long.message == "文字太长（1,000,001 个字符，上限 10,000），请核对"
    assert len(too_long.value) < 250 and too_long.value.endswith("（共 1,000,001 个字符）")
    assert next(p for p in problems if p.code == "control_char").value == "坏\\x9b名"
