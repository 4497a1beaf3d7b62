"""Baseline: the raw igraph algorithm calls on the same co-building layer.

The floor our analyses are held to ("within 2× of raw igraph"): the graph is the layer's
index arrays from :meth:`gongjian.graph.model.KnowledgeGraph.co_building_arrays` (made
before the clock starts); the timed part is making the ``igraph.Graph`` from them and the
bare calls — no ranking, no explanations, no DataFrame.

- islands: ``degree()`` and ``connected_components()``;
- bridges: ``articulation_points()`` and ``betweenness(sources=<samples seeded vertices>)``;
- clusters: ``community_leiden(objective_function="modularity")`` (seeded through Python's
  ``random``, igraph's default generator).
"""

from __future__ import annotations

import random

import igraph
import numpy as np

__all__ = ["ANALYSES", "bridges", "clusters", "islands", "task", "task_all"]


def _graph(layer) -> igraph.Graph:
    edges = list(zip(layer.source.tolist(), layer.target.tolist(), strict=True))
    return igraph.Graph(n=layer.n, edges=edges, directed=False)


def islands(g: igraph.Graph, **_) -> int:
    """Isolated vertices and the membership of the connected components."""
    degree = np.asarray(g.degree())
    membership = g.connected_components().membership
    return int((degree == 0).sum()) + len(set(membership))


def bridges(g: igraph.Graph, *, samples: int, **_) -> int:
    """Articulation points and betweenness from ``samples`` seeded source vertices."""
    cut = g.articulation_points()
    sources = np.random.default_rng(0).choice(g.vcount(), size=min(samples, g.vcount()),
                                              replace=False).tolist()
    g.betweenness(directed=False, sources=sources)
    return len(cut)


def clusters(g: igraph.Graph, **_) -> int:
    """Leiden communities (modularity), seeded."""
    random.seed(0)
    return len(g.community_leiden(objective_function="modularity", n_iterations=-1))


ANALYSES = {"islands": islands, "bridges": bridges, "clusters": clusters}


def task(clock, *, graph: str, analysis: str, as_of: str, samples: int) -> dict:
    """Task: one raw igraph analysis on the graph file's co-building layer."""
    from pathlib import Path

    from gongjian.graph.io import load

    layer = load(Path(graph)).co_building_arrays(as_of)
    with clock():
        found = ANALYSES[analysis](_graph(layer), samples=samples)
    return {"rows": layer.n, "size": f"{layer.n:,} nodes, {len(layer.source):,} ties",
            "found": found}


def task_all(clock, *, graph: str, as_of: str, samples: int) -> dict:
    """Task: the three raw igraph analyses on one graph made once (timed)."""
    from pathlib import Path

    from gongjian.graph.io import load

    layer = load(Path(graph)).co_building_arrays(as_of)
    with clock():
        g = _graph(layer)
        for name, fn in ANALYSES.items():
            with clock(name):
                fn(g, samples=samples)
    return {"rows": layer.n, "size": f"{layer.n:,} nodes, {len(layer.source):,} ties"}
