"""What a set of pages shares: the co-building layer, the analyses' marks, the ties' details.

Computed once per graph and day (:func:`prepare`), then cut into pages by
:func:`select`; the split pages of a whole city reuse one :class:`Context`.

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["a", "b", "c"], "name": ["甲", "乙", "丙"],
...                              "kind": ["community", "unit", "unit"],
...                              "district": ["玄武区", "玄武区", "秦淮区"]}),
...     relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "type": ["pairing"]}))
>>> ctx = prepare(kg, as_of="2024-01-01", highlight=())
>>> select(ctx, district="玄武区").tolist(), select(ctx, around="c", depth=1).tolist()
([0, 1], [2])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from gongjian import queries
from gongjian.errors import GongjianError
from gongjian.graph.model import CoBuildingLayer, KnowledgeGraph
from gongjian.i18n import pick
from gongjian.viz.lists import OrgLists, dormant_edges

__all__ = [
    "BRIDGE",
    "CROSS_CLUSTER",
    "HIGHLIGHTS",
    "ISLAND",
    "KEY_BRIDGE",
    "Context",
    "VizError",
    "iso_days",
    "key_bridge_limit",
    "prepare",
    "rank_bridges",
    "select",
    "tie_rows",
]

#: The analyses a page can mark.
HIGHLIGHTS: tuple[str, ...] = ("islands", "bridges", "clusters")
#: Node flag bits: an island, any bridging unit of :func:`gongjian.queries.bridges`, a member
#: of a cross-district cluster, one of the bridging units that matter most on its page.
ISLAND, BRIDGE, CROSS_CLUSTER, KEY_BRIDGE = 1, 2, 4, 8


def key_bridge_limit(n: int) -> int:
    """How many bridging units a page of ``n`` organizations marks: 5 %, at least 20.

    Examples
    --------
    >>> key_bridge_limit(834), key_bridge_limit(3000)
    (41, 150)
    >>> key_bridge_limit(100)
    20
    """
    return max(20, n // 20)


def rank_bridges(df: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`gongjian.queries.bridges` by importance, most important first.

    Importance is what a unit holds together: the organizations cut off without it
    (``cut_off``), then the districts its ties join, then the vertical systems it joins,
    then ``betweenness``; ties broken by id.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["a", "b", "c"], "cut_off": [0, 3, 3],
    ...                    "districts": [["玄武区", "秦淮区"], ["玄武区"], ["玄武区", "秦淮区"]],
    ...                    "systems": [[], [], []], "betweenness": [0.5, 0.1, 0.2]})
    >>> rank_bridges(df)["id"].tolist()
    ['c', 'b', 'a']
    """
    if not len(df):
        return df
    key = pd.DataFrame({
        "cut": pd.to_numeric(df["cut_off"], errors="coerce").fillna(0).to_numpy(),
        "nd": [len(v) if isinstance(v, (list, tuple, np.ndarray)) else 0
               for v in df["districts"]],
        "ns": [len(v) if isinstance(v, (list, tuple, np.ndarray)) else 0
               for v in df["systems"]],
        "bt": pd.to_numeric(df["betweenness"], errors="coerce").fillna(0).to_numpy(),
        "id": df["id"].astype(str).to_numpy()}, index=df.index)
    order = key.sort_values(["cut", "nd", "ns", "bt", "id"],
                            ascending=[False, False, False, False, True], kind="stable").index
    return df.loc[order]


class VizError(GongjianError):
    """A page cannot be drawn as asked (unknown district, organization, cluster …)."""


@dataclass
class Context:
    """The co-building layer of one day with everything the pages draw from it."""

    kg: KnowledgeGraph
    layer: CoBuildingLayer
    orgs: pd.DataFrame
    lang: str
    highlight: tuple[str, ...]
    flags: np.ndarray
    cluster: np.ndarray
    notes: dict[int, list[str]]
    cross: np.ndarray
    #: Importance rank of each bridging unit (0 = most important), -1 for the others.
    bridge_rank: np.ndarray | None = None
    clusters: pd.DataFrame | None = None
    cluster_ids: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Organizations in the layer."""
        return self.layer.n

    # Made on first use: a page of streets (the report's network, a province) needs none
    # of them, and a page of organizations only its own share.

    @cached_property
    def ties(self) -> pd.DataFrame:
        """Active ties with the layer edge each belongs to (:func:`tie_rows`)."""
        return tie_rows(self.kg, self.layer)

    @cached_property
    def dormant(self) -> np.ndarray | None:
        """Per layer edge, True when dormant (None without an activity record)."""
        return dormant_edges(self.kg, self.layer)

    @cached_property
    def lists(self) -> OrgLists:
        """The organizations' lists and matches, cut per page (:class:`viz.lists.OrgLists`)."""
        return OrgLists(self.kg, self.layer, self.lang)


