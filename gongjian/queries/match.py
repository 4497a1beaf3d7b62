"""Match open needs to resources (需求与资源对接), preferring matches that mend the network.

For every need open on the analysis day (status open or empty, raised on or before it), the
best ``top`` resources: same category; still offered on the day (有效期至 not passed); the
need's organization within the resource's scope (服务范围) of the offering organization —
same community, same street, same district, or the city. They are ranked by

1. proximity: community, street, district, city (the finest level the two share);
2. what the new tie would mend on the co-building layer of the day, the first that applies:
   ``island`` (one of the two has no active tie at all: this is its first), ``cut_off`` (one
   lies in a group with no path to a street or community organization and the other is
   connected to that axis), ``cross_district`` (the two lie in different districts); a match
   that mends something before one that does not;
3. a new tie before one between organizations already tied;
4. a resource no active project uses before one in use;
5. the resource id.

A resource of the need's own organization is not a match, and needs and resources of
dissolved organizations (or of ids no Party organization has) are left out. Candidates are
never enumerated pair by pair: within a (category, place) group the order of resources
depends only on the need's situation on the layer (isolated, connected to the axis, or cut
off), so each group is sorted once per situation and every need takes the head of its
group's list, long enough to survive the few pairs re-ranked afterwards (ties that already
exist, finer places).

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({
...         "id": ["c1", "u1", "u2"], "name": ["丹凤街社区党委", "档案馆党支部", "图书馆党支部"],
...         "kind": ["community", "unit", "unit"], "district": ["玄武区"] * 3,
...         "street": ["玄武门街道"] * 3}),
...     relations=pd.DataFrame({"source_id": ["c1"], "target_id": ["u2"], "type": ["pairing"]}),
...     needs=pd.DataFrame({"id": ["N1"], "org_id": ["c1"], "category": ["venue"],
...                         "status": ["open"]}),
...     resources=pd.DataFrame({"id": ["R1", "R2"], "org_id": ["u2", "u1"],
...                             "category": ["venue", "venue"], "scope": ["street", "street"]}))
>>> match(kg, as_of="2025-06-30")[["resource_id", "proximity", "mends", "new_tie", "rank"]]
  resource_id proximity   mends  new_tie  rank
0          R2    street  island     True     1
1          R1    street    None    False     2
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.errors import AnalysisError
from gongjian.graph.io import Needs, merge_needs
from gongjian.graph.model import KnowledgeGraph, as_date
from gongjian.loaders.references import index_in
from gongjian.queries.layer import LAYER_NEEDS, LayerView, codes, layer_view
from gongjian.queries.lists import idle_resources, offered_resources, open_needs

__all__ = ["LEVELS", "MATCH_COLUMNS", "MATCH_NEEDS", "match"]

#: What :func:`match` reads from a graph file: the layer, needs and resources, and the
#: projects (a resource used by a running project is not idle).
MATCH_NEEDS: Needs = merge_needs(LAYER_NEEDS, {"needs": None, "resources": None,
                                               "projects": None})
MATCH_COLUMNS: tuple[str, ...] = ("need_id", "need_org", "resource_id", "resource_org",
                                  "category", "proximity", "mends", "new_tie", "rank", "reasons")
#: Proximity levels, nearest first (the codes of :data:`gongjian.schema.SCOPES`).
LEVELS: tuple[str, ...] = tuple(schema.SCOPES)
_MENDS: tuple[str, ...] = tuple(schema.MENDS)
_NONE = len(_MENDS)  # rank of a match that mends nothing
#: Needs matched together: their candidate pairs are in memory at once.
_NEEDS_PER_PART = 50_000


def match(kg: KnowledgeGraph, *, as_of: dt.date | str | None = None,
          top: int = 3) -> pd.DataFrame:
    """The best ``top`` resources for every open need on ``as_of``.

    Parameters
    ----------
    kg : KnowledgeGraph
    as_of : date or str, optional
        Analysis day (default today): needs raised by then, resources offered on it, the
        co-building layer of that day.
    top : int
        Resources per need (default 3).

    Returns
    -------
    DataFrame
        ``need_id, need_org, resource_id, resource_org, category, proximity (community|
        street|district|city), mends (island|cut_off|cross_district|None), new_tie (bool),
        rank (1 = best), reasons`` (Chinese sentences a person can read out in a meeting);
        by need id, then rank. Needs with no fitting resource have no row.

    Examples
    --------
    >>> match(KnowledgeGraph()).columns.tolist()[:4]
    ['need_id', 'need_org', 'resource_id', 'resource_org']
    """
    if top < 1:
        raise AnalysisError(f"--top 至少为 1 (top must be at least 1): {top}")
    day = as_date(as_of)
    view = layer_view(kg, day)
    ids = view.arrays.ids
    needs, res = kg.needs, kg.resources
    need_v = index_in(needs["org_id"], ids)
    res_v = index_in(res["org_id"], ids)
    need_ok = open_needs(kg, day) & (need_v >= 0)
    res_ok = offered_resources(kg, day) & (res_v >= 0)
    categories = list(schema.CATEGORIES)
    need_cat = index_in(needs["category"], categories)
    res_cat = index_in(res["category"], categories)
    need_ok &= need_cat >= 0
    res_ok &= res_cat >= 0
    ni = np.flatnonzero(need_ok)
    ri = np.flatnonzero(res_ok)
    if not len(ni) or not len(ri):
        return _empty()

    place = _place_keys(view)  # (4, n): community, street, district, city key per vertex
    scope = index_in(res["scope"], list(LEVELS))
    scope[scope < 0] = LEVELS.index(schema.DEFAULT_SCOPE)
    idle = idle_resources(kg, day)
    res_id = res["id"].to_numpy(dtype=object)
    id_rank = _ranks(res_id)
    need_id = needs["id"].to_numpy(dtype=object)

    degree, attached = view.degree, view.attached
    edge_keys = np.sort(view.arrays.source.astype(np.int64) * view.n + view.arrays.target)
    situation = np.where(degree == 0, 0, np.where(attached, 1, 2))  # isolated/axis/cut off
    ncat = len(categories)
    need_rank = _ranks(need_id)
    rbits = max(len(res).bit_length(), 1)
    groups: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def group_order(level: int, s: int, rsel: np.ndarray, r_group: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
        """The resources of a level sorted for needs in situation ``s`` (made once)."""
        if (level, s) not in groups:
            rank = _mend_rank_for(s, res_v[rsel], degree, attached, level == len(LEVELS) - 1)
            gkey = (((r_group << 2 | rank) << 1 | ~idle[rsel]) << rbits) | id_rank[rsel]
            order = np.argsort(gkey, kind="stable")
            groups[(level, s)] = (rsel[order], r_group[order])
        return groups[(level, s)]

    def best(ni: np.ndarray) -> tuple[np.ndarray, ...] | None:
        """The best ``top`` pairs of the needs ``ni``, by need id then rank."""
        slack = top + _demotable(view, need_v[ni], need_cat[ni], res_v[ri], res_cat[ri],
                                 ncat) + 1
        pairs_n, pairs_r = [], []
        for level in range(len(LEVELS)):
            rsel = ri[(scope[ri] >= level) & (place[level][res_v[ri]] >= 0)]
            nsel_mask = place[level][need_v[ni]] >= 0
            nsel, nslack = ni[nsel_mask], slack[nsel_mask]
            if not len(rsel) or not len(nsel):
                continue
            width = int(place[level].max()) + 1
            r_group = res_cat[rsel].astype(np.int64) * width + place[level][res_v[rsel]]
            n_group = need_cat[nsel].astype(np.int64) * width + place[level][need_v[nsel]]
            for s in range(3):
                take = situation[need_v[nsel]] == s
                if not take.any():
                    continue
                sorted_res, sorted_group = group_order(level, s, rsel, r_group)
                start = np.searchsorted(sorted_group, n_group[take], side="left")
                stop = np.searchsorted(sorted_group, n_group[take], side="right")
                # The head holds every pair that can rank among the need's best: at most
                # ``slack - top - 1`` resources of the category belong to the need's own
                # organization or its partners (dropped or ranked down), and the pairs of a
                # finer place in the list were either among them or already counted at their
                # level.
                count = np.minimum(stop - start, nslack[take])
                total = int(count.sum())
                if not total:
                    continue
                offsets = np.repeat(start - np.cumsum(count) + count, count) + np.arange(total)
                pairs_n.append(np.repeat(nsel[take], count))
                pairs_r.append(sorted_res[offsets])
        if not pairs_n:
            return None
        pn, pr = np.concatenate(pairs_n), np.concatenate(pairs_r)
        del pairs_n, pairs_r
        a, b = need_v[pn], res_v[pr]
        keep = a != b
        pn, pr, a, b = pn[keep], pr[keep], a[keep], b[keep]
        prox = _proximity(place, a, b)
        key = np.minimum(a, b).astype(np.int64) * view.n + np.maximum(a, b)
        at = np.minimum(np.searchsorted(edge_keys, key), max(len(edge_keys) - 1, 0))
        tied = (edge_keys[at] == key) if len(edge_keys) else np.zeros(len(key), dtype=bool)
        del key, at
        mends = _mends(a, b, degree, attached, prox == len(LEVELS) - 1, tied)
        # one integer orders the pairs: need (by id), proximity, mends, existing tie, in use,
        # id
        order_key = (((((need_rank[pn].astype(np.int64) << 2 | prox) << 2 | mends) << 1
                       | tied) << 1 | ~idle[pr]) << rbits) | id_rank[pr]
        order = np.argsort(order_key, kind="stable")
        order_key = order_key[order]
        fresh = np.r_[True, order_key[1:] != order_key[:-1]]  # a pair found at two levels
        order = order[fresh]
        del order_key, fresh
        pn, pr, a, b, prox, mends, tied = (x[order] for x in (pn, pr, a, b, prox, mends, tied))
        first = np.r_[True, pn[1:] != pn[:-1]]
        start_of = np.maximum.accumulate(np.where(first, np.arange(len(pn)), 0))
        rank = np.arange(len(pn)) - start_of + 1
        keep = rank <= top
        return tuple(x[keep] for x in (pn, pr, a, b, prox, mends, tied, rank))

    # Needs in parts, by id: the pairs of one part at a time (a province's candidate pairs
    # run to tens of millions), each part's best in the order of the whole.
    ni = ni[np.argsort(need_rank[ni], kind="stable")]
    parts = [part for chunk in np.array_split(ni, -(-len(ni) // _NEEDS_PER_PART))
             if (part := best(chunk)) is not None]
    if not parts:
        return _empty()
    pn, pr, a, b, prox, mends, tied, rank = (np.concatenate(x) for x in zip(*parts, strict=True))
    del parts
    groups.clear()
    out = pd.DataFrame({
        "need_id": need_id[pn],
        "need_org": ids[a],
        "resource_id": res_id[pr],
        "resource_org": ids[b],
        "category": np.asarray(categories, dtype=object)[res_cat[pr]],
        "proximity": np.asarray(LEVELS, dtype=object)[prox],
        "mends": pd.Series(np.asarray([*_MENDS, None], dtype=object)[mends], dtype=object),
        "new_tie": ~tied,
        "rank": rank.astype(np.int64),
    })
    out["reasons"] = _reasons(view, res_cat[pr], a, b, prox, mends, ~tied, idle[pr],
                              scope[pr])
    out = out.astype({c: "str" for c in ("need_id", "need_org", "resource_id", "resource_org",
                                          "category", "proximity")})
    return out[list(MATCH_COLUMNS)]


def _ranks(values: np.ndarray) -> np.ndarray:
    """The rank of every value in sorted order (ties by position)."""
    out = np.empty(len(values), dtype=np.int64)
    out[np.argsort(values, kind="stable")] = np.arange(len(values))
    return out


def _empty() -> pd.DataFrame:
    return pd.DataFrame({
        "need_id": pd.Series(dtype="str"), "need_org": pd.Series(dtype="str"),
        "resource_id": pd.Series(dtype="str"), "resource_org": pd.Series(dtype="str"),
        "category": pd.Series(dtype="str"), "proximity": pd.Series(dtype="str"),
        "mends": pd.Series(dtype=object), "new_tie": pd.Series(dtype=bool),
        "rank": pd.Series(dtype=np.int64), "reasons": pd.Series(dtype=object)})


def _place_keys(view: LayerView) -> np.ndarray:
    """Per vertex, an integer key of its community, street, district and city (``-1``:
    unknown); keys of a level are equal exactly when the places are."""
    orgs = view.orgs
    d, s, c = (codes(orgs[col])[0] for col in ("district", "street", "community"))
    ns, nc = int(s.max(initial=-1)) + 2, int(c.max(initial=-1)) + 2
    out = np.zeros((4, view.n), dtype=np.int64)
    out[2] = d
    out[1] = np.where((d >= 0) & (s >= 0), d * ns + s, -1)
    out[0] = np.where(out[1] >= 0, np.where(c >= 0, out[1] * nc + c, -1), -1)
    return out  # the city level is 0 for everyone


def _proximity(place: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The finest level two vertices share (index into :data:`LEVELS`)."""
    prox = np.full(len(a), len(LEVELS) - 1, dtype=np.int64)
    for level in range(len(LEVELS) - 2, -1, -1):
        same = (place[level][a] >= 0) & (place[level][a] == place[level][b])
        prox[same] = level
    return prox


