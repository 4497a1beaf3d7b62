"""The data a network page embeds: compact columns of nodes, edges and ties.

:func:`page_model` turns a selection of the layer (from :func:`~gongjian.viz.context.select`)
into plain lists the page's script reads; above ``max_nodes`` organizations it aggregates
them into streets (or districts, when streets are still too many).

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> from gongjian.viz.context import prepare, select
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["a", "b", "c"], "name": ["甲", "乙", "丙"],
...                              "kind": ["community", "unit", "unit"],
...                              "district": ["玄武区", "玄武区", "秦淮区"],
...                              "street": ["新街口街道", "新街口街道", "夫子庙街道"]}),
...     relations=pd.DataFrame({"source_id": ["a", "b"], "target_id": ["b", "c"],
...                             "type": ["pairing", "agreement"]}))
>>> ctx = prepare(kg, as_of="2024-01-01", highlight=())
>>> m = page_model(ctx, select(ctx), title="t")
>>> m["mode"], m["n"]["name"], m["e"]["s"], m["e"]["t"]
('orgs', ['甲', '乙', '丙'], [0, 1], [1, 2])
>>> m = page_model(ctx, select(ctx), title="t", max_nodes=2)
>>> m["mode"], m["n"]["name"], m["n"]["size"], m["e"]["w"]
('street', ['玄武区 新街口街道', '秦淮区 夫子庙街道'], [2, 1], [1])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.i18n import pick
from gongjian.viz.context import (
    BRIDGE,
    ISLAND,
    KEY_BRIDGE,
    Context,
    VizError,
    iso_days,
    key_bridge_limit,
)
from gongjian.viz.labels import PAGE_WORDS, words
from gongjian.viz.layout import positions, territory
from gongjian.viz.lists import ranges
from gongjian.viz.privacy import mask_name, mask_phone

__all__ = ["CATEGORY_COLORS", "LABEL_PRIORITY", "NEW_ISLAND", "NEW_ORG", "ColorBy",
           "change_marks", "edges_by_group", "key_marks", "label_priority",
           "page_model", "ui_text"]

ColorBy = Literal["kind", "cluster", "district"]

#: Colours for categories that are not kinds (districts, clusters), in order of use.
CATEGORY_COLORS: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
    "#e6550d", "#31a354", "#756bb1", "#636363",
)


def ui_text(lang: str) -> dict[str, str]:
    """The page's own words (buttons, headings) in ``lang``; ledger columns from TABLES."""
    return words(PAGE_WORDS, lang)


def _clean(values: Sequence[Any]) -> list[Any]:
    return [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v
            for v in values]


def _codes(values: pd.Series) -> tuple[list[str], list[int]]:
    """Category index per value (-1 when missing) and the sorted category names."""
    text = values.astype("str")
    names = sorted(set(text.dropna()))
    index = {name: i for i, name in enumerate(names)}
    return names, [index.get(v, -1) if isinstance(v, str) else -1 for v in text]


def page_model(ctx: Context, nodes: np.ndarray, *, title: str, color_by: ColorBy = "kind",
               include_personal: bool = False, unmasked: bool = False, seed: int = 0,
               max_nodes: int = 3000, changes: pd.DataFrame | None = None,
               edges: np.ndarray | None = None) -> dict[str, Any]:
    """The JSON-ready model of one page showing the organizations ``nodes`` of ``ctx``.

    With ``changes`` (rows of :func:`gongjian.queries.diff`) the page marks what is new
    (:func:`change_marks`); pages that group organizations into streets do not.
    ``edges``, the layer's edges among ``nodes`` (ascending, with ``nodes`` sorted), spares
    a pass over every edge of the layer: :func:`edges_by_group` finds them for many pages.
    """
    lang = ctx.lang
    if color_by not in ("kind", "cluster", "district"):
        raise VizError(pick(lang, f"未知的着色方式 {color_by!r}", f"unknown color_by {color_by!r}"))
    base = {
        "v": 1, "lang": lang, "title": title, "asOf": ctx.layer.as_of.date().isoformat(),
        "ui": ui_text(lang),
        "kinds": [[t.code, t.label(lang), t.color] for t in schema.PARTY_KINDS.values()],
        "types": [[t.code, t.label(lang), t.color, t.dashes]
                  for t in schema.RELATION_TYPES.values()],
        "marks": {"island": schema.PALETTE.island, "bridge": schema.PALETTE.bridge,
                  "cross": schema.PALETTE.cross_district},
    }
    nodes = np.asarray(nodes, dtype=np.int64)
    if len(nodes) > max_nodes:
        return base | _aggregate(ctx, nodes, edges, seed=seed, max_nodes=max_nodes)
    out = base | _organizations(ctx, nodes, edges, color_by=color_by,
                                include_personal=include_personal, unmasked=unmasked, seed=seed)
    if changes is not None:
        out |= change_marks(out["n"]["id"], out["e"]["s"], out["e"]["t"], changes, lang)
    return out


