"""The knowledge graph: typed node and edge tables, with networkx and igraph views on demand.

Tables are the store (what the graph file holds), networkx is the interface (built on first
use), igraph is the engine for the heavy algorithms (built straight from the tables).

Node tables (one per label of :data:`gongjian.schema.NODE_LABELS`):

- ``party_orgs`` (PartyOrg): the ledger's 党组织 columns, plus ``region`` (key of the most
  specific region the organization lies in).
- ``organizations`` (Organization): the ledger's 两新组织 columns, plus ``region``;
  ``coverage`` is always filled (``none`` where the ledger left it empty).
- ``sites`` (Site): ``name``, ``kind``, ``district`` and ``street`` (lists).
- ``regions`` (Region): ``key`` (the path, e.g. ``玄武区/新街口街道``), ``code`` (official
  code or missing), ``name``, ``level``, ``parent`` (key), ``district``.

Edge tables:

- ``relations``: the horizontal co-building ties (``source_id``, ``target_id``, ``type``,
  ``start``, ``end``, ``reporting_members``, ``projects``, ``note``); the ends are 组织编码.
- ``links``: the vertical ties (``source_label``, ``source``, ``target_label``,
  ``target``, ``type`` from :data:`gongjian.schema.LINK_TYPES`, ``mode`` for coverage).

The three lists and the activity record (empty when the ledger has none):

- ``needs`` (Need), ``resources`` (Resource), ``projects`` (Project): the ledger's columns,
  organization ends resolved to 组织编码 (``org_id``, ``lead_id``, ``participants``);
  ``needs.status`` filled (``open`` where empty), ``resources.scope`` filled (``street``).
- ``activities``: the activity record (``date``, ``name``, ``kind``, ``participants`` as ids,
  ``project_id``, ``attendees``).
- ``list_links``: laid out like ``links``, types of :data:`gongjian.schema.LIST_LINK_TYPES`:
  ``raised_by`` Need→PartyOrg, ``offered_by`` Resource→PartyOrg, ``led_by`` and
  ``joined_by`` Project→PartyOrg, ``answers`` Project→Need, ``uses`` Project→Resource.

Node keys are the ledger's own identifiers: 组织编码 for Party organizations, 统一社会信用代码
for organizations, the name for sites, the path for regions. In the whole-graph networkx
view they are prefixed with the label (``PartyOrg:XW-001``) so that they never collide.

Examples
--------
>>> import pandas as pd
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["a", "b", "c"], "name": ["甲", "乙", "丙"],
...                              "kind": ["community", "unit", "unit"],
...                              "district": ["玄武区"] * 3}),
...     relations=pd.DataFrame({"source_id": ["a", "b"], "target_id": ["b", "a"],
...                             "type": ["pairing", "agreement"]}))
>>> layer = kg.co_building_layer()
>>> sorted(layer.nodes), layer.number_of_edges(), layer.edges["a", "b"]["types"]
(['a', 'b', 'c'], 1, ['agreement', 'pairing'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from gongjian.loaders.ledger import empty_table
from gongjian.loaders.references import index_in

if TYPE_CHECKING:
    import igraph
    import networkx as nx

__all__ = [
    "EDGE_TABLES",
    "LAYER_RELATION_COLUMNS",
    "LIST_NODE_TABLES",
    "LIST_TABLES",
    "NODE_TABLES",
    "CoBuildingLayer",
    "KnowledgeGraph",
    "as_date",
    "conform",
    "igraph_from_arrays",
]

#: The columns of ``relations`` the co-building layer reads (an analysis of the layer
#: needs no other).
LAYER_RELATION_COLUMNS: tuple[str, ...] = ("source_id", "target_id", "type", "start", "end")
#: Node label → (table attribute, key column).
NODE_TABLES: dict[str, tuple[str, str]] = {
    "PartyOrg": ("party_orgs", "id"),
    "Organization": ("organizations", "uscc"),
    "Site": ("sites", "name"),
    "Region": ("regions", "key"),
}
EDGE_TABLES: tuple[str, ...] = ("relations", "links")
#: The three lists: node label → (table attribute, key column). Kept apart from
#: :data:`NODE_TABLES` (the co-building graph); ``list_links`` ties them to Party
#: organizations and to each other (types of :data:`gongjian.schema.LIST_LINK_TYPES`).
LIST_NODE_TABLES: dict[str, tuple[str, str]] = {
    "Need": ("needs", "id"),
    "Resource": ("resources", "id"),
    "Project": ("projects", "id"),
}
#: The tables of the three lists and the activity record, in graph-file order.
LIST_TABLES: tuple[str, ...] = ("needs", "resources", "projects", "activities", "list_links")

T = TypeVar("T")

_REGION_COLUMNS = {"key": "str", "code": "str", "name": "str", "level": "str",
                   "parent": "str", "district": "str"}
_LINK_COLUMNS = {"source_label": "str", "source": "str", "target_label": "str",
                 "target": "str", "type": "str", "mode": "str"}


def as_date(value: dt.date | str | pd.Timestamp | None) -> pd.Timestamp:
    """The analysis date as a midnight timestamp; today when ``None``.

    Examples
    --------
    >>> as_date("2024-05-01")
    Timestamp('2024-05-01 00:00:00')
    """
    if value is None:
        return pd.Timestamp(dt.date.today())
    return pd.Timestamp(value).normalize()


def _frame(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def conform(df: pd.DataFrame | None, template: pd.DataFrame) -> pd.DataFrame:
    """Add the template's missing columns (typed, empty) to ``df``; keep extra columns."""
    if df is None:
        return template.copy()
    df = df.reset_index(drop=True)
    for col in template.columns:
        if col not in df.columns:
            df[col] = pd.Series(pd.NA, index=df.index, dtype=template[col].dtype)
    return df


