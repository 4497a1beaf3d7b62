"""``gongjian check`` and ``gongjian init`` through CliRunner and as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from gongjian.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _bad_ledger(folder: Path) -> Path:
    folder.mkdir()
    (folder / "党组织.csv").write_text(
        "组织编码,组织名称,组织类别,所属区\nA1,甲,社区党委,玄武区\nA2,乙,大队,玄武区\n",
        encoding="utf-8-sig")
    (folder / "共建关系.csv").write_text("甲方编码,乙方编码,关系类型\nA1,A2,结对共建\n",
                                      encoding="gbk")
    return folder


def test_check_clean_example_exits_0():
    result = runner.invoke(app, ["check", str(ROOT / "examples" / "ledger")])
    assert result.exit_code == 0, result.output
    assert "党组织（党组织.xlsx）：读取 13 行" in result.output


def test_check_errors_exit_1_and_write_files(tmp_path):
    folder = _bad_ledger(tmp_path / "l")
    result = runner.invoke(app, ["check", str(folder),
                                 "--problems", str(tmp_path / "问题清单.xlsx"),
                                 "--rejects", str(tmp_path / "rejects"), "-f", "json"])
    assert result.exit_code == 1
    assert '"code": "bad_choice"' in result.output
    assert '"code": "rejected_end"' in result.output
    assert (tmp_path / "问题清单.xlsx").is_file()
    assert (tmp_path / "rejects" / "党组织_rejects.csv").is_file()
    en = runner.invoke(app, ["check", str(folder), "--lang", "en", "-f", "csv"])
    assert "not an accepted value" in en.output and "rows read" in en.output


def test_init_writes_templates(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "t")])
    assert result.exit_code == 0
    assert (tmp_path / "t" / "党组织.xlsx").is_file()
    again = runner.invoke(app, ["init", str(tmp_path / "t")])
    assert again.exit_code == 1


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongjian", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


def test_subprocess_exit_codes_and_one_line_errors(tmp_path):
    assert _run("check", "examples/ledger").returncode == 0
    empty = _run("check", str(tmp_path))
    assert empty.returncode == 1 and "Traceback" not in empty.stderr
    assert "没有台账表" in empty.stderr
    folder = _bad_ledger(tmp_path / "l")
    (folder / "党组织.csv").unlink()
    (folder / "党组织.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    png = _run("check", str(folder))
    assert png.returncode == 1 and "Traceback" not in png.stderr
    assert "党组织.xlsx" in png.stderr and "PNG" in png.stderr
