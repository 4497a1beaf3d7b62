"""The report library: headers, parameters, user folders (safe names only), statements."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from gongjian import schema
from gongjian.errors import ReportError
from gongjian.stores.reports import get_report, list_reports, run_report, split_statements

REQUIRED = {"isolated_organizations", "cut_off_groups", "multi_district_organizations",
            "cross_district_ties", "coverage_by_street", "coverage_by_site",
            "uncovered_organizations", "dual_reporting_by_community", "agreements_ending",
            "weak_organizations", "community_ties"}


def test_library_has_every_report_with_header():
    reports = {r.name: r for r in list_reports()}
    assert set(reports) >= REQUIRED
    for report in reports.values():
        assert report.title and report.description, report.name
    assert reports["isolated_organizations"].params["as_of"].type == "date"
    assert set(reports["cut_off_groups"].files) == {"falkordb", "neo4j", "gds"}


def test_reports_on_active_ties_take_as_of():
    for report in list_reports():
        text = " ".join(p.read_text(encoding="utf-8") for p in report.files.values())
        if "r.start" in text:
            assert "as_of" in report.params, report.name


def test_defaults_filled_by_runner():
    values = get_report("isolated_organizations").values()
    assert values["as_of"] == dt.date.today().isoformat()
    assert values["kinds"] == list(schema.CO_BUILDING_KINDS)
    assert get_report("coverage_by_street").values()["organizational"] == \
        sorted(schema.ORGANIZATIONAL_COVERAGE)


def test_param_values_parsed_by_type():
    report = get_report("agreements_ending")
    assert report.values({"as_of": "2025年6月30日", "days": "30"}) == \
        {"as_of": "2025-06-30", "days": 30}
    with pytest.raises(ReportError, match="days"):
        report.values({"days": "三十"})
    with pytest.raises(ReportError, match="没有参数 nope"):
        report.values({"nope": "1"})
    with pytest.raises(ReportError, match="没有名为"):
        get_report("no_such_report")


def test_user_folder_reads_only_safe_files_inside(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "我的_report-1.cypher").write_text(
        "MATCH (n:PartyOrg) WHERE n.district = $district RETURN n.id AS id", encoding="utf-8")
    secret = tmp_path / "secret.cypher"
    secret.write_text("RETURN 'outside' AS x", encoding="utf-8")
    os.symlink(secret, folder / "link.cypher")
    (folder / "bad name.cypher").write_text("RETURN 1 AS x", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.cypher").write_text("RETURN 1 AS x", encoding="utf-8")
    names = [r.name for r in list_reports(folder)]
    assert names == ["我的_report-1"]
    report = get_report("我的_report-1", folder)
    assert report.params["district"].type == "text" and report.title == "我的_report-1"
    for name in ("link", "../secret", "sub/deep", "bad name"):
        with pytest.raises(ReportError):
            get_report(name, folder)


def test_split_statements_with_result_marker():
    statements, at = split_statements("A;\n// @result\nB;\nC")
    assert statements == ["A", "B", "C"] and at == 1
    assert split_statements("MATCH (n) RETURN n")[1] == 0
    with pytest.raises(ReportError):
        split_statements("// only a comment")


@pytest.mark.falkordb
def test_user_report_runs(store, small_kg, tmp_path):
    from gongjian.stores.push import push

    push(small_kg, store)
    (tmp_path / "by_district.cypher").write_text(
        "MATCH (n:PartyOrg) WHERE n.district = $district RETURN n.id AS id ORDER BY id",
        encoding="utf-8")
    got = run_report("by_district", store, {"district": "秦淮区"}, folder=tmp_path)
    assert got["id"].tolist() == ["C2", "U2", "W1"]


@pytest.mark.falkordb
def test_gds_only_report_refused_on_falkordb(store):
    with pytest.raises(ReportError, match="Neo4j"):
        run_report("bridging_units", store, gds=True)
    with pytest.raises(ReportError, match="没有适用于 falkordb"):
        run_report("bridging_units", store)
