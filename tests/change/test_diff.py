"""``gongjian.diff`` and ``gongjian diff``: every kind of change planted in real ledgers."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import gongjian
from gongjian import schema
from gongjian.cli import app
from gongjian.queries.diff import DIFF_COLUMNS
from tests.change.conftest import AS_OF, DATED_EXPECTED, EXPECTED, XW, dated_ledger

runner = CliRunner()


@pytest.fixture(scope="module")
def changes(ledgers) -> pd.DataFrame:
    old, new = ledgers
    return gongjian.diff(old, new, as_of_old=AS_OF, as_of_new=AS_OF)


def pairs(df: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(df["change"], df["id"], strict=True))


def test_every_planted_change_and_nothing_else(changes):
    assert list(changes.columns) == list(DIFF_COLUMNS)
    assert pairs(changes) == EXPECTED
    assert len(changes) == len(EXPECTED)  # each change once


def test_every_kind_of_change_is_planted(changes):
    assert set(changes["change"]) == set(schema.CHANGES)


def test_rows_are_ordered_by_kind(changes):
    rank = changes["change"].map(list(schema.CHANGES).index)
    assert rank.is_monotonic_increasing


def test_one_organization_under_several_kinds(changes):
    u2 = changes[changes["id"] == "U2"]
    assert set(u2["change"]) == {"island_resolved", "bridge_new"}
    n2 = set(changes.loc[changes["id"] == "N2", "change"])
    assert n2 == {"org_new", "island_new"}


def test_details_say_why(changes):
    detail = dict(zip(zip(changes["change"], changes["id"], strict=True), changes["detail"],
                      strict=True))
    assert detail["org_dissolved", "U3"] == "已撤销"
    assert detail["org_dissolved", "U4"] == "台账中已无此组织"
    assert detail["org_new", "N1"] == "新列入台账"
    assert detail["tie_ended", "S1|U7"] == "于2025-03-31到期"
    assert "U3党组织" in detail["tie_ended", "C1|U3"]
    assert "U4党组织" in detail["tie_ended", "U1|U4"]
    assert detail["tie_new", "C1|U2"] == "关系类型：结对共建"
    assert detail["bridge_new", "U2"] == "移除后断开1个组织"
    assert "共建伙伴2个" in detail["island_resolved", "U2"]
    assert "无任何有效共建关系" in detail["island_new", "N2"]
    assert "秦淮区" in detail["cluster_new", "C001"] and "0%" in detail["cluster_new", "C001"]
    assert detail["coverage_change", XW].startswith("组织覆盖率 50.0% → 100.0%")


def test_tie_rows_name_both_ends_and_coverage_rows_the_district(changes):
    tie = changes[(changes["change"] == "tie_new") & (changes["id"] == "N1|U2")].iloc[0]
    assert tie["name"] == "N1党组织—U2党组织" and tie["district"] == XW
    cov = changes[changes["change"] == "coverage_change"].iloc[0]
    assert cov["id"] == cov["name"] == cov["district"] == XW
    gone = changes[changes["change"] == "cluster_gone"].iloc[0]
    assert gone["district"] == "玄武区、秦淮区"  # the old cluster's districts


def test_reversed_sides_swap_the_kinds(ledgers, changes):
    old, new = ledgers
    back = gongjian.diff(new, old, as_of_old=AS_OF, as_of_new=AS_OF)
    swap = {"org_new": "org_dissolved", "tie_new": "tie_ended", "island_new":
            "island_resolved", "bridge_new": "bridge_lost", "cluster_new": "cluster_gone"}
    swap |= {v: k for k, v in swap.items()} | {"coverage_change": "coverage_change"}
    assert pairs(back) == {(swap[c], i) for c, i in EXPECTED}


def test_same_graph_same_day_has_no_change(ledgers):
    kg = gongjian.load(ledgers[0])
    assert gongjian.diff(kg, kg, as_of_old=AS_OF, as_of_new=AS_OF).empty


def test_one_graph_at_two_dates(tmp_path):
    kg = gongjian.load(dated_ledger(tmp_path / "台账"))
    df = gongjian.diff(kg, kg, as_of_old="2025-01-01", as_of_new="2025-06-30")
    assert pairs(df) == DATED_EXPECTED
    detail = dict(zip(zip(df["change"], df["id"], strict=True), df["detail"], strict=True))
    assert detail["org_new", "U2"] == "成立于2025-03-01"
    assert detail["tie_ended", "C1|U1"] == "于2025-02-28到期"


def test_clusters_matched_by_overlap_are_not_changes(ledgers):
    """A cluster that keeps most of its members is the same cluster, renumbered or not."""
    kg = gongjian.load(ledgers[1])
    smaller = gongjian.KnowledgeGraph.from_frames(
        party_orgs=kg.party_orgs, relations=kg.relations[
            ~((kg.relations["source_id"] == "K2a") & (kg.relations["target_id"] == "K2b"))],
        organizations=kg.organizations)
    df = gongjian.diff(kg, smaller, as_of_old=AS_OF, as_of_new=AS_OF)
    assert not df["change"].str.startswith("cluster").any()
    strict = gongjian.diff(kg, smaller, as_of_old=AS_OF, as_of_new=AS_OF, min_overlap=1.0)
    # the same members: Jaccard 1, still matched even at the strictest threshold
    assert not strict["change"].str.startswith("cluster").any()


def test_english_details(ledgers):
    old, new = ledgers
    df = gongjian.diff(old, new, as_of_old=AS_OF, as_of_new=AS_OF, lang="en")
    detail = dict(zip(zip(df["change"], df["id"], strict=True), df["detail"], strict=True))
    assert detail["org_dissolved", "U3"] == "dissolved"
    assert detail["tie_ended", "S1|U7"] == "ended 2025-03-31"
    assert detail["coverage_change", XW].startswith("organizational coverage 50.0% → 100.0%")


def test_bad_overlap_is_refused(ledgers):
    with pytest.raises(gongjian.GongjianError, match="0 到 1"):
        gongjian.diff(ledgers[0], ledgers[1], min_overlap=0)


# --- the command ----------------------------------------------------------------------

def test_diff_command_json_has_exactly_the_keys(ledgers):
    old, new = ledgers
    out = runner.invoke(app, ["diff", str(old), str(new), "--as-of", AS_OF, "-f", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert all(list(r) == ["change", "id", "name", "district", "detail"] for r in rows)
    assert {(r["change"], r["id"]) for r in rows} == EXPECTED
    assert {r["change"] for r in rows} <= set(schema.CHANGES)


def test_diff_command_table_in_chinese_and_english(ledgers):
    old, new = ledgers
    out = runner.invoke(app, ["diff", str(old), str(new), "--as-of", AS_OF])
    assert out.exit_code == 0, out.output
    assert "撤销组织" in out.stdout and "说明" in out.stdout
    assert f"变化 {len(EXPECTED)} 项" in out.stdout
    en = runner.invoke(app, ["diff", str(old), str(new), "--as-of", AS_OF, "--lang", "en"])
    assert en.exit_code == 0 and "dissolved organization" in en.stdout


def test_diff_command_as_of_each_side(ledgers):
    """--as-of-new before the ties of U7 end: they are still active, not ended."""
    old, new = ledgers
    out = runner.invoke(app, ["diff", str(old), str(new), "--as-of-old", AS_OF,
                              "--as-of-new", "2025-03-01", "-f", "json"])
    assert out.exit_code == 0, out.output
    got = {(r["change"], r["id"]) for r in json.loads(out.stdout)}
    assert ("tie_ended", "S1|U7") not in got and ("island_new", "U7") not in got
    assert ("org_dissolved", "U3") in got


def test_diff_command_one_graph_two_dates_and_xlsx(tmp_path):
    ledger = dated_ledger(tmp_path / "台账")
    graph = tmp_path / "图.gjg"
    assert runner.invoke(app, ["build", str(ledger), "-o", str(graph)]).exit_code == 0
    out = runner.invoke(app, ["diff", str(graph), "--from", "2025-01-01", "--to", "2025-06-30",
                              "-f", "json"])
    assert out.exit_code == 0, out.output
    assert {(r["change"], r["id"]) for r in json.loads(out.stdout)} == DATED_EXPECTED
    xlsx = tmp_path / "变化.xlsx"
    out = runner.invoke(app, ["diff", str(graph), "--from", "2025-01-01", "--to", "2025-06-30",
                              "-f", "xlsx", "-o", str(xlsx)])
    assert out.exit_code == 0, out.output
    sheet = pd.read_excel(xlsx, dtype=str, engine="openpyxl")
    assert list(sheet.columns) == ["变化", "编码", "名称", "所属区", "说明"]
    assert set(sheet["变化"]) == {schema.CHANGES[c].zh for c, _ in DATED_EXPECTED}


@pytest.mark.parametrize("args, words", [
    (["--to", "2025-06-30"], "--from"),
    (["--from", "2025-01-01", "--as-of", "2025-06-30"], "--from/--to"),
])
def test_diff_command_one_graph_needs_from(ledgers, args, words):
    out = runner.invoke(app, ["diff", str(ledgers[0]), *args])
    assert out.exit_code == 1
    assert words in out.output and "Traceback" not in out.output


def test_diff_command_two_graphs_refuse_from(ledgers):
    out = runner.invoke(app, ["diff", str(ledgers[0]), str(ledgers[1]), "--from", "2025-01-01"])
    assert out.exit_code == 1 and "--as-of" in out.output


def test_diff_command_missing_file(tmp_path, ledgers):
    out = runner.invoke(app, ["diff", str(ledgers[0]), str(tmp_path / "无.gjg")])
    assert out.exit_code == 1 and "找不到" in out.output
