"""Party-building islands (党建孤岛): organizations without a tie, groups cut off from the axis.

Two reasons, both on the co-building layer of the analysis day:

- ``isolated``: an organization of a kind expected to co-build with no active tie at all;
- ``detached``: a connected group tied only among themselves, with no path to any street or
  community organization (:data:`gongjian.schema.AXIS_KINDS`).

Each island gets up to three suggested partners, nearest first (same community, same street,
same site, same industry system), taken from organizations already connected to the axis,
street and community organizations first and, among equals, the least tied.

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({
...         "id": ["c1", "u1", "u2"], "name": ["丹凤街社区党委", "档案馆党支部", "图书馆党支部"],
...         "kind": ["community", "unit", "unit"], "district": ["玄武区"] * 3,
...         "street": ["玄武门街道"] * 3, "community": ["丹凤街社区", None, "丹凤街社区"]}),
...     relations=pd.DataFrame({"source_id": ["c1"], "target_id": ["u2"], "type": ["pairing"]}))
>>> islands(kg, as_of="2025-06-30")[["id", "reason", "suggestions", "suggestion_reasons"]]
   id    reason suggestions suggestion_reasons
0  u1  isolated    [c1, u2]       [同一街道, 同一街道]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.errors import AnalysisError
from gongjian.graph.model import KnowledgeGraph
from gongjian.queries.layer import LayerView, layer_view

__all__ = ["ISLAND_COLUMNS", "SUGGESTION_TIERS", "islands", "parse_kinds"]

ISLAND_COLUMNS: tuple[str, ...] = ("id", "name", "kind", "district", "street", "reason", "group",
                                   "explanation", "suggestions", "suggestion_reasons")

#: Where a partner is looked for, nearest first: (reason shown, organization columns that
#: must all be equal and present).
SUGGESTION_TIERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("同一社区", ("district", "street", "community")),
    ("同一街道", ("district", "street")),
    ("同一楼宇园区", ("site",)),
    ("同一行业系统", ("district", "system")),
)
MAX_SUGGESTIONS = 3


def parse_kinds(kinds: Iterable[str] | str | None) -> tuple[str, ...]:
    """Kinds as codes, from codes or Chinese names (a comma-separated string is split).

    Examples
    --------
    >>> parse_kinds("unit,行业党委")
    ('unit', 'industry')
    >>> parse_kinds(None) == schema.CO_BUILDING_KINDS
    True
    """
    if kinds is None:
        return schema.CO_BUILDING_KINDS
    if isinstance(kinds, str):
        kinds = schema.split_values(kinds)
    out = []
    for value in kinds:
        code = schema.canonical(schema.PARTY_KIND_ALIASES, value)
        if code is None:
            known = ", ".join(schema.PARTY_KINDS)
            raise AnalysisError(f"未知的组织类别「{value}」，可选：{known} "
                                f"(unknown kind {value!r}; choose from {known})")
        if code not in out:
            out.append(code)
    return tuple(out)


def islands(kg: KnowledgeGraph, *, as_of: dt.date | str | None = None,
            kinds: Iterable[str] | str | None = None, seed: int = 0,
            window: int | None = None) -> pd.DataFrame:
    """Find the Party-building islands (党建孤岛) of the co-building layer on ``as_of``.

    Parameters
    ----------
    kg : KnowledgeGraph
    as_of : date or str, optional
        Analysis day (default today); ties ended before it are not active.
    kinds : kinds or comma-separated str, optional
        Kinds of organizations listed (default :data:`gongjian.schema.CO_BUILDING_KINDS`).
        A detached group is listed when one of its members is of these kinds.
    seed : int
        Accepted for a uniform signature; the result is fully determined without it.
    window : int, optional
        Count a tie only when it is evidenced (a shared activity or project) in the ``window``
        days up to ``as_of``; an organization whose active ties are all dormant is listed with
        reason ``dormant``. Without it, every active tie counts.

    Returns
    -------
    DataFrame
        ``id, name, kind, district, street, reason ('isolated'|'dormant'|'detached'), group (Int64,
        numbered by size then smallest id; NA when isolated), explanation, suggestions
        (partner ids), suggestion_reasons``; isolated first, then by group, district, id.

    Examples
    --------
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> islands(KnowledgeGraph()).columns.tolist()[:6]
    ['id', 'name', 'kind', 'district', 'street', 'reason']
    """
    del seed  # deterministic by construction
    wanted = parse_kinds(kinds)
    view = layer_view(kg, as_of)
    paper = None
    if window is not None:
        from gongjian.queries.dormant import evidenced_view

        paper = view.degree
        view = evidenced_view(kg, as_of, window=window)
    return view.remember(("islands", wanted, window),
                         lambda: _islands(kg, view, wanted, paper, window))


def _islands(kg: KnowledgeGraph, view: LayerView, wanted: tuple[str, ...],
             paper: np.ndarray | None, window: int | None) -> pd.DataFrame:
    reason_of_unlinked = np.full(view.n, "isolated", dtype=object)
    if paper is not None:
        reason_of_unlinked[paper > 0] = "dormant"
    of_kind = view.orgs["kind"].isin(wanted).to_numpy(dtype=bool)

    isolated = np.flatnonzero((view.degree == 0) & of_kind)
    group, detached = _detached_groups(view, of_kind)
    rows = np.concatenate([isolated, detached])
    orgs = view.orgs.iloc[rows]
    out = pd.DataFrame({
        "id": orgs["id"].to_numpy(), "name": orgs["name"].to_numpy(),
        "kind": orgs["kind"].to_numpy(), "district": orgs["district"].to_numpy(),
        "street": orgs["street"].to_numpy(),
        "reason": reason_of_unlinked[isolated].tolist() + ["detached"] * len(detached),
        "group": pd.array([pd.NA] * len(isolated) + group[detached].tolist(), dtype="Int64"),
    })
    out["explanation"] = _explanations(kg, view, rows, len(isolated))
    if window is not None:
        dormant_rows = (out["reason"] == "dormant").to_numpy()
        ties = paper[rows[:len(isolated)]] if len(isolated) else paper[:0]
        out.loc[dormant_rows, "explanation"] = [
            f"有{int(k)}个有效共建对象，但近{window}天内与它们都没有共同活动或项目（截至"
            f"{view.day.isoformat()}），共建关系均已休眠"
            for k in ties[dormant_rows[:len(isolated)]]]
    out["suggestions"], out["suggestion_reasons"] = _suggestions(view, rows)
    out = out.astype({c: "str" for c in ("id", "name", "kind", "district", "street", "reason")})
    order = np.lexsort((out["id"].to_numpy(), out["district"].fillna("").to_numpy(),
                        out["group"].fillna(0).to_numpy(),
                        (out["reason"] != "isolated").to_numpy()))
    return out.iloc[order].reset_index(drop=True)[list(ISLAND_COLUMNS)]


def _detached_groups(view: LayerView, of_kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group number per vertex (0 when not detached) and the detached vertices to list."""
    n = view.n
    group = np.zeros(n, dtype=np.int64)
    if n == 0:
        return group, np.zeros(0, dtype=np.int64)
    comp = view.component
    size = np.bincount(comp)
    listed = np.bincount(comp, weights=of_kind, minlength=len(size)) > 0
    cut = ~(np.bincount(comp, weights=view.is_axis, minlength=len(size)) > 0)
    groups = np.flatnonzero(cut & (size >= 2) & listed)
    if len(groups):
        ids = view.arrays.ids
        # smallest member id of each group: ids sorted once, first occurrence per component
        by_id = np.argsort(ids, kind="stable")
        first = np.zeros(len(size), dtype=np.int64)
        uniq, pos = np.unique(comp[by_id], return_index=True)
        first[uniq] = pos  # rank of the group's smallest id among all ids
        order = np.lexsort((first[groups], -size[groups]))
        number = np.zeros(len(size), dtype=np.int64)
        number[groups[order]] = np.arange(1, len(groups) + 1)
        group = number[comp]
    detached = np.flatnonzero((group > 0) & of_kind)
    return group, detached


