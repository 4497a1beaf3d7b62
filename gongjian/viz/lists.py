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
from gongjian.queries.lists import idle_resources, offered_resources, open_needs
from gongjian.viz.charts import grouped_bar_chart

__all__ = ["MATCHES_PER_ORG", "REPORT_TOP", "dormant_edges", "has_activities", "has_lists",
           "org_lists", "report_section"]

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

    None when the ledger has no activity record (then no tie is called dormant).
    """
    if not has_activities(kg):
        return None
    df = queries.dormant(kg, as_of=layer.as_of.date())
    out = np.zeros(len(layer.source), dtype=bool)
    if not len(df) or not len(out):
        return out
    n = max(layer.n, 1)
    index = pd.Index(layer.ids)
    s = index.get_indexer(df["source_id"].astype(str))
    t = index.get_indexer(df["target_id"].astype(str))
    ok = (s >= 0) & (t >= 0)
    key = np.minimum(s, t)[ok].astype(np.int64) * n + np.maximum(s, t)[ok]
    edge_key = layer.source.astype(np.int64) * n + layer.target
    out[np.isin(edge_key, key)] = True
    return out


def org_lists(kg: KnowledgeGraph, layer: CoBuildingLayer, lang: str) -> dict[int, dict]:
    """Per layer position: the organization's needs, resources, projects and best matches.

    Each value holds ``needs`` (``[id, category, description, status, raised]``),
    ``resources`` (``[id, category, description, scope, until]``), ``projects``
    (``[id, name, status, role]``) and ``matches`` (``[need id, resource id, other
    organization, proximity, mends or None, first reason]``), lists of plain strings.
    Empty when the ledger has none of the three lists.
    """
    if not has_lists(kg):
        return {}
    index = pd.Index(layer.ids)
    out: dict[int, dict] = {}

    position = dict(zip(index.tolist(), range(len(index)), strict=True))

    def slot(org: Any) -> dict | None:
        p = position.get(org) if isinstance(org, str) else None
        if p is None:
            return None
        return out.setdefault(p, {"needs": [], "resources": [], "projects": [],
                                  "matches": []})

    for r in kg.needs.itertuples(index=False):
        box = slot(r.org_id)
        if box is not None:
            box["needs"].append([str(r.id), _label(schema.CATEGORIES, r.category, lang),
                                 _text(r.description), _label(schema.NEED_STATUSES,
                                                              r.status, lang),
                                 _text(pd.Timestamp(r.raised) if pd.notna(r.raised) else None)])
    for r in kg.resources.itertuples(index=False):
        box = slot(r.org_id)
        if box is not None:
            until = pd.Timestamp(r.until) if pd.notna(r.until) else None
            box["resources"].append([str(r.id), _label(schema.CATEGORIES, r.category, lang),
                                     _text(r.description), _label(schema.SCOPES, r.scope, lang),
                                     _text(until)])
    lead_word = "牵头" if lang != "en" else "lead"
    join_word = "参与" if lang != "en" else "partner"
    for r in kg.projects.itertuples(index=False):
        row = [str(r.id), _text(r.name), _label(schema.PROJECT_STATUSES, r.status, lang)]
        box = slot(r.lead_id)
        if box is not None:
            box["projects"].append([*row, lead_word])
        parts = r.participants if isinstance(r.participants, (list, tuple, np.ndarray)) else []
        for org in dict.fromkeys(parts):
            if org != r.lead_id and (box := slot(org)) is not None:
                box["projects"].append([*row, join_word])
    names = dict(zip(kg.party_orgs["id"].astype(str), kg.party_orgs["name"].astype(str),
                     strict=True))
    m = queries.match(kg, as_of=layer.as_of.date())
    if len(m):
        m = m.sort_values(["rank", "need_id"], kind="stable")
    for r in m.itertuples(index=False):
        reasons = list(r.reasons) if isinstance(r.reasons, (list, tuple, np.ndarray)) else []
        mends = _label(schema.MENDS, r.mends, lang) if isinstance(r.mends, str) else None
        for me, other in ((r.need_org, r.resource_org), (r.resource_org, r.need_org)):
            box = slot(me)
            if box is not None and len(box["matches"]) < MATCHES_PER_ORG:
                box["matches"].append([str(r.need_id), str(r.resource_id),
                                       names.get(str(other), str(other)),
                                       _label(schema.SCOPES, r.proximity, lang), mends,
                                       str(reasons[0]) if reasons else None])
    return out


#: Rows of each list in the report's 三张清单 section.
REPORT_TOP = 20


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
    m = queries.match(kg, as_of=day.date())
    mending = m[m["mends"].notna().to_numpy(dtype=bool)] if len(m) else m
    if len(mending):
        order = {code: i for i, code in enumerate(schema.MENDS)}
        level = {code: i for i, code in enumerate(schema.SCOPES)}
        mending = mending.assign(_m=mending["mends"].map(order),
                                 _p=mending["proximity"].map(level))
        mending = mending.sort_values(["_m", "rank", "_p", "need_id", "resource_id"],
                                      kind="stable").drop_duplicates("need_id")
    need_text = dict(zip(needs["id"].astype(str), needs["description"], strict=True))
    res_text = dict(zip(res["id"].astype(str), res["description"], strict=True))
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
    if has_activities(kg):
        dormant = len(queries.dormant(kg, as_of=day.date()))
    figures = [("待认领需求" if zh else "open needs", int(open_.sum())),
               (f"超过 {stale_days} 天未认领" if zh else f"needs open over {stale_days} days",
                int(stale.sum())),
               ("闲置资源" if zh else "idle resources", int(idle.sum())),
               ("可修补网络的对接" if zh else "matches that mend the network",
                int(mending["need_id"].nunique()) if len(mending) else 0)]
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
