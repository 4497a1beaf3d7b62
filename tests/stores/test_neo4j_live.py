"""Neo4j: the password never shows; live tests run whenever NEO4J_URI is set."""

from __future__ import annotations

import os
import socket

import pytest

from gongjian.errors import StoreError
from gongjian.stores.push import push
from gongjian.stores.reports import list_reports, run_report
from gongjian.stores.store import open_store, parse_uri

LIVE = pytest.mark.skipif(not os.environ.get("NEO4J_URI"),
                          reason="NEO4J_URI not set: live Neo4j tests not run")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_failed_connection_does_not_show_the_password():
    secret = "S3cr3t-密码-do-not-print"
    with pytest.raises(StoreError) as err:
        open_store(f"bolt://127.0.0.1:{_closed_port()}", user="neo4j", password=secret,
                   timeout=3)
    assert secret not in str(err.value) and "127.0.0.1" in str(err.value)


def test_credentials_in_uri_refused():
    with pytest.raises(StoreError, match="NEO4J_PASSWORD"):
        parse_uri("neo4j://neo4j:secret@localhost:7687")


def test_missing_password_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(StoreError, match="NEO4J_PASSWORD"):
        open_store(f"neo4j://127.0.0.1:{_closed_port()}")


@pytest.fixture
def neo4j_store():
    with open_store(os.environ["NEO4J_URI"]) as store:
        store.clear()
        yield store
        store.clear()


@LIVE
@pytest.mark.neo4j
def test_live_push_idempotent_and_reports_run(neo4j_store, small_kg):
    first = push(small_kg, neo4j_store)
    assert first.created == first.rows
    second = push(small_kg, neo4j_store)
    assert second.created == 0
    for report in list_reports():
        if set(report.files) == {"gds"}:
            continue
        run_report(report.name, neo4j_store, {"as_of": "2025-06-30"}
                   if "as_of" in report.params else None)
    got = run_report("isolated_organizations", neo4j_store, {"as_of": "2025-06-30"})
    assert got["id"].tolist() == ["U3", "U6", "U7", "W1"]
    # dates are DATE values, as an analyst's `r.end < date()` expects
    types = neo4j_store.execute("MATCH ()-[r:AGREEMENT]->() WHERE r.end IS NOT NULL "
                                "RETURN DISTINCT valueType(r.end) AS t")
    assert types == [{"t": "DATE NOT NULL"}]
    # a user's report is read-only, every statement of it
    import tempfile
    from pathlib import Path

    from gongjian.errors import ReportError

    mine = Path(tempfile.mkdtemp())
    (mine / "wipe.cypher").write_text(
        "MATCH (n:PartyOrg) DETACH DELETE n; MATCH (n:PartyOrg) RETURN count(n) AS n",
        encoding="utf-8")
    with pytest.raises((StoreError, ReportError), match="只读查询不能修改数据库"):
        run_report("wipe", neo4j_store, folder=mine)
    assert neo4j_store.execute("MATCH (n:PartyOrg) RETURN count(n) AS n") == [{"n": 13}]