def prepare(kg: KnowledgeGraph, *, as_of: dt.date | str | None = None, lang: str = "zh",
            highlight: Sequence[str] = HIGHLIGHTS, need_clusters: bool = False,
            seed: int = 0) -> Context:
    """Compute the layer, the analyses' marks and the ties' details once for many pages.

    The context is cached on the graph: the report and every page of one day share it.
    """
    unknown = set(highlight) - set(HIGHLIGHTS)
    if unknown:
        raise VizError(pick(lang, f"未知的标注 {sorted(unknown)}，可选 {', '.join(HIGHLIGHTS)}",
                            f"unknown highlight {sorted(unknown)}; choose from "
                            f"{', '.join(HIGHLIGHTS)}"))
    layer = kg.co_building_arrays(as_of)
    key = ("viz.context", layer.as_of, lang, tuple(highlight), need_clusters, seed)
    return kg.cached(key, lambda: _prepare(kg, layer, lang, tuple(highlight), need_clusters,
                                           seed))


def _prepare(kg: KnowledgeGraph, layer: CoBuildingLayer, lang: str, highlight: tuple[str, ...],
             need_clusters: bool, seed: int) -> Context:
    orgs = kg.party_orgs.loc[layer.rows].reset_index(drop=True)
    n = layer.n
    index = pd.Index(layer.ids)
    flags = np.zeros(n, dtype=np.int64)
    cluster = np.full(n, -1, dtype=np.int64)
    notes: dict[int, list[str]] = {}
    day = layer.as_of.date()

    def note(ids: Iterable, texts: Iterable) -> np.ndarray:
        pos = index.get_indexer(pd.Index([str(i) for i in ids]))
        for p, text in zip(pos, texts, strict=True):
            if p >= 0 and isinstance(text, str) and text:
                notes.setdefault(int(p), []).append(text)
        return pos[pos >= 0]

    if n and "islands" in highlight:
        df = queries.islands(kg, as_of=day, seed=seed)
        flags[note(df["id"], df["explanation"])] |= ISLAND
    bridge_rank = np.full(n, -1, dtype=np.int64)
    if n and "bridges" in highlight:
        df = rank_bridges(queries.bridges(kg, as_of=day, seed=seed))
        flags[note(df["id"], df["reason"])] |= BRIDGE
        pos = index.get_indexer(pd.Index(df["id"].astype(str)))
        bridge_rank[pos[pos >= 0]] = np.flatnonzero(pos >= 0)
    clusters = None
    if n and ("clusters" in highlight or need_clusters):
        clusters = queries.clusters(kg, as_of=day, seed=seed)
        for k, (cid, members, districts) in enumerate(zip(
                clusters["cluster"], clusters["members"], clusters["districts"], strict=True)):
            pos = index.get_indexer(pd.Index([str(m) for m in members]))
            pos = pos[pos >= 0]
            cluster[pos] = k
            if "clusters" in highlight and len(districts) >= 2:
                flags[pos] |= CROSS_CLUSTER
                text = pick(lang, f"跨区片区 {cid}（{'、'.join(map(str, districts))}）",
                            f"cross-district cluster {cid} ({', '.join(map(str, districts))})")
                for p in pos:
                    notes.setdefault(int(p), []).append(text)
    district = orgs["district"].astype(str).to_numpy(dtype=object)
    cross = (district[layer.source] != district[layer.target]) if len(layer.source) \
        else np.zeros(0, dtype=bool)
    cluster_ids = [] if clusters is None else [str(c) for c in clusters["cluster"]]
    return Context(kg, layer, orgs, lang, tuple(highlight), flags, cluster, notes,
                   cross, bridge_rank, clusters, cluster_ids)


def tie_rows(kg: KnowledgeGraph, layer: CoBuildingLayer) -> pd.DataFrame:
    """Active ties with the layer edge each belongs to, by edge then type.

    Columns ``edge`` (index into the layer's edges), ``type`` (index into
    :data:`gongjian.schema.RELATION_TYPES`, -1 for another), ``start`` and ``end``
    (``datetime64``): compact, so that a province's ties stay small; a page formats its own
    (:func:`iso_days`).

    Examples
    --------
    >>> kg = KnowledgeGraph.from_frames(
    ...     party_orgs=pd.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"],
    ...                              "kind": ["community", "unit"], "district": ["玄武区"] * 2}),
    ...     relations=pd.DataFrame({"source_id": ["b", "a"], "target_id": ["a", "b"],
    ...                             "type": ["pairing", "agreement"],
    ...                             "start": pd.to_datetime(["2024-03-01", None])}))
    >>> rows = tie_rows(kg, kg.co_building_arrays("2025-06-30"))
    >>> rows["edge"].tolist(), rows["type"].tolist(), iso_days(rows["start"])
    ([0, 0], [0, 1], [None, '2024-03-01'])
    """
    from gongjian import schema

    live, s, t = kg.layer_ties(layer)  # positions: no copy of the tables, no second lookup
    s, t = s[live], t[live]
    n = max(layer.n, 1)
    edge = np.searchsorted(layer.source * n + layer.target, np.minimum(s, t) * n
                           + np.maximum(s, t))
    del s, t
    rel = kg.relations
    kind, names = pd.factorize(rel["type"][live].astype(str), sort=True)  # -1: missing
    order = np.lexsort((np.where(kind < 0, len(names), kind), edge))  # missing type last
    codes = {code: i for i, code in enumerate(schema.RELATION_TYPES)}
    type_index = np.array([codes.get(t, -1) for t in names] + [-1], dtype=np.int8)[kind]
    return pd.DataFrame({"edge": edge[order], "type": type_index[order],
                         "start": pd.to_datetime(rel["start"][live]).to_numpy()[order],
                         "end": pd.to_datetime(rel["end"][live]).to_numpy()[order]})


