"""The one place that names node kinds, relation types, their labels and colours.

Everything that shows a kind to a person (pages, spreadsheets, reports, problems) or
writes one to a database (labels, relationship types) takes it from here. Ledger values
are matched against the Chinese and English aliases below; nothing from a ledger ever
becomes a label or a relationship type.

Examples
--------
>>> PARTY_KINDS["street"].zh
'街道党工委'
>>> canonical(PARTY_KIND_ALIASES, "社区大党委")
'community'
>>> RELATION_TYPES["dual_reporting"].cypher
'DUAL_REPORTING'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "ACTIVITY_KINDS",
    "ACTIVITY_KIND_ALIASES",
    "ACTIVITY_LABELS",
    "ACTIVITY_LINK_TYPES",
    "AXIS_KINDS",
    "CATEGORIES",
    "CATEGORY_ALIASES",
    "CHANGES",
    "COVERAGE",
    "COVERAGE_ALIASES",
    "CO_BUILDING_KINDS",
    "DEFAULT_SCOPE",
    "FIELDS",
    "FIELD_ALIASES",
    "ISLAND_REASONS",
    "LEVELS",
    "LEVEL_ALIASES",
    "LINK_TYPES",
    "LIST_LINK_TYPES",
    "LIST_NODE_LABELS",
    "MENDS",
    "NEED_STATUSES",
    "NEED_STATUS_ALIASES",
    "NODE_LABELS",
    "ORGANIZATIONAL_COVERAGE",
    "ORG_TYPES",
    "ORG_TYPE_ALIASES",
    "PARTY_KINDS",
    "PARTY_KIND_ALIASES",
    "PLANS",
    "PROJECT_STATUSES",
    "PROJECT_STATUS_ALIASES",
    "REGION_LEVELS",
    "REGION_LEVEL_ALIASES",
    "RELATION_TYPES",
    "RELATION_TYPE_ALIASES",
    "SCOPES",
    "SCOPE_ALIASES",
    "SITE_KINDS",
    "SITE_KIND_ALIASES",
    "STATUSES",
    "STATUS_ALIASES",
    "WORK_COVERAGE",
    "Term",
    "canonical",
    "fold",
    "label",
    "split_values",
]


@dataclass(frozen=True)
class Term:
    """A controlled value: its code, Chinese and English labels, colour and aliases.

    Examples
    --------
    >>> t = Term("park", "园区党组织", "park Party organization", aliases=("园区党委",))
    >>> t.label("en")
    'park Party organization'
    """

    code: str
    zh: str
    en: str
    color: str = "#7f8c8d"
    aliases: tuple[str, ...] = ()
    family: str = ""
    cypher: str = ""
    dashes: bool = False

    def label(self, lang: str = "zh") -> str:
        """Return the label in ``lang`` (``zh`` or ``en``)."""
        return self.en if lang == "en" else self.zh


def _table(*terms: Term) -> dict[str, Term]:
    return {t.code: t for t in terms}


def fold(text: str) -> str:
    """Trim and fold full-width ASCII and the ideographic space to half width.

    No other normalization is applied (the ledger spec forbids it for names).

    Examples
    --------
    >>> fold("　ＡＢＣ１２３ ")
    'ABC123'
    """
    out = []
    for ch in text:
        code = ord(ch)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out).strip()


def split_values(text: str | None) -> list[str]:
    """The values of a list typed by a person: split at ``,`` ``，`` or ``、``, trimmed.

    Examples
    --------
    >>> split_values("unit，行业党委、 grid,")
    ['unit', '行业党委', 'grid']
    >>> split_values(None)
    []
    """
    parts = fold(text or "").replace("、", ",").split(",")
    return [p.strip() for p in parts if p.strip()]


def _aliases(table: Mapping[str, Term]) -> dict[str, str]:
    """Map every accepted spelling (code, labels, aliases; case-folded) to the code."""
    out: dict[str, str] = {}
    for code, term in table.items():
        for spelling in (code, term.zh, term.en, *term.aliases):
            out[_key(spelling)] = code
    return out


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", fold(text)).casefold().replace(" ", "").replace("-", "_")


def canonical(aliases: Mapping[str, str], value: str) -> str | None:
    """Return the code an accepted spelling stands for, or ``None``.

    Examples
    --------
    >>> canonical(COVERAGE_ALIASES, "兜底管理")
    'fallback'
    >>> canonical(COVERAGE_ALIASES, "Fallback")
    'fallback'
    >>> canonical(COVERAGE_ALIASES, "别的") is None
    True
    """
    return aliases.get(_key(value))


def label(table: Mapping[str, Term], code: str | None, lang: str = "zh") -> str:
    """Return the display label of ``code`` in ``table``, or the code itself.

    Examples
    --------
    >>> label(RELATION_TYPES, "pairing")
    '结对共建'
    """
    if code is None:
        return ""
    term = table.get(code)
    return term.label(lang) if term else str(code)


# --- Party organizations -------------------------------------------------------------

PARTY_KINDS = _table(
    Term("street", "街道党工委", "street Party working committee", "#c0392b",
         ("街道党委", "街道大工委"), "community"),
    Term("community", "社区党组织", "community Party organization", "#e67e22",
         ("社区党委", "社区党总支", "社区党支部", "社区大党委"), "community"),
    Term("grid", "网格党组织", "grid Party organization", "#f0b27a",
         ("网格党支部", "小区党支部", "楼栋党小组"), "community"),
    Term("unit", "单位党组织", "unit Party organization", "#2e86c1",
         ("机关党组织", "事业单位党组织", "国有企业党组织", "驻区单位党组织"), "unit"),
    Term("industry", "行业党委", "industry Party committee", "#7d3c98",
         ("系统党委", "行业党组织"), "industry"),
    Term("building", "楼宇党组织", "building Party organization", "#138d75",
         ("楼宇党委",), "building_park"),
    Term("park", "园区党组织", "park Party organization", "#28b463",
         ("园区党委",), "building_park"),
    Term("business_district", "商圈党组织", "business district Party organization", "#b7950b",
         ("商圈党委", "市场党组织"), "building_park"),
    Term("new_economy", "两新组织党组织", "new-economy Party organization", "#17a589",
         ("非公企业党组织", "社会组织党组织"), "building_park"),
    Term("joint", "联合党支部", "joint Party branch", "#5d6d7e",
         ("联合党组织",), "building_park"),
    Term("temporary", "临时党组织", "temporary Party organization", "#95a5a6",
         ("临时党支部",), "any"),
)
PARTY_KIND_ALIASES = _aliases(PARTY_KINDS)

#: Kinds expected to co-build: an organization of these kinds with no tie is an island.
CO_BUILDING_KINDS: tuple[str, ...] = tuple(k for k in PARTY_KINDS if k not in ("grid", "temporary"))
#: The axis (轴心): a group with no path to one of these is cut off.
AXIS_KINDS: tuple[str, ...] = ("street", "community")

FAMILIES = _table(
    Term("community", "社区", "community"),
    Term("unit", "单位", "unit"),
    Term("industry", "行业", "industry"),
    Term("building_park", "楼宇园区", "building and park"),
    Term("any", "其他", "any"),
)

LEVELS = _table(
    Term("committee", "党委", "committee"),
    Term("general_branch", "党总支", "general branch", aliases=("党总支部",)),
    Term("branch", "党支部", "branch"),
    Term("group", "党小组", "group"),
)
LEVEL_ALIASES = _aliases(LEVELS)

STATUSES = _table(
    Term("active", "正常", "active"),
    Term("weak", "软弱涣散", "weak and lax"),
    Term("dissolved", "已撤销", "dissolved", aliases=("撤销",)),
)
STATUS_ALIASES = _aliases(STATUSES)

FIELDS = _table(
    Term("agency", "机关", "government agency"),
    Term("institution", "事业单位", "public institution"),
    Term("state_enterprise", "国有企业", "state enterprise", aliases=("国企",)),
    Term("private_enterprise", "非公有制企业", "private enterprise", aliases=("非公企业",)),
    Term("social_organization", "社会组织", "social organization"),
    Term("street_community", "街道社区", "street and community"),
    Term("other", "其他", "other"),
)
FIELD_ALIASES = _aliases(FIELDS)

# --- Relations -----------------------------------------------------------------------

RELATION_TYPES = _table(
    Term("agreement", "共建协议", "co-building agreement", "#c0392b",
         ("契约化共建",), cypher="AGREEMENT"),
    Term("pairing", "结对共建", "pairing", "#2874a6", ("结对",), cypher="PAIRING"),
    Term("dual_reporting", "双报到", "dual reporting", "#239b56", (), cypher="DUAL_REPORTING",
         dashes=True),
    Term("committee_seat", "兼职委员", "committee seat", "#884ea0",
         ("大党委兼职委员", "大工委兼职委员"), cypher="COMMITTEE_SEAT", dashes=True),
    Term("joint_meeting", "联席会议", "joint meeting", "#d68910",
         ("党建联盟", "毗邻党建", "联席会"), cypher="JOINT_MEETING"),
)
RELATION_TYPE_ALIASES = _aliases(RELATION_TYPES)

#: Vertical ties: not co-building.
LINK_TYPES = _table(
    Term("subordinate_to", "隶属", "subordinate to", "#aab7b8", cypher="SUBORDINATE_TO"),
    Term("located_in", "位于", "located in", "#d5d8dc", cypher="LOCATED_IN"),
    Term("guides", "行业指导", "guides (industry system)", "#a569bd", cypher="GUIDES"),
    Term("covers", "覆盖", "covers", "#48c9b0", cypher="COVERS"),
    Term("part_of", "下辖于", "part of", "#e5e8e8", cypher="PART_OF"),
)

NODE_LABELS = _table(
    Term("PartyOrg", "党组织", "Party organization", "#2e86c1", cypher="PartyOrg"),
    Term("Organization", "两新组织", "new-economy or social organization", "#7f8c8d",
         cypher="Organization"),
    Term("Site", "楼宇园区", "site", "#34495e", cypher="Site"),
    Term("Region", "区域", "region", "#bdc3c7", cypher="Region"),
)

# --- New-economy and social organizations --------------------------------------------

ORG_TYPES = _table(
    Term("private_firm", "非公企业", "private firm", "#7f8c8d",
         ("非公有制企业", "民营企业", "私营企业")),
    Term("social_org", "社会组织", "social organization", "#a6acaf"),
    Term("sole_trader", "个体工商户", "sole trader", "#cacfd2", ("个体户",)),
)
ORG_TYPE_ALIASES = _aliases(ORG_TYPES)

COVERAGE = _table(
    Term("own", "单独组建", "own organization", "#1e8449"),
    Term("joint", "联合组建", "joint branch", "#52be80"),
    Term("host", "依托组建", "host-based", "#82e0aa"),
    Term("fallback", "兜底管理", "fallback management", "#f4d03f"),
    Term("instructor", "党建指导员", "Party-building instructor", "#f5b041"),
    Term("none", "未覆盖", "not covered", "#e74c3c"),
)
COVERAGE_ALIASES = _aliases(COVERAGE)
ORGANIZATIONAL_COVERAGE: frozenset[str] = frozenset({"own", "joint", "host"})
WORK_COVERAGE: frozenset[str] = ORGANIZATIONAL_COVERAGE | {"fallback", "instructor"}

# --- Places --------------------------------------------------------------------------

SITE_KINDS = _table(
    Term("building", "楼宇", "building", "#138d75"),
    Term("park", "园区", "park", "#28b463"),
    Term("business_district", "商圈", "business district", "#b7950b"),
    Term("market", "市场", "market", "#ca6f1e"),
)
SITE_KIND_ALIASES = _aliases(SITE_KINDS)

REGION_LEVELS = _table(
    Term("district", "区", "district", "#bdc3c7", ("县", "县级市", "市辖区", "旗")),
    Term("street", "街道", "street", "#d0d3d4", ("镇", "乡", "苏木")),
    Term("community", "社区", "community", "#e5e7e9", ("村", "居委会", "村委会")),
)
REGION_LEVEL_ALIASES = _aliases(REGION_LEVELS)

# --- Analysis results (values the analyses write, shown to people through label()) ----

ISLAND_REASONS = _table(
    Term("isolated", "无共建关系", "no co-building tie", "#e74c3c"),
    Term("detached", "未连通街道社区", "cut off from the street/community axis", "#e67e22"),
    Term("dormant", "共建关系均已休眠", "every tie dormant (no shared activity or project)",
         "#a04000"),
)

#: Coverage plan for a 两新组织 (``queries.coverage_plan``).
PLANS = _table(
    Term("own_branch", "单独组建", "own branch", "#1e8449"),
    Term("joint_branch", "联合组建", "joint branch", "#52be80"),
    Term("instructor", "选派党建指导员", "Party-building instructor", "#f5b041"),
)


# --- The three lists and the activity record (三张清单与活动记录) -----------------------

#: Categories shared by needs (需求清单) and resources (资源清单).
CATEGORIES = _table(
    Term("venue", "场地", "venue", "#1f77b4", ("活动场地", "阵地")),
    Term("funding", "资金", "funding", "#ff7f0e", ("经费",)),
    Term("talent", "人才", "talent", "#2ca02c", ("专业人才",)),
    Term("volunteering", "志愿服务", "volunteering", "#d62728", ("志愿者",)),
    Term("professional", "专业服务", "professional services", "#9467bd",
         ("法律服务", "医疗服务", "技术服务")),
    Term("goods", "物资", "goods", "#8c564b"),
    Term("employment", "就业", "employment", "#e377c2", ("岗位",)),
    Term("culture", "文化", "culture", "#7f7f7f", ("文体",)),
    Term("other", "其他", "other", "#bcbd22"),
)
CATEGORY_ALIASES = _aliases(CATEGORIES)

#: How far a unit will serve (资源清单 服务范围), nearest first; also the proximity of a
#: match (同一社区 … 全市).
SCOPES = _table(
    Term("community", "本社区", "same community", "#1e8449", ("同一社区", "社区")),
    Term("street", "本街道", "same street", "#52be80", ("同一街道", "街道")),
    Term("district", "本区", "same district", "#f4d03f", ("同一区", "区")),
    Term("city", "全市", "city", "#e67e22", ("市", "同一市")),
)
SCOPE_ALIASES = _aliases(SCOPES)
#: The scope of a resource whose 服务范围 is empty.
DEFAULT_SCOPE = "street"

NEED_STATUSES = _table(
    Term("open", "待认领", "open", "#e74c3c", ("未认领", "待对接")),
    Term("claimed", "已认领", "claimed", "#f5b041", ("已对接",)),
    Term("done", "已完成", "done", "#1e8449", ("完成",)),
    Term("closed", "已关闭", "closed", "#95a5a6", ("关闭",)),
)
NEED_STATUS_ALIASES = _aliases(NEED_STATUSES)

PROJECT_STATUSES = _table(
    Term("planned", "计划", "planned", "#85c1e9", ("计划中", "筹备")),
    Term("active", "实施中", "active", "#1e8449", ("进行中", "在建")),
    Term("done", "已完成", "done", "#5d6d7e", ("完成", "已结项")),
    Term("stopped", "已终止", "stopped", "#95a5a6", ("终止",)),
)
PROJECT_STATUS_ALIASES = _aliases(PROJECT_STATUSES)

ACTIVITY_KINDS = _table(
    Term("joint_meeting", "联席会议", "joint meeting", "#d68910"),
    Term("joint_activity", "共建活动", "joint activity", "#2874a6"),
    Term("volunteering", "志愿服务", "volunteering", "#d62728"),
    Term("reporting_service", "报到服务", "reporting service", "#239b56"),
    Term("other", "其他", "other", "#7f8c8d"),
)
ACTIVITY_KIND_ALIASES = _aliases(ACTIVITY_KINDS)

#: Nodes of the three lists (kept beside :data:`NODE_LABELS`, in their own tables).
LIST_NODE_LABELS = _table(
    Term("Need", "需求", "need", "#e74c3c", cypher="Need"),
    Term("Resource", "资源", "resource", "#2e86c1", cypher="Resource"),
    Term("Project", "项目", "project", "#1e8449", cypher="Project"),
)

#: Ties of the three lists (table ``list_links``, laid out like ``links``).
LIST_LINK_TYPES = _table(
    Term("raised_by", "提出", "raised by", "#e74c3c", cypher="RAISED_BY"),
    Term("offered_by", "提供", "offered by", "#2e86c1", cypher="OFFERED_BY"),
    Term("led_by", "牵头", "led by", "#1e8449", cypher="LED_BY"),
    Term("joined_by", "参与", "joined by", "#52be80", cypher="JOINED_BY"),
    Term("answers", "对应需求", "answers", "#f5b041", cypher="ANSWERS"),
    Term("uses", "使用资源", "uses", "#85c1e9", cypher="USES"),
)

#: The activity record in a store (push, neo4j-admin): one ``Activity`` node per row of
#: 活动记录, keyed by a hash of the row (``key``).
ACTIVITY_LABELS = _table(
    Term("Activity", "活动", "activity", "#7d3c98", cypher="Activity"),
)

#: Ties of the activity record in a store: PartyOrg -[PARTICIPATED]-> Activity (one per
#: participant that is a Party organization of the ledger), Activity -[FOR_PROJECT]-> Project.
ACTIVITY_LINK_TYPES = _table(
    Term("participated", "参加活动", "took part in", "#af7ac5", cypher="PARTICIPATED"),
    Term("for_project", "属于项目", "for a project", "#d2b4de", cypher="FOR_PROJECT"),
)

#: What a suggested match would mend in the network (``queries.match``), in rank order.
MENDS = _table(
    Term("island", "结束孤岛", "gives an island its first tie", "#e74c3c"),
    Term("cut_off", "连通轴心", "reconnects a group cut off from the axis", "#e67e22"),
    Term("cross_district", "跨区联结", "joins two districts", "#8e44ad"),
)


#: Kinds of change between two analyses (``queries.diff``), in the order they are listed.
CHANGES = _table(
    Term("org_new", "新增组织", "new organization", "#1e8449"),
    Term("org_dissolved", "撤销组织", "dissolved organization", "#c0392b"),
    Term("tie_new", "新增共建关系", "new tie", "#2ecc71"),
    Term("tie_ended", "终止共建关系", "ended tie", "#e67e22"),
    Term("island_new", "新增党建孤岛", "new island", "#e74c3c"),
    Term("island_resolved", "孤岛已消除", "island resolved", "#52be80"),
    Term("bridge_new", "新增关键节点", "new bridging unit", "#f1c40f"),
    Term("bridge_lost", "不再是关键节点", "no longer a bridging unit", "#aab7b8"),
    Term("cluster_new", "新形成跨区片区", "new cross-district cluster", "#8e44ad"),
    Term("cluster_gone", "跨区片区解散", "cross-district cluster gone", "#7f8c8d"),
    Term("coverage_change", "覆盖率变化", "coverage rate changed", "#17a589"),
)


@dataclass(frozen=True)
class Palette:
    """Colours for things that are not kinds: analysis marks on pages and charts."""

    island: str = "#e74c3c"
    bridge: str = "#f1c40f"
    cross_district: str = "#8e44ad"
    inactive: str = "#cccccc"
    dormant: str = "#a04000"


PALETTE = Palette()
