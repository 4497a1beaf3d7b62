"""Pages people can read and a report that prints, checked in a real headless Chromium:
names at the first view never overlap, islands are in view, only the bridging units that
matter are marked, the legend fits; the printed report keeps headings with what follows and
leads with the figures and the findings."""

from __future__ import annotations

import re
import subprocess

import pytest

from gongjian.viz import render, write_report
from gongjian.viz.context import BRIDGE, ISLAND, KEY_BRIDGE, key_bridge_limit
from tests.viz.conftest import AS_OF, big_city

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1400, "height": 900}

#: The label boxes of the first view, computed from the page's own positions (vis-network)
#: and label sizes (the page's font measured on a canvas), not from the page's record.
BOXES_JS = """() => {
  const g = gongjianPage, net = g.network, n = g.model.n;
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = g.labelFont;
  const scale = net.getScale(), pos = net.getPositions();
  return g.labels().map(l => {
    if (l.i < 0) { return {i: -1, x0: l.x0, y0: l.y0, x1: l.x1, y1: l.y1, text: l.text}; }
    const p = net.canvasToDOM(pos[l.i]), w = ctx.measureText(l.text).width;
    const top = p.y + g.nodeSize * scale + 1;
    return {i: l.i, text: l.text, x0: p.x - w / 2, x1: p.x + w / 2, y0: top,
            y1: top + g.labelHeight};
  });
}"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    out = []
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            if a["x0"] < b["x1"] - 0.5 and b["x0"] < a["x1"] - 0.5 and \
                    a["y0"] < b["y1"] - 0.5 and b["y0"] < a["y1"] - 0.5:
                out.append((a["text"], b["text"]))
    return out


def check_first_view(loaded, artifacts, name: str) -> dict:
    page = loaded.page  # as drawn first, in a 1400 × 900 window
    page.screenshot(path=str(artifacts / f"viz-{name}-first-view.png"))
    model = page.evaluate("gongjianPage.model")
    n = len(model["n"]["id"])
    box = page.evaluate("(() => { const c = document.getElementById('gj-net');"
                        " return [c.clientWidth, c.clientHeight]; })()")
    labels = page.evaluate(BOXES_JS)
    assert labels, "nothing is named at the first view"
    # at the overview only what matters is named: streets, communities, key bridges, islands
    assert page.evaluate("gongjianPage.network.getScale()") < page.evaluate(
        "gongjianPage.closeScale")
    assert all(model["n"]["lp"][b["i"]] < 9 for b in labels if b["i"] >= 0)
    assert overlapping(labels) == []
    for b in labels:
        assert b["x0"] >= 0 and b["x1"] <= box[0] and b["y0"] >= 0 and b["y1"] <= box[1], b
    # every island inside the first view, and the islands' area named
    at = page.evaluate("(() => { const net = gongjianPage.network, p = net.getPositions();"
                       " return Object.keys(p).map(k => net.canvasToDOM(p[k])); })()")
    islands = [i for i, f in enumerate(model["n"]["f"]) if f & ISLAND]
    assert islands
    for i in islands:
        assert 0 < at[i]["x"] < box[0] and 0 < at[i]["y"] < box[1], model["n"]["name"][i]
    assert any(b["i"] == -1 and b["text"].startswith("党建孤岛") for b in labels)
    # "全图" keeps a margin around every organization
    page.click("#gj-fit")
    at = page.evaluate("(() => { const net = gongjianPage.network, p = net.getPositions();"
                       " return Object.keys(p).map(k => net.canvasToDOM(p[k])); })()")
    assert min(min(p["x"], box[0] - p["x"], p["y"], box[1] - p["y"]) for p in at) >= 20
    # only the bridging units that matter are marked
    marked = page.evaluate("gongjianPage.nodes.get().filter(x => x.shape === 'diamond').length")
    assert 0 < marked <= max(20, n // 20) == key_bridge_limit(n)
    assert marked == sum(1 for f in model["n"]["f"] if f & KEY_BRIDGE)
    # the legend fits a 900 px tall window and states the rule
    legend = page.locator("#gj-legend").bounding_box()
    assert legend["y"] + legend["height"] <= 900
    assert "5%" in page.inner_text("#gj-legend")
    return model


def check_filter_and_zoom(loaded, model) -> None:
    page = loaded.page
    every = sum(1 for f in model["n"]["f"] if f & BRIDGE)
    overview = page.evaluate("gongjianPage.labels().length")
    page.check('#gj-marks input[value="bridges"]')
    assert loaded.count("nodes") == every > sum(1 for f in model["n"]["f"] if f & KEY_BRIDGE)
    assert page.evaluate("gongjianPage.nodes.get().filter(x => x.shape === 'diamond').length") \
        == every
    page.check('#gj-marks input[value="all"]')
    assert loaded.count("nodes") == len(model["n"]["id"])
    # close up, every organization in view is named, the ones of no importance too
    page.evaluate("(() => { const g = gongjianPage, i = g.model.n.lp.indexOf(9);"
                  " g.network.moveTo({position: g.network.getPositions([i])[i], scale: 1.5,"
                  " animation: false}); g.network.redraw(); })()")
    named = page.evaluate("gongjianPage.labels().filter(l => l.i >= 0)"
                          ".map(l => gongjianPage.model.n.lp[l.i])")
    assert 9 in named and len(named) > 0
    assert overview > 0


def test_demo_page_reads_at_the_first_view(tmp_path, demo_kg, open_page, artifacts):
    from gongjian.demo import DEMO_AS_OF

    path = render(demo_kg, tmp_path / "demo.html", as_of=DEMO_AS_OF)
    loaded = open_page(path, viewport=VIEWPORT)
    model = check_first_view(loaded, artifacts, "demo")
    assert len(model["n"]["id"]) == 834 and model["bridges"]["all"] == 250
    check_filter_and_zoom(loaded, model)
    loaded.page.screenshot(path=str(artifacts / "viz-demo-close-up.png"))
    assert loaded.errors == []


def test_demo_district_page_reads(tmp_path, demo_kg, open_page, artifacts):
    from gongjian.demo import DEMO_AS_OF

    path = render(demo_kg, tmp_path / "xw.html", as_of=DEMO_AS_OF, district="玄武区")
    loaded = open_page(path, viewport=VIEWPORT)
    check_first_view(loaded, artifacts, "demo-xuanwu")
    assert loaded.errors == []


def test_city_page_reads_at_the_first_view(tmp_path, open_page, artifacts):
    kg = big_city()
    path = render(kg, tmp_path / "city.html", as_of=AS_OF)
    loaded = open_page(path, viewport=VIEWPORT)
    model = check_first_view(loaded, artifacts, "city")
    assert model["mode"] == "orgs" and len(model["n"]["id"]) == 2850
    assert [a[1] for a in model["areas"] if a[0] == "district"] == \
        ["建邺区", "栖霞区", "玄武区", "秦淮区", "鼓楼区"]
    check_filter_and_zoom(loaded, model)
    assert loaded.errors == []


def pdf_pages(pdf) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for i in range(1, pages + 1)]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_report_prints_with_figures_findings_and_kept_headings(tmp_path, demo_kg, open_page,
                                                                 artifacts):
    from gongjian.demo import DEMO_AS_OF

    path = write_report(demo_kg, tmp_path / "报告.html", as_of=DEMO_AS_OF)
    loaded = open_page(path)
    page = loaded.page
    assert "分析报告" in page.title() and "一页式" not in path.read_text(encoding="utf-8")
    figures = page.evaluate("[...document.querySelectorAll('.gj-figure')].map(f => f.innerText)")
    found = page.evaluate("[...document.querySelectorAll('#findings li')].map(f => f.innerText)")
    headings = page.evaluate("[...document.querySelectorAll('main h2, main h3')]"
                             ".map(h => h.innerText)")
    assert 3 <= len(found) <= 5
    assert any(re.search(r"有 \d+ 个党建孤岛", f) for f in found)
    page.emulate_media(media="print")
    width = page.evaluate("document.getElementById('gj-picture').getBoundingClientRect().width")
    main = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
    assert width >= 0.95 * main
    assert page.evaluate("document.getElementById('gj-view').getClientRects().length") == 0
    pdf = artifacts / "viz-report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    pages = pdf_pages(pdf)
    first = squeeze(pages[0])
    for f in figures:
        assert squeeze(f) in first, f
    for f in found:
        assert squeeze(f) in first, f
    shown = {squeeze(h) for h in headings}
    for number, text in enumerate(pages[:-1], start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert squeeze(lines[-1]) not in shown, f"heading {lines[-1]!r} alone at page {number}"
    for old in artifacts.glob("viz-report-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(artifacts / "viz-report-page")],
                   check=True)
