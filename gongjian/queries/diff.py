"""What changed between two analyses: two graphs (two ledgers), or one graph at two dates.

:func:`diff` compares an *old* and a *new* side, each a graph analysed on its own day, and
lists every change on its own row, so that one organization may appear under several
kinds (new, and an island; dissolved, and a bridging unit lost):

- ``org_new`` / ``org_dissolved``: a Party organization exists on a side when it is not
  已撤销 and was founded on or before that side's day (or has no 成立日期); dissolved means
  已撤销 in the new ledger, gone from it, or not founded yet on the new day.
- ``tie_new`` / ``tie_ended``: a pair of organizations with an active tie on one side and
  none on the other, whatever the reason (the tie ended, an end was dissolved, the row
  was removed); ``id`` is ``A|B`` with the two ids sorted.
- ``island_new`` / ``island_resolved``: :func:`~gongjian.queries.islands` on each side.
- ``bridge_new`` / ``bridge_lost``: articulation points of the co-building layer.
- ``cluster_new`` / ``cluster_gone``: cross-district clusters
  (:func:`~gongjian.queries.clusters`), matched across the sides by membership overlap
  (Jaccard index ≥ ``min_overlap``); a cluster with no match formed or dissolved.
- ``coverage_change``: a district whose organizational or work coverage rate differs;
  ``id`` and ``district`` are the district's name, ``detail`` gives both rates before
  and after.

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> orgs = pd.DataFrame({"id": ["c", "u", "v"], "name": ["社区", "单位甲", "单位乙"],
...                      "kind": ["community", "unit", "unit"], "district": ["玄武区"] * 3})
>>> kg = KnowledgeGraph.from_frames(party_orgs=orgs, relations=pd.DataFrame({
...     "source_id": ["c", "u"], "target_id": ["u", "v"], "type": ["pairing", "agreement"],
...     "end": pd.to_datetime([None, "2025-03-31"])}))
>>> df = diff(kg, kg, as_of_old="2025-01-01", as_of_new="2025-06-30")
>>> df[["change", "id"]].values.tolist()
[['tie_ended', 'u|v'], ['island_new', 'v'], ['bridge_lost', 'u']]
>>> df["detail"].iloc[0]
'于2025-03-31到期'
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.errors import AnalysisError
from gongjian.graph.model import LAYER_RELATION_COLUMNS, KnowledgeGraph, as_date
from gongjian.i18n import pick
from gongjian.queries.bridges import articulation_mask, cut_off_counts
from gongjian.queries.clusters import clusters
from gongjian.queries.coverage import coverage
from gongjian.queries.islands import islands
from gongjian.queries.layer import LayerView, layer_view

__all__ = ["DIFF_COLUMNS", "DIFF_NEEDS", "MIN_OVERLAP", "diff"]

DIFF_COLUMNS: tuple[str, ...] = ("change", "id", "name", "district", "detail")
#: Clusters of the two sides are the same cluster when their Jaccard index reaches this.
MIN_OVERLAP = 0.5
#: The graph tables (and columns) :func:`diff` reads from a graph file.
DIFF_NEEDS: dict[str, tuple[str, ...] | None] = {
    "party_orgs": None,
    "relations": LAYER_RELATION_COLUMNS,
    "organizations": ("uscc", "district", "coverage", "party_members", "employees"),
}

Source = KnowledgeGraph | str | os.PathLike


def diff(old: Source, new: Source, *, as_of_old: dt.date | str | None = None,
         as_of_new: dt.date | str | None = None, seed: int = 0,
         min_overlap: float = MIN_OVERLAP, lang: str = "zh") -> pd.DataFrame:
    """List what changed from ``old`` on ``as_of_old`` to ``new`` on ``as_of_new``.

    Parameters
    ----------
    old, new : KnowledgeGraph or path
        The two sides: graphs, graph files or ledger folders. Pass the same graph twice
        with two dates to see how one ledger changes over time.
    as_of_old, as_of_new : date or str, optional
        The analysis day of each side (default today).
    seed : int
        Seed of the cluster search on both sides.
    min_overlap : float
        Jaccard index from which two clusters count as the same (0 < x ≤ 1).
    lang : {"zh", "en"}
        Language of ``detail`` (and of the names made for ties and clusters).

    Returns
    -------
    DataFrame
        ``change`` (a code of :data:`gongjian.schema.CHANGES`), ``id``, ``name``,
        ``district``, ``detail``; ordered by kind of change, district, id.

    Examples
    --------
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> diff(KnowledgeGraph(), KnowledgeGraph()).columns.tolist()
    ['change', 'id', 'name', 'district', 'detail']
    """
    if not 0 < min_overlap <= 1:
        raise AnalysisError(f"片区重合度阈值须在 0 到 1 之间：{min_overlap} "
                            f"(min_overlap must be in (0, 1])")
    old_kg = _graph(old)
    new_kg = old_kg if new is old else _graph(new)
    a, b = _Side(old_kg, as_date(as_of_old)), _Side(new_kg, as_date(as_of_new))
    parts = [_organizations(a, b, lang), _ties(a, b, lang), _islands(a, b, lang),
             _bridges(a, b, lang), _clusters(a, b, seed, min_overlap, lang),
             _coverage(a, b, lang)]
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(
        len(p) for p in parts) else pd.DataFrame({c: [] for c in DIFF_COLUMNS})
    out = out.astype(dict.fromkeys(DIFF_COLUMNS, "str"))
    out["district"] = out["district"].fillna("")
    rank = out["change"].map({c: i for i, c in enumerate(schema.CHANGES)}).to_numpy()
    order = np.lexsort((out["id"].to_numpy(dtype=object).astype(str),
                        out["district"].to_numpy(dtype=object).astype(str), rank))
    return out.iloc[order].reset_index(drop=True)[list(DIFF_COLUMNS)]


def _graph(source: Source) -> KnowledgeGraph:
    if isinstance(source, KnowledgeGraph):
        return source
    from gongjian.graph.io import load

    return load(source, tables=DIFF_NEEDS)


@dataclass
class _Side:
    """One side of the comparison: a graph on a day."""

    kg: KnowledgeGraph
    day: pd.Timestamp

    @cached_property
    def view(self) -> LayerView:
        return layer_view(self.kg, self.day)

    @cached_property
    def orgs(self) -> pd.DataFrame:
        """Every Party organization of the ledger, one row per id, indexed by id."""
        orgs = self.kg.party_orgs.drop_duplicates("id").copy()
        orgs["id"] = orgs["id"].astype(str)
        return orgs.set_index("id")

    @cached_property
    def present(self) -> pd.Index:
        """Ids of the organizations that exist on the day (not dissolved, founded by then)."""
        orgs = self.orgs
        founded = pd.to_datetime(orgs["founded"])
        alive = (orgs["status"].fillna("active") != "dissolved").to_numpy(dtype=bool)
        born = (founded.isna() | (founded <= self.day)).to_numpy(dtype=bool)
        return _ids(orgs.index[alive & born])

    @cached_property
    def position(self) -> pd.Index:
        """Vertex index of the layer: id → position."""
        return _ids(self.view.arrays.ids.astype(str))


def _ids(values) -> pd.Index:
    """Ids as an object index: its hash look-ups (``isin``, ``get_indexer``) are fast."""
    return pd.Index(np.asarray(values, dtype=object), dtype=object)


def _frame(change: str, ids, names, districts, details) -> pd.DataFrame:
    return pd.DataFrame({"change": change, "id": list(ids), "name": list(names),
                         "district": list(districts), "detail": list(details)},
                        columns=list(DIFF_COLUMNS))


def _text(values: pd.Series) -> list[str]:
    return ["" if pd.isna(v) else str(v) for v in values]


def _iso(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def _organizations(a: _Side, b: _Side, lang: str) -> pd.DataFrame:
    new = b.present.difference(a.present, sort=True)
    gone = a.present.difference(b.present, sort=True)
    founded_b = pd.to_datetime(b.orgs["founded"])
    details = []
    for i in new:
        f = founded_b.get(i)
        if f is not None and not pd.isna(f) and f > a.day:
            details.append(pick(lang, f"成立于{_iso(f)}", f"founded {_iso(f)}"))
        elif i in a.orgs.index:
            details.append(pick(lang, "上期已撤销，本期重新列入", "dissolved before, listed again"))
        else:
            details.append(pick(lang, "新列入台账", "new in the ledger"))
    rows = [_frame("org_new", new, _text(b.orgs.loc[new, "name"]),
                   _text(b.orgs.loc[new, "district"]), details)]
    details = []
    status_b = b.orgs["status"]
    for i in gone:
        if i not in b.orgs.index:
            details.append(pick(lang, "台账中已无此组织", "no longer in the ledger"))
        elif status_b.get(i) == "dissolved":
            details.append(pick(lang, "已撤销", "dissolved"))
        else:
            f = _iso(founded_b.get(i))
            details.append(pick(lang, f"成立日期{f}晚于分析日期", f"founded {f}, after the day"))
    rows.append(_frame("org_dissolved", gone, _text(a.orgs.loc[gone, "name"]),
                       _text(a.orgs.loc[gone, "district"]), details))
    return pd.concat(rows, ignore_index=True)


@dataclass
class _Pairs:
    """The tied pairs of one side's layer, ends in id order."""

    key: pd.Index
    lo: np.ndarray  # vertex positions
    hi: np.ndarray
    types: np.ndarray


