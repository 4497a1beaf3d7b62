"""The report copes with the optional columns a ledger leaves empty."""

from __future__ import annotations

import pandas as pd

from gongjian.graph.model import KnowledgeGraph
from gongjian.viz import write_report


def test_report_with_organizations_that_have_no_street(tmp_path):
    kg = KnowledgeGraph.from_frames(
        party_orgs=pd.DataFrame({"id": ["S", "U"], "name": ["甲街道党工委", "乙单位党委"],
                                 "kind": ["street", "unit"], "district": ["玄武区"] * 2,
                                 "street": ["甲街道", None]}),
        relations=pd.DataFrame({"source_id": ["U"], "target_id": ["S"], "type": ["pairing"]}),
        organizations=pd.DataFrame({"uscc": ["X1", "X2"], "name": ["某公司", "某协会"],
                                    "type": ["private_firm", "social_org"],
                                    "district": ["玄武区"] * 2, "street": ["甲街道", None],
                                    "coverage": ["own", "none"]}))
    path = write_report(kg, tmp_path / "报告.html", as_of="2025-06-30")
    html = path.read_text("utf-8")
    assert "（未填街道）" in html and "甲街道" in html
    assert "50.0%" in html  # one of the two is organizationally covered


def test_report_findings_and_picture_keep_hostile_names_as_text(tmp_path):
    from tests.viz.conftest import HOSTILE, city

    kg = city(hostile=True)
    html = write_report(kg, tmp_path / "报告.html", as_of="2024-06-01").read_text("utf-8")
    for name in HOSTILE.values():
        assert "<" not in name or name not in html
    assert "<img src=x" not in html and "&lt;img src=x" in html
    findings = html[html.index('id="findings"'):html.index("</ol>")]
    assert 3 <= findings.count("<li>") <= 5 and "党建孤岛" in findings
    start = html.index('id="gj-picture"')
    picture = html[start:html.index("</svg>", start)]
    assert picture.count("<circle") == kg.co_building_arrays("2024-06-01").n
    assert "<text" in picture and "第0街道党工委" in picture
