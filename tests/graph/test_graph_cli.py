"""The ``build`` and ``info`` commands, through CliRunner and once as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongjian.cli import app
from gongjian.graph.io import load

runner = CliRunner()


@pytest.fixture
def bad_ledger(tmp_path) -> Path:
    """A ledger folder in GB18030 CSV with one bad row (党员数 「十二」)."""
    folder = tmp_path / "台账"
    folder.mkdir()
    (folder / "党组织.csv").write_text(
        "组织编码,组织名称,组织类别,所属区,所属街道,党员数\n"
        "S1,新街口街道党工委,街道党工委,玄武区,新街口街道,30\n"
        "C1,丹凤街社区党委,社区党委,玄武区,新街口街道,十二\n"
        "U1,区教育局机关党委,机关党组织,秦淮区,,45\n", encoding="gb18030")
    (folder / "共建关系.csv").write_text(
        "甲方编码,乙方编码,关系类型\nU1,S1,结对共建\n", encoding="gb18030")
    return folder


def test_build_writes_the_graph_and_prints_counts(demo_folder, demo_graph, tmp_path):
    out = tmp_path / "图.gjg"
    result = runner.invoke(app, ["build", str(demo_folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert load(out).counts() == demo_graph.counts()
    assert "党组织" in result.stdout and str(len(demo_graph.party_orgs)) in result.stdout
    assert f"已写入 {out}" in result.stderr.replace("\n", "")


def test_build_says_how_many_rows_were_left_out(bad_ledger):
    result = runner.invoke(app, ["build", str(bad_ledger)])
    assert result.exit_code == 0, result.output
    target = bad_ledger.with_name("台账.gjg")
    assert sorted(load(target).party_orgs["id"]) == ["S1", "U1"]
    err = result.stderr.replace("\n", "")
    assert "1 行因错误未纳入图谱" in err and "gongjian check" in err
    result = runner.invoke(app, ["build", str(bad_ledger), "--lang", "en"])
    assert "1 ledger rows were left out" in result.stderr.replace("\n", " ")


def test_build_strict_refuses_and_writes_nothing(bad_ledger, tmp_path):
    out = tmp_path / "strict.gjg"
    result = runner.invoke(app, ["build", str(bad_ledger), "-o", str(out), "--strict"])
    assert result.exit_code == 1
    assert "错误" in result.stderr and "第3行" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_info_on_a_graph_file_and_on_a_folder(demo_folder, demo_graph, tmp_path):
    graph = tmp_path / "图.gjg"
    runner.invoke(app, ["build", str(demo_folder), "-o", str(graph)])
    result = runner.invoke(app, ["info", str(graph)])
    assert result.exit_code == 0, result.output
    for word in ("党组织按类别", "共建关系按类型", "按区", "社区党组织", "结对共建", "玄武区"):
        assert word in result.stdout
    en = runner.invoke(app, ["info", str(demo_folder), "--lang", "en"])
    assert en.exit_code == 0 and "by district" in en.stdout and "pairing" in en.stdout
    out = tmp_path / "概况.json"
    result = runner.invoke(app, ["info", str(graph), "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    kinds = [r for r in rows if r["section"] == "党组织按类别"]
    assert sum(r["count"] for r in kinds) == len(demo_graph.party_orgs)
    xlsx = tmp_path / "概况.xlsx"
    assert runner.invoke(app, ["info", str(graph), "-f", "xlsx", "-o", str(xlsx)]).exit_code == 0
    assert xlsx.stat().st_size > 0


def test_info_on_something_else_is_one_clear_line(tmp_path):
    note = tmp_path / "说明.txt"
    note.write_text("不是图", encoding="utf-8")
    for target in (note, tmp_path / "missing.gjg"):
        result = runner.invoke(app, ["info", str(target)])
        assert result.exit_code == 1
        assert "台账目录" in result.stderr and "Traceback" not in result.output


def test_info_as_a_process(demo_graph, tmp_path):
    from gongjian.graph.io import save

    graph = save(demo_graph, tmp_path / "图.gjg")
    proc = subprocess.run([sys.executable, "-m", "gongjian", "info", str(graph), "-f", "csv"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("部分,代码,名称,数量")
    assert any(line.startswith("图谱各表,party_orgs,党组织,") for line in lines)
