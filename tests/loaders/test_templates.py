"""``init`` templates: drop-downs, required marks, frozen header, and they read back."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from gongjian import schema
from gongjian.errors import LedgerError
from gongjian.loaders import read_ledger
from gongjian.loaders.tables import TABLES
from gongjian.loaders.templates import write_templates


@pytest.mark.parametrize(("lang", "fmt"), [("zh", "xlsx"), ("en", "xlsx"), ("zh", "csv")])
def test_templates_read_back(tmp_path, lang, fmt):
    paths = write_templates(tmp_path, lang=lang, fmt=fmt)
    assert len(paths) == len(TABLES)
    ledger = read_ledger(tmp_path)
    assert ledger.problems == [] and len(ledger.files) == len(TABLES)


def test_xlsx_template_details(tmp_path):
    write_templates(tmp_path)
    book = load_workbook(tmp_path / "党组织.xlsx")
    sheet = book["党组织"]
    assert sheet["A1"].value == "组织编码*" and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1
             for dv in sheet.data_validations.dataValidation}
    assert schema.PARTY_KINDS["street"].zh in lists["C2"]
    assert "说明" in book.sheetnames
    with pytest.raises(LedgerError, match="--force"):
        write_templates(tmp_path)
    assert len(write_templates(tmp_path, force=True)) == len(TABLES)
