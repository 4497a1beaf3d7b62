"""match, dormant, lists and islands --window: the scenario by hand, random graphs against
plain reference versions written from the spec."""

from __future__ import annotations

import pandas as pd
import pytest

from gongjian.errors import AnalysisError
from gongjian.queries import dormant, islands, lists, match
from gongjian.queries.match import MATCH_COLUMNS

from .conftest import AS_OF
from .reference import random_graph, reference_dormant, reference_match


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got = got[list(want.columns)].reset_index(drop=True).astype(object)
    want = want.astype(object)
    assert got.fillna("-").values.tolist() == want.fillna("-").values.tolist()


def test_match_scenario(scenario):
    df = match(scenario, as_of=AS_OF)
    assert tuple(df.columns) == MATCH_COLUMNS
    got = df[["need_id", "resource_id", "proximity", "mends", "new_tie", "rank"]]
    assert got.values.tolist() == [
        # N1 (湖南路社区 needs a venue): the company in the same community is an island;
        # the cut-off 供电所 (district-wide) before the already-connected 档案馆; 档案馆's
        # 展厅 (R6) expired at the end of 2024
        ["N1", "R2", "community", "island", True, 1],
        ["N1", "R3", "street", "cut_off", True, 2],
        ["N1", "R1", "street", None, True, 3],
        # N2: 图书馆 is already tied to 丹凤街社区
        ["N2", "R4", "street", None, False, 1],
        # N3 is claimed, N5 raised after the day; N4 gets the hospital's city-wide offer
        ["N4", "R5", "street", None, True, 1],
    ]
    n1 = df.iloc[0]["reasons"]
    assert any("第一条共建关系" in s for s in n1) and any("湖南路社区" in s for s in n1)
    assert all(isinstance(s, str) for r in df["reasons"] for s in r)
    assert match(scenario, as_of=AS_OF, top=1)["rank"].max() == 1


def test_match_scope_limits_the_distance(scenario):
    """A community-wide resource never serves another community; a city-wide one serves
    another district, and is then cross-district."""
    kg = scenario
    res = kg.resources.copy()
    res.loc[res["id"] == "R2", "scope"] = "community"
    res.loc[res["id"] == "R3", "scope"] = "city"
    res.loc[res["id"] == "R3", "category"] = "professional"
    kg2 = type(kg).from_frames(**{n: getattr(kg, n) for n, _ in kg.tables()
                                  if n != "resources"}, resources=res)
    df = match(kg2, as_of=AS_OF)
    n4 = df[df["need_id"] == "N4"]
    assert n4[["resource_id", "proximity", "mends"]].values.tolist() == [
        ["R5", "street", None], ["R3", "city", "cut_off"]]
    assert "R2" in df.loc[df["need_id"] == "N1", "resource_id"].tolist()  # same community


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("top", [1, 3])
def test_match_equals_reference(seed, top):
    kg = random_graph(seed)
    for day in ("2024-06-30", "2026-01-01"):
        want = reference_match(kg, day, top)
        assert len(want) > 0
        _same(match(kg, as_of=day, top=top), want)


def test_match_equals_reference_with_crowded_groups():
    """Many resources per (category, place) and hubs with many partners: the head of every
    group is long enough."""
    kg = random_graph(99, n_orgs=30, n_ties=80, n_needs=30, n_res=200)
    for top in (1, 2, 5):
        want = reference_match(kg, "2025-06-30", top)
        _same(match(kg, as_of="2025-06-30", top=top), want)


def test_dormant_scenario(scenario):
    df = dormant(scenario, as_of=AS_OF)
    assert df.columns.tolist() == ["source_id", "source_name", "target_id", "target_name",
                                   "type", "start", "last_evidence", "days_since"]
    assert df[["source_id", "target_id"]].values.tolist() == [["S2", "C3"], ["U6", "S2"],
                                                               ["U2", "C1"]]
    assert df["last_evidence"].isna().tolist() == [True, True, False]
    assert int(df["days_since"].iloc[2]) == (pd.Timestamp(AS_OF) - pd.Timestamp("2024-01-10")).days
    # a longer window keeps the 2024 activity alive
    assert ["U2", "C1"] not in dormant(scenario, as_of=AS_OF, window=600)[
        ["source_id", "target_id"]].values.tolist()
    with pytest.raises(AnalysisError):
        dormant(scenario, window=0)


