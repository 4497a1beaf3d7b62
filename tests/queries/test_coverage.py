"""Coverage rates by hand, and the plan rules, on a 两新组织 ledger read from real files."""

from __future__ import annotations

import pandas as pd
import pytest

import gongjian
from gongjian.errors import AnalysisError
from gongjian.queries import coverage, coverage_list, coverage_plan

from .conftest import org, uscc, write_ledger

QH, ST = "秦淮区", "双塘街道"


def firm(n: int, *, members: int, employees: int, coverage: str | None = None,
         district: str = "玄武区", street: str = "新街口街道", community: str | None = None,
         site: str | None = None, covering: str | None = None) -> dict:
    return {"uscc": uscc(n), "name": f"南京测试{n}号有限公司", "type": "非公企业",
            "district": district, "street": street, "community": community, "site": site,
            "employees": employees, "party_members": members, "coverage": coverage,
            "covering_org_id": covering}


@pytest.fixture(scope="module")
def kg(tmp_path_factory):
    firms = [
        firm(1, members=5, employees=46),                          # uncovered → own branch
        firm(2, members=4, employees=30, coverage="兜底管理"),      # fallback → own branch
        firm(3, members=6, employees=80, coverage="单独组建", covering="P1"),  # already own
        # four small firms in one building → one joint proposal
        firm(4, members=1, employees=20, site="长江国际中心"),
        firm(5, members=2, employees=16, site="长江国际中心"),
        firm(6, members=1, employees=10, site="长江国际中心"),
        firm(7, members=2, employees=8, site="长江国际中心"),
        firm(8, members=0, employees=12),                          # no members → instructor
        firm(9, members=1, employees=9, district=QH, street=ST),  # alone → instructor
        # two in one community, 3 members together, no site → joint by community
        firm(10, members=2, employees=7, district=QH, street=ST, community="殷高巷社区"),
        firm(11, members=1, employees=5, district=QH, street=ST, community="殷高巷社区"),
        firm(12, members=0, employees=3, district=QH, street=ST, coverage="党建指导员"),
        firm(13, members=1, employees=4, district=QH, street=ST, coverage="依托组建",
             covering="P1"),
    ]
    folder = write_ledger(tmp_path_factory.mktemp("coverage") / "台账",
                          party_orgs=[org("P1", "new_economy")], organizations=firms)
    return gongjian.load(folder)


def test_rates_by_hand(kg):
    by_district = coverage(kg).set_index("district")
    xw, qh = by_district.loc["玄武区"], by_district.loc["秦淮区"]
    # 玄武区: 8 firms; own 1 (#3); fallback 1 (#2); the rest none
    assert (xw["organizations"], xw["own"], xw["fallback"], xw["none"]) == (8, 1, 1, 6)
    assert xw["organizational_rate"] == round(1 / 8, 4)
    assert xw["work_rate"] == round(2 / 8, 4)
    # 秦淮区: 5 firms; host 1, instructor 1, none 3
    assert (qh["organizations"], qh["host"], qh["instructor"], qh["none"]) == (5, 1, 1, 3)
    assert qh["organizational_rate"] == round(1 / 5, 4) and qh["work_rate"] == round(2 / 5, 4)
    overall = coverage(kg, by="overall").iloc[0]
    assert overall["organizations"] == 13 and overall["work_rate"] == round(4 / 13, 4)
    site = coverage(kg, by="site")
    assert site["site"].tolist() == ["长江国际中心"] and site["organizations"].tolist() == [4]
    streets = coverage(kg, by="street")
    assert streets[["district", "street"]].values.tolist() == [["玄武区", "新街口街道"],
                                                             ["秦淮区", "双塘街道"]]
    with pytest.raises(AnalysisError):
        coverage(kg, by="city")


def test_plan_rules(kg):
    plan = coverage_list(kg).set_index("uscc")
    assert plan.loc[uscc(1), "plan"] == "own_branch"
    assert plan.loc[uscc(2), "plan"] == "own_branch"  # fallback with 4 members
    assert pd.isna(plan.loc[uscc(3), "plan"])
    assert plan.loc[uscc(8), "plan"] == "instructor"
    assert plan.loc[uscc(9), "plan"] == "instructor"  # nobody to join
    assert "暂无可联合组建" in plan.loc[uscc(9), "plan_reason"]
    assert pd.isna(plan.loc[uscc(12), "plan"]) and pd.isna(plan.loc[uscc(13), "plan"])

    building = plan.loc[[uscc(n) for n in (4, 5, 6, 7)]]
    assert set(building["plan"]) == {"joint_branch"}
    assert building["proposal"].nunique() == 1
    assert building["party_members"].sum() >= 3 and len(building) <= 5
    # the anchor: 2 members and the most staff among those with 2
    assert "牵头单位：南京测试5号有限公司" in building["plan_reason"].iloc[0]

    community = plan.loc[[uscc(10), uscc(11)]]
    assert set(community["plan"]) == {"joint_branch"}
    assert community["proposal"].nunique() == 1
    assert community["proposal"].iloc[0] != building["proposal"].iloc[0]
    assert sorted({building["proposal"].iloc[0], community["proposal"].iloc[0]}) == ["J001",
                                                                                    "J002"]
    assert "同一社区「殷高巷社区」" in community["plan_reason"].iloc[0]


def test_plan_ranked_by_employees(kg):
    plan = coverage_plan(kg)
    assert plan["plan"].notna().all()
    assert plan["employees"].tolist() == sorted(plan["employees"], reverse=True)
    assert {"uscc", "name", "status", "plan", "proposal"} <= set(plan.columns)


@pytest.mark.parametrize(("members", "branches", "grouped"), [
    ([1] * 12, 3, 12), ([2] * 7, 2, 7), ([1, 2] * 6, 3, 12), ([1, 1], 0, 0),
    ([2, 2, 2, 1, 1, 1, 1], 2, 7), ([1] * 7, 2, 6 + 1), ([1] * 16 + [0], 4, 16),
    ([1] * 26, 6, 26), ([1] * 4 + [2] * 0, 1, 4), ([1] * 6, 2, 6)])
def test_every_joint_proposal_keeps_the_rules(members, branches, grouped):
    firms = pd.DataFrame({
        "uscc": [uscc(100 + i) for i in range(len(members))], "name": "公司",
        "type": "private_firm",
        "district": "玄武区", "site": "某大厦", "party_members": members,
        "employees": range(len(members)), "coverage": "none"})
    kg = gongjian.KnowledgeGraph.from_frames(organizations=firms)
    plan = coverage_list(kg)
    joint = plan[plan["plan"] == "joint_branch"]
    assert joint["proposal"].nunique() == branches
    assert len(joint) == grouped
    for _, rows in joint.groupby("proposal"):
        assert len(rows) <= 5 and rows["party_members"].sum() >= 3
    assert (plan["plan"] == "instructor").sum() == len(members) - grouped