#: Edges handed to igraph at a time by :func:`igraph_from_arrays`.
IGRAPH_CHUNK = 1 << 16


def igraph_from_arrays(n: int, source: np.ndarray, target: np.ndarray) -> igraph.Graph:
    """An undirected igraph Graph on ``n`` vertices with the edges ``source[i]–target[i]``.

    The edges go to igraph's C layer from the arrays, ``IGRAPH_CHUNK`` at a time, so that
    at no moment are more than one chunk of them Python objects (a list of tuples of 20 M
    edges is 3 GB). A NumPy array handed to ``igraph.Graph`` is no better: the abi3 wheels
    of python-igraph unfold it into a list of lists. Edge ``i`` of the graph is edge ``i`` of
    the arrays.

    Examples
    --------
    >>> g = igraph_from_arrays(4, np.array([0, 1]), np.array([1, 2]))
    >>> g.vcount(), g.get_edgelist(), g.is_directed()
    (4, [(0, 1), (1, 2)], False)
    """
    import igraph

    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    if len(source) != len(target):
        raise ValueError(f"{len(source)} sources but {len(target)} targets")

    def pairs() -> Iterator[tuple[int, int]]:
        for start in range(0, len(source), IGRAPH_CHUNK):
            stop = start + IGRAPH_CHUNK
            yield from zip(source[start:stop].tolist(), target[start:stop].tolist(),
                           strict=True)

    return igraph.Graph(n=int(n), edges=pairs(), directed=False)


@dataclass(frozen=True)
class CoBuildingLayer:
    """The active co-building layer as arrays, the form every fast algorithm starts from.

    ``ids`` are the 组织编码 of the Party organizations in the layer (not dissolved), in
    the order of ``kg.party_orgs``; ``source`` and ``target`` index into ``ids`` (one
    undirected edge per tied pair, ``source < target``); ``types`` holds, per edge, the
    sorted relation types joined with ``|`` and ``count`` the number of ties collapsed.
    """

    ids: np.ndarray
    rows: np.ndarray
    source: np.ndarray
    target: np.ndarray
    types: np.ndarray
    count: np.ndarray
    as_of: pd.Timestamp

    @property
    def n(self) -> int:
        """Number of organizations in the layer."""
        return len(self.ids)

    def to_igraph(self) -> igraph.Graph:
        """An undirected igraph Graph with vertex attribute ``id`` (组织编码).

        Built from the arrays with :func:`igraph_from_arrays`; vertex ``i`` is ``ids[i]``,
        edge ``j`` is ``source[j]–target[j]``.
        """
        g = igraph_from_arrays(self.n, self.source, self.target)
        g.vs["id"] = self.ids.tolist()
        return g


