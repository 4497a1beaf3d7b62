"""The pages in a real headless Chromium: nothing leaves the page, nothing from a ledger runs,
counts, search, details, filters and report links work."""

from __future__ import annotations

import re

import pytest

from gongjian.viz import render, write_report, write_split
from tests.viz.conftest import AS_OF, HOSTILE

pytestmark = pytest.mark.browser


def check_clean(loaded, path) -> None:
    assert loaded.outside_requests(path) == []
    assert loaded.errors == []
    assert loaded.page.evaluate("window.__pwned") is None


def test_whole_page_counts_search_and_details(tmp_path, small_kg, open_page, artifacts):
    path = render(small_kg, tmp_path / "whole.html", as_of=AS_OF, highlight=("islands",
                                                                               "bridges"))
    loaded = open_page(path)
    check_clean(loaded, path)
    layer = small_kg.co_building_arrays(AS_OF)
    assert (loaded.count("nodes"), loaded.count("edges")) == (layer.n, len(layer.source))
    page = loaded.page
    page.fill("#gj-search", "秦淮区第1街道组织3")
    assert page.evaluate("gongjianPage.network.getSelectedNodes()"
                         ".map(i => gongjianPage.model.n.id[i])") == ["秦淮S1-3"]
    details = page.inner_text("#gj-details")
    assert "秦淮区第1街道组织3" in details and "秦淮区 第1街道" in details
    assert "秦淮区第1街道党工委" in details and "兼职委员 (2023-01-01 – …)" in details
    page.screenshot(path=str(artifacts / "viz-whole.png"))


def test_click_on_a_node_shows_its_details_and_island_reason(tmp_path, small_kg, open_page):
    path = render(small_kg, tmp_path / "click.html", as_of=AS_OF, highlight=("islands",))
    page = open_page(path).page
    page.click("#gj-fit")
    target = page.evaluate("(() => { const i = gongjianPage.model.n.id.indexOf('玄武S2-4');"
                           " const p = gongjianPage.network.canvasToDOM("
                           "gongjianPage.network.getPositions([i])[i]); return p; })()")
    box = page.locator("#gj-net canvas").bounding_box()
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    details = page.inner_text("#gj-details")
    assert "玄武区第2街道组织4" in details
    assert "党建孤岛" in details


def test_filters_change_the_visible_counts(tmp_path, small_kg, open_page):
    path = render(small_kg, tmp_path / "filter.html", as_of=AS_OF, highlight=())
    loaded = open_page(path)
    page = loaded.page
    district = page.locator('#gj-filters input[data-filter="d"]').nth(1)
    district.uncheck()
    orgs = small_kg.party_orgs
    assert loaded.count("nodes") == int((orgs["district"] == "玄武区").sum())
    types = page.locator('#gj-filters input[data-filter="t"]')
    for i in range(types.count()):
        types.nth(i).uncheck()
    assert loaded.count("edges") == 0
    check_clean(loaded, path)


def test_hostile_names_show_as_text_and_run_nothing(tmp_path, small_kg, open_page, artifacts):
    path = render(small_kg, tmp_path / "hostile.html", as_of=AS_OF, highlight=(),
                  include_personal=True, unmasked=True)
    loaded = open_page(path)
    page = loaded.page
    for hid, name in HOSTILE.items():
        page.evaluate(f"gongjianPage.select(gongjianPage.model.n.id.indexOf({hid!r}))")
        assert page.locator("#gj-details h3").inner_text() == name.replace("\u2028", "\n") \
            or page.evaluate("document.querySelector('#gj-details h3').textContent") == name
        page.hover("#gj-details h3")
    page.click("#gj-fit")
    where = page.evaluate("(() => { const n = gongjianPage.network, i = gongjianPage.model.n.id"
                          ".indexOf('h1'); n.moveTo({position: n.getPositions([i])[i], scale: 1.5,"
                          " animation: false}); return n.canvasToDOM(n.getPositions([i])[i]); })()")
    box = page.locator("#gj-net canvas").bounding_box()
    page.mouse.move(box["x"] + where["x"] + 1, box["y"] + where["y"] + 1)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert tooltip.text_content().startswith(HOSTILE["h1"])
    assert tooltip.locator("img").count() == 0
    page.fill("#gj-search", "onerror")
    assert page.locator("#gj-results button").first.text_content() == HOSTILE["h1"]
    page.evaluate("gongjianPage.select(gongjianPage.model.n.id.indexOf('h3'))")
    page.locator("#gj-details .gj-ties a").first.click()
    assert page.evaluate("document.querySelectorAll('#gj-details img, #gj-details script,"
                         " #gj-details svg, #gj-results img').length") == 0
    assert "49" not in page.inner_text("#gj-details")
    page.screenshot(path=str(artifacts / "viz-hostile.png"))
    check_clean(loaded, path)


