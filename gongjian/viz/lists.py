"""What pages and the report show of the three lists and the activity record (三张清单).

Only when the ledger has them: :func:`has_lists` (needs, resources or projects) and
:func:`has_activities` (the activity record) decide whether a page carries an organization's
needs, resources, projects and suggested matches (:func:`org_lists`), and whether dormant
ties are drawn apart (:func:`dormant_edges`). Everything here is plain data; the page's
script and the report's template put ledger text in as text.

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["c1", "u1"], "name": ["丹凤街社区党委", "档案馆党支部"],
...                              "kind": ["community", "unit"], "district": ["玄武区"] * 2,
...                              "street": ["玄武门街道"] * 2}),
...     needs=pd.DataFrame({"id": ["N1"], "org_id": ["c1"], "category": ["culture"],
...                         "description": ["社区史展览"], "status": ["open"]}),
...     resources=pd.DataFrame({"id": ["R1"], "org_id": ["u1"], "category": ["culture"],
...                             "description": ["档案展览"], "scope": ["street"]}))
>>> has_lists(kg), has_activities(kg)
(True, False)
>>> layer = kg.co_building_arrays("2025-06-30")
>>> lists = org_lists(kg, layer, "zh")
>>> lists[0]["needs"][0][:3], lists[0]["matches"][0][2:5]
(['N1', '文化', '社区史展览'], ['档案馆党支部', '本街道', '结束孤岛'])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from gongjian import queries, schema
from gongjian.graph.model import CoBuildingLayer, KnowledgeGraph
from gongjian.loaders.references import index_in
from gongjian.queries.dormant import layer_evidence, living
from gongjian.queries.lists import idle_resources, offered_resources, open_needs
from gongjian.viz.charts import grouped_bar_chart

__all__ = ["MATCHES_PER_ORG", "REPORT_TOP", "OrgLists", "dormant_edges", "has_activities",
           "has_lists", "org_lists", "ranges", "report_section"]

#: Suggested matches shown per organization in the details panel.
MATCHES_PER_ORG = 5


def has_lists(kg: KnowledgeGraph) -> bool:
    """True when the ledger has needs, resources or projects."""
    return bool(len(kg.needs) or len(kg.resources) or len(kg.projects))


def has_activities(kg: KnowledgeGraph) -> bool:
    """True when the ledger has an activity record."""
    return bool(len(kg.activities))


def _text(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def _label(table: dict, code: Any, lang: str) -> str | None:
    text = _text(code)
    return None if text is None else schema.label(table, text, lang)


def dormant_edges(kg: KnowledgeGraph, layer: CoBuildingLayer) -> np.ndarray | None:
    """Per edge of ``layer``: True when the tie is dormant (``queries.dormant``, last year).

    None when the ledger has no activity record (then no tie is called dormant). Every tie
    of an edge joins the same two organizations, so an edge is dormant exactly when its two
    ends share no evidence in the window: one lookup per edge, no table of dormant ties.
    """
    if not has_activities(kg):
        return None
    last = layer_evidence(kg, layer.as_of).lookup(layer.source, layer.target)
    return ~living(last, layer.as_of)


class OrgLists:
    """The organizations' needs, resources, projects and best matches, made page by page.

    What :func:`org_lists` gives for every organization, but indexed once (rows of each
    list by layer position, the best :data:`MATCHES_PER_ORG` matches of each organization)
    and turned into rows of text only for the organizations of a page (:meth:`of`): a
    province's lists never sit in memory as Python lists at once. False when no
    organization of the layer has any.
    """

    def __init__(self, kg: KnowledgeGraph, layer: CoBuildingLayer, lang: str) -> None:
        self.kg, self.lang = kg, lang
        empty = np.zeros(0, dtype=np.int64)
        self._needs = self._resources = (empty, empty)
        self._projects = (empty, empty, empty)
        self._matches = (empty, empty)
        self._match_rows: list[list] = []
        if not has_lists(kg):
            return
        ids = layer.ids
        self._needs = _by_position(index_in(kg.needs["org_id"], ids))
        self._resources = _by_position(index_in(kg.resources["org_id"], ids))
        self._projects = _project_entries(kg.projects, ids)
        self._matches, self._match_rows = _best_matches(kg, layer, lang)

    def __bool__(self) -> bool:
        return any(len(part[0]) for part in (self._needs, self._resources, self._projects,
                                             self._matches))

    def of(self, nodes: np.ndarray) -> dict[int, dict]:
        """Layer position → ``needs, resources, projects, matches`` (rows of plain strings,
        as :func:`org_lists`) for the organizations of ``nodes`` that have any."""
        nodes = np.unique(np.asarray(nodes, dtype=np.int64))
        out: dict[int, dict] = {}

        def box(p: int) -> dict:
            found = out.get(p)
            if found is None:
                found = out[p] = {"needs": [], "resources": [], "projects": [], "matches": []}
            return found

        lang = self.lang
        labels: dict[tuple[str, Any], str | None] = {}

        def lab(name: str, table: dict, code: Any) -> str | None:
            key = (name, code if isinstance(code, str) else None)
            if key not in labels:
                labels[key] = _label(table, code, lang)
            return labels[key]

        pos, rows = _take(self._needs, nodes)
        if len(rows):
            for p, id_, cat, desc, status, raised in zip(pos.tolist(), *_objects(
                    self.kg.needs, rows, "id", "category", "description", "status", "raised"),
                    strict=True):
                box(p)["needs"].append([
                    str(id_), lab("c", schema.CATEGORIES, cat), _text(desc),
                    lab("n", schema.NEED_STATUSES, status),
                    _text(pd.Timestamp(raised) if pd.notna(raised) else None)])
        pos, rows = _take(self._resources, nodes)
        if len(rows):
            for p, id_, cat, desc, scope, until in zip(pos.tolist(), *_objects(
                    self.kg.resources, rows, "id", "category", "description", "scope",
                    "until"), strict=True):
                box(p)["resources"].append([
                    str(id_), lab("c", schema.CATEGORIES, cat), _text(desc),
                    lab("s", schema.SCOPES, scope),
                    _text(pd.Timestamp(until) if pd.notna(until) else None)])
        entry_pos, entry_row, entry_role = self._projects
        at = ranges(entry_pos, nodes)
        if len(at):
            words = ("牵头", "参与") if lang != "en" else ("lead", "partner")
            wanted = np.unique(entry_row[at])
            text = {i: [str(id_), _text(name), lab("p", schema.PROJECT_STATUSES, status)]
                    for i, id_, name, status in zip(wanted.tolist(), *_objects(
                        self.kg.projects, wanted, "id", "name", "status"), strict=True)}
            for p, i, role in zip(entry_pos[at].tolist(), entry_row[at].tolist(),
                                  entry_role[at].tolist(), strict=True):
                box(p)["projects"].append([*text[i], words[role]])
        match_pos, match_row = self._matches
        for k in ranges(match_pos, nodes).tolist():
            box(int(match_pos[k]))["matches"].append(list(self._match_rows[int(match_row[k])]))
        return out


def _objects(df: pd.DataFrame, rows: np.ndarray, *columns: str) -> list[list]:
    """The ``rows`` of some columns as Python objects (Arrow-backed text iterates slowly),
    dates as Timestamps (NaT when missing)."""
    return [df[c].take(rows).tolist() if pd.api.types.is_datetime64_any_dtype(df[c])
            else df[c].take(rows).to_numpy(dtype=object).tolist() for c in columns]


def _by_position(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows with a layer position, grouped by it (rows in their order within a group)."""
    rows = np.flatnonzero(pos >= 0)
    order = np.argsort(pos[rows], kind="stable")
    return pos[rows][order], rows[order]


