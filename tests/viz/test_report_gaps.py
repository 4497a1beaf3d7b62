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
