"""Seeded node positions in pixels, computed before the page is written.

Each connected component is laid out on its own (Fruchterman–Reingold, seeded), the
components are packed in rows, biggest first, and the isolated nodes (the islands) sit
in a grid below them, so a page shows at once with physics off and islands stand apart.

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

import numpy as np

__all__ = ["SPACING", "positions"]

#: Pixels between neighbouring nodes, roughly.
SPACING = 110.0


def _iterations(n: int) -> int:
    if n <= 300:
        return 300
    if n <= 1500:
        return 120
    return 50


def _component_layout(n: int, edges: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Positions of one connected component, scaled so that neighbours sit SPACING apart."""
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[0.0, 0.0], [SPACING, 0.0]])
    import igraph

    g = igraph.Graph(n=n, edges=edges.tolist(), directed=False)
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
    import igraph

    g = igraph.Graph(n=n, edges=np.column_stack([source, target]).tolist(), directed=False)
    return np.asarray(g.connected_components().membership)