def _mend_rank_for(situation: int, b: np.ndarray, degree: np.ndarray, attached: np.ndarray,
                   city: bool) -> np.ndarray:
    """Mend rank of a new tie to resource vertices ``b`` for a need in ``situation``."""
    if situation == 0:
        return np.zeros(len(b), dtype=np.int64)
    rank = np.full(len(b), 2 if city else _NONE, dtype=np.int64)
    need_attached = situation == 1
    rank[attached[b] != need_attached] = 1
    rank[degree[b] == 0] = 0
    return rank


def _mends(a: np.ndarray, b: np.ndarray, degree: np.ndarray, attached: np.ndarray,
           city: np.ndarray, tied: np.ndarray) -> np.ndarray:
    """What each new tie ``a``–``b`` mends (index into :data:`_MENDS`; ``_NONE``: nothing)."""
    out = np.full(len(a), _NONE, dtype=np.int64)
    out[city] = 2
    out[attached[a] != attached[b]] = 1
    out[(degree[a] == 0) | (degree[b] == 0)] = 0
    out[tied] = _NONE
    return out


def _demotable(view: LayerView, need_v: np.ndarray, need_cat: np.ndarray, res_v: np.ndarray,
               res_cat: np.ndarray, ncat: int) -> np.ndarray:
    """Per need, how many resources of its category its own organization and its partners
    offer: the most candidates that can fall below the group order (own resources are
    dropped, those of partners are existing ties)."""
    per = np.bincount(res_v.astype(np.int64) * ncat + res_cat, minlength=view.n * ncat)
    own = per[need_v.astype(np.int64) * ncat + need_cat]
    a = view.arrays
    src = np.concatenate([a.source, a.target]).astype(np.int64)
    dst = np.concatenate([a.target, a.source]).astype(np.int64)
    if not len(src):
        return own
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    start = np.searchsorted(src, need_v, side="left")
    stop = np.searchsorted(src, need_v, side="right")
    count = stop - start
    total = int(count.sum())
    if not total:
        return own
    offsets = np.repeat(start - np.cumsum(count) + count, count) + np.arange(total)
    owner = np.repeat(np.arange(len(need_v)), count)
    partner_res = per[dst[offsets] * ncat + np.repeat(need_cat, count)]
    return own + np.bincount(owner, weights=partner_res, minlength=len(need_v)).astype(np.int64)


