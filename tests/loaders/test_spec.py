"""The ledger contract travels with the package: ``init --spec``, the 说明 sheets, docs/."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from gongjian.cli import app
from gongjian.loaders.tables import TABLES
from gongjian.loaders.templates import SPEC_FILE, ledger_spec, spec_section, write_templates

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_the_package_copy_is_the_repository_copy():
    assert ledger_spec() == (ROOT / "docs" / "ledgers.md").read_text(encoding="utf-8")
    for heading in ("### Spreadsheets as they are really kept", "### Limits",
                    "## The three lists and the activity record (三张清单与活动记录)",
                    "### 活动记录 / activities"):
        assert heading in ledger_spec().splitlines()


def test_the_contract_is_package_data():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = data["tool"]["setuptools"]["package-data"]["gongjian"]
    assert any(fnmatch.fnmatch(f"loaders/{SPEC_FILE}", pattern) for pattern in shipped)


def test_every_table_has_its_section():
    for key, table in TABLES.items():
        section = spec_section(key)
        assert section[0] == f"### {table.zh} / {key}"
        body = "\n".join(section)
        for col in table.columns:
            if col.zh not in ("甲方名称", "乙方名称", "上级代码"):
                assert f"| {col.zh}" in body or f"/ {col.zh}" in body, (key, col.zh)
        assert not any(line.startswith("## ") for line in section)


def test_init_spec_prints_and_writes_it(tmp_path):
    result = runner.invoke(app, ["init", "--spec"])
    assert result.exit_code == 0 and result.output == ledger_spec()
    out = tmp_path / "台账格式.md"
    result = runner.invoke(app, ["init", "--spec", "-o", str(out)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8") == ledger_spec()


@pytest.mark.parametrize("args", [["init"], ["init", "x", "--spec"], ["init", "x", "-o", "y"],
                                  ["init", "--spec", "-o", "/nonexistent/a/b.md"]])
def test_init_misuse_is_one_message_and_exit_1(args):
    done = subprocess.run([sys.executable, "-m", "gongjian", *args], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("错误 error:") and done.stdout == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_notes_sheet_carries_the_tables_section(tmp_path, lang):
    write_templates(tmp_path, lang=lang)
    for key, table in TABLES.items():
        book = load_workbook(tmp_path / f"{table.key if lang == 'en' else table.zh}.xlsx")
        notes = book["说明" if lang == "zh" else "notes"]
        rows = [r for r in notes.iter_rows(values_only=True)]
        column_a = [r[0] for r in rows]
        assert any("gongjian init --spec" in str(v) for v in column_a)
        section = [line for line in spec_section(key) if line.strip()]
        assert [v for v in column_a if v in section] == section
        tail = rows[column_a.index(section[0]):]
        assert all(r[1:] == (None,) * (len(r) - 1) for r in tail)  # one column: no header row