def ranges(sorted_keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Indices into ``sorted_keys`` of every entry equal to one of ``wanted`` (sorted,
    distinct), in order: the rows of a few keys of a sorted column without a pass over it.

    Examples
    --------
    >>> ranges(np.array([0, 0, 2, 3, 3, 3]), np.array([0, 1, 3])).tolist()
    [0, 1, 3, 4, 5]
    """
    start = np.searchsorted(sorted_keys, wanted, side="left")
    count = np.searchsorted(sorted_keys, wanted, side="right") - start
    total = int(count.sum())
    return np.repeat(start - np.cumsum(count) + count, count) + np.arange(total)


def _take(grouped: tuple[np.ndarray, np.ndarray], nodes: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    pos, rows = grouped
    at = ranges(pos, nodes)
    return pos[at], rows[at]


def _project_entries(projects: pd.DataFrame, ids: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(position, project row, role 0 lead / 1 partner) of every organization of a project,
    grouped by position, each group in the order of the projects (lead before partners)."""
    position = dict(zip(ids.tolist(), range(len(ids)), strict=True))
    pos, row, role = [], [], []
    leads = projects["lead_id"].to_numpy(dtype=object)
    for i, (lead, parts) in enumerate(zip(
            leads, projects["participants"].to_numpy(dtype=object), strict=True)):
        p = position.get(lead) if isinstance(lead, str) else None
        if p is not None:
            pos.append(p), row.append(i), role.append(0)
        if not isinstance(parts, (list, tuple, np.ndarray)):
            continue
        for org in dict.fromkeys(parts):
            p = position.get(org) if isinstance(org, str) and org != lead else None
            if p is not None:
                pos.append(p), row.append(i), role.append(1)
    pos_a = np.asarray(pos, dtype=np.int64)
    order = np.argsort(pos_a, kind="stable")
    return (pos_a[order], np.asarray(row, dtype=np.int64)[order],
            np.asarray(role, dtype=np.int64)[order])


def _best_matches(kg: KnowledgeGraph, layer: CoBuildingLayer, lang: str
                  ) -> tuple[tuple[np.ndarray, np.ndarray], list[list]]:
    """The first :data:`MATCHES_PER_ORG` matches of every organization, both sides of each
    match in the order of rank then need: (position, row) grouped by position, and the
    rows ``[need id, resource id, other organization, proximity, mends, first reason]``."""
    empty = np.zeros(0, dtype=np.int64)
    m = queries.match(kg, as_of=layer.as_of.date())
    if not len(m):
        return (empty, empty), []
    m = m.sort_values(["rank", "need_id"], kind="stable")
    ids = layer.ids
    sides = np.stack([index_in(m["need_org"], ids), index_in(m["resource_org"], ids)], axis=1)
    pos = sides.reshape(-1)               # match 0 need side, match 0 resource side, match 1 …
    entry = np.arange(len(pos))
    keep = pos >= 0
    pos, entry = pos[keep], entry[keep]
    order = np.argsort(pos, kind="stable")
    pos, entry = pos[order], entry[order]
    first = np.r_[True, pos[1:] != pos[:-1]] if len(pos) else np.zeros(0, dtype=bool)
    start = np.maximum.accumulate(np.where(first, np.arange(len(pos)), 0))
    best = np.arange(len(pos)) - start < MATCHES_PER_ORG
    pos, entry = pos[best], entry[best]
    wanted, row = np.unique(entry, return_inverse=True)
    names = dict(zip(kg.party_orgs["id"].astype(str), kg.party_orgs["name"].astype(str),
                     strict=True))
    rows = []
    for side, need_id, need_org, resource_id, resource_org, proximity, mends, reasons in zip(
            (wanted % 2).tolist(), *_objects(m, wanted // 2, "need_id", "need_org",
                                             "resource_id", "resource_org", "proximity",
                                             "mends", "reasons"), strict=True):
        other = resource_org if side == 0 else need_org
        reasons = list(reasons) if isinstance(reasons, (list, tuple, np.ndarray)) else []
        mends = _label(schema.MENDS, mends, lang) if isinstance(mends, str) else None
        rows.append([str(need_id), str(resource_id), names.get(str(other), str(other)),
                     _label(schema.SCOPES, proximity, lang), mends,
                     str(reasons[0]) if reasons else None])
    return (pos, row.astype(np.int64)), rows


def org_lists(kg: KnowledgeGraph, layer: CoBuildingLayer, lang: str) -> dict[int, dict]:
    """Per layer position: the organization's needs, resources, projects and best matches.

    Each value holds ``needs`` (``[id, category, description, status, raised]``),
    ``resources`` (``[id, category, description, scope, until]``), ``projects``
    (``[id, name, status, role]``) and ``matches`` (``[need id, resource id, other
    organization, proximity, mends or None, first reason]``), lists of plain strings.
    Empty when the ledger has none of the three lists. Pages take theirs from
    :class:`OrgLists`, a page at a time.
    """
    return OrgLists(kg, layer, lang).of(np.arange(layer.n))


#: Rows of each list in the report's 三张清单 section.
REPORT_TOP = 20


def _mending(kg: KnowledgeGraph, day: pd.Timestamp) -> tuple[pd.DataFrame, int]:
    """The report's first :data:`REPORT_TOP` matches that mend the network (one per need, by
    what they mend, rank, proximity, ids) and the number of needs with one."""
    m = queries.match(kg, as_of=day.date())
    mending = m[m["mends"].notna().to_numpy(dtype=bool)] if len(m) else m
    del m
    if len(mending):
        order = {code: i for i, code in enumerate(schema.MENDS)}
        level = {code: i for i, code in enumerate(schema.SCOPES)}
        mending = mending.assign(_m=mending["mends"].map(order),
                                 _p=mending["proximity"].map(level))
        mending = mending.sort_values(["_m", "rank", "_p", "need_id", "resource_id"],
                                      kind="stable").drop_duplicates("need_id")
    count = int(mending["need_id"].nunique()) if len(mending) else 0
    return mending.head(REPORT_TOP).copy(), count


def _texts(table: pd.DataFrame, ids: pd.Series) -> dict[str, Any]:
    """id → description of the rows of ``table`` with these ``ids`` (the last row of an id)."""
    wanted = table["id"].astype(str).isin(set(ids.astype(str))).to_numpy(dtype=bool)
    return dict(zip(table.loc[wanted, "id"].astype(str), table.loc[wanted, "description"],
                    strict=True))


def report_section(kg: KnowledgeGraph, as_of: Any, lang: str, *,
                   stale_days: int = 90) -> dict[str, Any] | None:
    """The report's 三张清单 section: figures, a chart by street, stale needs, idle resources
    and the best matches that mend the network; None when the ledger lacks the lists.

    Stale needs come oldest first; idle resources by district, street and id; matches that
    mend the network by what they mend (island, cut off, cross-district), then rank, one per
    need.

    Rows are plain strings (the template escapes them). ``dormant`` is the number of dormant
    ties, or None without an activity record.
    """
    if not has_lists(kg):
        return None
    day = pd.Timestamp(str(as_of))
    zh = lang != "en"
    mending, mending_needs = _mending(kg, day)  # first: the matches alone in memory
    names = dict(zip(kg.party_orgs["id"].astype(str), kg.party_orgs["name"].astype(str),
                     strict=True))
    place = kg.party_orgs.drop_duplicates("id").set_index("id")[["district", "street"]]
    by_street = queries.lists(kg, as_of=day.date(), by="street", stale_days=stale_days)
    unnamed = "（未填街道）" if zh else "(no street)"
    by_street = by_street.assign(total=by_street["needs_open"] + by_street["resources_idle"])
    by_street = by_street.sort_values(["needs_stale", "total", "district", "street"],
                                      ascending=[False, False, True, True], kind="stable")
    series = [("待认领需求" if zh else "open needs", schema.NEED_STATUSES["open"].color),
              (f"超过 {stale_days} 天未认领" if zh else f"open over {stale_days} days",
               schema.PALETTE.dormant),
              ("闲置资源" if zh else "idle resources", schema.LIST_NODE_LABELS["Resource"].color)]
    chart = grouped_bar_chart(
        [(f"{r.district} {r.street if isinstance(r.street, str) else unnamed}",
          [r.needs_open, r.needs_stale, r.resources_idle])
         for r in by_street.itertuples(index=False)],
        title="各街道需求与闲置资源（按久未认领需求排序）" if zh
        else "Needs and idle resources by street (most stale first)",
        series=[(n, c) for n, c in series])
    needs = kg.needs
    open_ = open_needs(kg, day)
    raised = pd.to_datetime(needs["raised"])
    stale = open_ & (raised <= day - pd.Timedelta(days=stale_days)).to_numpy(dtype=bool)
    st = needs[stale].assign(raised_at=raised[stale]).sort_values(["raised_at", "id"],
                                                                 kind="stable")

    def where(org: Any) -> tuple[str, str]:
        if org in place.index:
            d, s = place.loc[org, "district"], place.loc[org, "street"]
            return (_text(d) or "", _text(s) or "")
        return ("", "")

    stale_rows = [[str(r.id), names.get(str(r.org_id), _text(r.org_id) or ""),
                   *where(r.org_id), _label(schema.CATEGORIES, r.category, lang) or "",
                   _text(r.description) or "", r.raised_at.date().isoformat(),
                   str((day - r.raised_at).days)]
                  for r in st.head(REPORT_TOP).itertuples(index=False)]
    res = kg.resources
    idle = offered_resources(kg, day) & idle_resources(kg, day)
    idle_df = res[idle]
    idle_df = idle_df.assign(
        district_at=idle_df["org_id"].map(place["district"]).astype(object).fillna(""),
        street_at=idle_df["org_id"].map(place["street"]).astype(object).fillna("")
    ).sort_values(["district_at", "street_at", "id"], kind="stable")
    idle_rows = [[str(r.id), names.get(str(r.org_id), _text(r.org_id) or ""),
                  *where(r.org_id), _label(schema.CATEGORIES, r.category, lang) or "",
                  _text(r.description) or "", _label(schema.SCOPES, r.scope, lang) or ""]
                 for r in idle_df.head(REPORT_TOP).itertuples(index=False)]
    need_text = _texts(needs, mending["need_id"])
    res_text = _texts(res, mending["resource_id"])
    match_rows = []
    for r in mending.head(REPORT_TOP).itertuples(index=False) if len(mending) else ():
        reasons = list(r.reasons) if isinstance(r.reasons, (list, tuple, np.ndarray)) else []
        match_rows.append([
            f"{names.get(str(r.need_org), str(r.need_org))}："
            f"{_text(need_text.get(str(r.need_id))) or ''}（{r.need_id}）",
            f"{names.get(str(r.resource_org), str(r.resource_org))}："
            f"{_text(res_text.get(str(r.resource_id))) or ''}（{r.resource_id}）",
            _label(schema.MENDS, r.mends, lang) or "", "；".join(map(str, reasons))])
    dormant = None
    if has_activities(kg):  # the ties of the dormant edges (each edge counts its ties)
        layer = kg.co_building_arrays(day.date())
        dormant = int(layer.count[dormant_edges(kg, layer)].sum())
    figures = [("待认领需求" if zh else "open needs", int(open_.sum())),
               (f"超过 {stale_days} 天未认领" if zh else f"needs open over {stale_days} days",
                int(stale.sum())),
               ("闲置资源" if zh else "idle resources", int(idle.sum())),
               ("可修补网络的对接" if zh else "matches that mend the network",
                mending_needs)]
    return {"chart": chart, "figures": figures, "dormant": dormant,
            "stale_total": int(stale.sum()),
            "stale": stale_rows, "idle": idle_rows, "matches": match_rows,
            "stale_headers": (["编号", "提出组织", "所属区", "所属街道", "类别", "需求内容",
                               "提出日期", "已等待（天）"] if zh else
                              ["Id", "Raised by", "District", "Street", "Category", "Need",
                               "Raised", "Days open"]),
            "idle_headers": (["编号", "提供组织", "所属区", "所属街道", "类别", "资源内容",
                              "服务范围"] if zh else
                             ["Id", "Offered by", "District", "Street", "Category", "Resource",
                              "Scope"]),
            "match_headers": (["需求", "资源", "修补", "理由"] if zh else
                              ["Need", "Resource", "Mends", "Reasons"])}