@pytest.mark.parametrize("seed", range(6))
def test_dormant_equals_reference(seed):
    kg = random_graph(seed)
    for day, window in (("2024-06-30", 365), ("2025-12-31", 200)):
        want = reference_dormant(kg, day, window)
        got = dormant(kg, as_of=day, window=window)
        key = ["source_id", "target_id", "type"]
        a = got[[*key, "days_since"]].sort_values(key).reset_index(drop=True)
        b = want[[*key, "days_since"]].sort_values(key).reset_index(drop=True)
        assert len(b) > 0
        assert a[key].values.tolist() == b[key].values.tolist()
        assert a["days_since"].astype("Float64").tolist() == \
            pd.array(b["days_since"], dtype="Float64").tolist()


def test_islands_window(scenario):
    plain = islands(scenario, as_of=AS_OF)
    assert plain["reason"].tolist() == ["isolated", "detached", "detached"]
    windowed = islands(scenario, as_of=AS_OF, window=365)
    reasons = dict(zip(windowed["id"], windowed["reason"], strict=True))
    assert reasons == {"U3": "isolated", "U2": "dormant", "S2": "dormant", "C3": "dormant",
                       "U6": "dormant", "U4": "detached", "U5": "detached"}
    assert "休眠" in windowed.loc[windowed["id"] == "U2", "explanation"].iloc[0]
    # a window long enough to see every activity: U2 comes back to life
    assert "U2" not in islands(scenario, as_of=AS_OF, window=900)["id"].tolist()


def test_islands_without_window_unchanged_by_activity():
    kg = random_graph(3)
    bare = type(kg).from_frames(party_orgs=kg.party_orgs, relations=kg.relations)
    pd.testing.assert_frame_equal(islands(kg, as_of="2025-01-01"),
                                  islands(bare, as_of="2025-01-01"))


def test_lists_scenario(scenario):
    df = lists(scenario, as_of=AS_OF)
    assert df.columns.tolist() == ["district", "street", "needs_open", "needs_stale",
                                   "resources", "resources_idle", "projects_active",
                                   "communities_without_project"]
    rows = {r["district"]: r for r in df.to_dict("records")}
    # 玄武区: N1 and N2 open (N1 raised in January: stale), N3 claimed, N5 not yet raised;
    # R1, R2, R3, R4 offered (R6 expired), R1 used by the active project P1; C2 has no project
    assert rows["玄武区"] == {"district": "玄武区", "street": None, "needs_open": 2,
                             "needs_stale": 1, "resources": 4, "resources_idle": 3,
                             "projects_active": 1, "communities_without_project": 1}
    # 秦淮区: P2 ended in 2023, so C3 has had no project in the last year
    assert rows["秦淮区"]["communities_without_project"] == 1
    assert rows["秦淮区"]["projects_active"] == 0
    by_street = lists(scenario, as_of=AS_OF, by="street", stale_days=300)
    assert by_street["street"].tolist() == ["玄武门街道", "夫子庙街道"] or \
        by_street["street"].tolist() == sorted(by_street["street"].tolist())
    assert by_street["needs_stale"].sum() == 0
    with pytest.raises(AnalysisError):
        lists(scenario, by="site")


@pytest.mark.parametrize("per_part", [1, 3, 7])
def test_match_in_parts_equals_reference(per_part, monkeypatch):
    """Needs matched a few at a time (as a province's are, 50,000 at a time) give the same
    rows in the same order as the reference."""
    import sys

    monkeypatch.setattr(sys.modules["gongjian.queries.match"], "_NEEDS_PER_PART", per_part)
    kg = random_graph(99, n_orgs=30, n_ties=80, n_needs=30, n_res=200)
    for top in (1, 3):
        want = reference_match(kg, "2025-06-30", top)
        assert len(want) > per_part
        _same(match(kg, as_of="2025-06-30", top=top), want)
