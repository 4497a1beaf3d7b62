"""Seeded node positions in pixels, computed before the page is written.

:func:`territory` (organization pages) groups organizations by district, street and
community and gathers the islands in one labelled area; :func:`positions` (aggregated pages,
exports) lays out each connected component on its own (Fruchterman–Reingold, seeded), packs
the components in rows, biggest first, with the isolated nodes in a grid below them. Either
way a page shows at once with physics off.

Examples
--------
>>> import numpy as np
>>> xy = positions(4, np.array([0, 1]), np.array([1, 2]), seed=0)
>>> xy.shape, bool(np.isfinite(xy).all())
((4, 2), True)
>>> bool((positions(4, np.array([0]), np.array([1]), seed=0) ==
...       positions(4, np.array([0]), np.array([1]), seed=0)).all())
True
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gongjian.graph.model import igraph_from_arrays

__all__ = ["SPACING", "Area", "positions", "territory"]

#: Pixels between neighbouring nodes, roughly.
SPACING = 110.0


def _iterations(n: int) -> int:
    if n <= 300:
        return 300
    if n <= 1500:
        return 60
    return 50


def _component_layout(n: int, edges: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Positions of one connected component, scaled so that neighbours sit SPACING apart."""
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[0.0, 0.0], [SPACING, 0.0]])
    import igraph

    g = igraph_from_arrays(n, edges[:, 0], edges[:, 1])
    start = rng.random((n, 2)) * math.sqrt(n)
    igraph.set_random_number_generator(random.Random(int(rng.integers(2**31))))
    try:
        xy = np.asarray(g.layout_fruchterman_reingold(seed=start.tolist(),
                                                      niter=_iterations(n)).coords)
    finally:
        igraph.set_random_number_generator(random)
    xy -= xy.min(axis=0)
    if len(edges):
        lengths = np.linalg.norm(xy[edges[:, 0]] - xy[edges[:, 1]], axis=1)
        median = float(np.median(lengths))
        if median > 0:
            xy *= SPACING / median
    return xy