def test_focused_and_aggregated_pages(tmp_path, small_kg, open_page, artifacts):
    focused = render(small_kg, tmp_path / "focus.html", as_of=AS_OF, highlight=(),
                     around="玄武S0", depth=1)
    loaded = open_page(focused)
    check_clean(loaded, focused)
    assert loaded.count("nodes") == 1 + sum(1 for _ in range(8) if _ % 5 != 4) + 2
    loaded.page.screenshot(path=str(artifacts / "viz-focused.png"))
    big = render(small_kg, tmp_path / "agg.html", as_of=AS_OF, highlight=(), max_nodes=10)
    loaded = open_page(big)
    check_clean(loaded, big)
    assert (loaded.count("nodes"), loaded.count("edges")) == (6, 1)
    loaded.page.fill("#gj-search", "秦淮区 第2")
    assert "党组织数" in loaded.page.inner_text("#gj-details")
    loaded.page.screenshot(path=str(artifacts / "viz-aggregated.png"))


def test_split_index_links_to_working_pages(tmp_path, small_kg, open_page, artifacts):
    index = write_split(small_kg, tmp_path / "split", by="street", as_of=AS_OF, highlight=())
    loaded = open_page(index, wait_drawn=False)
    check_clean(loaded, index)
    links = loaded.page.locator("#gj-index a")
    assert links.count() == 6
    loaded.page.screenshot(path=str(artifacts / "viz-split-index.png"))
    href = links.first.get_attribute("href")
    links.first.click()
    loaded.page.wait_for_selector("body[data-drawn]", state="attached")
    rows = loaded.page.locator("#gj-count")
    assert int(rows.get_attribute("data-nodes")) == int(
        re.search(r'<td class="n">(\d+)</td>', index.read_text(encoding="utf-8")).group(1))
    assert loaded.outside_requests(index.parent / href) == [index.resolve().as_uri()]
    assert loaded.errors == []


def test_report_loads_links_into_the_network_and_prints(tmp_path, demo_kg, open_page,
                                                        artifacts):
    from gongjian.demo import DEMO_AS_OF

    path = write_report(demo_kg, tmp_path / "报告.html", as_of=DEMO_AS_OF)
    loaded = open_page(path)
    check_clean(loaded, path)
    page = loaded.page
    assert page.locator("svg rect").count() > 5
    link = page.locator("#islands a").first
    name = link.inner_text()
    link.click()
    page.locator("#gj-details h3").wait_for()  # (no wait_for_function: the CSP forbids eval)
    assert page.locator("#gj-details h3").inner_text() == name
    page.screenshot(path=str(artifacts / "viz-report.png"), full_page=True)
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.getElementById('gj-physics')).display") \
        == "none"
    # on paper the network is the static picture; the interactive view stays on screen
    assert page.locator("#gj-picture").is_visible()
    assert page.locator("#gj-picture circle").count() == len(page.evaluate(
        "gongjianPage.model.n.id"))
    assert not page.locator("#gj-net").is_visible()