def _reasons(view: LayerView, category: np.ndarray, a: np.ndarray, b: np.ndarray,
             prox: np.ndarray, mends: np.ndarray, new: np.ndarray, idle: np.ndarray,
             scope: np.ndarray) -> list[list[str]]:
    """Chinese sentences a person can read out: why this resource for this need."""
    orgs = view.orgs
    name = orgs["name"].to_numpy(dtype=object)
    places = [orgs[c].to_numpy(dtype=object) for c in ("community", "street", "district")]
    cats = [t.zh for t in schema.CATEGORIES.values()]
    scopes = [t.zh for t in schema.SCOPES.values()]
    degree, attached = view.degree, view.attached
    new_text = ("双方已有共建关系，可在现有共建中落实", "双方尚无共建关系，可借此新建共建")
    idle_text = ("该资源已用于在建项目", "该资源尚未被任何在建项目使用")
    reasons = []
    for i, ai, bi, level, m in zip(range(len(a)), a.tolist(), b.tolist(), prox.tolist(),
                                   mends.tolist(), strict=True):
        na, nb = name[ai], name[bi]
        cat = cats[category[i]]
        if level < 3:
            first = f"「{nb}」与「{na}」同在{places[level][ai]}，需求与资源同属「{cat}」类"
        else:
            first = (f"「{nb}」（{places[2][bi]}）的资源面向全市，可服务{places[2][ai]}的"
                     f"「{na}」，同属「{cat}」类")
        sentences = [f"{first}（服务范围：{scopes[scope[i]]}）"]
        if m == 0:
            lone = na if degree[ai] == 0 else nb
            sentences.append(f"「{lone}」目前没有任何有效共建关系，这次对接将是它的第一条共建关系")
        elif m == 1:
            lone = na if not attached[ai] else nb
            sentences.append(f"「{lone}」所在的组织群与街道社区党组织不连通，这次对接可使其重新连通")
        elif m == 2:
            sentences.append(f"这次对接将在{places[2][ai]}与{places[2][bi]}之间新建一条跨区共建关系")
        sentences.append(new_text[bool(new[i])])
        sentences.append(idle_text[bool(idle[i])])
        reasons.append(sentences)
    return reasons
