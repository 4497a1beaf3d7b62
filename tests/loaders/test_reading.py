"""Reading real files: CSV encodings, .xlsx and .xls, headers, toml mapping, the example."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import PARTY_HEADER, PARTY_ROWS, REL_HEADER, write_csv

from gongjian.errors import LedgerError
from gongjian.loaders import read_ledger
from gongjian.loaders.values import parse_date

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_every_csv_encoding_reads_the_same(make_ledger, encoding):
    ledger = read_ledger(make_ledger(encoding=encoding))
    assert ledger.party_orgs["name"].tolist() == [r[1] for r in PARTY_ROWS]
    assert ledger.party_orgs["kind"].tolist() == ["community", "unit", "new_economy"]
    assert ledger.party_orgs["members"].tolist() == [120, 132, 9]
    assert ledger.party_orgs["source_row"].tolist() == [2, 3, 4]
    assert ledger.errors == []


def test_undecodable_csv_is_one_clear_error(make_ledger):
    folder = make_ledger()
    (folder / "共建关系.csv").write_bytes(b"\xff\xfe\xfd\x81\x30" * 3 + b"\n\x80\x80\xff")
    with pytest.raises(LedgerError, match=r"共建关系\.csv"):
        read_ledger(folder)


def test_xlsx_with_date_cells_float_ints_formula_and_title_row(tmp_path):
    folder = tmp_path / "l"
    folder.mkdir()
    from openpyxl import Workbook

    book = Workbook()
    other = book.active
    other.title = "封面"
    other.append(["不是这张表"])
    sheet = book.create_sheet("党组织")
    sheet.append(["玄武区党组织台账（2024年）"])
    sheet.append([" 组织编码＊", "ＮＡＭＥ", "kind", "District*", "党员数", "成立日期", "书记"])
    sheet.append([1001.0, "甲社区党委", "community", "玄武区", 12.0, dt.datetime(2023, 5, 1),
                  '=HYPERLINK("x")'])
    sheet.append(["A2", "乙", "unit", "玄武区", 3, "2023年5月1日", "<script>alert(1)</script>"])
    sheet.append(["A3", "丙", "unit", "玄武区", 3, dt.datetime(2023, 5, 1), "张三"])
    book.save(folder / "party_orgs.xlsx")
    write_csv(folder / "relations.csv", REL_HEADER, [])
    ledger = read_ledger(folder)
    orgs = ledger.party_orgs
    # a formula never computed is an error naming the cell, never data (formula text)
    assert [(p.sheet, p.row, p.column, p.code, p.value) for p in ledger.errors] == [
        ("党组织", 3, "书记", "formula_no_value", '=HYPERLINK("x")')]
    assert "G3" in ledger.errors[0].message
    assert orgs["id"].tolist() == ["A2", "A3"]
    assert orgs["members"].tolist() == [3, 3]
    assert orgs["founded"].tolist() == [pd.Timestamp("2023-05-01")] * 2
    assert orgs["secretary"].tolist() == ["<script>alert(1)</script>", "张三"]
    assert orgs["source_row"].tolist() == [4, 5]
    assert ledger.rejected["party_orgs"]["组织编码＊"].tolist() == ["1001"]
    assert len(ledger.relations) == 0


def test_xls_file_reads(tmp_path):
    import xlwt

    folder = tmp_path / "l"
    folder.mkdir()
    book = xlwt.Workbook()
    sheet = book.add_sheet("党组织")
    for c, h in enumerate(PARTY_HEADER):
        sheet.write(0, c, h)
    for r, row in enumerate(PARTY_ROWS, start=1):
        for c, v in enumerate(row):
            sheet.write(r, c, float(v) if v.isdigit() else v)
    book.save(str(folder / "党组织.xls"))
    write_csv(folder / "共建关系.csv", REL_HEADER, [["A1", "", "A2", "", "pairing", "", ""]])
    ledger = read_ledger(folder)
    assert ledger.party_orgs["members"].tolist() == [120, 132, 9]
    assert ledger.relations[["source_id", "target_id", "type"]].values.tolist() == [
        ["A1", "A2", "pairing"]]


def test_english_headers_and_toml_mapping(make_ledger):
    header = ["ID", "单位名称", "Kind", "district", "members", "level", "parent_id"]
    folder = make_ledger(party=(header, PARTY_ROWS))
    with pytest.raises(LedgerError, match="组织名称"):
        read_ledger(folder)
    (folder / "gongjian.toml").write_text('[columns]\n"单位名称" = "组织名称"\n', encoding="utf-8")
    assert read_ledger(folder).party_orgs["name"].iloc[0] == "长江路社区党委"
    (folder / "gongjian.toml").unlink()
    assert len(read_ledger(folder, config={"columns": {"单位名称": "name"}}).party_orgs) == 3


def test_duplicate_table_files_and_missing_tables(make_ledger):
    folder = make_ledger()
    write_csv(folder / "party_orgs.csv", PARTY_HEADER, PARTY_ROWS)
    with pytest.raises(LedgerError, match="多个文件"):
        read_ledger(folder)
    (folder / "party_orgs.csv").unlink()
    (folder / "共建关系.csv").unlink()
    with pytest.raises(LedgerError, match="共建关系"):
        read_ledger(folder)


def test_example_ledger_is_clean():
    ledger = read_ledger(ROOT / "examples" / "ledger")
    assert ledger.errors == []
    assert len(ledger.party_orgs) >= 10 and len(ledger.relations) >= 8
    by_name = ledger.relations[ledger.relations["source_row"] == 9]
    assert by_name["source_id"].tolist() == ["XW-FG-01"]
    assert ledger.sites["district"].iloc[1] == ["玄武区", "秦淮区", "鼓楼区"]


@pytest.mark.parametrize("text", ["2023-05-01", "2023/5/1", "2023年5月1日", "20230501",
                                  "２０２３-０５-０１", dt.datetime(2023, 5, 1, 10)])
def test_parse_date_forms(text):
    assert parse_date(text) == dt.date(2023, 5, 1)


@pytest.mark.parametrize("text", ["2023-13-01", "五月一日", "2023", "", None])
def test_parse_date_rejects(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_with_a_title_row_above_the_header(tmp_path, encoding):
    """A CSV exported with a title line keeps its header and its row numbers."""
    lines = ["玄武区党组织台账（2025年）", ",".join(PARTY_HEADER),
             *(",".join(r) for r in PARTY_ROWS)]
    (tmp_path / "党组织.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    write_csv(tmp_path / "共建关系.csv", REL_HEADER, [])
    ledger = read_ledger(tmp_path)
    assert ledger.errors == []
    assert ledger.party_orgs["name"].tolist() == [r[1] for r in PARTY_ROWS]
    assert ledger.party_orgs["source_row"].tolist() == [3, 4, 5]


def test_two_headers_for_one_column_name_that_column(tmp_path):
    write_csv(tmp_path / "党组织.csv", PARTY_HEADER, PARTY_ROWS)
    write_csv(tmp_path / "共建关系.csv", ["甲方编码", "乙方编码", "关系类型", "type"],
              [["A1", "A2", "结对共建", "pairing"]])
    with pytest.raises(LedgerError, match="都表示「关系类型」列"):
        read_ledger(tmp_path)