def _explanations(kg: KnowledgeGraph, view: LayerView, rows: np.ndarray,
                  n_isolated: int) -> list[str]:
    """Why each listed organization is an island, in Chinese."""
    day = view.day.isoformat()
    rel = kg.relations
    ended = pd.to_datetime(rel["end"]) < pd.Timestamp(view.day)
    lapsed = set(rel.loc[ended.to_numpy(dtype=bool), "source_id"].dropna()) | set(
        rel.loc[ended.to_numpy(dtype=bool), "target_id"].dropna())
    ids = view.arrays.ids
    out = []
    for i in rows[:n_isolated]:
        note = "；原有共建关系已到期" if ids[i] in lapsed else ""
        out.append(f"无任何有效共建关系（截至{day}{note}）")
    for i in rows[n_isolated:]:
        others = int(view.component_size[i]) - 1
        out.append(f"与其他{others}个组织仅相互共建，无路径连通任何街道或社区党组织")
    return out


def _suggestions(view: LayerView, rows: np.ndarray) -> tuple[list[list[str]], list[list[str]]]:
    """Up to three partners per island, nearest tier first; deterministic."""
    ids = view.arrays.ids
    usable = (view.attached
              & view.orgs["kind"].isin(schema.CO_BUILDING_KINDS).to_numpy(dtype=bool))
    # preference inside a tier: the axis first, then the least tied, then the id
    preference = np.lexsort((ids, view.degree, ~view.is_axis))
    tiers = [(reason, _tier_index(view, columns, usable, preference))
             for reason, columns in SUGGESTION_TIERS]
    partners: list[list[str]] = []
    reasons: list[list[str]] = []
    for i in rows:
        chosen: list[int] = []
        why: list[str] = []
        for reason, (key, lookup) in tiers:
            k = key[i]
            if k < 0 or k not in lookup:
                continue
            for j in lookup[k]:
                if j != i and j not in chosen:
                    chosen.append(int(j))
                    why.append(reason)
                    if len(chosen) == MAX_SUGGESTIONS:
                        break
            if len(chosen) == MAX_SUGGESTIONS:
                break
        partners.append([str(ids[j]) for j in chosen])
        reasons.append(why)
    return partners, reasons


