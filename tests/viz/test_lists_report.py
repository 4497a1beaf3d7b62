"""The report's 三张清单 section: its figures, chart and lists against plain computations on
the demo, hostile ledger text kept as text, printed with no heading alone; absent without the
tables."""

from __future__ import annotations

import pandas as pd
import pytest

from gongjian import queries
from gongjian.graph.model import KnowledgeGraph
from gongjian.viz import write_report
from tests.viz.conftest import AS_OF, HOSTILE
from tests.viz.test_readable import pdf_pages, squeeze

pytestmark = pytest.mark.browser


def _cells(page, selector: str) -> list[list[str]]:
    return page.evaluate(f"[...document.querySelectorAll('{selector} tbody tr')]"
                         ".map(r => [...r.cells].map(c => c.textContent))")


def test_lists_section_of_the_demo(tmp_path, demo_kg, open_page, artifacts):
    import subprocess

    from gongjian.demo import DEMO_AS_OF

    day = pd.Timestamp(DEMO_AS_OF)
    path = write_report(demo_kg, tmp_path / "报告.html", as_of=DEMO_AS_OF)
    loaded = open_page(path)
    page = loaded.page
    assert loaded.errors == [] and loaded.outside_requests(path) == []
    figures = dict(page.evaluate("[...document.querySelectorAll('.gj-figure')]"
                                 ".map(f => [f.lastChild.textContent, f.querySelector('b')"
                                 ".textContent])"))
    dormant = queries.dormant(demo_kg, as_of=DEMO_AS_OF)
    assert figures["休眠关系"] == str(len(dormant)) and len(dormant) > 0
    found = page.evaluate("[...document.querySelectorAll('#findings li')].map(f => f.innerText)")
    said = [f for f in found if "签而不建" in f]
    assert len(said) == 1 and said[0].startswith(f"有 {len(dormant)} 条有效共建关系")
    # plainly: open needs, the stale ones oldest first
    needs = demo_kg.needs
    raised = pd.to_datetime(needs["raised"])
    open_ = needs["status"].astype(str).eq("open") & (raised.isna() | (raised <= day))
    stale = needs[open_ & (raised <= day - pd.Timedelta(days=90))]
    assert figures["待认领需求"] == str(int(open_.sum()))
    assert figures["超过 90 天未认领"] == str(len(stale)) and len(stale) > 0
    oldest = stale.assign(r=pd.to_datetime(stale["raised"])).sort_values(["r", "id"])
    rows = _cells(page, "#lists-stale")
    assert [r[0] for r in rows] == oldest["id"].head(20).tolist()
    assert all(int(r[7]) > 90 for r in rows)
    # the chart by street says what queries.lists says
    by_street = queries.lists(demo_kg, as_of=DEMO_AS_OF, by="street")
    chart = page.evaluate("[...document.querySelectorAll('#lists-chart g')].map(g => "
                          "[g.querySelector('title').textContent, [...g.querySelectorAll('rect')]"
                          ".map(r => r.querySelector('title').textContent.split(': ')[1])])")
    assert len(chart) == min(15, len(by_street))
    table = {f"{r.district} {r.street}": [str(r.needs_open), str(r.needs_stale),
                                          str(r.resources_idle)]
             for r in by_street.itertuples()}
    for label, values in chart:
        assert table[label] == values, label
    # the first match that mends the network is the planted one: it ends an island
    matches = _cells(page, "#lists-matches")
    m = queries.match(demo_kg, as_of=DEMO_AS_OF)
    island = m[m["mends"] == "island"]
    assert matches[0][2] == "结束孤岛" and f"（{island['need_id'].iloc[0]}）" in matches[0][0]
    assert len(matches) == min(20, m.loc[m["mends"].notna(), "need_id"].nunique())
    idle = _cells(page, "#lists-idle")
    used = {r for v in demo_kg.projects.loc[demo_kg.projects["status"] == "active",
                                            "resource_ids"] if isinstance(v, list) for r in v}
    assert idle and not {r[0] for r in idle} & used
    # printed: the section is there and no heading is left alone at a page bottom
    page.emulate_media(media="print")
    pdf = artifacts / "viz-lists-report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    pages = pdf_pages(pdf)
    text = squeeze("".join(pages))
    for h in ("三张清单", "久未认领的需求", "闲置资源", "可修补网络的最佳对接"):
        assert h in text
    headings = {squeeze(h) for h in page.evaluate(
        "[...document.querySelectorAll('main h2, main h3')].map(h => h.innerText)")}
    for number, one in enumerate(pages[:-1], start=1):
        lines = [line.strip() for line in one.splitlines() if line.strip()]
        assert squeeze(lines[-1]) not in headings, f"heading alone at page {number}"
    for old in artifacts.glob("viz-lists-report-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf),
                    str(artifacts / "viz-lists-report-page")], check=True)


def test_no_lists_section_without_the_tables(tmp_path, small_kg, open_page):
    path = write_report(small_kg, tmp_path / "plain.html", as_of=AS_OF)
    html = path.read_text(encoding="utf-8")
    assert 'id="lists"' not in html and "三张清单" not in html
    page = open_page(path).page
    assert page.evaluate("document.getElementById('lists')") is None
    shown = page.evaluate("document.querySelector('main').innerText")
    assert "休眠关系" not in shown and "闲置资源" not in shown and "待认领需求" not in shown
    assert "签而不建" not in shown


def test_hostile_list_text_in_the_report_is_text(tmp_path, small_kg, open_page):
    names = list(HOSTILE.values())
    kg = KnowledgeGraph.from_frames(
        party_orgs=small_kg.party_orgs, relations=small_kg.relations,
        needs=pd.DataFrame({"id": [f"N{i}" for i in range(len(names))],
                            "org_id": ["玄武S0"] * len(names), "category": ["venue"] * len(names),
                            "description": names, "status": ["open"] * len(names),
                            "raised": pd.to_datetime(["2023-01-01"] * len(names))}),
        resources=pd.DataFrame({"id": ["R1"], "org_id": ["玄武S0-4"], "category": ["venue"],
                                "description": [HOSTILE["h2"]], "scope": ["city"]}))
    path = write_report(kg, tmp_path / "hostile.html", as_of=AS_OF)
    loaded = open_page(path)
    page = loaded.page
    text = page.evaluate("document.getElementById('lists').textContent")
    for name in names:
        assert name.replace("\u2028", "") in text.replace("\u2028", ""), name
    assert page.evaluate("document.querySelectorAll('#lists img, #lists script,"
                         " #lists a[href^=javascript]').length") == 0
    assert page.evaluate("window.__pwned") is None and loaded.errors == []
