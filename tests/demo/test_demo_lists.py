"""The demo's three lists and activity record: proportions, and the planted truth as
``match``, ``dormant`` and ``lists`` find it, checked against plain computations on the files."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

from gongjian import queries, schema
from gongjian.cli import app
from gongjian.demo import DEMO_AS_OF
from gongjian.graph.build import build
from gongjian.loaders import read_ledger

DAY = pd.Timestamp(DEMO_AS_OF)


@pytest.fixture(scope="module")
def kg(demo_dir):
    return build(read_ledger(demo_dir))


def _split(cell: str) -> list[str]:
    return [x for x in cell.replace("；", "、").replace(";", "、").split("、") if x]


def _date(cell: str) -> pd.Timestamp | None:
    return pd.Timestamp(cell) if cell else None


def _cat(value: str) -> str:
    return schema.canonical(schema.CATEGORY_ALIASES, value)


def test_check_reports_no_errors(demo_dir):
    result = CliRunner().invoke(app, ["check", str(demo_dir), "--lang", "en"])
    assert result.exit_code == 0, result.output
    ledger = read_ledger(demo_dir)
    assert ledger.errors == []
    assert {p.value for p in ledger.warnings} == {"5"}  # the planted firm only, as before
    assert len(ledger.needs) and len(ledger.activities)


def test_realistic_proportions(raw, layer, truth):
    orgs, needs, res = raw["party_orgs"], raw["needs"], raw["resources"]
    communities = set(orgs.loc[orgs["组织类别"].str.startswith("社区"), "组织编码"])
    per_community = needs["提出组织编码"].value_counts()
    assert set(per_community.index) >= communities - {""}  # every community raises some
    assert per_community.reindex(list(communities)).between(1, 4).all()
    answered = {n for cell in raw["projects"]["对应需求"] for n in _split(cell)}
    assert 0.45 <= len(answered) / len(needs) <= 0.75  # a bit over half
    resident = orgs[orgs["组织类别"].map(lambda v: schema.canonical(
        schema.PARTY_KIND_ALIASES, v) in ("unit", "building", "park", "business_district"))]
    offering = res["提供组织编码"].value_counts().reindex(resident["组织编码"]).fillna(0)
    assert (offering >= 1).mean() >= 0.6  # most resident units offer something
    assert offering.max() <= 4
    # activity records for most but not all ties of the day
    since = DAY - pd.Timedelta(days=365)
    seen = set()
    for r in raw["activities"].itertuples(index=False):
        if since <= pd.Timestamp(r[0]) <= DAY:
            ids = _split(r[3])
            seen |= {frozenset((a, b)) for a in ids for b in ids if a != b}
    share = sum(frozenset(e) in seen for e in layer.edges) / layer.number_of_edges()
    assert 0.6 <= share <= 0.97
    assert truth["counts"]["needs"] == len(needs)
    assert truth["counts"]["activities"] == len(raw["activities"])


def test_island_need_has_one_fit_that_ends_an_island(kg, raw, layer, truth):
    planted = truth["lists"]["island_need"]
    rows = queries.match(kg, as_of=DEMO_AS_OF)
    mine = rows[rows["need_id"] == planted["need_id"]]
    assert mine["resource_id"].tolist() == [planted["resource_id"]]
    assert mine["mends"].tolist() == ["island"] and mine["new_tie"].tolist() == [True]
    # plainly: the offering unit has no active tie, and no other resource has the category
    assert planted["resource_org"] in set(nx.isolates(layer))
    need = raw["needs"].set_index("需求编号").loc[planted["need_id"]]
    orgs = raw["party_orgs"].set_index("组织编码")
    district = orgs.loc[need["提出组织编码"], "所属区"]
    res = raw["resources"]
    same = res[(res["类别"].map(_cat) == _cat(need["类别"]))
               & ((res["服务范围"] == "全市")
                  | (res["提供组织编码"].map(orgs["所属区"]) == district))]
    assert same["资源编号"].tolist() == [planted["resource_id"]]


def _plain_dormant(raw) -> set[frozenset]:
    """Active ties of DEMO_AS_OF whose ends share no activity or project in the last year."""
    orgs = raw["party_orgs"]
    by_name = dict(zip(orgs["组织名称"], orgs["组织编码"], strict=True))
    live = set(orgs.loc[orgs["状态"] != "已撤销", "组织编码"])
    since = DAY - pd.Timedelta(days=365)
    last: dict[frozenset, pd.Timestamp] = defaultdict(lambda: pd.Timestamp.min)

    def saw(ids: list[str], day: pd.Timestamp) -> None:
        for a in ids:
            for b in ids:
                if a < b:
                    last[frozenset((a, b))] = max(last[frozenset((a, b))], day)

    for r in raw["activities"].itertuples(index=False):
        if pd.Timestamp(r[0]) <= DAY:
            saw(_split(r[3]), pd.Timestamp(r[0]))
    for r in raw["projects"].itertuples(index=False):
        start, end = _date(r[7]), _date(r[8])
        if start is None or start <= DAY:
            saw([r[2], *_split(r[4])], DAY if end is None or end > DAY else end)
    out = set()
    for r in raw["relations"].itertuples(index=False):
        a, b = r[0] or by_name[r[1]], r[2] or by_name[r[3]]
        if (r[6] and pd.Timestamp(r[6]) < DAY) or a not in live or b not in live:
            continue
        if last[frozenset((a, b))] < since:
            out.add(frozenset((a, b)))
    return out


def test_dormant_agreement_and_all_dormant_ties(kg, raw, truth):
    planted = truth["lists"]["dormant_agreement"]
    df = queries.dormant(kg, as_of=DEMO_AS_OF)
    pairs = {frozenset((a, b)) for a, b in zip(df["source_id"], df["target_id"], strict=True)}
    assert pairs == _plain_dormant(raw)
    row = df[(df["source_id"] == planted["source_id"]) & (df["target_id"] == planted["target_id"])]
    assert len(row) == 1 and row["type"].iloc[0] == "agreement"
    assert row["last_evidence"].iloc[0].date().isoformat() == planted["last_evidence"]
    assert 0 < len(df) < 0.4 * len(kg.active_relations(DEMO_AS_OF))


def test_adding_activities_keeps_islands_unless_a_window(kg, truth):
    plain = queries.islands(kg, as_of=DEMO_AS_OF)
    assert set(plain["id"]) == set(truth["islands_as_of"]) | set(truth["detached_group"])
    windowed = queries.islands(kg, as_of=DEMO_AS_OF, window=365)
    assert set(plain["id"]) < set(windowed["id"])
    assert "dormant" in set(windowed["reason"])


def test_stale_need_and_idle_resource_in_lists(kg, raw, truth):
    orgs = raw["party_orgs"].set_index("组织编码")
    needs, res = raw["needs"], raw["resources"]
    open_ = needs[needs["状态"].isin(["", "待认领"])
                  & (needs["提出日期"].map(_date) <= DAY)]
    stale = open_[open_["提出日期"].map(_date) <= DAY - pd.Timedelta(days=90)]
    assert truth["lists"]["stale_need"]["need_id"] in set(stale["需求编号"])
    projects = raw["projects"]
    used = {x for cell in projects.loc[projects["状态"] == "实施中", "使用资源"]
            for x in _split(cell)}
    offered = res[res["有效期至"].map(lambda v: not v or pd.Timestamp(v) >= DAY)]
    idle = offered[~offered["资源编号"].isin(used)]
    planted = truth["lists"]["idle_resource"]["resource_id"]
    assert planted in set(idle["资源编号"])
    assert planted not in {x for cell in projects["使用资源"] for x in _split(cell)}
    df = queries.lists(kg, as_of=DEMO_AS_OF, by="street").set_index(["district", "street"])

    def per_street(frame: pd.DataFrame, col: str) -> pd.Series:
        keys = frame[col].map(lambda i: (orgs.loc[i, "所属区"], orgs.loc[i, "所属街道"]))
        return keys.value_counts()

    for frame, col, name in ((open_, "提出组织编码", "needs_open"),
                             (stale, "提出组织编码", "needs_stale"),
                             (idle, "提供组织编码", "resources_idle")):
        expected = per_street(frame, col)
        got = df[name][df[name] > 0]
        assert dict(got) == {k: int(v) for k, v in expected.items()}, name
    stale_org = truth["lists"]["stale_need"]["org_id"]
    assert df.loc[(orgs.loc[stale_org, "所属区"], orgs.loc[stale_org, "所属街道"]),
                  "needs_stale"] >= 1
    assert dt.date.fromisoformat(truth["lists"]["stale_need"]["raised"]) < DEMO_AS_OF


def test_commands_give_the_planted_rows(tmp_path, demo_dir, truth):
    import json

    runner = CliRunner()
    graph = tmp_path / "g.gjg"
    assert runner.invoke(app, ["build", str(demo_dir), "-o", str(graph)]).exit_code == 0
    out = runner.invoke(app, ["match", str(graph), "--as-of", DEMO_AS_OF.isoformat(),
                              "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = [r for r in json.loads(out.stdout)
            if r["need_id"] == truth["lists"]["island_need"]["need_id"]]
    assert [(r["resource_id"], r["mends"]) for r in rows] == [
        (truth["lists"]["island_need"]["resource_id"], "island")]
    out = runner.invoke(app, ["dormant", str(graph), "--as-of", DEMO_AS_OF.isoformat(),
                              "--format", "json"])
    assert out.exit_code == 0, out.output
    d = truth["lists"]["dormant_agreement"]
    assert any(r["source_id"] == d["source_id"] and r["target_id"] == d["target_id"]
               for r in json.loads(out.stdout))