def _pairs(side: _Side) -> _Pairs:
    arrays = side.view.arrays
    ids = arrays.ids.astype(str)
    s, t = arrays.source, arrays.target
    swap = ids[s] > ids[t]
    lo, hi = np.where(swap, t, s), np.where(swap, s, t)
    key = _ids(pd.Series(ids[lo], dtype=object) + "|" + pd.Series(ids[hi], dtype=object))
    return _Pairs(key, lo, hi, arrays.types)


def _tie_rows(change: str, side: _Side, pairs: _Pairs, keep: np.ndarray,
              details: list[str], lang: str) -> pd.DataFrame:
    orgs = side.view.orgs
    names = orgs["name"].astype(str).to_numpy(dtype=object)
    district = orgs["district"].fillna("").astype(str).to_numpy(dtype=object)
    lo, hi = pairs.lo[keep], pairs.hi[keep]
    dl, dh = district[lo], district[hi]
    both = np.where(dl == dh, dl, pd.Series(dl, dtype=object) + "、" + pd.Series(dh, dtype=object))
    name = pd.Series(names[lo], dtype=object) + "—" + pd.Series(names[hi], dtype=object)
    return _frame(change, pairs.key[keep], name, both, details)


def _type_labels(types: np.ndarray, lang: str) -> list[str]:
    spelled = {t: "、".join(schema.label(schema.RELATION_TYPES, x, lang) for x in t.split("|"))
               for t in pd.unique(types)}
    head = pick(lang, "关系类型：", "types: ")
    return [head + spelled[t] for t in types]


