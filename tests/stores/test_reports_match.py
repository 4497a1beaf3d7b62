"""Reports on a real FalkorDB equal the in-memory analyses (hand-made, random and demo graphs)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongjian.graph.model import KnowledgeGraph
from gongjian.stores.push import push
from gongjian.stores.reports import list_reports, run_report
from tests.stores import reference
from tests.stores.conftest import org_frame, rel_frame

pytestmark = pytest.mark.falkordb
AS_OF = "2025-06-30"


def check_all(kg: KnowledgeGraph, store, as_of: str = AS_OF) -> None:
    got = run_report("isolated_organizations", store, {"as_of": as_of})
    assert got["id"].tolist() == reference.isolated_ids(kg, as_of)

    got = run_report("cut_off_groups", store, {"as_of": as_of})
    assert dict(zip(got["id"], got["group"], strict=True)) == reference.cut_off_groups(kg, as_of)

    got = run_report("cross_district_ties", store, {"as_of": as_of})
    reference.assert_cross_district_ties(got, kg, as_of)

    got = run_report("coverage_by_street", store)
    want = reference.coverage_by_street(kg)
    cols = ["district", "street", "organizations", "organizational", "work"]
    key = ["district", "street"]
    pd.testing.assert_frame_equal(
        got[cols].sort_values(key).reset_index(drop=True),
        want[cols].sort_values(key).reset_index(drop=True), check_dtype=False)


def test_small_graph_reports_equal_memory(store, small_kg):
    push(small_kg, store)
    check_all(small_kg, store)
    isolated = run_report("isolated_organizations", store, {"as_of": AS_OF})["id"].tolist()
    assert isolated == ["U3", "U6", "U7", "W1"]  # hand-checked: ended, dissolved, future ties
    # the ended agreement is active on a day before its end
    assert "U6" not in run_report("isolated_organizations", store,
                                  {"as_of": "2022-06-30"})["id"].tolist()


def test_isolated_matches_islands_analysis(store, small_kg):
    from gongjian.queries.islands import islands

    push(small_kg, store)
    want = islands(small_kg, as_of=AS_OF)
    got = run_report("isolated_organizations", store, {"as_of": AS_OF})
    assert sorted(got["id"]) == sorted(want.loc[want["reason"] == "isolated", "id"])
    detached = set(want.loc[want["reason"] == "detached", "id"])
    cut = run_report("cut_off_groups", store, {"as_of": AS_OF})
    assert detached <= set(cut["id"])
    assert not cut["id"].isin(want.loc[want["reason"] == "isolated", "id"]).any()


def test_other_reports_on_small_graph(store, small_kg):
    push(small_kg, store)
    ending = run_report("agreements_ending", store, {"as_of": "2026-10-01", "days": "120"})
    assert ending[["source_id", "target_id", "end"]].values.tolist() == [["U1", "U2",
                                                                         "2026-12-31"]]
    assert run_report("agreements_ending", store, {"as_of": "2026-10-01",
                                                   "days": "30"}).empty
    dual = run_report("dual_reporting_by_community", store, {"as_of": AS_OF}).set_index("id")
    assert dual.loc["C2", "units"] == 1 and dual.loc["C2", "members_reported"] == 5
    assert dual.loc["C1", "units"] == 0
    weak = run_report("weak_organizations", store, {"as_of": AS_OF})
    assert weak["id"].tolist() == ["W1"] and weak["ties"].tolist() == [0]
    weak = run_report("weak_organizations", store, {"as_of": "2031-01-01"})
    assert weak["partner_ids"].tolist() == [["C2"]]
    uncovered = run_report("uncovered_organizations", store)
    assert uncovered["uscc"].tolist() == ["91320104MA1X0004", "91320102MA1X0003"]
    sites = run_report("coverage_by_site", store)
    assert sites[["site", "site_kind", "organizations", "organizational", "work"]] \
        .values.tolist() == [["天正大厦", "building", 2, 1, 2]]
    multi = run_report("multi_district_organizations", store, {"as_of": AS_OF})
    assert multi["id"].tolist() == ["U1", "U2"]
    ties = run_report("community_ties", store, {"as_of": AS_OF})
    assert ties["id"].tolist() == ["C1", "C2"]
    assert ties.set_index("id").loc["C1", "partners"] == 2


def test_every_common_report_runs_on_falkordb(store, small_kg):
    push(small_kg, store)
    for report in list_reports():
        if set(report.files) == {"gds"}:
            continue
        frame = run_report(report.name, store)
        assert isinstance(frame, pd.DataFrame)
        assert list(frame.columns), report.name
    # the temporary projection of cut_off_groups is gone
    assert store.execute("MATCH ()-[t:GONGJIAN_ACTIVE_TIE]->() RETURN count(t) AS n")[0]["n"] \
        == 0


KINDS = ["street", "community", "unit", "industry", "grid", "new_economy"]
TYPES = ["agreement", "pairing", "dual_reporting", "committee_seat", "joint_meeting"]
DISTRICTS = ["玄武区", "秦淮区", "鼓楼区"]


@st.composite
def random_graphs(draw):
    n = draw(st.integers(2, 14))
    orgs = [(f"O{i:02d}", draw(st.sampled_from(KINDS)), draw(st.sampled_from(DISTRICTS)),
             "某街道", draw(st.sampled_from(["active", "active", "active", "dissolved"])))
            for i in range(n)]
    ids = [o[0] for o in orgs]
    rels = []
    for _ in range(draw(st.integers(0, 2 * n))):
        start = draw(st.sampled_from([None, "2020-01-01", "2026-01-01"]))
        end = draw(st.sampled_from([None, "2024-12-31", "2025-06-30", "2027-01-01"]))
        rels.append((draw(st.sampled_from(ids)), draw(st.sampled_from(ids)),
                     draw(st.sampled_from(TYPES)), start, end))
    return KnowledgeGraph.from_frames(party_orgs=org_frame(orgs), relations=rel_frame(rels))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kg=random_graphs())
def test_random_graphs_reports_equal_memory(store, kg):
    push(kg, store, replace=True)
    check_all(kg, store)


def test_demo_reports_equal_memory(store, tmp_path):
    from gongjian.demo import write_demo
    from gongjian.graph.io import load

    kg = load(write_demo(tmp_path / "demo"))
    push(kg, store)
    check_all(kg, store)
