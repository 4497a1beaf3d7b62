"""Islands on a hand-made CSV ledger: each reason, expiry, dissolution, partners."""

from __future__ import annotations

import pandas as pd
import pytest

import gongjian
from gongjian.errors import AnalysisError
from gongjian.queries import islands

from .conftest import org, tie, write_ledger

XJK, DF, SG = "新街口街道", "丹凤街社区", "石鼓路社区"


@pytest.fixture(scope="module")
def kg(tmp_path_factory):
    orgs = [
        org("S1", "street"),
        org("C1", "community", community=DF),
        org("C2", "community", community=SG),
        org("C9", "community", community=DF, status="已撤销"),
        org("U1", "unit", community=DF),
        org("U2", "unit", community=DF),
        org("U3", "unit", community=DF),
        org("U4", "unit", community=SG),
        org("G1", "grid", community=DF),
        *(org(f"D{i}", "unit", district="鼓楼区", street="宁海路街道", system="文化旅游")
          for i in (1, 2, 3)),
        org("I1", "industry", district="鼓楼区", street="湖南路街道", system="文化旅游"),
        org("C3", "community", district="鼓楼区", street="湖南路街道", community="高云岭社区"),
        org("E1", "unit", district="秦淮区", street="双塘街道"),
        org("E2", "unit", district="秦淮区", street="双塘街道"),
    ]
    relations = [
        tie("S1", "C1", "兼职委员"), tie("S1", "C2", "兼职委员"), tie("U4", "C2", "双报到"),
        tie("U2", "C9"),  # the partner was dissolved
        tie("U3", "C1", "共建协议", start="2021-07-01", end="2024-06-30"),
        tie("D1", "D2", "联席会议"), tie("D2", "D3", "联席会议"), tie("D1", "D3", "联席会议"),
        tie("I1", "C3"), tie("E1", "E2", "共建协议", start="2023-01-01"),
    ]
    folder = write_ledger(tmp_path_factory.mktemp("islands") / "台账", party_orgs=orgs,
                          relations=relations)
    return gongjian.load(folder)


def test_each_reason_with_groups_ordered_by_size(kg):
    found = islands(kg, as_of="2025-06-30")
    assert found.columns.tolist() == ["id", "name", "kind", "district", "street", "reason",
                                      "group", "explanation", "suggestions",
                                      "suggestion_reasons"]
    assert found[["id", "reason"]].values.tolist() == [
        ["U1", "isolated"], ["U2", "isolated"], ["U3", "isolated"],
        ["D1", "detached"], ["D2", "detached"], ["D3", "detached"],
        ["E1", "detached"], ["E2", "detached"]]
    assert found["group"].tolist()[:3] == [pd.NA] * 3
    assert found["group"].tolist()[3:] == [1, 1, 1, 2, 2]
    assert found.loc[3, "explanation"] == "与其他2个组织仅相互共建，无路径连通任何街道或社区党组织"
    assert found.loc[0, "explanation"] == "无任何有效共建关系（截至2025-06-30）"


def test_an_expired_agreement_is_not_an_active_tie(kg):
    after = islands(kg, as_of="2025-06-30").set_index("id")
    assert "已到期" in after.loc["U3", "explanation"]
    before = islands(kg, as_of="2024-06-30")
    assert "U3" not in set(before["id"])
    assert "U1" in set(before["id"])


def test_dissolved_organizations_are_never_listed_nor_suggested(kg):
    found = islands(kg, as_of="2025-06-30")
    assert "C9" not in set(found["id"])
    assert all("C9" not in ids for ids in found["suggestions"])
    assert "U2" in set(found["id"])  # its only tie was with a dissolved organization


def test_suggestions_nearest_first_axis_first_least_tied_first(kg):
    found = islands(kg, as_of="2025-06-30").set_index("id")
    assert found.loc["U1", "suggestions"] == ["C1", "C2", "S1"]
    assert found.loc["U1", "suggestion_reasons"] == ["同一社区", "同一街道", "同一街道"]
    # a detached group is pointed to its system's committee, never to itself
    assert found.loc["D1", "suggestions"] == ["I1"]
    assert found.loc["D1", "suggestion_reasons"] == ["同一行业系统"]
    assert found.loc["E1", "suggestions"] == []


def test_kinds_choose_what_is_listed(kg):
    grids = islands(kg, as_of="2025-06-30", kinds="grid")
    assert grids["id"].tolist() == ["G1"]
    assert islands(kg, as_of="2025-06-30", kinds=["网格党支部"])["id"].tolist() == ["G1"]
    with pytest.raises(AnalysisError, match="未知的组织类别"):
        islands(kg, kinds="foo")


def test_same_answer_every_time(kg):
    a = islands(kg, as_of="2025-06-30")
    b = islands(gongjian.KnowledgeGraph.from_frames(
        **{name: df.sample(frac=1, random_state=1) for name, df in kg.tables()}),
        as_of="2025-06-30")
    pd.testing.assert_frame_equal(a, b)
