"""The three lists and the activity record in a store: push, the neo4j-admin export, the
reports ``open_needs``, ``idle_resources``, ``dormant_ties`` and ``match_candidates`` on a
real FalkorDB server, row for row against :mod:`gongjian.queries` (lists, dormant, match).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

from gongjian import schema
from gongjian.demo import DEMO_AS_OF, write_demo
from gongjian.graph.build import build
from gongjian.graph.model import KnowledgeGraph, as_date
from gongjian.loaders.read import read_ledger
from gongjian.queries.dormant import dormant
from gongjian.queries.lists import idle_resources, offered_resources, open_needs
from gongjian.queries.match import match
from gongjian.stores.falkordb_store import FalkorDBStore
from gongjian.stores.neo4j_admin import export_neo4j_admin
from gongjian.stores.neo4j_admin_stream import export_ledger_neo4j_admin
from gongjian.stores.push import plan_push, push
from gongjian.stores.reports import run_report
from gongjian.stores.rows import stored_lists
from tests.stores.admin_loader import load_admin_csvs

pytestmark = pytest.mark.falkordb
DAYS = (DEMO_AS_OF.isoformat(), "2024-06-30", "2026-03-01")
_graphs = itertools.count()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, KnowledgeGraph, dict]:
    folder = write_demo(tmp_path_factory.mktemp("demo") / "台账")
    ledger = read_ledger(folder)
    assert not ledger.errors, ledger.errors[:3]
    kg = build(ledger)
    assert len(kg.needs) and len(kg.resources) and len(kg.projects) and len(kg.activities)
    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))["lists"]
    return folder, kg, truth


@pytest.fixture
def new_store(falkordb_server):
    made = []

    def make() -> FalkorDBStore:
        store = FalkorDBStore(falkordb_server.client(), graph=f"lists{next(_graphs)}")
        made.append(store)
        return store

    yield make
    for store in made:
        store.clear()
        store.close()


def _none(v):
    return None if v is None or (not isinstance(v, list) and pd.isna(v)) else v


def check_list_reports(kg: KnowledgeGraph, store, day: str) -> None:
    """The four list reports give the Python rows on ``store`` on ``day``."""
    ts = as_date(day)
    # open needs, and the stale ones (90 and 30 days)
    for stale_days in (90, 30):
        got = run_report("open_needs", store, {"as_of": day, "stale_days": stale_days})
        mask = open_needs(kg, ts)
        want = kg.needs[mask]
        assert got["id"].tolist() == sorted(want["id"]), day
        raised = pd.to_datetime(want["raised"])
        stale = set(want.loc[(raised <= ts - pd.Timedelta(days=stale_days)).to_numpy(bool),
                             "id"])
        assert set(got.loc[got["stale"].astype(bool), "id"]) == stale, (day, stale_days)
        orgs = dict(zip(want["id"], want["org_id"], strict=True))
        assert all(_none(o) == _none(orgs[i]) for i, o in zip(got["id"], got["org_id"],
                                                              strict=True))
    # idle resources: offered on the day, no active project uses them
    got = run_report("idle_resources", store, {"as_of": day})
    mask = offered_resources(kg, ts) & idle_resources(kg, ts)
    assert got["id"].tolist() == sorted(kg.resources.loc[mask, "id"]), day
    # dormant ties, in the Python order, with the last evidence
    for window in (365, 90):
        got = run_report("dormant_ties", store, {"as_of": day, "window": window})
        want = dormant(kg, as_of=day, window=window)
        rows = [(s, t, ty, _none(st), _none(le), None if _none(n) is None else int(n))
                for s, t, ty, st, le, n in zip(got["source_id"], got["target_id"],
                                               got["relation_type"], got["start"],
                                               got["last_evidence"], got["days_since"],
                                               strict=True)]
        expected = [(s, t, ty, None if pd.isna(st) else st.date().isoformat(),
                     None if pd.isna(le) else le.date().isoformat(),
                     None if pd.isna(n) else int(n))
                    for s, t, ty, st, le, n in zip(want["source_id"], want["target_id"],
                                                   want["type"], want["start"],
                                                   want["last_evidence"], want["days_since"],
                                                   strict=True)]
        assert len(rows) > 0 and sorted(rows, key=str) == sorted(expected, key=str), \
            (day, window)
        # the Python order: never evidenced first, then the longest silent
        assert [(r[5] is None, r[5]) for r in rows] == [(r[5] is None, r[5]) for r in expected]
    # match candidates: every pair the Python match could rank, with its proximity
    got = run_report("match_candidates", store, {"as_of": day})
    want = match(kg, as_of=day, top=10**6)
    cols = ["need_id", "need_org", "resource_id", "resource_org", "category", "proximity"]
    assert sorted(map(tuple, got[cols].to_numpy().tolist())) == \
        sorted(map(tuple, want[cols].to_numpy().tolist())), day
    assert got["need_id"].tolist() == sorted(got["need_id"])


def test_push_carries_the_lists(demo, new_store):
    _, kg, _ = demo
    store = new_store()
    summary = push(kg, store, progress=False)
    for label, table in (("Need", kg.needs), ("Resource", kg.resources),
                         ("Project", kg.projects), ("Activity", kg.activities)):
        n = store.execute(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]
        assert n == len(table), label
    _, links = stored_lists(kg)
    for code, term in {**schema.LIST_LINK_TYPES, **schema.ACTIVITY_LINK_TYPES}.items():
        n = store.execute(f"MATCH ()-[r:{term.cypher}]->() RETURN count(r) AS n")[0]["n"]
        assert n == (links["type"] == code).sum() > 0, code
    kinds = store.execute("MATCH (n:Need) WHERE n.raised IS NOT NULL "
                          "RETURN DISTINCT typeOf(n.raised) AS t")
    assert kinds == [{"t": "Date"}]
    kinds = store.execute("MATCH (p:Project) WHERE p.participants IS NOT NULL "
                          "RETURN DISTINCT typeOf(p.participants) AS t")
    assert kinds == [{"t": "List"}]
    again = push(kg, store, progress=False)
    assert again.created == 0 and again.matched == summary.rows


def test_reports_after_push_equal_python(demo, new_store):
    _, kg, truth = demo
    store = new_store()
    push(kg, store, progress=False)
    for day in DAYS:
        check_list_reports(kg, store, day)
    day = DEMO_AS_OF.isoformat()
    needs = run_report("open_needs", store, {"as_of": day}).set_index("id")
    assert bool(needs.loc[truth["stale_need"]["need_id"], "stale"])
    idle = run_report("idle_resources", store, {"as_of": day})
    assert truth["idle_resource"]["resource_id"] in set(idle["id"])
    asleep = run_report("dormant_ties", store, {"as_of": day})
    planted = truth["dormant_agreement"]
    row = asleep[(asleep["source_id"] == planted["source_id"])
                 & (asleep["target_id"] == planted["target_id"])]
    assert row["last_evidence"].tolist() == [planted["last_evidence"]]
    pairs = run_report("match_candidates", store, {"as_of": day})
    mine = pairs[pairs["need_id"] == truth["island_need"]["need_id"]]
    assert truth["island_need"]["resource_id"] in set(mine["resource_id"])


def test_reports_after_neo4j_admin_export_equal_python(demo, new_store, tmp_path):
    _, kg, _ = demo
    out = export_neo4j_admin(kg, tmp_path / "导入")
    names = {p.name for p in (*out.nodes, *out.relationships)}
    assert {"nodes_Need.csv", "nodes_Activity.csv", "rels_RAISED_BY_Need_PartyOrg.csv",
            "rels_PARTICIPATED_PartyOrg_Activity.csv", "rels_FOR_PROJECT_Activity_Project.csv"} \
        <= names
    head = (tmp_path / "导入" / "nodes_Project.csv").read_text(encoding="utf-8").splitlines()[0]
    assert {"start:date", "participants:string[]"} <= set(head.split(","))
    store = new_store()
    load_admin_csvs(store, out.nodes, out.relationships)
    pushed = new_store()
    push(kg, pushed, progress=False)
    for query in ("MATCH (n) RETURN labels(n)[0] AS l, count(n) AS n ORDER BY l",
                  "MATCH ()-[r]->() RETURN type(r) AS t, count(r) AS n ORDER BY t",
                  "MATCH (a:Activity) RETURN a.key AS k, toString(a.date) AS d, "
                  "a.participants AS p ORDER BY k"):
        assert store.execute(query) == pushed.execute(query), query
    check_list_reports(kg, store, DAYS[0])


def test_graph_without_lists_pushes_as_before(demo, new_store):
    _, kg, _ = demo
    bare = kg.with_tables(**{t: getattr(KnowledgeGraph(), t)
                             for t in ("needs", "resources", "projects", "activities",
                                       "list_links")})
    steps = plan_push(bare)
    old = {*(t.cypher for t in schema.NODE_LABELS.values()),
           *(t.cypher for t in schema.RELATION_TYPES.values()),
           *(t.cypher for t in schema.LINK_TYPES.values())}
    assert {s.name for s in steps} <= old
    assert len(plan_push(kg)) > len(steps)
    store = new_store()
    push(bare, store, progress=False)
    labels = store.execute("MATCH (n) RETURN DISTINCT labels(n)[0] AS l")
    assert {r["l"] for r in labels} <= {t.cypher for t in schema.NODE_LABELS.values()}
    indexed = {r["label"] for r in store.execute("CALL db.indexes() YIELD label RETURN label")}
    assert not indexed & {"Need", "Resource", "Project", "Activity"}
    assert run_report("open_needs", store, {"as_of": DAYS[0]}).empty


def test_streamed_export_names_the_lists_it_leaves_out(demo, tmp_path):
    folder, _, _ = demo
    out = export_ledger_neo4j_admin(folder, tmp_path / "导入")
    assert sorted(out.skipped_lists) == sorted(
        p.name for p in folder.iterdir() if p.stem in ("需求清单", "资源清单", "项目清单",
                                                       "活动记录"))
    assert len(out.skipped_lists) == 4
    assert not any("Need" in p.name or "Activity" in p.name for p in out.nodes)


def test_day_windows_are_exact_on_falkordb(store):
    """FalkorDB 4.16 turns 30 days into a month (2025-06-30 + 90 days = 2025-09-30): the
    reports count days from the dates' text, so every boundary day falls on its side."""
    import datetime as dt

    day = dt.date(2025, 6, 30)
    ends = [day + dt.timedelta(days=n) for n in (88, 89, 90, 91, 92)]
    orgs = pd.DataFrame({"id": ["c", *(f"u{i}" for i in range(len(ends)))],
                         "name": ["社区", *(f"单位{i}" for i in range(len(ends)))],
                         "kind": ["community", *["unit"] * len(ends)],
                         "district": ["玄武区"] * (len(ends) + 1)})
    kg = KnowledgeGraph.from_frames(
        party_orgs=orgs,
        relations=pd.DataFrame({"source_id": [f"u{i}" for i in range(len(ends))],
                                "target_id": ["c"] * len(ends), "type": ["agreement"] * len(ends),
                                "end": pd.to_datetime(ends)}),
        needs=pd.DataFrame({"id": [f"N{i}" for i in range(len(ends))], "org_id": ["c"] * 5,
                            "category": ["venue"] * 5, "status": ["open"] * 5,
                            "raised": pd.to_datetime([day - (e - day) for e in ends])}),
        activities=pd.DataFrame({"date": pd.to_datetime([day - (e - day) for e in ends]),
                                 "name": ["活动"] * 5,
                                 "participants": [["c", f"u{i}"] for i in range(5)]}))
    push(kg, store, progress=False)
    as_of = day.isoformat()
    got = run_report("agreements_ending", store, {"as_of": as_of, "days": 90})
    assert got["end"].tolist() == [e.isoformat() for e in ends[:3]]
    needs = run_report("open_needs", store, {"as_of": as_of, "stale_days": 90})
    assert needs.loc[needs["stale"].astype(bool), "id"].tolist() == ["N2", "N3", "N4"]
    asleep = run_report("dormant_ties", store, {"as_of": as_of, "window": 90})
    assert asleep["source_id"].tolist() == ["u4", "u3"]
    assert asleep["days_since"].tolist() == [92, 91]
    want = dormant(kg, as_of=as_of, window=90)
    assert want["source_id"].tolist() == ["u4", "u3"]
