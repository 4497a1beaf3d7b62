"""The push, cypher and export commands, run as a person would (real files, real server)."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from gongjian import schema
from gongjian.cli import app
from gongjian.graph.io import save

pytestmark = pytest.mark.falkordb
runner = CliRunner()


@pytest.fixture
def graph_file(tmp_path, small_kg):
    return save(small_kg, tmp_path / "城市.gjg")


def test_push_then_run_report_on_embedded_folder(graph_file, tmp_path):
    result = runner.invoke(app, ["push", str(graph_file), "--to", "embedded", "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert sum(r["created"] for r in rows) > 0
    again = runner.invoke(app, ["push", str(graph_file), "--to", "embedded", "-f", "json"])
    assert sum(r["created"] for r in json.loads(again.stdout)) == 0
    folder = tmp_path / "城市.falkordb"
    result = runner.invoke(app, ["cypher", "run", "isolated_organizations", "--to",
                                 f"embedded:{folder}", "-p", "as_of=2025-06-30", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["U3", "U6", "U7", "W1"]


def test_run_report_on_graph_file_directly(graph_file, tmp_path):
    out = tmp_path / "孤岛.csv"
    result = runner.invoke(app, ["cypher", "run", "cross_district_ties", str(graph_file),
                                 "--param", "as_of=2025/6/30", "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows == [{"区甲": "玄武区", "区乙": "秦淮区", "共建关系数": "1", "组织数": "2"}]


def test_report_rows_for_people_and_for_scripts(graph_file):
    """People see Chinese headers and kind labels; JSON keeps the columns and codes."""
    args = ["cypher", "run", "isolated_organizations", str(graph_file), "-p", "as_of=2025-06-30"]
    people = runner.invoke(app, [*args, "-f", "csv"])
    header = people.stdout.splitlines()[0]
    assert header.startswith("组织编码,名称,组织类别")
    scripts = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert scripts and {"id", "name", "kind"} <= set(scripts[0])
    assert scripts[0]["kind"] in schema.PARTY_KINDS
    assert schema.PARTY_KINDS[scripts[0]["kind"]].zh in people.stdout


def test_cypher_list_json():
    result = runner.invoke(app, ["cypher", "list", "--format", "json"])
    assert result.exit_code == 0
    reports = json.loads(result.stdout)
    first = next(r for r in reports if r["name"] == "agreements_ending")
    assert first["title"] == "即将到期的共建协议"
    assert {"name": "days", "type": "int", "default": "90"}.items() <= \
        first["parameters"][1].items()


def test_bad_param_is_one_clear_line(graph_file):
    result = runner.invoke(app, ["cypher", "run", "agreements_ending", str(graph_file),
                                 "-p", "days=soon"])
    assert result.exit_code == 1
    assert "参数 days 应为 int" in result.output and "Traceback" not in result.output


def test_no_store_given(graph_file, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    result = runner.invoke(app, ["push", str(graph_file)])
    assert result.exit_code == 1 and "--to" in result.output


def test_export_neo4j_admin(graph_file, tmp_path):
    out = tmp_path / "导入"
    result = runner.invoke(app, ["export", str(graph_file), "--format", "neo4j-admin",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "neo4j-admin database import full" in result.stdout
    assert f"--nodes={out / 'nodes_PartyOrg.csv'}" in result.stdout
    with open(out / "rels_DUAL_REPORTING.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:2] == [":START_ID(PartyOrg)", ":END_ID(PartyOrg)"]
    assert "start:date" in rows[0] and "reporting_members:long" in rows[0]
    assert rows[0][-1] == ":TYPE" and rows[1][-1] == "DUAL_REPORTING"
    head = (out / "nodes_PartyOrg.csv").read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("id:ID(PartyOrg),") and head.endswith(",:LABEL")
    assert "members:long" in head and "secretary" not in head
    with open(out / "rels_PAIRING.csv", encoding="utf-8") as fh:
        pairing = list(csv.DictReader(fh))
    assert {r["projects:string[]"] for r in pairing} == {"", "助老;助学"}
    assert len(pairing) == 4  # identical ledger rows stay distinct


def test_export_gexf(graph_file, tmp_path):
    out = tmp_path / "网络.gexf"
    result = runner.invoke(app, ["export", str(graph_file), "--format", "gexf", "-o", str(out),
                                 "--as-of", "2025-06-30"])
    assert result.exit_code == 0, result.output
    assert out.exists() and "<gexf" in out.read_text(encoding="utf-8")


def test_user_reports_run_read_only_every_statement(graph_file, tmp_path):
    pushed = runner.invoke(app, ["push", str(graph_file), "--to", "embedded"])
    assert pushed.exit_code == 0, pushed.output
    store = f"embedded:{tmp_path / '城市.falkordb'}"
    mine = tmp_path / "报表"
    mine.mkdir()
    (mine / "wipe.cypher").write_text(
        "MATCH (n:PartyOrg) DETACH DELETE n; MATCH (n:PartyOrg) RETURN count(n)",
        encoding="utf-8")
    (mine / "tidy.cypher").write_text(
        "// @result\nMATCH (n:PartyOrg) RETURN count(n) AS n;\nMATCH (n) DETACH DELETE n;\n",
        encoding="utf-8")
    (mine / "mark.cypher").write_text("MATCH (n:PartyOrg) SET n.name = 'x' RETURN n.id AS id",
                                      encoding="utf-8")
    (mine / "count.cypher").write_text("MATCH (n:PartyOrg) RETURN count(n) AS n",
                                       encoding="utf-8")
    for name in ("wipe", "tidy", "mark"):
        result = runner.invoke(app, ["cypher", "run", name, "--to", store, "--reports",
                                     str(mine)])
        assert result.exit_code == 1, (name, result.output)
        assert "只读查询不能修改数据库" in result.output, (name, result.output)
        assert "internal error" not in result.output and "Traceback" not in result.output
    count = runner.invoke(app, ["cypher", "run", "count", "--to", store, "--reports",
                                str(mine), "-f", "json"])
    assert count.exit_code == 0, count.output
    assert json.loads(count.stdout) == [{"n": 13}]  # nothing was deleted
    names = runner.invoke(app, ["cypher", "run", "isolated_organizations", "--to", store,
                                "-p", "as_of=2025-06-30", "-f", "json"])
    assert "x" not in {r["name"] for r in json.loads(names.stdout)}
