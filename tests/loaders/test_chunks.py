"""A workbook read in chunks (the streamed neo4j-admin export) reports what the whole-file
reader reports: the sheet of each problem, error cells, skipped sheets and rows, stray cells."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from conftest import REL_HEADER, write_csv

from gongjian.loaders import read_ledger
from gongjian.stores.neo4j_admin_stream import PROBLEMS_FILE, export_ledger_neo4j_admin

HEADER = ["组织编码", "组织名称", "组织类别", "所属区", "党员数"]


def _workbook(folder: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "下拉选项"
    book.active.append(["社区党委"])
    book.active.sheet_state = "hidden"
    first = book.create_sheet("新街口街道")
    first.append(HEADER)
    for i in range(1, 13):
        first.append([f"A{i}", f"新街口第{i}社区党委", "社区党委", "玄武区", 30 + i])
    first["E5"] = "#N/A"  # an error value (openpyxl writes t="e")
    second = book.create_sheet("梅园新村街道")
    second.append(HEADER)
    for i in range(13, 25):
        second.append([f"A{i}", f"梅园第{i}社区党委", "社区党委", "玄武区", 20 + i])
    second.append(["A13", "重复的编码", "社区党委", "玄武区", 5])
    second.append(["合计", None, None, None, 500])
    second["XFD1048576"] = "误输入"
    book.save(folder / "党组织.xlsx")


def _key(file, sheet, row, column, value, code):
    return (file, sheet or None, int(row) if row else None, column or None, value or None, code)


def test_chunks_report_what_the_whole_file_reports(tmp_path):
    folder = tmp_path / "台账"
    folder.mkdir()
    _workbook(folder)
    write_csv(folder / "共建关系.csv", REL_HEADER, [["A1", "", "A14", "", "结对共建", "", ""]])
    ledger = read_ledger(folder)
    expected = Counter(_key(p.file, p.sheet, p.row, p.column, p.value, p.code)
                       for p in ledger.problems)
    codes = {k[-1] for k in expected}
    assert {"hidden_sheet", "formula_error", "duplicate", "stray_cell"} <= codes, expected
    assert ("党组织.xlsx", "新街口街道", 5, "党员数", "#N/A", "formula_error") in expected
    export_ledger_neo4j_admin(folder, tmp_path / "streamed", chunk_bytes=400)  # rows in chunks
    with open(tmp_path / "streamed" / PROBLEMS_FILE, encoding="utf-8-sig", newline="") as fh:
        got = Counter(_key(r["文件"], r["工作表"], r["行号"], r["列"], r["值"], r["原因代码"])
                      for r in csv.DictReader(fh))
    assert got == expected
