"""What a page takes of the whole, made a page at a time: the organizations' lists, the ties'
details and the dormant ties are the same as made for the whole layer at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gongjian import queries
from gongjian.viz.context import iso_days, prepare, select
from gongjian.viz.lists import OrgLists, dormant_edges, org_lists, report_section

AS_OF = "2025-06-30"


@pytest.fixture(scope="module")
def ctx(demo_kg):
    from gongjian.demo import DEMO_AS_OF

    return prepare(demo_kg, as_of=DEMO_AS_OF)


def test_lists_cut_per_street_are_the_whole_lists(ctx, demo_kg):
    whole = org_lists(demo_kg, ctx.layer, "zh")
    assert sum(len(b["needs"]) for b in whole.values()) > 0
    assert sum(len(b["matches"]) for b in whole.values()) > 0
    assert sum(len(b["projects"]) for b in whole.values()) > 0
    cut = OrgLists(demo_kg, ctx.layer, "zh")
    streets = ctx.orgs["street"].astype(object).fillna("").to_numpy()
    seen: dict[int, dict] = {}
    for street in sorted(set(streets)):
        part = cut.of(np.flatnonzero(streets == street))
        assert set(part) <= set(np.flatnonzero(streets == street).tolist())
        seen |= part
    assert seen == whole
    assert cut.of(np.zeros(0, dtype=np.int64)) == {}


def test_lists_a_page_at_a_time_as_the_records_say(ctx, demo_kg):
    """Independently of the index: every need of an organization of the layer is in its
    box, in the order of the ledger."""
    boxes = OrgLists(demo_kg, ctx.layer, "zh").of(np.arange(ctx.n))
    position = {str(i): p for p, i in enumerate(ctx.layer.ids.tolist())}
    for org, rows in demo_kg.needs.groupby("org_id", sort=False):
        if org in position:
            assert [r[0] for r in boxes[position[org]]["needs"]] == rows["id"].tolist()


def test_dormant_edges_are_the_edges_of_dormant_ties(ctx, demo_kg):
    dz = dormant_edges(demo_kg, ctx.layer)
    rows = queries.dormant(demo_kg, as_of=ctx.layer.as_of.date())
    assert 0 < dz.sum() < len(dz)
    index = pd.Index(ctx.layer.ids)
    s, t = index.get_indexer(rows["source_id"]), index.get_indexer(rows["target_id"])
    pairs = set(zip(np.minimum(s, t).tolist(), np.maximum(s, t).tolist(), strict=True))
    edges = set(zip(ctx.layer.source[dz].tolist(), ctx.layer.target[dz].tolist(),
                    strict=True))
    assert edges == pairs
    # each edge counts its ties: the report's number of dormant ties
    section = report_section(demo_kg, ctx.layer.as_of.date(), "zh")
    assert section["dormant"] == len(rows)


def test_ties_of_the_pages_are_every_active_tie(ctx, demo_kg):
    ties = ctx.ties
    rel = demo_kg.active_relations(ctx.layer.as_of)
    assert len(ties) == len(rel) > 0
    assert ties["edge"].is_monotonic_increasing
    assert ties["type"].min() >= 0
    got = sorted(zip(iso_days(ties["start"]), iso_days(ties["end"]), strict=True),
                 key=str)
    want = sorted(zip(iso_days(rel["start"]), iso_days(rel["end"]), strict=True), key=str)
    assert got == want


def test_a_street_page_made_alone_is_the_same(ctx, demo_kg, tmp_path):
    """A page drawn after every other street's page is the page drawn first."""
    from gongjian.viz.model import page_model

    streets = ctx.orgs["street"].astype(object).fillna("").to_numpy()
    street = max(set(streets), key=lambda s: (streets == s).sum())
    nodes = select(ctx, street=street)
    first = page_model(ctx, nodes, title="t")
    fresh = prepare(demo_kg.with_tables(), as_of=ctx.layer.as_of.date())
    for other in sorted(set(streets) - {street, ""}):
        page_model(fresh, select(fresh, street=other), title="t")
    assert page_model(fresh, select(fresh, street=street), title="t") == first
    assert first["lists"] and any(first["dz"]) and first["ties"]["a"]
