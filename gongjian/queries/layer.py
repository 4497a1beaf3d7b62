"""The co-building layer as the analyses see it: arrays, igraph, attributes in layer order.

Every analysis starts from :meth:`KnowledgeGraph.co_building_arrays` (vertices are the
Party organizations that are not dissolved, edges the active ties on a day). This module
adds what they share, computed once per graph and day: the igraph graph, the organizations'
columns aligned with the vertices, degrees, connected components and which of them reach
the axis (a street or community organization).

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["a", "b", "c"], "name": ["甲", "乙", "丙"],
...                              "kind": ["community", "unit", "unit"],
...                              "district": ["玄武区"] * 3}),
...     relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "type": ["pairing"]}))
>>> view = layer_view(kg, "2025-06-30")
>>> view.degree.tolist(), view.component.tolist(), view.attached.tolist()
([1, 1, 0], [0, 0, 1], [True, True, False])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.graph.io import Needs
from gongjian.graph.model import (
    LAYER_RELATION_COLUMNS,
    CoBuildingLayer,
    KnowledgeGraph,
    as_date,
    igraph_from_arrays,
)

if TYPE_CHECKING:
    import igraph

__all__ = ["LAYER_NEEDS", "LayerView", "codes", "distinct_per_vertex", "layer_view"]

#: What an analysis of the co-building layer reads from a graph file (islands, bridges,
#: clusters, and every other function built on :func:`layer_view`).
LAYER_NEEDS: Needs = {"party_orgs": None, "relations": LAYER_RELATION_COLUMNS}

T = TypeVar("T")


@dataclass
class LayerView:
    """One day's co-building layer with what the analyses share, each part built on first use."""

    arrays: CoBuildingLayer
    orgs: pd.DataFrame
    _extra: dict = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        """Number of vertices (organizations that are not dissolved)."""
        return self.arrays.n

    @property
    def day(self) -> dt.date:
        """The analysis date."""
        return self.arrays.as_of.date()

    @cached_property
    def graph(self) -> igraph.Graph:
        """The layer as an undirected igraph Graph (vertex ``i`` is ``arrays.ids[i]``).

        Built from the arrays, without vertex attributes (the analyses index ``orgs``).
        """
        a = self.arrays
        return igraph_from_arrays(a.n, a.source, a.target)

    @cached_property
    def degree(self) -> np.ndarray:
        """Number of distinct partners of every vertex."""
        a = self.arrays
        return (np.bincount(a.source, minlength=self.n)
                + np.bincount(a.target, minlength=self.n)).astype(np.int64)

    @cached_property
    def component(self) -> np.ndarray:
        """Connected component of every vertex (igraph's numbering)."""
        if self.n == 0:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self.graph.connected_components().membership, dtype=np.int64)

    @cached_property
    def component_size(self) -> np.ndarray:
        """Size of the component of every vertex."""
        return np.bincount(self.component)[self.component] if self.n else self.component

    @cached_property
    def is_axis(self) -> np.ndarray:
        """True for street and community organizations (the axis, 轴心)."""
        return self.orgs["kind"].isin(schema.AXIS_KINDS).to_numpy(dtype=bool)

    @cached_property
    def attached(self) -> np.ndarray:
        """True for vertices whose component holds an axis organization."""
        if self.n == 0:
            return np.zeros(0, dtype=bool)
        has_axis = np.bincount(self.component, weights=self.is_axis) > 0
        return has_axis[self.component]

    def cached(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept on this view under ``key``, made with ``make()`` on first use.

        For what several analyses of one day share (codes, partners' districts, cut-off
        counts). Keys are tuples that start with a name of the owner.

        Examples
        --------
        >>> from gongjian.graph.model import KnowledgeGraph
        >>> view = layer_view(KnowledgeGraph(), "2025-01-01")
        >>> view.cached(("doc",), lambda: 42), view.cached(("doc",), lambda: 0)
        (42, 42)
        """
        if key not in self._extra:
            self._extra[key] = make()
        return self._extra[key]

    def remember(self, key: tuple, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """An analysis result computed once for this view (under ``key``), a copy each time.

        The report, the pages and the workbook of one run ask for the same analyses of the
        same day; each is computed once.

        Examples
        --------
        >>> from gongjian.graph.model import KnowledgeGraph
        >>> view = layer_view(KnowledgeGraph(), "2025-01-01")
        >>> calls = []
        >>> for _ in range(2):
        ...     df = view.remember(("demo",), lambda: calls.append(1) or pd.DataFrame({"n": [1]}))
        >>> len(calls), df["n"].tolist()
        (1, [1])
        """
        return self.cached(("result", *key), compute).copy()

    def codes(self, column: str) -> tuple[np.ndarray, pd.Index]:
        """Integer codes of an organization column (``-1`` where missing) and the values."""
        return self.cached(("codes", column), lambda: codes(self.orgs[column]))


def codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Factorize ``values`` into sorted integer codes, ``-1`` for missing.

    Examples
    --------
    >>> c, u = codes(pd.Series(["乙", None, "甲", "乙"]))
    >>> c.tolist(), u.tolist()
    ([0, -1, 1, 0], ['乙', '甲'])
    """
    c, uniques = pd.factorize(values, sort=True)
    return np.asarray(c, dtype=np.int64), pd.Index(uniques)


def distinct_per_vertex(view: LayerView, column: str, *, include_self: bool = True
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``column`` among every vertex's partners (and itself).

    Returns ``(vertex, code)`` pairs sorted by vertex then code, without missing values;
    decode with ``view.codes(column)[1]``. Vectorized: one ``np.unique`` over all edges.

    Examples
    --------
    >>> import pandas as pd
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> kg = KnowledgeGraph.from_frames(
    ...     party_orgs=pd.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"],
    ...                              "kind": ["community", "unit"],
    ...                              "district": ["玄武区", "秦淮区"]}),
    ...     relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "type": ["pairing"]}))
    >>> v, c = distinct_per_vertex(layer_view(kg, "2025-01-01"), "district")
    >>> v.tolist(), c.tolist()
    ([0, 0, 1, 1], [0, 1, 0, 1])
    """
    return view.cached(("distinct", column, include_self),
                       lambda: _distinct_per_vertex(view, column, include_self))


def _distinct_per_vertex(view: LayerView, column: str, include_self: bool
                         ) -> tuple[np.ndarray, np.ndarray]:
    value, uniques = view.codes(column)
    a = view.arrays
    parts_v = [a.source, a.target]
    parts_c = [value[a.target], value[a.source]]
    if include_self:
        parts_v.append(np.arange(view.n, dtype=np.int64))
        parts_c.append(value)
    vertex = np.concatenate(parts_v).astype(np.int64)
    code = np.concatenate(parts_c)
    keep = code >= 0
    width = max(len(uniques), 1)
    pairs = np.unique(vertex[keep] * width + code[keep])
    return pairs // width, pairs % width


def layer_view(kg: KnowledgeGraph, as_of: dt.date | str | None = None) -> LayerView:
    """The shared view of ``kg``'s co-building layer on ``as_of`` (cached on the graph).

    The view is kept with :meth:`KnowledgeGraph.cached`: a graph is immutable, so a graph
    with other tables (:meth:`KnowledgeGraph.with_tables`) gets a view of its own.

    Examples
    --------
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> layer_view(KnowledgeGraph(), "2025-01-01").n
    0
    """
    day = as_date(as_of)

    def make() -> LayerView:
        arrays = kg.co_building_arrays(day)
        return LayerView(arrays, kg.party_orgs.loc[arrays.rows].reset_index(drop=True))

    return kg.cached(("queries.layer", day), make)