def _ties(a: _Side, b: _Side, lang: str) -> pd.DataFrame:
    pa, pb = _pairs(a), _pairs(b)
    new = ~pb.key.isin(pa.key)
    ended = ~pa.key.isin(pb.key)
    rows = [_tie_rows("tie_new", b, pb, new, _type_labels(pb.types[new], lang), lang)]
    rows.append(_tie_rows("tie_ended", a, pa, ended, _ended_reasons(a, b, pa, ended, lang),
                          lang))
    return pd.concat(rows, ignore_index=True)


def _ended_reasons(a: _Side, b: _Side, pairs: _Pairs, ended: np.ndarray,
                   lang: str) -> list[str]:
    """Why each ended tie has no active counterpart on the new side."""
    if not ended.any():
        return []
    ids = a.view.arrays.ids.astype(str)
    names = a.view.orgs["name"].astype(str).to_numpy(dtype=object)
    lo, hi = pairs.lo[ended], pairs.hi[ended]
    present = b.present
    lo_gone = ~_ids(ids[lo]).isin(present)
    hi_gone = ~_ids(ids[hi]).isin(present)
    # the new side's relation rows of the same pairs: last end, first start
    rel = b.kg.relations
    src = rel["source_id"].astype(str).to_numpy(dtype=object)
    dst = rel["target_id"].astype(str).to_numpy(dtype=object)
    swap = src > dst
    key = pd.Series(np.where(swap, dst, src), dtype=object) + "|" + pd.Series(
        np.where(swap, src, dst), dtype=object)
    span = pd.DataFrame({"key": key.to_numpy(), "start": pd.to_datetime(rel["start"]).to_numpy(),
                         "end": pd.to_datetime(rel["end"]).to_numpy()})
    keys = pairs.key[ended]
    span = span[span["key"].isin(keys).to_numpy()]
    grouped = span.assign(open=span["end"].isna()).groupby("key")
    listed = _ids(grouped.size().index)
    has_rows = keys.isin(listed)
    last = grouped["end"].max().reindex(keys).to_numpy()
    still_open = grouped["open"].any().reindex(keys, fill_value=False).to_numpy(dtype=bool)
    first = grouped["start"].min().reindex(keys).to_numpy()
    day = np.datetime64(b.day.to_datetime64())
    gone = lo_gone | hi_gone
    expired = ~gone & has_rows & ~still_open & (last < day)
    pending = ~gone & has_rows & ~expired & ~np.isnat(first) & (first > day)
    out = np.full(len(keys), pick(lang, "已不是有效共建关系", "no longer active"), dtype=object)
    out[~gone & ~has_rows] = pick(lang, "台账中已无此关系", "no longer in the ledger")
    out[expired] = [pick(lang, f"于{_iso(d)}到期", f"ended {_iso(d)}") for d in last[expired]]
    out[pending] = [pick(lang, f"{_iso(d)}才开始", f"starts {_iso(d)}") for d in first[pending]]
    where = np.flatnonzero(gone)
    out[where] = [
        pick(lang, f"{who}已撤销或不在台账中", f"{who}: dissolved or no longer in the ledger")
        for who in ("、".join(names[x] for x, g in ((lo[k], lo_gone[k]), (hi[k], hi_gone[k])) if g)
                    for k in where)]
    return out.tolist()