#: Bits of a node's change flag on a page: a new organization, a new island.
NEW_ORG, NEW_ISLAND = 1, 2


def change_marks(ids: Sequence[str], src: Sequence[int], dst: Sequence[int],
                 changes: pd.DataFrame, lang: str = "zh") -> dict[str, Any]:
    """What a page marks as new: ``nw`` per node (:data:`NEW_ORG` | :data:`NEW_ISLAND`),
    ``ew`` per edge (1 for a tie new since the earlier ledger) and the words and colours
    of the legend (``changes``, from :data:`gongjian.schema.CHANGES`).

    Examples
    --------
    >>> rows = pd.DataFrame({"change": ["org_new", "island_new", "tie_new"],
    ...                      "id": ["b", "c", "a|b"], "name": [""] * 3, "district": [""] * 3,
    ...                      "detail": [""] * 3})
    >>> m = change_marks(["a", "b", "c"], [0, 1], [1, 2], rows)
    >>> m["nw"], m["ew"], m["changes"]["org"][0]
    ([0, 1, 2], [1, 0], '新增组织')
    """
    kind = changes["change"].astype(str).to_numpy()
    ident = changes["id"].astype(str).to_numpy()
    new_orgs = set(ident[kind == "org_new"].tolist())
    new_islands = set(ident[kind == "island_new"].tolist())
    new_ties = set(ident[kind == "tie_new"].tolist())
    ids = [str(i) for i in ids]
    nw = [(NEW_ORG if i in new_orgs else 0) | (NEW_ISLAND if i in new_islands else 0)
          for i in ids]
    ew = [int("|".join(sorted((ids[a], ids[b]))) in new_ties)
          for a, b in zip(src, dst, strict=True)]
    terms = schema.CHANGES
    return {"nw": nw, "ew": ew, "changes": {
        "org": [terms["org_new"].label(lang), terms["org_new"].color],
        "island": [terms["island_new"].label(lang), terms["island_new"].color],
        "tie": [terms["tie_new"].label(lang), terms["tie_new"].color]}}


