"""Every report gives the same rows as the Python analysis, however the graph reached the store.

Dates are stored as DATE, far ones included (agreements ending 2099-12-31, ties and
foundings in 1949): FalkorDB 4.16 orders two DATE values more than about 68 years apart
the wrong way round, so the reports compare ``toString(date)`` with the ``as_of`` text.
Three ways into a real FalkorDB server: push; the in-memory neo4j-admin export; the
streamed neo4j-admin export of the ledger folder — the last two read back by
:mod:`tests.stores.admin_loader`, which follows the importer's header grammar.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from pathlib import Path

import pandas as pd
import pytest

from gongjian import schema
from gongjian.graph.build import build
from gongjian.graph.model import KnowledgeGraph
from gongjian.loaders.read import read_ledger
from gongjian.queries import coverage, coverage_list, islands
from gongjian.stores.falkordb_store import FalkorDBStore
from gongjian.stores.neo4j_admin import export_neo4j_admin
from gongjian.stores.neo4j_admin_stream import export_ledger_neo4j_admin
from gongjian.stores.push import push
from gongjian.stores.reports import list_reports, run_report
from tests.stores import reference
from tests.stores.admin_loader import load_admin_csvs

pytestmark = pytest.mark.falkordb
DAYS = ("2026-11-23", "1960-01-01", "2098-06-30")
_graphs = itertools.count()


@pytest.fixture
def new_store(falkordb_server):
    made = []

    def make() -> FalkorDBStore:
        store = FalkorDBStore(falkordb_server.client(), graph=f"everywhere{next(_graphs)}")
        made.append(store)
        return store

    yield make
    for store in made:
        store.clear()
        store.close()


@pytest.fixture(scope="module")
def far_ledger(tmp_path_factory) -> Path:
    """The demo ledger with far dates: ends in 2099, starts and foundings in 1949."""
    from gongjian.demo import write_demo

    folder = write_demo(tmp_path_factory.mktemp("far") / "台账")
    rel_path = folder / "共建关系.csv"
    rel = pd.read_csv(rel_path, dtype=str, keep_default_na=False)
    n = len(rel)
    types = rel.columns[4]
    starts, ends = rel.columns[5], rel.columns[6]
    rel.loc[rel.index % 3 == 0, ends] = "2099-12-31"
    rel.loc[rel.index % 5 == 0, starts] = "1949-10-01"
    rel.loc[rel.index % 7 == 0, [starts, ends]] = ["1949-10-01", "1959-12-31"]
    rel.loc[rel.index % 11 == 0, [starts, ends]] = ["2098-01-01", "2099-12-31"]
    agreements = (rel[types] == "共建协议") & (rel.index % 11 != 0)
    assert agreements.sum() > 3 and n > 100
    rel.loc[agreements & (rel.index % 2 == 0), [starts, ends]] = ["2020-01-01", "2026-12-20"]
    rel.to_csv(rel_path, index=False, encoding="utf-8-sig")
    orgs_xlsx = folder / "党组织.xlsx"
    orgs = pd.read_excel(orgs_xlsx, dtype=str).fillna("")
    orgs["成立日期"] = ["1949-10-01" if i % 4 == 0 else "2001-07-01" for i in range(len(orgs))]
    orgs.loc[1, "组织名称"] = orgs.loc[1, "组织名称"] + "\n（第二行）"
    orgs_xlsx.unlink()
    orgs.to_csv(folder / "党组织.csv", index=False, encoding="utf-8-sig")
    return folder


@pytest.fixture(scope="module")
def far_kg(far_ledger) -> KnowledgeGraph:
    ledger = read_ledger(far_ledger)
    assert not ledger.errors, ledger.errors[:3]
    kg = build(ledger)
    years = pd.to_datetime(kg.relations["end"]).dt.year
    assert (years == 2099).sum() > 50 and (kg.party_orgs["founded"].dt.year == 1949).any()
    return kg


# --- what the Python side says -----------------------------------------------------------


def _active(kg: KnowledgeGraph, as_of: str) -> pd.DataFrame:
    return kg.active_relations(as_of)


def _agreements_ending(kg: KnowledgeGraph, as_of: str, days: int) -> list[tuple]:
    rel = kg.relations
    ids = set(kg.party_orgs["id"])
    day = pd.Timestamp(as_of)
    end = pd.to_datetime(rel["end"])
    keep = (rel["type"] == "agreement") & end.notna() & (end >= day) & \
        (end <= day + pd.Timedelta(days=days)) & rel["source_id"].isin(ids) & \
        rel["target_id"].isin(ids)
    part = rel[keep.to_numpy(dtype=bool)]
    start = pd.to_datetime(part["start"])
    return sorted(zip(part["source_id"], part["target_id"],
                      [None if pd.isna(s) else s.date().isoformat() for s in start],
                      [e.date().isoformat() for e in pd.to_datetime(part["end"])], strict=True))


def _partners(kg: KnowledgeGraph, as_of: str) -> pd.DataFrame:
    """Active ties seen from both ends: org, partner, type, reporting members."""
    rel = _active(kg, as_of)
    a = pd.DataFrame({"org": rel["source_id"], "partner": rel["target_id"], "type": rel["type"],
                      "members": rel["reporting_members"], "incoming": False})
    b = pd.DataFrame({"org": rel["target_id"], "partner": rel["source_id"], "type": rel["type"],
                      "members": rel["reporting_members"], "incoming": True})
    return pd.concat([a, b], ignore_index=True)


def check_reports(kg: KnowledgeGraph, store, as_of: str) -> None:
    """Every report with a Python counterpart gives its rows on ``store``."""
    orgs = kg.party_orgs.set_index("id")
    alive = kg.party_orgs.loc[kg.party_orgs["status"].fillna("active") != "dissolved", "id"]
    found = islands(kg, as_of=as_of)

    got = run_report("isolated_organizations", store, {"as_of": as_of})
    assert got["id"].tolist() == sorted(found.loc[found["reason"] == "isolated", "id"]), as_of

    got = run_report("cut_off_groups", store, {"as_of": as_of})
    groups = dict(zip(got["id"], got["group"], strict=True))
    assert groups == reference.cut_off_groups(kg, as_of), as_of
    detached = set(found.loc[found["reason"] == "detached", "id"])
    assert detached <= set(groups)

    got = run_report("cross_district_ties", store, {"as_of": as_of})
    reference.assert_cross_district_ties(got, kg, as_of)

    pairs = _partners(kg, as_of)
    for day_days in (30, 40_000):
        got = run_report("agreements_ending", store, {"as_of": as_of, "days": day_days})
        rows = sorted(zip(got["source_id"], got["target_id"],
                          [None if s is None or pd.isna(s) else s for s in got["start"]],
                          got["end"], strict=True))
        assert rows == _agreements_ending(kg, as_of, day_days), (as_of, day_days)

    communities = kg.party_orgs[(kg.party_orgs["kind"] == "community")
                                & kg.party_orgs["id"].isin(alive)]["id"]
    got = run_report("community_ties", store, {"as_of": as_of}).set_index("id")
    assert sorted(got.index) == sorted(communities)
    for cid in communities:
        mine = pairs[pairs["org"] == cid]
        assert got.loc[cid, "partners"] == mine["partner"].nunique(), (as_of, cid)
        assert got.loc[cid, "ties"] == len(mine), (as_of, cid)

    got = run_report("dual_reporting_by_community", store, {"as_of": as_of}).set_index("id")
    dual = pairs[(pairs["type"] == "dual_reporting") & pairs["incoming"]]
    for cid in communities:
        mine = dual[dual["org"] == cid]
        assert got.loc[cid, "units"] == mine["partner"].nunique(), (as_of, cid)
        assert got.loc[cid, "members_reported"] == int(mine["members"].fillna(0).sum())

    got = run_report("weak_organizations", store, {"as_of": as_of})
    weak = sorted(kg.party_orgs.loc[kg.party_orgs["status"] == "weak", "id"])
    assert sorted(got["id"]) == weak
    for wid, ids in zip(got["id"], got["partner_ids"], strict=True):
        assert sorted(ids) == sorted(set(pairs.loc[pairs["org"] == wid, "partner"]))

    got = run_report("multi_district_organizations", store, {"as_of": as_of})
    district = orgs["district"]
    want_multi = {}
    for oid, part in pairs[pairs["org"].isin(alive)].groupby("org"):
        reached = {district[oid]} | set(district[part["partner"]].dropna())
        if len(reached) >= 2:
            want_multi[oid] = len(reached)
    assert dict(zip(got["id"], got["district_count"], strict=True)) == want_multi, as_of


def check_coverage_reports(kg: KnowledgeGraph, store) -> None:
    for by, report, key in (("street", "coverage_by_street", ["district", "street"]),
                            ("site", "coverage_by_site", ["site"])):
        got = run_report(report, store).sort_values(key).reset_index(drop=True)
        want = coverage(kg, by=by).sort_values(key).reset_index(drop=True)
        cols = [*key, "organizations", "organizational", "work"]
        pd.testing.assert_frame_equal(got[cols], want[cols], check_dtype=False)
        for rate in ("organizational_rate", "work_rate"):
            assert got[rate].round(4).tolist() == want[rate].astype(float).round(4).tolist()
    got = run_report("uncovered_organizations", store)
    plan = coverage_list(kg)
    want = plan[~plan["status"].isin(schema.WORK_COVERAGE)]
    assert sorted(got["uscc"]) == sorted(want["uscc"])


def _check_everything(kg: KnowledgeGraph, store) -> None:
    for day in DAYS:
        check_reports(kg, store, day)
    check_coverage_reports(kg, store)


# --- the three ways in -------------------------------------------------------------------


def test_reports_after_push_equal_python(far_kg, new_store):
    store = new_store()
    push(far_kg, store)
    types = store.execute("MATCH ()-[r:AGREEMENT]->() WHERE r.end IS NOT NULL "
                          "RETURN DISTINCT typeOf(r.end) AS t")
    assert types == [{"t": "Date"}]
    far = store.execute("MATCH ()-[r]->() WHERE toString(r.end) = '2099-12-31' "
                        "RETURN count(r) AS n")[0]["n"]
    assert far > 50
    _check_everything(far_kg, store)


def test_reports_after_neo4j_admin_export_equal_python(far_kg, new_store, tmp_path):
    out = export_neo4j_admin(far_kg, tmp_path / "导入")
    assert "--multiline-fields=true" in out.command  # a name holds a line break
    store = new_store()
    load_admin_csvs(store, out.nodes, out.relationships)
    pushed = new_store()
    push(far_kg, pushed)
    for query in ("MATCH (n) RETURN count(n) AS n", "MATCH ()-[r]->() RETURN count(r) AS n",
                  "MATCH (n:PartyOrg) RETURN n.id AS id, toString(n.founded) AS founded, "
                  "n.members AS members, n.name AS name ORDER BY id",
                  "MATCH (a)-[r:PAIRING]->(b) RETURN r.key AS k, toString(r.start) AS s, "
                  "r.projects AS p ORDER BY k"):
        assert store.execute(query) == pushed.execute(query), query
    _check_everything(far_kg, store)


def test_reports_after_streamed_export_equal_python(far_ledger, far_kg, new_store, tmp_path):
    out = export_ledger_neo4j_admin(far_ledger, tmp_path / "导入", chunk_bytes=1 << 14)
    assert out.errors == 0
    assert "--multiline-fields=true" in out.command
    store = new_store()
    load_admin_csvs(store, out.nodes, out.relationships)
    types = store.execute("MATCH (n:PartyOrg) WHERE n.founded IS NOT NULL "
                          "RETURN DISTINCT typeOf(n.founded) AS t")
    assert types == [{"t": "Date"}]
    _check_everything(far_kg, store)


def test_every_common_report_runs_on_loaded_csvs(far_kg, new_store, tmp_path):
    out = export_neo4j_admin(far_kg, tmp_path / "导入")
    store = new_store()
    load_admin_csvs(store, out.nodes, out.relationships)
    for report in list_reports():
        if set(report.files) == {"gds"}:
            continue
        frame = run_report(report.name, store, {"as_of": "2026-11-23"}
                           if "as_of" in report.params else {})
        assert list(frame.columns), report.name


def test_no_multiline_flag_without_line_breaks(tmp_path):
    kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
        {"id": ["a", "b"], "name": ["甲", "乙"], "kind": ["community", "unit"],
         "district": ["玄武区", "玄武区"]}))
    assert "--multiline-fields" not in export_neo4j_admin(kg, tmp_path / "一").command
    kg.party_orgs.loc[1, "name"] = "乙\r\n支部"
    assert "--multiline-fields=true" in export_neo4j_admin(kg, tmp_path / "二").command


def test_streamed_command_without_line_breaks(tmp_path):
    folder = tmp_path / "台账"
    folder.mkdir()
    (folder / "党组织.csv").write_text("组织编码,组织名称,组织类别,所属区,成立日期\n"
                                      "A,甲,社区党组织,玄武区,1949-10-01\n", encoding="utf-8")
    (folder / "共建关系.csv").write_text("甲方编码,乙方编码,关系类型\n", encoding="utf-8")
    out = export_ledger_neo4j_admin(folder, tmp_path / "导入")
    assert "--multiline-fields" not in out.command
    head = (tmp_path / "导入" / "nodes_PartyOrg.csv").read_text(encoding="utf-8").splitlines()
    assert "founded:date" in head[0].split(",") and "1949-10-01" in head[1]
    shutil.rmtree(tmp_path / "导入")
    (folder / "党组织.csv").write_text("组织编码,组织名称,组织类别,所属区\n"
                                      'A,"甲\n乙",社区党组织,玄武区\n', encoding="utf-8")
    assert "--multiline-fields=true" in export_ledger_neo4j_admin(folder,
                                                                  tmp_path / "导入").command


def test_loader_follows_the_header_grammar():
    from tests.stores.admin_loader import parse_field

    assert parse_field("id:ID(PartyOrg)") == ("id", "ID", "PartyOrg", False)
    assert parse_field(":START_ID(Region)") == ("", "START_ID", "Region", False)
    assert parse_field("projects:string[]") == ("projects", "string", None, True)
    assert parse_field("name") == ("name", "string", None, False)
    assert parse_field("start:date") == ("start", "date", None, False)
    assert dt.date.fromisoformat("2099-12-31")  # the far date the fixtures use
