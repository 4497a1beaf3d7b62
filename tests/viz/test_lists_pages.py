"""The three lists on the pages, in a real headless Chromium: an organization's needs,
resources, projects and suggested matches in its details panel; dormant ties drawn apart and
named in the legend; none of it without the tables; ledger text stays text."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from gongjian import queries
from gongjian.graph.model import KnowledgeGraph
from gongjian.viz import render
from tests.viz.conftest import AS_OF, HOSTILE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_truth() -> dict:
    import tempfile

    from gongjian.demo import write_demo
    folder = write_demo(tempfile.mkdtemp(prefix="gj-demo-truth-"))
    return json.loads((folder / "ground_truth.json").read_text("utf-8"))


def _index(page, oid: str) -> int:
    return page.evaluate(f"gongjianPage.model.n.id.indexOf({oid!r})")


def test_panel_shows_needs_and_matches_and_dormant_ties_differ(tmp_path, demo_kg, demo_truth,
                                                               open_page, artifacts):
    from gongjian.demo import DEMO_AS_OF

    path = render(demo_kg, tmp_path / "lists.html", as_of=DEMO_AS_OF)
    loaded = open_page(path)
    page = loaded.page
    assert loaded.errors == [] and loaded.outside_requests(path) == []
    planted = demo_truth["lists"]["island_need"]
    need = demo_kg.needs.set_index("id").loc[planted["need_id"]]
    archive = demo_kg.party_orgs.set_index("id").loc[planted["resource_org"], "name"]
    # click the community that raised the need
    page.click("#gj-fit")
    i = _index(page, need["org_id"])
    at = page.evaluate(f"gongjianPage.network.canvasToDOM("
                       f"gongjianPage.network.getPositions([{i}])[{i}])")
    page.evaluate(f"gongjianPage.network.moveTo({{position: gongjianPage.network.getPositions("
                  f"[{i}])[{i}], scale: 2.5}})")
    at = page.evaluate(f"gongjianPage.network.canvasToDOM("
                       f"gongjianPage.network.getPositions([{i}])[{i}])")
    box = page.locator("#gj-net canvas").bounding_box()
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    details = page.inner_text("#gj-details")
    assert demo_kg.party_orgs.set_index("id").loc[need["org_id"], "name"] in details
    assert "需求清单" in details and need["description"] in details
    assert "建议对接" in details and archive in details and "结束孤岛" in details
    matches = page.locator("#gj-details .gj-matches li").all_inner_texts()
    assert any(planted["need_id"] in m and planted["resource_id"] in m for m in matches)
    page.screenshot(path=str(artifacts / "viz-lists-panel.png"))
    # the offering unit shows its resource and the same match from its side
    page.evaluate(f"gongjianPage.select({_index(page, planted['resource_org'])})")
    details = page.inner_text("#gj-details")
    assert "资源清单" in details and planted["resource_id"] in details
    # a dormant tie is drawn apart from a living one of the same type, and named in the legend
    d = demo_truth["lists"]["dormant_agreement"]
    a, b = _index(page, d["source_id"]), _index(page, d["target_id"])
    e = page.evaluate(f"(() => {{ const E = gongjianPage.model.e; for (let j = 0; j < E.s.length;"
                      f" j++) {{ if ((E.s[j] === {a} && E.t[j] === {b}) || (E.s[j] === {b} &&"
                      f" E.t[j] === {a})) return j; }} return -1; }})()")
    assert e >= 0
    model = page.evaluate("gongjianPage.model")
    assert model["dz"][e] == 1
    dormant = queries.dormant(demo_kg, as_of=DEMO_AS_OF)
    assert sum(model["dz"]) == len({frozenset(p) for p in zip(dormant["source_id"],
                                                             dormant["target_id"],
                                                             strict=True)})
    alive = next(j for j in range(len(model["dz"]))
                 if not model["dz"][j] and model["e"]["ty"][j] == model["e"]["ty"][e])
    dead_style = page.evaluate(f"gongjianPage.edges.get({e})")
    live_style = page.evaluate(f"gongjianPage.edges.get({alive})")
    assert dead_style["color"]["color"] != live_style["color"]["color"]
    assert dead_style["dashes"] != live_style["dashes"]
    assert "休眠关系" in page.inner_text("#gj-legend")
    page.evaluate(f"gongjianPage.select({a})")
    assert "休眠关系" in page.inner_text("#gj-details")
    page.screenshot(path=str(artifacts / "viz-lists-dormant.png"))


def test_nothing_of_the_lists_without_the_tables(tmp_path, small_kg, open_page):
    path = render(small_kg, tmp_path / "plain.html", as_of=AS_OF)
    page = open_page(path).page
    model = page.evaluate("gongjianPage.model")
    assert "lists" not in model and "dz" not in model
    page.evaluate("gongjianPage.select(0)")
    text = page.inner_text("#gj-details") + page.inner_text("#gj-legend")
    assert "需求清单" not in text and "休眠" not in text and "建议对接" not in text


def test_hostile_list_text_stays_text(tmp_path, small_kg, open_page):
    names = list(HOSTILE.values())
    kg = KnowledgeGraph.from_frames(
        party_orgs=small_kg.party_orgs, relations=small_kg.relations,
        needs=pd.DataFrame({"id": [f"N{i}" for i in range(len(names))],
                            "org_id": ["玄武S0"] * len(names), "category": ["venue"] * len(names),
                            "description": names, "status": ["open"] * len(names)}),
        resources=pd.DataFrame({"id": ["R1"], "org_id": ["h1"], "category": ["venue"],
                                "description": [HOSTILE["h2"]], "scope": ["city"]}),
        activities=pd.DataFrame({"date": pd.to_datetime(["2024-03-01"]).astype("datetime64[s]"),
                                 "name": [HOSTILE["h3"]],
                                 "participants": [["玄武S0-0", "玄武S0"]]}))
    path = render(kg, tmp_path / "hostile-lists.html", as_of=AS_OF)
    loaded = open_page(path)
    page = loaded.page
    page.evaluate("gongjianPage.select(gongjianPage.model.n.id.indexOf('玄武S0'))")
    shown = page.evaluate("[...document.querySelectorAll('#gj-details .gj-needs li')]"
                          ".map(li => li.textContent)")
    for name in names:
        assert any(name in s for s in shown), name
    page.evaluate("gongjianPage.select(gongjianPage.model.n.id.indexOf('h1'))")
    assert HOSTILE["h2"] in page.evaluate("document.querySelector('#gj-details').textContent")
    assert page.evaluate("document.querySelectorAll('#gj-details img, #gj-details script,"
                         " #gj-details svg, #gj-details a[href^=javascript]').length") == 0
    assert page.evaluate("window.__pwned") is None and loaded.errors == []