@dataclass(frozen=True, eq=False)
class KnowledgeGraph:
    """The knowledge graph of regional joint building, held as typed tables.

    Build one with :func:`gongjian.build` (from a ledger) or :func:`gongjian.load` (from a
    ledger folder or a graph file). See the module docstring for the tables.

    A graph is immutable: its tables cannot be replaced (``kg.relations = …`` raises
    :class:`dataclasses.FrozenInstanceError`). A graph with other tables is a new graph,
    made with :meth:`with_tables` (or :func:`dataclasses.replace`), with an empty cache of
    its own, so no analysis can answer from the tables of another graph. The frames
    themselves are not copied; change them in place only before the first analysis.

    Examples
    --------
    >>> kg = KnowledgeGraph.from_frames(
    ...     party_orgs=pd.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"],
    ...                              "kind": ["community", "unit"]}))
    >>> kg.co_building_arrays("2025-01-01").source.tolist()
    []
    >>> tied = kg.with_tables(relations=pd.DataFrame(
    ...     {"source_id": ["a"], "target_id": ["b"], "type": ["pairing"]}))
    >>> tied.co_building_arrays("2025-01-01").source.tolist(), len(kg.relations)
    ([0], 0)
    """

    party_orgs: pd.DataFrame = field(default_factory=lambda: empty_table("party_orgs"))
    organizations: pd.DataFrame = field(default_factory=lambda: empty_table("organizations"))
    sites: pd.DataFrame = field(default_factory=lambda: empty_table("sites"))
    regions: pd.DataFrame = field(default_factory=lambda: _frame(_REGION_COLUMNS))
    relations: pd.DataFrame = field(default_factory=lambda: empty_table("relations"))
    links: pd.DataFrame = field(default_factory=lambda: _frame(_LINK_COLUMNS))
    needs: pd.DataFrame = field(default_factory=lambda: empty_table("needs"))
    resources: pd.DataFrame = field(default_factory=lambda: empty_table("resources"))
    projects: pd.DataFrame = field(default_factory=lambda: empty_table("projects"))
    activities: pd.DataFrame = field(default_factory=lambda: empty_table("activities"))
    list_links: pd.DataFrame = field(default_factory=lambda: _frame(_LINK_COLUMNS))
    meta: dict[str, Any] = field(default_factory=dict)
    # Derived views (the co-building layer per day, what the analyses share), computed on
    # first use. Not an argument: every new graph, from __init__ or replace, starts empty.
    _cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False,
                                   compare=False)

    @classmethod
    def from_frames(cls, **frames: pd.DataFrame) -> KnowledgeGraph:
        """Make a graph from tables, adding every missing column empty.

        Handy in tests and notebooks; :func:`gongjian.build` is the way from a ledger.
        """
        templates = cls()
        kwargs = {}
        for name in (*(t for t, _ in NODE_TABLES.values()), *EDGE_TABLES, *LIST_TABLES):
            kwargs[name] = conform(frames.pop(name, None), getattr(templates, name))
        kg = cls(**kwargs, meta=frames.pop("meta", {}))
        if frames:
            raise TypeError(f"unknown tables: {sorted(frames)}")
        return kg

    def with_tables(self, **tables: pd.DataFrame) -> KnowledgeGraph:
        """A new graph with some tables (or ``meta``) replaced; this one is unchanged.

        Missing columns of the new tables are added empty, as in :meth:`from_frames`.

        Examples
        --------
        >>> kg = KnowledgeGraph()
        >>> kg.with_tables(party_orgs=pd.DataFrame({"id": ["a"]})).counts()["party_orgs"]
        1
        """
        names = {name for name, _ in self.tables()}
        unknown = sorted(set(tables) - names - {"meta"})
        if unknown:
            raise TypeError(f"unknown tables: {unknown}")
        template = type(self)()
        changes: dict[str, Any] = {
            name: conform(df, getattr(template, name)) for name, df in tables.items()
            if name != "meta"}
        if "meta" in tables:
            changes["meta"] = tables["meta"]
        return replace(self, **changes)

    def cached(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value cached on this graph under ``key``, made with ``make()`` on first use.

        For views derived from the tables (the co-building layer of a day, what the analyses
        share). The graph is immutable, so a cached value never outlives its tables. Keys
        are tuples that start with the owner's module name, e.g.
        ``("queries.layer", day)``.

        Examples
        --------
        >>> kg = KnowledgeGraph()
        >>> kg.cached(("doc", 1), lambda: [1, 2]) is kg.cached(("doc", 1), list)
        True
        """
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # --- tables ----------------------------------------------------------------------

    def tables(self) -> Iterator[tuple[str, pd.DataFrame]]:
        """Yield ``(name, frame)`` for every node and edge table."""
        for name, _ in NODE_TABLES.values():
            yield name, getattr(self, name)
        for name in EDGE_TABLES:
            yield name, getattr(self, name)
        for name in LIST_TABLES:
            yield name, getattr(self, name)

    def active_orgs(self) -> pd.DataFrame:
        """Party organizations that are not dissolved (the nodes of the co-building layer)."""
        return self.party_orgs[self.party_orgs["status"].fillna("active") != "dissolved"]

    def active_relations(self, as_of: dt.date | str | None = None) -> pd.DataFrame:
        """Horizontal ties active on ``as_of`` (default today) between active organizations.

        A tie is active when it has started (no start, or start on or before ``as_of``) and
        not ended (no end, or end on or after ``as_of``), is not a tie of an organization with
        itself, and both ends are Party organizations of the layer.
        """
        live, _, _ = self._active_ends(as_date(as_of), self.active_orgs()["id"])
        return self.relations[live]

    def layer_ties(self, layer: CoBuildingLayer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows of ``relations`` that make the edges of ``layer`` (a mask) and their
        ends as positions into ``layer.ids``, without copying the tables.

        Examples
        --------
        >>> kg = KnowledgeGraph.from_frames(
        ...     party_orgs=pd.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"]}),
        ...     relations=pd.DataFrame({"source_id": ["b", "a"], "target_id": ["a", "x"],
        ...                             "type": ["pairing", "pairing"]}))
        >>> live, s, t = kg.layer_ties(kg.co_building_arrays("2024-01-01"))
        >>> live.tolist(), s[live].tolist(), t[live].tolist()
        ([True, False], [1], [0])
        """
        return self._active_ends(layer.as_of, layer.ids)

    def _active_ends(self, day: pd.Timestamp, ids: Any
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mask of the ties active on ``day`` among ``ids``, and their ends as positions."""
        rel = self.relations
        start = pd.to_datetime(rel["start"])
        end = pd.to_datetime(rel["end"])
        live = ((start.isna() | (start <= day)) & (end.isna() | (end >= day))).to_numpy(bool)
        s, t = index_in(rel["source_id"], ids), index_in(rel["target_id"], ids)
        live = live & (s >= 0) & (t >= 0) & (s != t)
        return live, s, t

    # --- the co-building layer --------------------------------------------------------

    def co_building_arrays(self, as_of: dt.date | str | None = None) -> CoBuildingLayer:
        """The active co-building layer as index arrays (cached per day).

        Examples
        --------
        >>> kg = KnowledgeGraph.from_frames(
        ...     party_orgs=pd.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"],
        ...                              "kind": ["community", "unit"],
        ...                              "district": ["玄武区"] * 2}),
        ...     relations=pd.DataFrame({"source_id": ["b"], "target_id": ["a"],
        ...                             "type": ["pairing"]}))
        >>> layer = kg.co_building_arrays("2024-01-01")
        >>> layer.ids.tolist(), layer.source.tolist(), layer.target.tolist()
        (['a', 'b'], [0], [1])
        """
        day = as_date(as_of)
        return self.cached(("graph.model.layer", day), lambda: self._layer_arrays(day))

    def _layer_arrays(self, day: pd.Timestamp) -> CoBuildingLayer:
        orgs = self.active_orgs()
        ids = orgs["id"].astype(str).to_numpy(dtype=object)
        live, s, t = self._active_ends(day, ids)
        s, t = s[live], t[live]
        lo, hi = np.minimum(s, t), np.maximum(s, t)
        types = self.relations["type"].astype(str)[live]
        src, dst, types, count = _collapse_ties(lo, hi, types, len(ids))
        return CoBuildingLayer(ids, orgs.index.to_numpy(), src, dst, types, count, day)

    def co_building_layer(self, as_of: dt.date | str | None = None) -> nx.Graph:
        """The co-building layer as an undirected networkx graph.

        Nodes are all Party organizations that are not dissolved (isolated ones included),
        keyed by 组织编码, with their table columns as attributes. Edges are their active
        horizontal ties on ``as_of`` (default today), parallel ties collapsed into one edge
        with ``types`` (sorted list) and ``count``.
        """
        import networkx as nx

        layer = self.co_building_arrays(as_of)
        g = nx.Graph(as_of=layer.as_of.date().isoformat())
        orgs = self.party_orgs.loc[layer.rows]
        g.add_nodes_from(zip(layer.ids, _records(orgs), strict=True))
        ids = layer.ids
        g.add_edges_from(
            (ids[s], ids[t], {"types": ty.split("|"), "count": int(c)})
            for s, t, ty, c in zip(layer.source, layer.target, layer.types, layer.count,
                                   strict=True)
        )
        return g

    def co_building_igraph(self, as_of: dt.date | str | None = None) -> igraph.Graph:
        """The co-building layer as an igraph Graph (vertex attribute ``id``), for speed."""
        return self.co_building_arrays(as_of).to_igraph()

    # --- the whole graph --------------------------------------------------------------

    def node_table(self) -> pd.DataFrame:
        """Every node of every label in one frame: ``node``, ``label``, ``key``, ``kind``,
        ``name``, ``district``.

        ``node`` is the label-prefixed key used by :meth:`to_networkx`.
        """
        frames = []
        for label_, (table, key) in NODE_TABLES.items():
            df = getattr(self, table)
            kind_col = {"Organization": "type", "Region": "level"}.get(label_, "kind")
            district = df["district"] if label_ != "Site" else df["district"].map(_first)
            frames.append(pd.DataFrame({
                "node": label_ + ":" + df[key].astype(str),
                "label": label_,
                "key": df[key].astype(str),
                "kind": df[kind_col].astype("str"),
                "name": df["name"].astype("str"),
                "district": district.astype("str"),
            }))
        return pd.concat(frames, ignore_index=True)

    def to_networkx(self) -> nx.MultiDiGraph:
        """The whole graph as a networkx MultiDiGraph.

        Nodes are ``"Label:key"`` with attributes ``label``, ``key`` and the table's columns;
        horizontal ties keep their ledger direction (甲方 → 乙方) with ``layer="co_building"``;
        vertical ties have ``layer="vertical"``. Every edge has a ``type``.
        """
        import networkx as nx

        g = nx.MultiDiGraph()
        for label_, (table, key) in NODE_TABLES.items():
            df = getattr(self, table)
            for rec in _records(df):
                attrs = {**rec, "label": label_, "key": str(rec[key])}  # regions have a "key"
                g.add_node(f"{label_}:{rec[key]}", **attrs)
        for rec in _records(self.relations):
            g.add_edge(f"PartyOrg:{rec['source_id']}", f"PartyOrg:{rec['target_id']}",
                       layer="co_building", **rec)
        for rec in _records(self.links):
            g.add_edge(f"{rec['source_label']}:{rec['source']}",
                       f"{rec['target_label']}:{rec['target']}", layer="vertical", **rec)
        return g

    def counts(self) -> dict[str, int]:
        """Rows in every table (the tables of the three lists only when not empty).

        Examples
        --------
        >>> KnowledgeGraph().counts()["party_orgs"]
        0
        """
        # the tables of the three lists count only when the ledger has them
        return {name: len(df) for name, df in self.tables()
                if len(df) or name not in LIST_TABLES}


def _first(value: Any) -> Any:
    if isinstance(value, (list, tuple, np.ndarray)):
        return value[0] if len(value) else None
    return value


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with missing values dropped (networkx attributes stay clean)."""
    out = []
    cols = list(df.columns)
    for row in df.itertuples(index=False, name=None):
        rec = {}
        for c, v in zip(cols, row, strict=True):
            if isinstance(v, (list, tuple, np.ndarray)):
                rec[c] = list(v)
            elif v is not None and not (isinstance(v, float) and np.isnan(v)) and v is not pd.NA \
                    and v is not pd.NaT:
                rec[c] = v.item() if isinstance(v, np.generic) else v
        out.append(rec)
    return out




