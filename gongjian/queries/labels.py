"""Headers and values of the analyses for people: Chinese by default, English with ``lang="en"``.

The analyses return stable English column names and codes (what JSON keeps). Tables, CSV
and XLSX show the headers of :data:`LABELS` and, through :func:`for_people`, the labels of
codes taken from :mod:`gongjian.schema`.

Examples
--------
>>> LABELS["islands"]["reason"]
('孤岛类型', 'island type')
>>> import pandas as pd
>>> for_people(pd.DataFrame({"kind": ["unit"], "reason": ["isolated"]}), "islands").iloc[0].tolist()
['单位党组织', '无共建关系']
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from gongjian import schema
from gongjian.i18n import pick

__all__ = ["ANALYSIS_FILES", "LABELS", "SUMMARY_SECTIONS", "VALUES", "for_people"]

_ORG = {
    "id": ("组织编码", "id"), "name": ("组织名称", "name"), "kind": ("组织类别", "kind"),
    "district": ("所属区", "district"), "street": ("所属街道", "street"),
}
_RATES = {
    "organizations": ("两新组织数", "organizations"),
    **{code: (term.zh, term.en) for code, term in schema.COVERAGE.items()},
    "organizational": ("组织覆盖数", "organizational coverage"),
    "work": ("工作覆盖数", "work coverage"),
    "organizational_rate": ("组织覆盖率", "organizational coverage rate"),
    "work_rate": ("工作覆盖率", "work coverage rate"),
    "party_members": ("党员数", "Party members"), "employees": ("从业人员数", "employees"),
}

#: Analysis → column → (中文表头, English header).
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "islands": {
        **_ORG,
        "reason": ("孤岛类型", "island type"), "group": ("孤立群组", "group"),
        "explanation": ("说明", "explanation"),
        "suggestions": ("建议共建对象", "suggested partners"),
        "suggestion_reasons": ("建议依据", "why these partners"),
    },
    "bridges": {
        **{k: v for k, v in _ORG.items() if k != "street"},
        "articulation": ("关键节点", "articulation point"),
        "cut_off": ("移除后断开组织数", "cut off if removed"),
        "districts": ("联结的区", "districts reached"),
        "streets": ("联结的街道", "streets reached"),
        "systems": ("联结的行业系统", "systems reached"),
        "betweenness": ("中介中心性", "betweenness"),
        "reason": ("联结作用", "what it holds together"),
    },
    "clusters": {
        "cluster": ("片区编号", "cluster"), "size": ("组织数", "size"),
        "districts": ("涉及的区", "districts"),
        "members_per_district": ("各区组织数", "members per district"),
        "cross_district_ties": ("跨区共建关系数", "cross-district ties"),
        "internal_ties": ("片区内共建关系数", "internal ties"),
        "density": ("关系密度", "density"),
        "bridging_members": ("跨区联结组织", "bridging members"),
        "members": ("成员组织编码", "members"),
    },
    "coverage": {
        "district": ("所属区", "district"), "street": ("所属街道", "street"),
        "site": ("楼宇园区", "site"), "site_kind": ("楼宇园区类型", "site kind"),
        **_RATES,
    },
    "coverage_list": {
        "uscc": ("统一社会信用代码", "USCC"), "name": ("名称", "name"),
        "type": ("组织类型", "type"), "district": ("所属区", "district"),
        "street": ("所属街道", "street"), "community": ("所属社区", "community"),
        "site": ("所在楼宇园区", "site"), "employees": ("从业人员数", "employees"),
        "party_members": ("党员数", "Party members"), "status": ("覆盖方式", "coverage"),
        "plan": ("覆盖建议", "plan"), "proposal": ("联合组建方案", "joint branch proposal"),
        "plan_reason": ("建议理由", "why"),
    },
    "overview": {
        "district": ("区", "district"), "party_orgs": ("党组织数", "Party organizations"),
        "ties": ("有效共建关系", "active ties"), "internal_ties": ("区内关系", "ties inside"),
        "cross_district_ties": ("跨区关系", "cross-district ties"),
        "components": ("连通片数", "components"), "density": ("关系密度", "density"),
        "isolated": ("无共建关系组织", "isolated"),
        "detached": ("未连通街道社区组织", "cut off from the axis"),
        "articulation_points": ("关键节点", "articulation points"),
        "bridging_units": ("关键联结单位", "bridging units"),
        "cross_district_clusters": ("跨区片区", "cross-district clusters"),
        "organizations": ("两新组织数", "organizations"),
        "organizational_rate": ("组织覆盖率", "organizational coverage rate"),
        "work_rate": ("工作覆盖率", "work coverage rate"),
    },
    "diff": {
        "change": ("变化", "change"), "id": ("编码", "id"), "name": ("名称", "name"),
        "district": ("所属区", "district"), "detail": ("说明", "detail"),
    },
    "kinds": {"kind": ("组织类别", "kind"), "total": ("合计", "total")},
    "match": {
        "need_id": ("需求编号", "need id"), "need_org": ("提出组织编码", "need organization"),
        "resource_id": ("资源编号", "resource id"),
        "resource_org": ("提供组织编码", "resource organization"),
        "category": ("类别", "category"), "proximity": ("距离", "proximity"),
        "mends": ("对网络的改善", "mends"), "new_tie": ("新建共建关系", "new tie"),
        "rank": ("推荐次序", "rank"), "reasons": ("推荐理由", "reasons"),
    },
    "dormant": {
        "source_id": ("甲方编码", "source id"), "source_name": ("甲方名称", "source name"),
        "target_id": ("乙方编码", "target id"), "target_name": ("乙方名称", "target name"),
        "type": ("关系类型", "relation type"), "start": ("开始日期", "start"),
        "last_evidence": ("最近一次共同活动或项目", "last shared activity or project"),
        "days_since": ("距今天数", "days since"),
    },
    "lists": {
        "district": ("所属区", "district"), "street": ("所属街道", "street"),
        "needs_open": ("待认领需求", "open needs"),
        "needs_stale": ("长期未认领需求", "stale needs"),
        "resources": ("在供资源", "resources offered"),
        "resources_idle": ("闲置资源", "idle resources"),
        "projects_active": ("实施中项目", "active projects"),
        "communities_without_project": ("近一年无项目的社区", "communities without a project"),
    },
    "relation_types": {"type": ("关系类型", "relation type"), "total": ("合计", "total")},
}

#: Analysis → column → the schema table its codes come from.
VALUES: dict[str, dict[str, Mapping[str, schema.Term]]] = {
    "islands": {"kind": schema.PARTY_KINDS, "reason": schema.ISLAND_REASONS},
    "bridges": {"kind": schema.PARTY_KINDS},
    "clusters": {},
    "coverage": {"site_kind": schema.SITE_KINDS},
    "coverage_list": {"type": schema.ORG_TYPES, "status": schema.COVERAGE,
                      "plan": schema.PLANS},
    "diff": {"change": schema.CHANGES},
    "overview": {},
    "kinds": {"kind": schema.PARTY_KINDS},
    "relation_types": {"type": schema.RELATION_TYPES},
    "match": {"category": schema.CATEGORIES, "proximity": schema.SCOPES, "mends": schema.MENDS},
    "dormant": {"type": schema.RELATION_TYPES},
    "lists": {},
}


def for_people(df: pd.DataFrame, analysis: str, lang: str = "zh") -> pd.DataFrame:
    """A copy of ``df`` with codes shown as labels, flags as 是/否 and dicts as text.

    JSON output keeps the codes; use this for tables, CSV and XLSX.

    Examples
    --------
    >>> df = pd.DataFrame({"articulation": [True], "members_per_district": [{"玄武区": 3}]})
    >>> for_people(df, "bridges", "en").iloc[0].tolist()
    ['yes', '玄武区 3']
    """
    out = df.copy()
    for column, table in VALUES.get(analysis, {}).items():
        if column in out.columns:
            out[column] = [v if pd.isna(v) else schema.label(table, v, lang) for v in out[column]]
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = out[column].map({True: pick(lang, "是", "yes"),
                                           False: pick(lang, "否", "no")})
        elif len(out) and isinstance(out[column].iloc[0], dict):
            out[column] = ["、".join(f"{k} {n}" for k, n in v.items()) for v in out[column]]
    return out

#: Titles of the parts of :func:`gongjian.queries.summary`: (中文, English).
SUMMARY_SECTIONS: dict[str, tuple[str, str]] = {
    "overview": ("概览（按区）", "overview by district"),
    "kinds": ("党组织类别", "Party organizations by kind"),
    "relation_types": ("有效共建关系类型", "active ties by type"),
    "coverage": ("两新组织覆盖（按区）", "coverage of 两新组织 by district"),
}

#: Analysis → (中文 file stem, English file stem) of :func:`gongjian.queries.write_analyses`.
ANALYSIS_FILES: dict[str, tuple[str, str]] = {
    "islands": ("党建孤岛", "islands"),
    "bridges": ("关键联结单位", "bridging_units"),
    "clusters": ("跨区片区", "cross_district_clusters"),
    "coverage": ("两新组织覆盖率（按街道）", "coverage_by_street"),
    "coverage_list": ("覆盖组建建议", "coverage_plan"),
}