def _org_rows(change: str, side: _Side, positions: np.ndarray,
              details: list[str]) -> pd.DataFrame:
    orgs = side.view.orgs.iloc[positions]
    return _frame(change, orgs["id"].astype(str), _text(orgs["name"]), _text(orgs["district"]),
                  details)


def _gone_text(lang: str) -> str:
    return pick(lang, "组织已撤销或不在台账中", "dissolved or no longer in the ledger")


def _islands(a: _Side, b: _Side, lang: str) -> pd.DataFrame:
    ia = islands(a.kg, as_of=a.day)
    ib = islands(b.kg, as_of=b.day)
    new = ib[~ib["id"].isin(ia["id"]).to_numpy()]
    if lang == "en":
        details = [schema.label(schema.ISLAND_REASONS, r, "en") for r in new["reason"]]
    else:
        details = _text(new["explanation"])
    rows = [_frame("island_new", new["id"], _text(new["name"]), _text(new["district"]),
                   details)]
    resolved = ia[~ia["id"].isin(ib["id"]).to_numpy()]
    pos = b.position.get_indexer(resolved["id"].astype(str))
    view = b.view
    details = []
    for p in pos:
        if p < 0:
            details.append(_gone_text(lang))
            continue
        deg = int(view.degree[p])
        text = pick(lang, f"现有共建伙伴{deg}个", f"{deg} partners now")
        if view.attached[p]:
            text += pick(lang, "，已连通街道社区党组织", ", reaches a street or community")
        details.append(text)
    rows.append(_frame("island_resolved", resolved["id"], _text(resolved["name"]),
                       _text(resolved["district"]), details))
    return pd.concat(rows, ignore_index=True)


def _bridges(a: _Side, b: _Side, lang: str) -> pd.DataFrame:
    ap_a = articulation_mask(a.view)
    ap_b = articulation_mask(b.view)
    ids_a = a.position[ap_a]
    ids_b = b.position[ap_b]
    new = np.flatnonzero(ap_b)[~ids_b.isin(ids_a)]
    lost = np.flatnonzero(ap_a)[~ids_a.isin(ids_b)]
    # the block-cut tree only when a new bridge needs its cut_off
    cut_b = cut_off_counts(b.view)[1][new] if len(new) else new
    rows = [_org_rows("bridge_new", b, new, [
        pick(lang, f"移除后断开{int(c)}个组织", f"cuts off {int(c)} if removed")
        for c in cut_b])]
    pos = b.position.get_indexer(a.position[lost])
    rows.append(_org_rows("bridge_lost", a, lost, [
        pick(lang, "移除后不再断开其他组织", "no longer cuts anything off") if p >= 0
        else _gone_text(lang) for p in pos]))
    return pd.concat(rows, ignore_index=True)