def positions(n: int, source: np.ndarray, target: np.ndarray, *, seed: int = 0) -> np.ndarray:
    """Pixel positions ``(n, 2)`` of ``n`` nodes tied by the edges ``source[i]–target[i]``.

    Same inputs and ``seed``, same positions.
    """
    out = np.zeros((n, 2))
    if n == 0:
        return out
    rng = np.random.default_rng(seed)
    comp = _components(n, source, target)
    order = np.argsort(comp, kind="stable")
    bounds = np.flatnonzero(np.diff(comp[order])) + 1
    groups = np.split(order, bounds)
    groups.sort(key=lambda g: (-len(g), int(g[0])))
    big = [g for g in groups if len(g) > 1]
    single = np.array([g[0] for g in groups if len(g) == 1], dtype=np.int64)
    local = np.full(n, -1, dtype=np.int64)
    edge_order = np.argsort(comp[source], kind="stable")
    edge_comp = comp[source][edge_order]
    boxes = []
    for members in big:
        local[members] = np.arange(len(members))
        label = comp[members[0]]
        lo, hi = np.searchsorted(edge_comp, [label, label + 1])
        mine = edge_order[lo:hi]
        edges = np.column_stack([local[source[mine]], local[target[mine]]])
        xy = _component_layout(len(members), edges, rng)
        boxes.append((members, xy))
    total_area = sum(float(np.prod(xy.max(axis=0) + SPACING)) for _, xy in boxes)
    total_area += len(single) * SPACING**2
    row_width = max(math.sqrt(total_area) * 1.2, SPACING * 4)
    x = y = row_height = 0.0
    for members, xy in boxes:
        w, h = xy.max(axis=0) + SPACING
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        out[members] = xy + np.array([x, y])
        x += w
        row_height = max(row_height, h)
    y += row_height
    if len(single):
        per_row = max(int(row_width // SPACING), 1)
        k = np.arange(len(single))
        out[single, 0] = (k % per_row) * SPACING
        out[single, 1] = y + (k // per_row) * SPACING
    out -= out.mean(axis=0)
    return np.round(out, 1)


def _components(n: int, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Connected-component label of every node."""
    if len(source) == 0:
        return np.arange(n)
    g = igraph_from_arrays(n, source, target)
    return np.asarray(g.connected_components().membership)


@dataclass(frozen=True)
class Area:
    """A labelled box of the layout: a district, or the gathered islands."""

    kind: str  # "district" | "islands"
    name: str
    x0: float
    y0: float
    x1: float
    y1: float
    count: int

    def as_list(self) -> list:
        """``[kind, name, x0, y0, x1, y1, count]`` for a page's JSON."""
        return [self.kind, self.name, self.x0, self.y0, self.x1, self.y1, self.count]


def _group_layout(n: int, edges: np.ndarray, groups: Sequence[np.ndarray],
                  rng: np.random.Generator) -> np.ndarray:
    """Positions of one street: real ties plus a virtual hub per community and one for the
    street, so that a community's organizations sit together around the street's centre."""
    if n == 1:
        return np.zeros((1, 2))
    import igraph

    hub = n + len(groups)
    sources, targets = [edges[:, 0]], [edges[:, 1]]
    grouped = np.zeros(n, dtype=bool)
    for k, members in enumerate(groups):
        members = np.asarray(members, dtype=np.int64)
        sources += [members, np.array([n + k])]
        targets += [np.full(len(members), n + k), np.array([hub])]
        grouped[members] = True
    alone = np.flatnonzero(~grouped)
    sources.append(alone)
    targets.append(np.full(len(alone), hub))
    source, target = np.concatenate(sources), np.concatenate(targets)
    g = igraph_from_arrays(hub + 1, source, target)
    weights = [1.0] * len(edges) + [0.6] * (len(source) - len(edges))
    start = rng.random((hub + 1, 2)) * math.sqrt(hub + 1)
    igraph.set_random_number_generator(random.Random(int(rng.integers(2**31))))
    try:
        xy = np.asarray(g.layout_fruchterman_reingold(
            seed=start.tolist(), niter=_iterations(hub + 1), weights=weights).coords)[:n]
    finally:
        igraph.set_random_number_generator(random)
    return _spread(xy)


def _spread(xy: np.ndarray) -> np.ndarray:
    """Scale so that each node has about SPACING² of room, then move to the origin.

    The room is counted on the bounding box with its short side at least a quarter of its
    long side, so that nodes in a line (two organizations of a street) stay near each other.

    Examples
    --------
    >>> xy = _spread(np.array([[0.0, 0.0], [0.0085, 1.0]]))
    >>> bool(xy.max() < 5 * SPACING), bool(xy.max() > SPACING)
    (True, True)
    """
    xy = xy - xy.min(axis=0)
    extent = xy.max(axis=0)
    longest = float(extent.max())
    if len(xy) > 1 and longest > 0:
        w, h = np.maximum(extent, longest * 0.25)
        xy = xy * math.sqrt(len(xy) * (SPACING * 0.8) ** 2 / float(w * h))
    return xy


def _shelf(boxes: Sequence[np.ndarray], gap: float, aspect: float = 1.25) -> list[np.ndarray]:
    """Offsets that pack boxes of sizes ``(w, h)`` in rows, tallest first, about ``aspect``
    times wider than tall."""
    sizes = [np.asarray(b, dtype=float) for b in boxes]
    area = sum(float((s[0] + gap) * (s[1] + gap)) for s in sizes)
    width = max(math.sqrt(area * aspect), max((s[0] for s in sizes), default=0.0))
    order = sorted(range(len(sizes)), key=lambda i: (-sizes[i][1], i))
    out = [np.zeros(2) for _ in sizes]
    x = y = row = 0.0
    for i in order:
        w, h = sizes[i]
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row + gap, 0.0
        out[i] = np.array([x, y])
        x += w + gap
        row = max(row, h)
    return out


def territory(source: np.ndarray, target: np.ndarray, *, district: Sequence[str | None],
              street: Sequence[str | None], community: Sequence[str | None],
              island: np.ndarray | None = None, islands_label: str = "党建孤岛",
              seed: int = 0) -> tuple[np.ndarray, list[Area]]:
    """Positions that show the territory, and the labelled areas of the layout.

    Organizations are grouped by district, then street, then community: each street is laid
    out on its own (its ties, plus a pull towards its community and street), the streets of
    a district are packed together, and the districts are packed side by side with a gap
    between them. Islands (``island`` marks, and every organization without a tie on the
    page), together with whatever they are tied to when that is an island too, are gathered
    in one area of their own.

    Returns
    -------
    xy : ndarray
        ``(n, 2)`` pixel positions, centred on the origin, rounded to 0.1.
    areas : list of Area
        One box per district, and one for the islands when there are any.

    Examples
    --------
    >>> xy, areas = territory(np.array([0, 2]), np.array([1, 3]),
    ...                       district=["玄武区", "玄武区", "秦淮区", "秦淮区", "秦淮区"],
    ...                       street=["甲街道"] * 2 + ["乙街道"] * 3, community=[None] * 5)
    >>> xy.shape, [(a.kind, a.name, a.count) for a in areas]
    ((5, 2), [('district', '玄武区', 2), ('district', '秦淮区', 2), ('islands', '党建孤岛', 1)])
    >>> bool(areas[2].x0 <= xy[4, 0] <= areas[2].x1)
    True
    """
    n = len(district)
    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    out = np.zeros((n, 2))
    if n == 0:
        return out, []
    rng = np.random.default_rng(seed)
    comp = _components(n, source, target)
    flagged = np.zeros(n, dtype=bool) if island is None else np.asarray(island, dtype=bool)
    degree = np.bincount(np.concatenate([source, target]), minlength=n)
    lonely = flagged | (degree == 0)
    # a component goes to the islands' area when every organization in it is an island
    comp_all = np.ones(comp.max() + 1, dtype=bool)
    np.logical_and.at(comp_all, comp, lonely)
    in_islands = comp_all[comp]
    d_text = np.array([d if isinstance(d, str) else "" for d in district], dtype=object)
    s_text = np.array([s if isinstance(s, str) else "" for s in street], dtype=object)
    c_text = np.array([c if isinstance(c, str) else "" for c in community], dtype=object)
    local = np.full(n, -1, dtype=np.int64)
    blocks: list[tuple[str, np.ndarray, np.ndarray]] = []  # (district, members, xy)
    rest = np.flatnonzero(~in_islands)
    keys = sorted({(d_text[i], s_text[i]) for i in rest})
    by_key: dict[tuple[str, str], list[int]] = {k: [] for k in keys}
    for i in rest:
        by_key[(d_text[i], s_text[i])].append(int(i))
    for key in keys:
        members = np.asarray(by_key[key], dtype=np.int64)
        local[:] = -1
        local[members] = np.arange(len(members))
        inside = (local[source] >= 0) & (local[target] >= 0)
        edges = np.column_stack([local[source[inside]], local[target[inside]]])
        names = c_text[members]
        groups = [np.flatnonzero(names == c) for c in sorted(set(names.tolist()) - {""})]
        blocks.append((key[0], members, _group_layout(len(members), edges, groups, rng)))
    districts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    for d, members, xy in blocks:
        districts.setdefault(d, []).append((members, xy))
    units: list[tuple[str, str, np.ndarray, np.ndarray]] = []  # (kind, name, members, xy)
    for d in sorted(districts, key=lambda k: (k == "", k)):
        parts = districts[d]
        offsets = _shelf([xy.max(axis=0) for _, xy in parts], gap=SPACING * 0.9)
        members = np.concatenate([m for m, _ in parts])
        xy = np.concatenate([xy + off for (_, xy), off in zip(parts, offsets, strict=True)])
        units.append(("district", d, members, xy))
    lone = np.flatnonzero(in_islands)
    pad = SPACING * 0.5
    # the islands' area grows with the map, so that it reads at the full view
    mapped = sum(float(np.prod(xy.max(axis=0) + 2 * pad)) for *_, xy in units)
    side = max(SPACING * 3.5, 0.3 * math.sqrt(mapped))
    if len(lone):
        xy = _islands_layout(lone, comp, source, target, rng)
        spread = max(1.0, min(3.0, 0.8 * (side - 2 * pad) / max(float(xy.max()), SPACING)))
        # room above the islands for the area's title
        xy = xy * spread + np.array([0.0, max(SPACING * 0.5, side * 0.12)])
        units.append(("islands", islands_label, lone, xy))
    least = {"islands": np.array([side, side * 0.45]), "district": np.zeros(2)}
    sizes = [np.maximum(xy.max(axis=0) + 2 * pad, least[kind]) for kind, _, _, xy in units]
    offsets = _shelf(sizes, gap=SPACING * 1.2, aspect=1.4)
    areas = []
    for (kind, name, members, xy), off, size in zip(units, offsets, sizes, strict=True):
        out[members] = xy + off + pad + (size - xy.max(axis=0) - 2 * pad) / 2
        x1, y1 = off + size
        areas.append([kind, name, float(off[0]), float(off[1]), float(x1), float(y1),
                      len(members)])
    centre = (out.min(axis=0) + out.max(axis=0)) / 2
    out = np.round(out - centre, 1)
    result = [Area(k, nm, round(x0 - centre[0], 1), round(y0 - centre[1], 1),
                   round(x1 - centre[0], 1), round(y1 - centre[1], 1), c)
              for k, nm, x0, y0, x1, y1, c in areas]
    return out, result


def _islands_layout(lone: np.ndarray, comp: np.ndarray, source: np.ndarray,
                    target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Islands in a grid; an island group (islands tied among themselves) drawn together."""
    local = np.full(len(comp), -1, dtype=np.int64)
    local[lone] = np.arange(len(lone))
    sub = comp[lone]
    groups = [np.flatnonzero(sub == c) for c in dict.fromkeys(sub.tolist())]
    groups.sort(key=lambda g: (-len(g), int(g[0])))
    inside = (local[source] >= 0) & (local[target] >= 0)
    e_s, e_t = local[source[inside]], local[target[inside]]
    parts = []
    where = np.full(len(lone), -1, dtype=np.int64)
    for g in groups:
        where[:] = -1
        where[g] = np.arange(len(g))
        mine = (where[e_s] >= 0) & (where[e_t] >= 0)
        edges = np.column_stack([where[e_s[mine]], where[e_t[mine]]])
        parts.append((g, _component_layout(len(g), edges, rng) if len(g) > 1
                      else np.zeros((1, 2))))
    offsets = _shelf([xy.max(axis=0) for _, xy in parts], gap=SPACING * 0.8, aspect=1.6)
    xy = np.zeros((len(lone), 2))
    for (g, part), off in zip(parts, offsets, strict=True):
        xy[g] = part + off
    return xy
