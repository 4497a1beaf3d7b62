"""Every zh/en text of the pages and the report in one place: what their templates show.

Ledger columns take their Chinese headers from :data:`gongjian.loaders.tables.TABLES`, kinds
and types their labels from :mod:`gongjian.schema`, analysis columns theirs from
:data:`gongjian.queries.LABELS`; this module holds the pages' own words.

Examples
--------
>>> words(PAGE_WORDS, "en")["fit"], words(REPORT_WORDS, "zh")["islands"]
('Fit', '党建孤岛')
"""

from __future__ import annotations

from collections.abc import Mapping

from gongjian.i18n import pick
from gongjian.loaders.tables import TABLES

__all__ = ["PAGE_WORDS", "REPORT_WORDS", "words"]

_ORG = TABLES["party_orgs"].column
_REL = TABLES["relations"].column

#: The network page's own words (buttons, headings, legend): key → (中文, English).
PAGE_WORDS: dict[str, tuple[str, str]] = {
    "search": ("查找组织（名称或编码）", "Find an organization (name or id)"),
    "filters": ("筛选", "Filters"),
    "kinds": ("组织类别", "Kinds"),
    "districts": ("所属区", "Districts"),
    "types": ("关系类型", "Relation types"),
    "legend": ("图例", "Legend"),
    "details": ("详细信息", "Details"),
    "hint": ("点击节点查看详细信息", "Click a node to see its details"),
    "physics": ("开启力学布局", "Start physics"),
    "physicsOff": ("停止力学布局", "Stop physics"),
    "fit": ("全图", "Fit"),
    "shown": ("显示", "Shown"),
    "orgs": ("个组织", "organizations"),
    "ties": ("条关系", "ties"),
    "units": ("个节点", "nodes"),
    "noMatch": ("没有找到", "No match"),
    "island": ("党建孤岛", "Party-building island"),
    "bridge": ("关键联结单位", "bridging unit"),
    "keyBridge": ("重点联结单位（前 {0} 个）", "key bridging unit (top {0})"),
    "bridgeRule": ("按切断的组织数、连接的区数、连接的系统数排序，标出前 5%（至少 20 个）；"
                   "全部 {0} 个联结单位可在“分析标注”中筛选",
                   "ranked by organizations cut off, districts joined, systems joined; "
                   "the top 5% (at least 20) are marked; all {0} are under "
                   "'Analysis marks'"),
    "showAll": ("全部组织", "all organizations"),
    "onlyIslands": ("只看党建孤岛", "islands only"),
    "onlyKey": ("只看重点联结单位", "key bridging units only"),
    "onlyBridges": ("只看全部联结单位（{0} 个）", "all bridging units only ({0})"),
    "islandArea": ("党建孤岛", "Islands"),
    "labelsNote": ("全图只标注街道、社区、重点联结单位和孤岛；放大后显示全部名称",
                   "At full view only streets, communities, key bridging units and islands "
                   "are named; zoom in for every name"),
    "crossCluster": ("跨区片区成员", "member of a cross-district cluster"),
    "crossTie": ("跨区关系（粗线）", "cross-district tie (thick line)"),
    "flags": ("分析标注", "Analysis marks"),
    "areas": ("区域", "Areas"),
    "place": ("位置", "Place"),
    "kind": (_ORG("kind").zh, "Kind"),
    "members": (_ORG("members").zh, "Party members"),
    "secretary": (_ORG("secretary").zh, "Secretary"),
    "phone": (_ORG("phone").zh, "Phone"),
    "id": (_ORG("id").zh, "Id"),
    "start": (_REL("start").zh, "start"),
    "end": (_REL("end").zh, "end"),
    "tieList": ("共建关系", "Co-building ties"),
    "orgCount": ("党组织数", "Party organizations"),
    "tieCount": ("关系数", "Ties"),
    "inner": ("内部关系", "ties inside"),
    "cluster": ("片区", "Cluster"),
    "aggregated": ("组织数超过上限，已按{0}汇总；节点大小表示组织数",
                   "Too many organizations: grouped by {0}; node size = organizations"),
    "street": ("街道", "street"),
    "district": ("区", "district"),
    "noStreet": ("（未填街道）", "(no street)"),
    "asOf": ("分析日期", "as of"),
    "otherColor": ("其他", "other"),
    "dormant": ("休眠关系（近一年无共同活动或项目）",
                "dormant tie (no shared activity or project in the last year)"),
    "needs": ("需求清单", "Needs"),
    "resources": ("资源清单", "Resources"),
    "projects": ("项目清单", "Projects"),
    "matches": ("建议对接", "Suggested matches"),
    "needWord": ("需求", "need"),
    "resourceWord": ("资源", "resource"),
    "onlyChanges": ("只看变化", "changes only"),
    "change": ("变化", "Change"),
    "changesRule": ("与上期台账比较：星形为新增组织，粗线为新增共建关系",
                    "compared with the earlier ledger: stars are new organizations, "
                    "thick lines new ties"),
}

#: The report's own words (section titles, table headers): key → (中文, English).
REPORT_WORDS: dict[str, tuple[str, str]] = {
    "summary": ("概况", "Summary"), "charts": ("图表", "Charts"),
    "findings": ("主要发现", "Main findings"),
    "picture": ("共建关系网络全图", "The co-building network"),
    "picture_note": ("按区、街道、社区分组；只标注街道、社区、重点联结单位和孤岛",
                     "grouped by district, street and community; only streets, "
                     "communities, key bridging units and islands are named"),
    "interactive": ("共建关系网络（可交互）", "Co-building network (interactive)"),
    "islands": ("党建孤岛", "Party-building islands"),
    "bridges": ("关键联结单位", "Bridging units"),
    "clusters": ("跨区片区", "Cross-district clusters"),
    "plan": ("两新组织覆盖计划", "Coverage plan"), "network": ("共建关系网络", "Network"),
    "name": ("名称", "Name"), "district": ("所属区", "District"),
    "street": ("所属街道", "Street"), "why": ("说明", "Why"),
    "size": ("组织数", "Organizations"), "districts": ("涉及区", "Districts"),
    "ties": ("跨区关系", "Cross-district ties"), "members": ("成员", "Members"),
    "none": ("无", "None"), "more": ("等", "and more"), "cluster": ("片区", "Cluster"),
    "top": ("前 {0} 项", "top {0}"),
    "lists": ("三张清单", "The three lists"),
    "stale": ("久未认领的需求", "Needs left open"),
    "idle": ("闲置资源", "Idle resources"),
    "mending": ("可修补网络的最佳对接", "Best matches that mend the network"),
    "changes": ("变化", "Changes"),
    "changes_note": ("与上期台账在同一分析日期比较；同一组织可出现在多类变化中",
                     "compared with the earlier ledger on the same day; one organization "
                     "may appear under several kinds"),
    "count": ("（{0}）", " ({0})"),
    "changes_none": ("与上期相比没有变化", "Nothing changed since the earlier ledger"),
}


def words(table: Mapping[str, tuple[str, str]], lang: str) -> dict[str, str]:
    """``table`` in ``lang``: key → text."""
    return {k: pick(lang, zh, en) for k, (zh, en) in table.items()}
