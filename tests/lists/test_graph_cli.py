"""The lists in the graph, the graph file (new version, old files still read), info, the
commands through the real command line, and the templates of `gongjian init`."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import gongjian
from gongjian import schema
from gongjian.cli import app
from gongjian.graph.io import FORMAT_VERSION, read_manifest
from gongjian.loaders import read_ledger

from .conftest import AS_OF

runner = CliRunner()


def run(*args, code: int = 0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, result.output
    return result


def test_graph_holds_the_lists(scenario):
    kg = scenario
    assert kg.needs["status"].tolist() == ["open", "open", "claimed", "open", "open"]
    assert kg.resources["scope"].tolist()[3] == schema.DEFAULT_SCOPE  # empty = street
    links = kg.list_links
    assert set(links["type"]) == set(schema.LIST_LINK_TYPES)
    assert links[links["type"] == "answers"][["source", "target"]].values.tolist() == [["P2",
                                                                                        "N4"]]
    assert links[links["type"] == "joined_by"][["source", "target"]].values.tolist() == [
        ["P1", "U1"], ["P2", "U6"]]
    assert (links[links["type"] == "raised_by"]["target_label"] == "PartyOrg").all()


def test_graph_file_round_trip_and_old_version(scenario, tmp_path):
    path = gongjian.save(scenario, tmp_path / "图.gjg")
    assert read_manifest(path)["version"] == FORMAT_VERSION == 3
    back = gongjian.load(path)
    for name in ("needs", "resources", "projects", "activities", "list_links"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(scenario, name))
    # a version 1 file (written before the lists) has six tables: it still reads, lists empty
    # (made from a file that version 2 wrote: version 3 stores tie ends as row positions)
    old = tmp_path / "旧.gjg"
    version_2 = Path(__file__).parents[1] / "graph" / "data" / "examples-v2.gjg"
    with zipfile.ZipFile(version_2) as zin, \
            zipfile.ZipFile(old, "w", zipfile.ZIP_STORED) as zout:
        manifest = json.loads(zin.read("manifest.json"))
        keep = [t for t in manifest["tables"] if t["name"] in (
            "party_orgs", "organizations", "sites", "regions", "relations", "links")]
        manifest.update(version=1, tables=keep)
        zout.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
        for t in keep:
            data = zin.read(t["member"])
            assert hashlib.sha256(data).hexdigest() == t["sha256"]
            zout.writestr(t["member"], data)
    kg = gongjian.load(old)
    assert len(kg.party_orgs) == 13 and len(kg.relations) > 0 and kg.needs.empty
    assert list(kg.needs.columns) == list(scenario.needs.columns)
    # a version 2 file without a table of version 2 is damaged
    broken = tmp_path / "坏.gjg"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(broken, "w", zipfile.ZIP_STORED) as zout:
        manifest = json.loads(zin.read("manifest.json"))
        manifest["tables"] = [t for t in manifest["tables"] if t["name"] != "needs"]
        zout.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
        for t in manifest["tables"]:
            zout.writestr(t["member"], zin.read(t["member"]))
    with pytest.raises(gongjian.errors.GraphFileError, match="needs"):
        gongjian.load(broken)


def test_info_counts_the_lists(make_ledger):
    out = json.loads(run("info", make_ledger(), "-f", "json").stdout)
    counts = {(r["section"], r["key"]): r["count"] for r in out}
    assert counts[("图谱各表", "needs")] == 5 and counts[("图谱各表", "activities")] == 3
    assert counts[("三张清单关系按类型", "offered_by")] == 6


@pytest.mark.parametrize(("command", "extra", "keys"), [
    ("match", ["--top", "2"], ["need_id", "need_org", "resource_id", "resource_org", "category",
                               "proximity", "mends", "new_tie", "rank", "reasons"]),
    ("dormant", [], ["source_id", "source_name", "target_id", "target_name", "type", "start",
                     "last_evidence", "days_since"]),
    ("lists", [], ["district", "street", "needs_open", "needs_stale", "resources",
                   "resources_idle", "projects_active", "communities_without_project"]),
    ("lists", ["--by", "street"], ["district", "street", "needs_open", "needs_stale",
                                   "resources", "resources_idle", "projects_active",
                                   "communities_without_project"]),
])
def test_json_keys_exactly(make_ledger, command, extra, keys):
    rows = json.loads(run(command, make_ledger(), "--as-of", AS_OF, *extra, "-f",
                          "json").stdout)
    assert rows and all(list(r) == keys for r in rows)
    if command == "match":
        assert max(r["rank"] for r in rows) == 2
        assert {r["mends"] for r in rows} == {"island", "cut_off", None}
        assert all(isinstance(r["reasons"], list) for r in rows)
    if command == "dormant":
        assert rows[0]["last_evidence"] is None and rows[0]["days_since"] is None
        assert rows[-1]["last_evidence"] == "2024-01-10"
    if command == "lists":
        assert (rows[0]["street"] is None) == ("--by" not in extra)


def test_people_formats_and_languages(make_ledger, tmp_path):
    folder = make_ledger()
    table = run("match", folder, "--as-of", AS_OF).stdout
    assert "推荐理由" in table and "结束孤岛" in table
    en = run("match", folder, "--as-of", AS_OF, "--lang", "en", "-f", "csv").stdout
    assert "reasons" in en and "gives an island its first tie" in en
    run("dormant", folder, "--as-of", AS_OF, "-f", "xlsx", "-o", tmp_path / "休眠.xlsx")
    df = pd.read_excel(tmp_path / "休眠.xlsx", engine="openpyxl")
    assert {"甲方名称", "关系类型", "距今天数"} <= set(df.columns)
    assert "结对共建" in set(df["关系类型"])
    run("lists", folder, "--as-of", AS_OF, "-f", "csv", "-o", tmp_path / "清单.csv")
    assert "待认领需求" in (tmp_path / "清单.csv").read_text(encoding="utf-8-sig")
    islands = json.loads(run("islands", folder, "--as-of", AS_OF, "--window", "365", "-f",
                             "json").stdout)
    assert "dormant" in {r["reason"] for r in islands}
    plain = json.loads(run("islands", folder, "--as-of", AS_OF, "-f", "json").stdout)
    assert "dormant" not in {r["reason"] for r in plain}


def test_graph_file_input_and_errors(make_ledger, tmp_path):
    folder = make_ledger()
    run("build", folder, "-o", tmp_path / "图.gjg")
    a = json.loads(run("match", tmp_path / "图.gjg", "--as-of", AS_OF, "-f", "json").stdout)
    b = json.loads(run("match", folder, "--as-of", AS_OF, "-f", "json").stdout)
    assert a == b
    bad = run("dormant", folder, "--window", "0", code=2)
    assert "Traceback" not in bad.output
    missing = run("match", tmp_path / "没有.gjg", code=1)
    assert "找不到" in missing.output and "Traceback" not in missing.output


def test_init_writes_the_four_templates_with_drop_downs(tmp_path):
    run("init", tmp_path / "模板")
    for name, column, value in (("需求清单", "类别", "场地"), ("资源清单", "服务范围", "全市"),
                                ("项目清单", "状态", "实施中"),
                                ("活动记录", "活动类型", "联席会议")):
        book = load_workbook(tmp_path / "模板" / f"{name}.xlsx")
        sheet = book[name]
        headers = [c.value for c in sheet[1]]
        letter = sheet.cell(row=1, column=headers.index(
            next(h for h in headers if h.rstrip("*") == column)) + 1).column_letter
        lists = {str(dv.sqref).split(":")[0]: dv.formula1
                 for dv in sheet.data_validations.dataValidation}
        assert value in lists[f"{letter}2"]
    headers = [c.value for c in load_workbook(tmp_path / "模板" / "需求清单.xlsx")["需求清单"][1]]
    assert headers[:3] == ["需求编号*", "提出组织编码*", "提出组织名称"]
    assert read_ledger(tmp_path / "模板").problems == []


def test_gexf_carries_the_lists(scenario, tmp_path):
    import networkx as nx

    from gongjian.viz.export import export_network

    path = export_network(scenario, tmp_path / "网络.gexf", "gexf", as_of=AS_OF)
    g = nx.read_gexf(path)
    assert g.nodes["Need:N1"]["kind_label"] == "需求"
    assert g.nodes["Resource:R5"]["label"] == "专家义诊"
    assert g.edges["Need:N1", "C2"]["types"] == "raised_by"
    assert g.edges["Project:P2", "Need:N4"]["types"] == "answers"
    assert g.edges["Project:P1", "U1"]["type_label"] == "参与"
    bare = type(scenario).from_frames(party_orgs=scenario.party_orgs,
                                      relations=scenario.relations)
    plain = nx.read_gexf(export_network(bare, tmp_path / "无.gexf", "gexf", as_of=AS_OF))
    assert sorted(plain.nodes) == sorted(scenario.party_orgs["id"])


def test_info_table_shows_the_lists_only_when_present(make_ledger):
    plain = make_ledger("plain", needs=None, resources=None, projects=None, activities=None)
    assert "三张清单" not in run("info", plain).stdout
    assert "三张清单关系按类型" in run("info", make_ledger("full")).stdout
