"""The planted structures of the demo are found, and nothing well connected is called an island."""

from __future__ import annotations

from gongjian.queries import bridges, clusters, coverage_list, islands, summary


def test_islands_are_exactly_the_planted_ones(demo):
    kg, truth = demo
    found = islands(kg, as_of=truth["as_of"])
    isolated = found.loc[found["reason"] == "isolated", "id"]
    detached = found.loc[found["reason"] == "detached", "id"]
    assert sorted(isolated) == truth["islands_as_of"]
    assert sorted(detached) == truth["detached_group"]
    assert set(found["group"].dropna()) == {1}
    assert not set(found["id"]) & set(truth["dissolved"])
    expired = found.set_index("id").loc[truth["expired_agreement"]["isolated_after"]]
    assert "已到期" in expired["explanation"]
    # before the agreement ended its unit was tied
    before = islands(kg, as_of="2024-06-30")
    assert truth["expired_agreement"]["isolated_after"] not in set(before["id"])


def test_the_planted_bridge_holds_its_park(demo):
    kg, truth = demo
    found = bridges(kg, as_of=truth["as_of"]).set_index("id")
    row = found.loc[truth["articulation"]["id"]]
    assert row["articulation"]
    assert row["cut_off"] == len(truth["articulation"]["cut_off"])


def test_the_planted_cluster_is_found(demo):
    kg, truth = demo
    planted = set(truth["cross_district_cluster"]["ids"])
    found = clusters(kg, as_of=truth["as_of"], seed=0)
    holding = [row for _, row in found.iterrows() if planted <= set(row["members"])]
    assert len(holding) == 1
    assert set(truth["cross_district_cluster"]["districts"]) <= set(holding[0]["districts"])


def test_the_planted_coverage_plan(demo):
    kg, truth = demo
    plan = coverage_list(kg).set_index("uscc")
    planted = truth["uncovered"]
    assert set(plan.index[plan["plan"] == "own_branch"]) == set(planted["own_branch"])
    assert set(plan.index[plan["plan"] == "instructor"]) == set(planted["no_members"])
    joint = plan.loc[planted["joint_branch"]["usccs"]]
    assert set(joint["plan"]) == {"joint_branch"} and joint["proposal"].nunique() == 1
    assert joint["party_members"].sum() == planted["joint_branch"]["party_members"]


def test_summary_totals_agree_with_the_analyses(demo):
    kg, truth = demo
    parts = summary(kg, as_of=truth["as_of"])
    total = parts["overview"].iloc[-1]
    assert total["isolated"] == len(truth["islands_as_of"])
    assert total["detached"] == len(truth["detached_group"])
    assert total["party_orgs"] == truth["counts"]["party_orgs"] - len(truth["dissolved"])
    assert parts["kinds"]["total"].sum() == total["party_orgs"]
    assert parts["coverage"].iloc[-1]["none"] == truth["counts"]["uncovered"]