def _collapse_ties(lo: np.ndarray, hi: np.ndarray, types: pd.Series,
                   n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Collapse parallel ties ``lo``–``hi`` into one per pair, vectorized.

    Returns the pairs sorted, each with its types (sorted, joined by ``|``) and count.

    Examples
    --------
    >>> s, t, ty, c = _collapse_ties(np.array([0, 1, 0]), np.array([1, 2, 1]),
    ...                              pd.Series(["pairing", "agreement", "agreement"]), 3)
    >>> s.tolist(), t.tolist(), ty.tolist(), c.tolist()
    ([0, 1], [1, 2], ['agreement|pairing', 'agreement'], [2, 1])
    """
    if not len(lo):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=object), empty
    kinds = pd.Categorical(types)  # categories sorted, so the joined types are sorted too
    if len(kinds.categories) > 62:
        raise ValueError("too many relation types to collapse")
    names = np.asarray(kinds.categories, dtype=object)
    key = lo.astype(np.int64) * n + hi.astype(np.int64)
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    # Each type is a bit (relation types are the few of schema.RELATION_TYPES); a pair's
    # types are the OR of its ties' bits, and each distinct mask is spelled out once.
    bits = np.left_shift(np.int64(1), np.asarray(kinds.codes, dtype=np.int64)[order])
    masks, spelled = np.unique(np.bitwise_or.reduceat(bits, first), return_inverse=True)
    words = np.asarray(["|".join(names[i] for i in range(len(names)) if m >> i & 1)
                        for m in masks], dtype=object)
    joined = words[spelled]
    count = np.diff(np.r_[first, len(key)])
    return (lo[order][first].astype(np.int64), hi[order][first].astype(np.int64),
            joined, count.astype(np.int64))