def _induced(ctx: Context, nodes: np.ndarray, edges: np.ndarray | None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edge indices among ``nodes`` and their ends as indices into ``nodes``.

    Given ``edges`` (with ``nodes`` sorted), only their ends are looked up."""
    src, dst = ctx.layer.source, ctx.layer.target
    if edges is not None:
        edges = np.asarray(edges, dtype=np.int64)
        return (edges, np.searchsorted(nodes, src[edges]), np.searchsorted(nodes, dst[edges]))
    local = np.full(ctx.n, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    edges = np.flatnonzero((local[src] >= 0) & (local[dst] >= 0))
    return edges, local[src[edges]], local[dst[edges]]


def edges_by_group(ctx: Context, nodes: np.ndarray, group: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The layer's edges inside each group of ``nodes`` (``group[i]`` the group of
    ``nodes[i]``, from 0), in one pass over the edges: ``(edges, bounds)`` with the edges of
    group ``g`` at ``edges[bounds[g]:bounds[g + 1]]``, ascending.

    Examples
    --------
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> from gongjian.viz.context import prepare
    >>> kg = KnowledgeGraph.from_frames(
    ...     party_orgs=pd.DataFrame({"id": list("abcd"), "name": list("甲乙丙丁"),
    ...                              "kind": ["unit"] * 4, "district": ["玄武区"] * 4}),
    ...     relations=pd.DataFrame({"source_id": ["a", "b", "c"], "target_id": ["b", "c", "d"],
    ...                             "type": ["pairing"] * 3}))
    >>> ctx = prepare(kg, as_of="2025-06-30", highlight=())
    >>> edges, bounds = edges_by_group(ctx, np.arange(4), np.array([0, 0, 1, 1]))
    >>> [edges[bounds[g]:bounds[g + 1]].tolist() for g in range(2)]
    [[0], [2]]
    """
    of = np.full(ctx.n, -1, dtype=np.int32)  # pages are few: 4 bytes a tie end
    of[np.asarray(nodes, dtype=np.int64)] = group
    gs, gt = of[ctx.layer.source], of[ctx.layer.target]
    inside = np.flatnonzero((gs == gt) & (gs >= 0))
    keys = gs[inside]
    order = np.argsort(keys, kind="stable")
    count = int(group.max()) + 1 if len(group) else 0
    return inside[order], np.searchsorted(keys[order], np.arange(count + 1))


def _type_masks(types: np.ndarray) -> list[int]:
    """A bit per relation type of each edge (``pairing|joint`` → 0b11), once per distinct text."""
    bit = {code: 1 << i for i, code in enumerate(schema.RELATION_TYPES)}
    codes, distinct = pd.factorize(np.asarray(types, dtype=object))
    masks = np.array([sum(bit.get(t, 0) for t in str(ty).split("|")) for ty in distinct],
                     dtype=np.int64)
    return masks[codes].tolist() if len(distinct) else []


def _organizations(ctx: Context, nodes: np.ndarray, edges: np.ndarray | None, *,
                   color_by: str, include_personal: bool, unmasked: bool,
                   seed: int) -> dict[str, Any]:
    orgs = ctx.orgs.iloc[nodes]
    edges, src, dst = _induced(ctx, nodes, edges)
    flags = key_marks(ctx, nodes)
    xy, areas = territory(src, dst, district=orgs["district"].astype(object).tolist(),
                          street=orgs["street"].astype(object).tolist(),
                          community=orgs["community"].astype(object).tolist(),
                          island=(flags & ISLAND) > 0,
                          islands_label=ui_text(ctx.lang)["islandArea"], seed=seed)
    districts, d_idx = _codes(orgs["district"])
    streets, s_idx = _codes(orgs["street"])
    kind_index = {code: i for i, code in enumerate(schema.PARTY_KINDS)}
    kinds = [kind_index.get(k, -1) for k in orgs["kind"].astype(str)]
    colors, color_idx, legend = _colours(ctx, nodes, color_by, kinds, districts, d_idx)
    members = orgs["members"] if "members" in orgs else pd.Series([None] * len(orgs))
    n: dict[str, Any] = {
        "id": ctx.layer.ids[nodes].tolist(),
        "name": orgs["name"].astype(str).tolist(),
        "k": kinds, "d": d_idx, "s": s_idx,
        "cm": _clean(orgs["community"].astype(object).tolist()),
        "m": [None if pd.isna(v) else int(v) for v in members],
        "c": color_idx,
        "x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(),
        "f": flags.tolist(),
        "lp": label_priority(orgs["kind"].astype(str).tolist(), flags),
        "cl": [ctx.cluster_ids[k] if k >= 0 else None for k in ctx.cluster[nodes]],
    }
    if include_personal:
        sec = orgs["secretary"].astype(object).tolist()
        phone = orgs["phone"].astype(object).tolist()
        n["sec"] = [None if not isinstance(v, str) else (v if unmasked else mask_name(v))
                    for v in sec]
        n["ph"] = [None if not isinstance(v, str) else (v if unmasked else mask_phone(v))
                   for v in phone]
    notes = {str(i): ctx.notes[int(g)] for i, g in enumerate(nodes) if int(g) in ctx.notes}
    ties = ctx.ties
    mine = ties.iloc[ranges(ties["edge"].to_numpy(), edges)] if len(ties) else ties
    return {
        "mode": "orgs", "districts": districts, "streets": streets,
        "colors": colors, "legend": legend, "n": n, "notes": notes,
        "areas": [a.as_list() for a in areas],
        "bridges": {"key": int(((flags & KEY_BRIDGE) > 0).sum()),
                    "all": int(((flags & BRIDGE) > 0).sum()),
                    "limit": key_bridge_limit(len(nodes))},
        "e": {"s": src.tolist(), "t": dst.tolist(),
              "ty": _type_masks(ctx.layer.types[edges]),
              "w": ctx.layer.count[edges].tolist(),
              "x": ctx.cross[edges].astype(int).tolist() if "clusters" in ctx.highlight
              else [0] * len(edges)},
        "ties": {"e": np.searchsorted(edges, mine["edge"].to_numpy()).tolist()
                 if len(mine) else [],
                 "ty": mine["type"].astype(int).tolist(),
                 "a": iso_days(mine["start"]), "b": iso_days(mine["end"])},
        "personal": bool(include_personal),
        "note": "",
        **_lists_part(ctx, nodes, edges),
    }


def _lists_part(ctx: Context, nodes: np.ndarray, edges: np.ndarray) -> dict[str, Any]:
    """The page's share of the three lists (``lists``, by local index) and the dormant
    flag per edge (``e_dz``); nothing when the ledger lacks them."""
    out: dict[str, Any] = {}
    if ctx.lists:
        boxes = ctx.lists.of(nodes)
        out["lists"] = {str(i): boxes[int(g)] for i, g in enumerate(nodes) if int(g) in boxes}
    if ctx.dormant is not None:
        out["dz"] = ctx.dormant[edges].astype(int).tolist()
        out["marks_dormant"] = schema.PALETTE.dormant
    return out


def key_marks(ctx: Context, nodes: np.ndarray) -> np.ndarray:
    """Flags of ``nodes`` with :data:`KEY_BRIDGE` set on the bridging units that matter most
    on this page: the first :func:`key_bridge_limit` of them by importance."""
    flags = ctx.flags[nodes].copy()
    if ctx.bridge_rank is None or not len(nodes):
        return flags
    rank = ctx.bridge_rank[nodes]
    mine = np.flatnonzero(rank >= 0)
    top = mine[np.argsort(rank[mine], kind="stable")][:key_bridge_limit(len(nodes))]
    flags[top] |= KEY_BRIDGE
    return flags


#: Label priority at the full view by kind (lower first); others are named only close up.
LABEL_PRIORITY = {"street": 0, "community": 3}
#: Priority of a key bridging unit and of an island.
KEY_PRIORITY, ISLAND_PRIORITY, OTHER_PRIORITY = 1, 2, 9


def label_priority(kinds: Sequence[str], flags: np.ndarray) -> list[int]:
    """Which names a page shows at the full view, most important first (lower number):
    street committees, key bridging units, islands, communities; 9 = only close up.

    Examples
    --------
    >>> label_priority(["street", "unit", "unit", "community", "unit"],
    ...                np.array([0, KEY_BRIDGE | BRIDGE, ISLAND, 0, BRIDGE]))
    [0, 1, 2, 3, 9]
    """
    out = []
    for kind, f in zip(kinds, np.asarray(flags).tolist(), strict=True):
        p = LABEL_PRIORITY.get(kind, OTHER_PRIORITY)
        if f & KEY_BRIDGE:
            p = min(p, KEY_PRIORITY)
        if f & ISLAND:
            p = min(p, ISLAND_PRIORITY)
        out.append(p)
    return out


def _colours(ctx: Context, nodes: np.ndarray, color_by: str, kinds: list[int],
             districts: list[str], d_idx: list[int]) -> tuple[list[str], list[int], list]:
    """Palette, colour index per node and legend entries ``[label, colour index]``."""
    lang = ctx.lang
    if color_by == "kind":
        terms = list(schema.PARTY_KINDS.values())
        present = sorted(set(kinds) - {-1})
        return ([t.color for t in terms] + [schema.PALETTE.inactive],
                [k if k >= 0 else len(terms) for k in kinds],
                [[terms[k].label(lang), k] for k in present])
    if color_by == "district":
        colors = [CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i in range(len(districts))]
        colors.append(schema.PALETTE.inactive)
        return (colors, [d if d >= 0 else len(districts) for d in d_idx],
                [[name, i] for i, name in enumerate(districts)])
    ids = ctx.cluster[nodes]
    present = sorted(set(ids.tolist()) - {-1})
    where = {k: i for i, k in enumerate(present)}
    colors = [CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i in range(len(present))]
    colors.append(schema.PALETTE.inactive)
    legend = [[pick(lang, f"片区 {ctx.cluster_ids[k]}", f"cluster {ctx.cluster_ids[k]}"), i]
              for k, i in where.items()]
    legend.append([ui_text(lang)["otherColor"], len(present)])
    return colors, [where.get(int(c), len(present)) for c in ids], legend


def _aggregate(ctx: Context, nodes: np.ndarray, edges: np.ndarray | None, *, seed: int,
               max_nodes: int) -> dict[str, Any]:
    """Streets (or districts) as nodes sized by organizations, ties counted between them."""
    ui = ui_text(ctx.lang)
    orgs = ctx.orgs.iloc[nodes]
    district = orgs["district"].astype(str).fillna("").to_numpy(dtype=object)
    street = orgs["street"].astype(object).to_numpy()
    street = np.array([s if isinstance(s, str) else ui["noStreet"] for s in street], dtype=object)
    keys = np.char.add(np.char.add(district.astype(str), " "), street.astype(str))
    mode = "street"
    if len(set(keys.tolist())) > max_nodes:
        keys, mode = district.astype(str), "district"
    names, group = np.unique(keys, return_inverse=True)
    districts = sorted(set(district.tolist()))
    d_of_group = np.empty(len(names), dtype=object)
    d_of_group[group] = district
    d_index = {d: i for i, d in enumerate(districts)}
    edges, src, dst = _induced(ctx, nodes, edges)
    gs, gt = group[src], group[dst]
    counts = ctx.layer.count[edges]
    masks = np.asarray(_type_masks(ctx.layer.types[edges]), dtype=np.int64)
    inner = np.bincount(gs[gs == gt], weights=counts[gs == gt], minlength=len(names))
    between = pd.DataFrame({"s": np.minimum(gs, gt), "t": np.maximum(gs, gt), "w": counts,
                            "ty": masks})[gs != gt]
    agg = between.groupby(["s", "t"], sort=True).agg(
        w=("w", "sum"), ty=("ty", lambda x: int(np.bitwise_or.reduce(x.to_numpy()))))
    s = agg.index.get_level_values(0).to_numpy(dtype=np.int64)
    t = agg.index.get_level_values(1).to_numpy(dtype=np.int64)
    xy = positions(len(names), s, t, seed=seed)
    size = np.bincount(group, minlength=len(names))
    members = pd.to_numeric(orgs["members"], errors="coerce").fillna(0).to_numpy()
    member_sum = np.bincount(group, weights=members, minlength=len(names))
    islands = np.bincount(group, weights=(ctx.flags[nodes] & 1), minlength=len(names))
    d_idx = [d_index[d] for d in d_of_group]
    colors = [CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i in range(len(districts))]
    return {
        "mode": mode, "districts": districts, "streets": [],
        "note": ui["aggregated"].format(ui[mode]),
        "colors": colors, "legend": [[d, i] for i, d in enumerate(districts)],
        "n": {"id": names.tolist(), "name": names.tolist(), "k": [-1] * len(names),
              "d": d_idx, "s": [-1] * len(names), "c": d_idx,
              "x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(), "f": [0] * len(names),
              "lp": [0] * len(names),
              "size": size.tolist(), "m": member_sum.astype(int).tolist(),
              "inner": inner.astype(int).tolist(), "isl": islands.astype(int).tolist()},
        "notes": {}, "areas": [], "bridges": {"key": 0, "all": 0, "limit": 0},
        "e": {"s": s.tolist(), "t": t.tolist(), "ty": agg["ty"].astype(int).tolist(),
              "w": agg["w"].astype(int).tolist(),
              "x": [int(d_of_group[a] != d_of_group[b]) for a, b in zip(s, t, strict=True)]},
        "ties": {"e": [], "ty": [], "a": [], "b": []},
        "personal": False,
    }
