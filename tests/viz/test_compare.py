"""``report --compare`` and ``viz --compare`` on two small ledgers with every kind of change
planted (:mod:`tests.change.conftest`): the report's 变化 section lists them and prints
without a lone heading; the page marks the new organizations and ties, in Chromium."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongjian import schema
from gongjian.cli import app
from gongjian.viz.model import NEW_ISLAND
from tests.change.conftest import AS_OF, EXPECTED, new_ledger, old_ledger
from tests.viz.test_readable import pdf_pages, squeeze

runner = CliRunner()


def embedded(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="gj-data">(.*?)</script>', html, re.S).group(1))


@pytest.fixture(scope="module")
def two_ledgers(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("compare")
    return old_ledger(root / "2024年台账"), new_ledger(root / "2025年台账")


def test_report_compare_has_the_changes_section(two_ledgers, tmp_path, open_page, artifacts):
    old, new = two_ledgers
    out = tmp_path / "报告.html"
    result = runner.invoke(app, ["report", str(new), "-o", str(out), "--as-of", AS_OF,
                                 "--compare", str(old)])
    assert result.exit_code == 0, result.output
    page = open_page(out).page
    assert page.evaluate("document.querySelectorAll('#changes h2').length") == 1
    # the chart: one bar per kind of change, the planted counts
    bars = page.evaluate("[...document.querySelectorAll('#changes-chart g title')]"
                         ".map(t => t.textContent)")
    planted = Counter(c for c, _ in EXPECTED)
    assert bars == [f"{t.zh}: {planted.get(t.code, 0)}" for t in schema.CHANGES.values()]
    # the lists: every planted change under its kind, by name (organizations are named
    # "<id>党组织"; a tie by its two names; coverage by the district)
    tables = page.evaluate("""Object.fromEntries([...document.querySelectorAll(
        '#changes table[data-change]')].map(t => [t.dataset.change,
        [...t.querySelectorAll('tbody tr td:first-child')].map(td => td.innerText)]))""")
    assert set(tables) == set(planted)
    for code, ident in EXPECTED:
        shown = tables[code]
        if code in ("org_new", "org_dissolved", "island_new", "island_resolved",
                    "bridge_new", "bridge_lost"):
            assert f"{ident}党组织" in shown, (code, ident, shown)
        elif code in ("tie_new", "tie_ended"):
            a, b = ident.split("|")
            assert any(f"{a}党组织" in s and f"{b}党组织" in s for s in shown), (code, ident)
        elif code == "coverage_change":
            assert shown == [ident]
    # new organizations link into the network view; dissolved ones cannot
    links = page.evaluate("[...document.querySelectorAll('#changes table[data-change=org_new] "
                          "a')].map(a => a.getAttribute('href'))")
    assert sorted(links) == ["#n=N1", "#n=N2"]
    assert page.evaluate("document.querySelectorAll('#changes table[data-change=org_dissolved]"
                         " a').length") == 0
    figures = page.evaluate("[...document.querySelectorAll('.gj-figure')].map(f => f.innerText)")
    assert any(squeeze(f) == f"{len(EXPECTED)}与上期相比变化" for f in figures), figures
    # printed: the section is there and no heading is left alone at a page bottom
    page.emulate_media(media="print")
    pdf = artifacts / "viz-compare-report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    pages = pdf_pages(pdf)
    assert "变化" in squeeze(pages[0]) + squeeze(pages[1])
    headings = {squeeze(h) for h in page.evaluate(
        "[...document.querySelectorAll('main h2, main h3')].map(h => h.innerText)")}
    for number, text in enumerate(pages[:-1], start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert squeeze(lines[-1]) not in headings, f"heading {lines[-1]!r} alone at {number}"
    page.emulate_media(media="screen")
    page.locator("#changes").screenshot(path=str(artifacts / "viz-compare-report.png"))


def test_report_without_compare_has_no_changes_section(two_ledgers, tmp_path):
    out = tmp_path / "报告.html"
    result = runner.invoke(app, ["report", str(two_ledgers[1]), "-o", str(out),
                                 "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert 'id="changes"' not in out.read_text(encoding="utf-8")


def test_viz_compare_marks_what_is_new(two_ledgers, tmp_path, open_page, artifacts):
    old, new = two_ledgers
    out = tmp_path / "网络.html"
    result = runner.invoke(app, ["viz", str(new), "-o", str(out), "--as-of", AS_OF,
                                 "--compare", str(old)])
    assert result.exit_code == 0, result.output
    loaded = open_page(out)
    page = loaded.page
    assert not loaded.errors, loaded.errors
    model = embedded(out)
    ids = model["n"]["id"]
    idx = {i: k for k, i in enumerate(ids)}
    shapes = page.evaluate("Object.fromEntries(gongjianPage.nodes.get()"
                           ".map(n => [n.id, [n.shape, n.color.border]]))")
    new_org = schema.CHANGES["org_new"].color
    assert shapes[str(idx["N1"])] == ["star", new_org]
    assert shapes[str(idx["N2"])] == ["star", schema.PALETTE.island]   # new, and an island
    stars = {ids[int(k)] for k, (shape, _) in shapes.items() if shape == "star"}
    assert stars == {i for c, i in EXPECTED if c in ("org_new", "island_new")}
    # new ties: thick, in the new-tie colour; the others are not
    edges = page.evaluate("gongjianPage.edges.get().map(e => [e.from, e.to, e.width, "
                          "e.color.color])")
    tie_colour = schema.CHANGES["tie_new"].color
    thick = {"|".join(sorted((ids[a], ids[b]))) for a, b, w, c in edges
             if w == 4 and c == tie_colour}
    assert thick == {i for c, i in EXPECTED if c == "tie_new"}
    # the legend says it, the filter shows only what changed
    legend = page.inner_text("#gj-legend")
    for code in ("org_new", "island_new", "tie_new"):
        assert schema.CHANGES[code].zh in legend
    page.screenshot(path=str(artifacts / "viz-compare-page.png"))
    page.check("input[name=gj-mark][value=changes]")
    changed = {i for c, i in EXPECTED if c in ("org_new", "island_new")}
    changed |= {p for c, i in EXPECTED if c == "tie_new" for p in i.split("|")}
    changed &= set(ids)
    assert loaded.count("nodes") == len(changed)
    page.screenshot(path=str(artifacts / "viz-compare-only-changes.png"))
    page.evaluate(f"gongjianPage.select({idx['N1']})")
    assert schema.CHANGES["org_new"].zh in page.inner_text("#gj-details")


def test_viz_without_compare_marks_nothing_new(two_ledgers, tmp_path):
    out = tmp_path / "网络.html"
    result = runner.invoke(app, ["viz", str(two_ledgers[1]), "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    model = embedded(out)
    assert "nw" not in model and "ew" not in model


def test_as_of_old_sets_the_earlier_side_apart(two_ledgers, tmp_path):
    """The same ledger on two dates: the ties of U7 end on 2025-03-31."""
    new = two_ledgers[1]
    out = tmp_path / "网络.html"
    result = runner.invoke(app, ["viz", str(new), "-o", str(out), "--as-of", AS_OF,
                                 "--compare", str(new), "--as-of-old", "2025-01-01"])
    assert result.exit_code == 0, result.output
    model = embedded(out)
    ids = model["n"]["id"]
    # nothing new on 2025-06-30 but U7, an island once both its ties ended
    assert {i: f for i, f in zip(ids, model["nw"], strict=True) if f} == {"U7": NEW_ISLAND}
    assert not any(model["ew"])
    out2 = tmp_path / "报告.html"
    result = runner.invoke(app, ["report", str(new), "-o", str(out2), "--as-of", AS_OF,
                                 "--compare", str(new), "--as-of-old", "2025-01-01"])
    assert result.exit_code == 0, result.output
    html = out2.read_text(encoding="utf-8")
    section = html[html.index('id="changes"'):html.index('id="charts"')]
    assert 'data-change="tie_ended"' in section and "U7党组织" in section
    assert 'data-change="org_new"' not in section


def test_as_of_old_needs_compare(two_ledgers, tmp_path):
    result = runner.invoke(app, ["report", str(two_ledgers[1]), "-o", str(tmp_path / "r.html"),
                                 "--as-of-old", "2025-01-01"])
    assert result.exit_code == 1
    assert "--as-of-old 需与 --compare 一起使用" in result.output
    assert not (tmp_path / "r.html").exists()
