"""Fixtures of the loader tests: write small real ledger folders (CSV, .xlsx, .xls)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

PARTY_HEADER = ["组织编码", "组织名称", "组织类别", "所属区", "党员数", "组织层级", "上级组织编码"]
PARTY_ROWS = [
    ["A1", "长江路社区党委", "社区党委", "玄武区", "120", "党委", ""],
    ["A2", "玄武区教育局机关党委", "机关党组织", "玄武区", "132", "党委", ""],
    ["A3", "南京星河软件有限公司党支部", "非公企业党组织", "玄武区", "9", "党支部", "A1"],
]
REL_HEADER = ["甲方编码", "甲方名称", "乙方编码", "乙方名称", "关系类型", "开始日期", "结束日期"]


def write_csv(path: Path, header: list[str], rows: list[list[str]],
              encoding: str = "utf-8-sig") -> Path:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, header: list, rows: list[list]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def make_ledger(tmp_path: Path):
    """Write a ledger folder: party orgs and relations (override any table by keyword)."""

    def make(party=None, relations=None, encoding="utf-8-sig", **extra) -> Path:
        folder = tmp_path / "台账"
        folder.mkdir(exist_ok=True)
        header, rows = party or (PARTY_HEADER, PARTY_ROWS)
        write_csv(folder / "党组织.csv", header, rows, encoding)
        header, rows = relations or (REL_HEADER, [["A1", "", "A2", "", "结对共建", "", ""]])
        write_csv(folder / "共建关系.csv", header, rows, encoding)
        for name, (header, rows) in extra.items():
            write_csv(folder / f"{name}.csv", header, rows, encoding)
        return folder

    return make