def _tier_index(view: LayerView, columns: tuple[str, ...], usable: np.ndarray,
                preference: np.ndarray) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Key code of every vertex for one tier, and key → usable vertices in preference order.

    Only the first few candidates of each key are kept (enough to fill the suggestions).
    """
    key = _key_codes(view, columns)
    cand = preference[usable[preference] & (key[preference] >= 0)]
    if len(cand) == 0:
        return key, {}
    order = np.argsort(key[cand], kind="stable")  # keeps preference order inside a key
    cand = cand[order]
    uniq, start = np.unique(key[cand], return_index=True)
    stop = np.append(start[1:], len(cand))
    keep = MAX_SUGGESTIONS + 1  # one more, in case the island itself is among them
    return key, {int(k): cand[a:min(b, a + keep)]
                 for k, a, b in zip(uniq, start, stop, strict=True)}


def _key_codes(view: LayerView, columns: tuple[str, ...]) -> np.ndarray:
    """One integer per vertex for the combination of ``columns``; ``-1`` if any is missing."""
    if len(columns) == 1:
        return view.codes(columns[0])[0]
    stacked = np.column_stack([view.codes(c)[0] for c in columns])
    if len(stacked) == 0:
        return np.zeros(0, dtype=np.int64)
    key = np.unique(stacked, axis=0, return_inverse=True)[1].reshape(-1).astype(np.int64)
    key[np.any(stacked < 0, axis=1)] = -1
    return key