def _clusters(a: _Side, b: _Side, seed: int, min_overlap: float, lang: str) -> pd.DataFrame:
    ca = clusters(a.kg, as_of=a.day, seed=seed)
    cb = clusters(b.kg, as_of=b.day, seed=seed)
    best_a, best_b = _best_overlap(ca, cb)
    rows = []
    for change, side, frame, best, other in (
            ("cluster_new", b, cb, best_b, pick(lang, "上期", "before")),
            ("cluster_gone", a, ca, best_a, pick(lang, "本期", "now"))):
        keep = best < min_overlap
        names = side.view.orgs.set_index(side.view.orgs["id"].astype(str))["name"]
        sub = frame[keep]
        labels, details = [], []
        for members, districts, size, overlap in zip(sub["members"], sub["districts"],
                                                     sub["size"], best[keep], strict=True):
            lead = "、".join(str(names.get(m, m)) for m in members[:2])
            labels.append(pick(lang, f"{lead}等{size}个组织", f"{lead} and others ({size})"))
            places = "、".join(districts)
            details.append(pick(
                lang, f"成员{size}个，涉及{places}；与{other}片区最大重合度{overlap:.0%}",
                f"{size} members in {places}; largest overlap with a cluster {other}: "
                f"{overlap:.0%}"))
        rows.append(_frame(change, sub["cluster"], labels,
                           ["、".join(d) for d in sub["districts"]], details))
    return pd.concat(rows, ignore_index=True)


def _best_overlap(ca: pd.DataFrame, cb: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """For each cluster of either side, its largest Jaccard index with one of the other."""
    best_a = np.zeros(len(ca))
    best_b = np.zeros(len(cb))
    if not len(ca) or not len(cb):
        return best_a, best_b
    la = ca[["members"]].assign(i=np.arange(len(ca))).explode("members")
    lb = cb[["members"]].assign(j=np.arange(len(cb))).explode("members")
    both = la.merge(lb, on="members")
    if not len(both):
        return best_a, best_b
    inter = both.groupby(["i", "j"]).size().reset_index(name="n")
    size_a = ca["size"].to_numpy()[inter["i"].to_numpy()]
    size_b = cb["size"].to_numpy()[inter["j"].to_numpy()]
    jac = inter["n"].to_numpy() / (size_a + size_b - inter["n"].to_numpy())
    np.maximum.at(best_a, inter["i"].to_numpy(), jac)
    np.maximum.at(best_b, inter["j"].to_numpy(), jac)
    return best_a, best_b


def _coverage(a: _Side, b: _Side, lang: str) -> pd.DataFrame:
    cols = ["district", "organizations", "organizational_rate", "work_rate"]
    ra = coverage(a.kg, by="district")[cols].dropna(subset=["district"])
    rb = coverage(b.kg, by="district")[cols].dropna(subset=["district"])
    both = ra.merge(rb, on="district", how="outer", suffixes=("_a", "_b"))
    if not len(both):
        return pd.DataFrame(columns=list(DIFF_COLUMNS))

    def same(x: pd.Series, y: pd.Series) -> np.ndarray:
        return ((x == y) | (x.isna() & y.isna())).to_numpy(dtype=bool)

    changed = ~(same(both["organizational_rate_a"], both["organizational_rate_b"])
                & same(both["work_rate_a"], both["work_rate_b"]))
    both = both[changed].sort_values("district")

    def rate(x) -> str:
        return "—" if pd.isna(x) else f"{float(x):.1%}"

    def count(x) -> str:
        return "0" if pd.isna(x) else str(int(x))

    details = []
    for r in both.itertuples(index=False):
        org = f"{rate(r.organizational_rate_a)} → {rate(r.organizational_rate_b)}"
        work = f"{rate(r.work_rate_a)} → {rate(r.work_rate_b)}"
        firms = f"{count(r.organizations_a)} → {count(r.organizations_b)}"
        details.append(pick(lang, f"组织覆盖率 {org}；工作覆盖率 {work}；两新组织 {firms} 个",
                            f"organizational coverage {org}; work coverage {work}; "
                            f"organizations {firms}"))
    district = both["district"].astype(str)
    return _frame("coverage_change", district, district, district, details)
