"""Hostile and broken input: one clear LedgerError for the folder, a row error for a cell."""

from __future__ import annotations

import os
import re

import pytest
from conftest import PARTY_HEADER, PARTY_ROWS, REL_HEADER, write_csv

from gongjian.errors import LedgerError
from gongjian.loaders import read_ledger

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def test_missing_and_empty_folder(tmp_path):
    with pytest.raises(LedgerError, match="找不到台账目录"):
        read_ledger(tmp_path / "nope")
    with pytest.raises(LedgerError, match="没有台账表"):
        read_ledger(tmp_path)


@pytest.mark.parametrize("name", ["党组织.xlsx", "党组织.xls", "党组织.csv"])
def test_picture_renamed_as_spreadsheet(make_ledger, name):
    folder = make_ledger()
    (folder / "党组织.csv").unlink()
    (folder / name).write_bytes(PNG)
    with pytest.raises(LedgerError, match=rf"{re.escape(name)}.*PNG"):
        read_ledger(folder)


def test_random_bytes_csv(make_ledger):
    folder = make_ledger()
    (folder / "党组织.csv").write_bytes(os.urandom(5000))
    with pytest.raises(LedgerError, match=r"党组织\.csv"):
        read_ledger(folder)


def test_empty_file_has_no_header(make_ledger):
    folder = make_ledger()
    (folder / "共建关系.csv").write_bytes(b"")
    with pytest.raises(LedgerError, match="没有表头"):
        read_ledger(folder)
    from openpyxl import Workbook

    (folder / "共建关系.csv").unlink()
    Workbook().save(folder / "共建关系.xlsx")
    with pytest.raises(LedgerError, match="没有表头"):
        read_ledger(folder)


def test_nul_and_control_characters_reject_the_row_only(make_ledger):
    rows = [*PARTY_ROWS, ["A4", "坏\x00名", "unit", "玄武区", "", "", ""],
            ["A5", "响铃\x07", "unit", "玄武区", "", "", ""],
            ["A6", "<script>alert(1)</script>", "unit", "玄武区", "", "", ""]]
    ledger = read_ledger(make_ledger(party=(PARTY_HEADER, rows)))
    assert [(p.row, p.code, p.value) for p in ledger.errors] == [
        (5, "control_char", "坏\\x00名"), (6, "control_char", "响铃\\x07")]
    assert ledger.party_orgs["name"].iloc[-1] == "<script>alert(1)</script>"


def test_ragged_rows_and_blank_lines_keep_row_numbers(make_ledger):
    folder = make_ledger()
    text = ("组织编码,组织名称,组织类别,所属区\r\nA1,甲,社区党委,玄武区\r\n\r\n"
            "A2,乙,unit\r\nA3,丙,unit,玄武区,多,余\r\n\"A4\",\"多行\n名称\",unit,玄武区\r\n")
    (folder / "党组织.csv").write_text(text, encoding="utf-8")
    write_csv(folder / "共建关系.csv", REL_HEADER, [])
    ledger = read_ledger(folder)
    assert [(p.row, p.code) for p in ledger.errors] == [(4, "missing_value"), (5, "extra_cells")]
    extra = ledger.errors[1]
    assert (extra.column, extra.value) == ("第5列起 (column 5 on)", "多,余")
    assert ledger.party_orgs[["id", "source_row"]].values.tolist() == [["A1", 2], ["A4", 6]]


def test_size_limit(make_ledger):
    folder = make_ledger()
    with pytest.raises(LedgerError, match="太大"):
        read_ledger(folder, config={"max_file_size": 10})
