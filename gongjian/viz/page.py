"""Network pages: one self-contained, safe HTML file per view, or one per district/street.

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["a", "b"], "name": ["丹凤街社区党委", "<b>乙</b>"],
...                              "kind": ["community", "unit"], "district": ["玄武区"] * 2}),
...     relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "type": ["pairing"]}))
>>> path = render(kg, pathlib.Path(tempfile.mkdtemp()) / "网络.html", highlight=())
>>> html = path.read_text(encoding="utf-8")
>>> "丹凤街社区党委" in html, "<b>乙" in html, "http://" in html
(True, False, False)
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import jinja2
import numpy as np
import pandas as pd

from gongjian.graph.io import Needs, merge_needs
from gongjian.graph.model import KnowledgeGraph
from gongjian.i18n import pick
from gongjian.queries.dormant import DORMANT_NEEDS
from gongjian.queries.layer import LAYER_NEEDS
from gongjian.queries.match import MATCH_NEEDS
from gongjian.viz.assets import CSP, VIS_TOOLTIP_CSS, script_json, template_text, vis_network_js
from gongjian.viz.context import HIGHLIGHTS, Context, VizError, prepare, select
from gongjian.viz.model import ColorBy, edges_by_group, page_model, ui_text

__all__ = ["PAGE_NEEDS", "PageView", "jinja_env", "node_anchor", "render", "template_vars",
           "vis_options", "write_html", "write_split"]

#: What :func:`render` and :func:`write_split` read from a graph file: the Party
#: organizations and their ties (the layer, islands, bridges, clusters), and the three lists
#: and the activity record for the nodes' panels and dormant ties. Not the 两新组织, sites,
#: regions or vertical links. ``changes`` are computed apart (:data:`DIFF_NEEDS`).
PAGE_NEEDS: Needs = merge_needs(LAYER_NEEDS, MATCH_NEEDS, DORMANT_NEEDS,
                                {"needs": None, "resources": None, "projects": None})


@dataclass(frozen=True)
class PageView:
    """A page held in memory; Jupyter shows it inline (an iframe with the page as srcdoc)."""

    html: str
    height: int = 640

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ddd" '
                'sandbox="allow-scripts"></iframe>')

    def save(self, path: Path | str) -> Path:
        """Write the page to ``path`` (UTF-8)."""
        return write_html(self.html, path)


def write_html(text: str, path: Path | str) -> Path:
    """Write ``text`` to ``path`` as UTF-8 whatever the locale, whole or not at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(path)
    return path


def node_anchor(node_id: str) -> str:
    """The link that selects an organization in a page's network view.

    Examples
    --------
    >>> node_anchor("XW 01/甲")
    '#n=XW%2001%2F%E7%94%B2'
    """
    return "#n=" + quote(str(node_id), safe="")


