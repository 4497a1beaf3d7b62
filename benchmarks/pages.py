"""Stages of the pages: writing a 5,000-node page, drawing it in Chromium, split by street.

The page shows the first :data:`PAGE_NODES` Party organizations of the graph (the
synthetic ledger is written district by district, so they lie together) and their active
ties. Ours: :func:`gongjian.viz.render` with ``max_nodes`` high enough to draw every node.
Baseline: pyvis defaults (:mod:`benchmarks.baselines.pyvis_page`). "Drawn" is measured by
:mod:`benchmarks.browser` in headless Chromium: from navigation start to the first frame
once the network has stabilized (pyvis stabilizes physics first; our pages come laid out).
Split by street: :func:`gongjian.viz.write_split` of the whole graph, every page.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from benchmarks.data import Dataset
from benchmarks.harness import Side, Stage

__all__ = ["DRAW_TIMEOUT", "PAGE_NODES", "stages"]

PAGE_NODES = 5_000
#: Seconds a page may take to draw before it is reported as a timeout (city, district).
DRAW_TIMEOUT = {"city": 180.0, "district": 30.0}


def _subgraph(graph: str, n: int, as_of: str):
    """The graph restricted to its first ``n`` active Party organizations."""
    from gongjian.graph.io import load

    kg = load(Path(graph))
    orgs = kg.active_orgs().head(n)
    ids = set(orgs["id"])
    rel = kg.relations
    rel = rel[rel["source_id"].isin(ids) & rel["target_id"].isin(ids)]
    return kg.with_tables(party_orgs=orgs, relations=rel)


def _pyvis_input(kg, as_of: str):
    layer = kg.co_building_arrays(as_of)
    orgs = kg.party_orgs.loc[layer.rows]
    nodes = list(zip(layer.ids.tolist(), orgs["name"].astype(str), orgs["kind"].astype(str),
                     strict=True))
    ids = layer.ids
    edges = [(ids[s], ids[t]) for s, t in zip(layer.source, layer.target, strict=True)]
    return nodes, edges


def _ours_page(kg, path: Path, as_of: str) -> Path:
    from gongjian.viz import render

    return render(kg, path, as_of=as_of, max_nodes=PAGE_NODES + 1)


def write_ours(clock, *, graph: str, as_of: str) -> dict:
    """Task: our page of the subgraph (timed)."""
    kg = _subgraph(graph, PAGE_NODES, as_of)
    with tempfile.TemporaryDirectory() as tmp:
        with clock():
            path = _ours_page(kg, Path(tmp) / "page.html", as_of)
        size = path.stat().st_size
    return {"size": f"{len(kg.party_orgs):,} nodes, {size / 1e6:.1f} MB", "bytes": size}


def write_pyvis(clock, *, graph: str, as_of: str) -> dict:
    """Task: the pyvis page of the same subgraph (timed)."""
    from benchmarks.baselines.pyvis_page import write_page

    nodes, edges = _pyvis_input(_subgraph(graph, PAGE_NODES, as_of), as_of)
    with tempfile.TemporaryDirectory() as tmp:
        with clock():
            path = write_page(nodes, edges, Path(tmp) / "page.html")
        size = path.stat().st_size
    return {"size": f"{len(nodes):,} nodes, {size / 1e6:.1f} MB", "bytes": size}


def draw(clock, *, graph: str, as_of: str, which: str, timeout: float) -> dict:
    """Task: write the page (untimed), then the time until Chromium has drawn it."""
    from benchmarks.baselines.pyvis_page import write_page
    from benchmarks.browser import time_until_drawn

    kg = _subgraph(graph, PAGE_NODES, as_of)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.html"
        if which == "ours":
            _ours_page(kg, path, as_of)
        else:
            write_page(*_pyvis_input(kg, as_of), path)
        ms = time_until_drawn(path, timeout=timeout)
    clock.seconds = ms / 1000
    return {"size": f"{len(kg.party_orgs):,} nodes"}


def split(clock, *, graph: str, as_of: str) -> dict:
    """Task: every page of the graph split by street (timed)."""
    from gongjian.graph.io import load
    from gongjian.viz import write_split

    kg = load(Path(graph))
    with tempfile.TemporaryDirectory() as tmp:
        with clock():
            write_split(kg, Path(tmp), by="street", as_of=as_of)
        pages = len(list(Path(tmp).glob("*.html"))) - 1
        size = sum(p.stat().st_size for p in Path(tmp).glob("*.html"))
    return {"rows": pages, "size": f"{pages:,} pages, {len(kg.party_orgs):,} orgs",
            "bytes": size}


def stages(data: Dataset) -> list[Stage]:
    """The page stages."""
    kw = {"graph": str(data.folder / "graph.gjg"), "as_of": dt.date.today().isoformat()}
    wait = DRAW_TIMEOUT.get(data.scale, 180.0)
    needs = ("gongjian.viz:render",)
    return [
        Stage("page write", "pages", Side("gongjian", f"{__name__}:write_ours", kw),
              [Side("pyvis write_html", f"{__name__}:write_pyvis", kw)],
              needs=needs, inputs=("ensure_graph",)),
        Stage("page drawn (Chromium)", "pages",
              Side("gongjian", f"{__name__}:draw", {**kw, "which": "ours", "timeout": wait},
                   timeout=wait + 120),
              [Side("pyvis defaults", f"{__name__}:draw", {**kw, "which": "pyvis",
                                                           "timeout": wait},
                    timeout=wait + 120)],
              target="≤ 3 s", needs=needs, check=lambda o, b: o.seconds <= 3,
              inputs=("ensure_graph",)),
        Stage("pages split by street", "pages", Side("gongjian", f"{__name__}:split", kw),
              target="≤ 60 s", needs=("gongjian.viz:write_split",),
              check=lambda o, b: o.seconds <= 60, inputs=("ensure_graph",)),
    ]