def iso_days(col: pd.Series) -> list[str | None]:
    """Dates as ``YYYY-MM-DD`` text, None where missing.

    Examples
    --------
    >>> iso_days(pd.Series(pd.to_datetime(["2025-06-30", None])))
    ['2025-06-30', None]
    """
    text = pd.to_datetime(col).dt.strftime("%Y-%m-%d")
    return text.astype(object).where(text.notna(), None).tolist()


def select(ctx: Context, *, district: str | None = None, street: str | None = None,
           cluster: str | None = None, around: str | None = None, depth: int = 1,
           kinds: Sequence[str] | None = None) -> np.ndarray:
    """Indices (into the layer) of the organizations a page shows, sorted.

    Options narrow the whole layer together: a district, a street (within ``district``
    when given), a cluster of :func:`gongjian.queries.clusters`, the ego network of
    ``around`` up to ``depth`` ties, and organization kinds.
    """
    lang = ctx.lang
    keep = np.ones(ctx.n, dtype=bool)
    orgs = ctx.orgs
    if district is not None:
        keep &= _match(orgs["district"], district, pick(lang, "区", "district"), lang)
    if street is not None:
        keep &= _match(orgs["street"], street, pick(lang, "街道", "street"), lang)
    if cluster is not None:
        if str(cluster) not in ctx.cluster_ids:
            known = "、".join(ctx.cluster_ids[:20])
            raise VizError(pick(lang, f"没有编号为 {cluster} 的跨区片区；已有：{known}",
                                f"no cluster {cluster}; known: {known}"))
        keep &= ctx.cluster == ctx.cluster_ids.index(str(cluster))
    if around is not None:
        keep &= _ego(ctx, around, depth)
    if kinds:
        from gongjian import schema

        codes = []
        for k in kinds:
            code = schema.canonical(schema.PARTY_KIND_ALIASES, k)
            if code is None:
                raise VizError(pick(lang, f"未知的组织类别：{k}", f"unknown kind: {k}"))
            codes.append(code)
        keep &= orgs["kind"].isin(codes).to_numpy(dtype=bool)
    return np.flatnonzero(keep)


def _match(col: pd.Series, value: str, what: str, lang: str) -> np.ndarray:
    hit = (col.astype(str) == value).to_numpy(dtype=bool) & col.notna().to_numpy(dtype=bool)
    if not hit.any():
        known = sorted(set(col.dropna().astype(str)))
        raise VizError(pick(lang, f"图中没有{what}“{value}”；已有：{'、'.join(known[:20])}",
                            f"no {what} {value!r} in the graph; known: {', '.join(known[:20])}"))
    return hit


def _ego(ctx: Context, around: str, depth: int) -> np.ndarray:
    """Organizations within ``depth`` ties of ``around`` (by 组织编码, or an exact name)."""
    ids = pd.Index(ctx.layer.ids)
    pos = ids.get_indexer([str(around)])[0]
    if pos < 0:
        by_name = np.flatnonzero((ctx.orgs["name"].astype(str) == str(around)).to_numpy())
        if len(by_name) != 1:
            from rapidfuzz import process

            names = ctx.orgs["name"].astype(str).tolist()
            close = [m[0] for m in process.extract(str(around), names, limit=3)]
            raise VizError(pick(ctx.lang,
                                f"图中没有编码或名称为“{around}”的党组织；相近：{'、'.join(close)}",
                                f"no Party organization with id or name {around!r}; "
                                f"close: {', '.join(close)}"))
        pos = by_name[0]
    n = ctx.n
    src, dst = ctx.layer.source, ctx.layer.target
    seen = np.zeros(n, dtype=bool)
    seen[pos] = True
    frontier = seen.copy()
    for _ in range(max(int(depth), 0)):
        nxt = np.zeros(n, dtype=bool)
        nxt[dst[frontier[src]]] = True
        nxt[src[frontier[dst]]] = True
        frontier = nxt & ~seen
        if not frontier.any():
            break
        seen |= frontier
    return seen