@cache
def jinja_env() -> jinja2.Environment:
    """The Jinja environment of the page and report templates (autoescaped, strict).

    Examples
    --------
    >>> jinja_env().autoescape
    True
    """
    return jinja2.Environment(loader=jinja2.PackageLoader("gongjian.viz", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=False)


@cache
def _pyvis_options(hide_edges_on_drag: bool) -> str:
    from pyvis.network import Network

    net = Network()
    net.force_atlas_2based(gravity=-60, spring_length=90, damping=0.5)
    net.toggle_physics(False)
    net.toggle_hide_edges_on_drag(hide_edges_on_drag)
    return net.options.to_json()


def vis_options(n_nodes: int, n_edges: int) -> dict[str, Any]:
    """vis-network options: pyvis's physics settings (off until asked), fast drawing.

    Examples
    --------
    >>> vis_options(10, 10)["physics"]["enabled"], vis_options(10, 10)["physics"]["solver"]
    (False, 'forceAtlas2Based')
    """
    options = json.loads(_pyvis_options(n_edges > 3000))
    options["physics"]["stabilization"] = {"enabled": False}
    options["edges"] = {"smooth": False, "scaling": {"min": 1, "max": 10},
                        "selectionWidth": 2}
    options["nodes"] = {"shape": "dot", "size": 10, "font": {"size": 12},
                        "scaling": {"min": 8, "max": 45, "label": {"enabled": False}}}
    options["layout"] = {"improvedLayout": False, "randomSeed": 0}
    options["interaction"] |= {"hover": n_nodes <= 3000, "tooltipDelay": 150,
                               "hideEdgesOnZoom": n_edges > 5000}
    return options


def template_vars(model: dict[str, Any]) -> dict[str, Any]:
    """The variables every page template is rendered with, from a page model."""
    import gongjian

    lang = model["lang"]
    model = model | {"options": vis_options(len(model["n"]["id"]), len(model["e"]["s"]))}
    return {"csp": CSP, "version": gongjian.__version__, "lang": lang,
            "html_lang": "en" if lang == "en" else "zh-CN", "title": model["title"],
            "as_of": model["asOf"], "ui": model["ui"], "note": model.get("note", ""),
            "data": script_json(model), "vis_js": vis_network_js(),
            "js": template_text("network.js"), "vis_css": VIS_TOOLTIP_CSS,
            "css": template_text("network.css")}


def page_html(model: dict[str, Any]) -> str:
    """The whole page for a model from :func:`~gongjian.viz.model.page_model`."""
    return jinja_env().get_template("network.html.j2").render(**template_vars(model))


def _title(ctx: Context, lang: str, *, district, street, cluster, around, depth, kinds) -> str:
    parts = [pick(lang, "区域化党建共建关系网络", "Co-building network")]
    if district:
        parts.append(district)
    if street:
        parts.append(street)
    if cluster is not None:
        parts.append(pick(lang, f"片区 {cluster}", f"cluster {cluster}"))
    if around is not None:
        parts.append(pick(lang, f"{around} 周边 {depth} 度", f"around {around}, depth {depth}"))
    if kinds:
        parts.append("、".join(kinds))
    return " · ".join(parts)


def render(kg: KnowledgeGraph, path: Path | str | None = None, *,
           district: str | None = None, street: str | None = None, cluster: str | None = None,
           around: str | None = None, depth: int = 1, kinds: Sequence[str] | None = None,
           lang: str = "zh", as_of: dt.date | str | None = None,
           highlight: Sequence[str] = HIGHLIGHTS, color_by: ColorBy = "kind",
           include_personal: bool = False, unmasked: bool = False, seed: int = 0,
           max_nodes: int = 3000, title: str | None = None,
           changes: pd.DataFrame | None = None) -> Path | PageView:
    """Draw the co-building network as one self-contained HTML page.

    Nodes are the Party organizations of the layer, edges their active ties on ``as_of``;
    ``district``, ``street``, ``cluster``, ``around``/``depth`` and ``kinds`` narrow the
    view. Islands, bridging units and cross-district clusters are marked (``highlight``).
    Above ``max_nodes`` organizations the page shows streets (or districts) instead.
    With ``changes`` (rows of :func:`gongjian.queries.diff` against an earlier ledger) new
    organizations, new islands and new ties are marked, with a legend entry and a
    "只看变化" filter.
    Returns the path written, or with ``path=None`` a :class:`PageView` for Jupyter.

    Examples
    --------
    >>> import tempfile
    >>> import gongjian
    >>> import pandas as pd
    >>> kg = gongjian.KnowledgeGraph.from_frames(
    ...     party_orgs=pd.DataFrame({"id": ["a", "b", "c"], "name": ["甲社区", "乙单位", "丙单位"],
    ...                              "kind": ["community", "unit", "unit"],
    ...                              "district": ["玄武区"] * 3, "street": ["新街口街道"] * 3}),
    ...     relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "type": ["pairing"]}))
    >>> path = gongjian.render(kg, Path(tempfile.mkdtemp()) / "玄武区.html", district="玄武区",
    ...                        as_of="2025-06-30")
    >>> path.name, "vis-network" in path.read_text(encoding="utf-8")
    ('玄武区.html', True)
    """
    ctx = prepare(kg, as_of=as_of, lang=lang, highlight=tuple(highlight),
                  need_clusters=cluster is not None or color_by == "cluster", seed=seed)
    nodes = select(ctx, district=district, street=street, cluster=cluster, around=around,
                   depth=depth, kinds=kinds)
    title = title or _title(ctx, lang, district=district, street=street, cluster=cluster,
                            around=around, depth=depth, kinds=kinds)
    model = page_model(ctx, nodes, title=title, color_by=color_by,
                       include_personal=include_personal, unmasked=unmasked, seed=seed,
                       max_nodes=max_nodes, changes=changes)
    text = page_html(model)
    if path is None:
        return PageView(text)
    return write_html(text, path)


def _file_name(i: int, name: str) -> str:
    safe = re.sub(r"[^\w-]+", "_", name).strip("_")[:40]
    return f"{i:03d}-{safe or 'page'}.html"


def _page_groups(ctx: Context, nodes: np.ndarray, by: str) -> tuple[np.ndarray, np.ndarray]:
    """The sorted page names (district, or "district street") and the page of each node:
    the names are made once per distinct place, not once per organization."""
    district, one = pd.factorize(ctx.orgs["district"].iloc[nodes].astype(str),
                                 use_na_sentinel=False)
    if by == "district":
        codes, texts = district, [str(d) for d in one]
    else:
        street, streets = pd.factorize(ctx.orgs["street"].iloc[nodes].astype(object),
                                       use_na_sentinel=False)
        width = max(len(streets), 1)
        codes, pairs = pd.factorize(district * width + street)
        no_street = ui_text(ctx.lang)["noStreet"]
        texts = [f"{one[p // width]} "
                 f"{streets[p % width] if isinstance(streets[p % width], str) else no_street}"
                 for p in pairs.tolist()]
    names, rank = np.unique(np.array(texts, dtype=str), return_inverse=True)
    return names, rank[codes]


def write_split(kg: KnowledgeGraph, folder: Path | str, *,
                by: Literal["district", "street"] = "district", lang: str = "zh",
                as_of: dt.date | str | None = None, highlight: Sequence[str] = HIGHLIGHTS,
                color_by: ColorBy = "kind", kinds: Sequence[str] | None = None,
                include_personal: bool = False, unmasked: bool = False, seed: int = 0,
                max_nodes: int = 3000, changes: pd.DataFrame | None = None) -> Path:
    """Write one page per district or street into ``folder`` and an ``index.html`` linking them.

    With ``changes`` every page marks what is new, as :func:`render` does.

    The analyses run once for the whole graph; each page lays out only its own nodes.

    Examples
    --------
    >>> import tempfile
    >>> import gongjian
    >>> import pandas as pd
    >>> kg = gongjian.KnowledgeGraph.from_frames(
    ...     party_orgs=pd.DataFrame({"id": ["a", "b", "c"], "name": ["甲社区", "乙单位", "丙单位"],
    ...                              "kind": ["community", "unit", "unit"],
    ...                              "district": ["玄武区"] * 3, "street": ["新街口街道"] * 3}),
    ...     relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "type": ["pairing"]}))
    >>> index = write_split(kg, Path(tempfile.mkdtemp()) / "网络", by="street",
    ...                     as_of="2025-06-30")
    >>> index.name, sorted(p.suffix for p in index.parent.iterdir())
    ('index.html', ['.html', '.html'])
    """
    from gongjian.progress import progress

    if by not in ("district", "street"):
        raise VizError(pick(lang, f"只能按 district 或 street 拆分，不能按 {by!r}",
                            f"split by district or street, not {by!r}"))
    folder = Path(folder)
    ctx = prepare(kg, as_of=as_of, lang=lang, highlight=tuple(highlight),
                  need_clusters=color_by == "cluster", seed=seed)
    base = select(ctx, kinds=kinds)
    names, group = _page_groups(ctx, base, by)
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(len(names) + 1))
    edges, edge_bounds = edges_by_group(ctx, base, group)
    heading = pick(lang, "区", "District") if by == "district" else pick(lang, "街道", "Street")
    pages = []
    with progress(pick(lang, "生成网络页面", "writing pages"), total=len(names)) as advance:
        for i, name in enumerate(names):
            nodes = np.sort(base[order[bounds[i]:bounds[i + 1]]])
            title = pick(lang, f"区域化党建共建关系网络 · {name}", f"Co-building network · {name}")
            model = page_model(ctx, nodes, title=title, color_by=color_by,
                               include_personal=include_personal, unmasked=unmasked,
                               seed=seed, max_nodes=max_nodes, changes=changes,
                               edges=edges[edge_bounds[i]:edge_bounds[i + 1]])
            href = _file_name(i + 1, str(name))
            write_html(page_html(model), folder / href)
            pages.append({"name": str(name), "href": href, "nodes": len(model["n"]["id"]),
                          "edges": len(model["e"]["s"])})
            advance(1)
    ui = ui_text(lang)
    text = jinja_env().get_template("index.html.j2").render(
        csp=CSP, version=_version(), html_lang="en" if lang == "en" else "zh-CN",
        title=pick(lang, "区域化党建共建关系网络 · 分页索引", "Co-building network · index"),
        as_of=ctx.layer.as_of.date().isoformat(), ui=ui, heading=heading, pages=pages)
    return write_html(text, folder / "index.html")


def _version() -> str:
    import gongjian

    return gongjian.__version__
