"""The ledger tables of ``spec/ledgers.md``: file names, columns, headers and value types.

This is the input contract in code. Loaders match headers against it, templates are
written from it, and the graph's tables keep the same column names (the English aliases).

Examples
--------
>>> TABLES["party_orgs"].zh
'党组织'
>>> [c.name for c in TABLES["sites"].columns]
['name', 'kind', 'district', 'street']
>>> TABLES["party_orgs"].column("members").zh
'党员数'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gongjian import schema

__all__ = ["LIST_TABLES", "TABLES", "TABLE_ORDER", "Column", "Table"]

ValueType = Literal["text", "int", "number", "date", "choice", "list", "uscc", "personal"]


@dataclass(frozen=True)
class Column:
    """One column of a ledger table.

    ``name`` is the English alias, used as the column name everywhere in code;
    ``zh`` is the canonical Chinese header. ``choices`` names a table of
    :mod:`gongjian.schema` for ``choice`` columns.
    """

    name: str
    zh: str
    required: bool = False
    type: ValueType = "text"
    choices: str | None = None
    en: str = ""

    def header(self, lang: str = "zh") -> str:
        """The header people see: Chinese, or a readable English one."""
        return (self.en or self.name.replace("_", " ")) if lang == "en" else self.zh


@dataclass(frozen=True)
class Table:
    """One ledger table: its key, the file names that hold it, and its columns."""

    key: str
    zh: str
    en: str
    required: bool
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        """Return the column whose English name is ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def file_names(self) -> tuple[str, str]:
        """The two file names (without extension) that hold this table."""
        return (self.zh, self.key)


#: Choice columns name the schema table their values come from.
CHOICES: dict[str, dict[str, schema.Term]] = {
    "party_kind": schema.PARTY_KINDS,
    "level": schema.LEVELS,
    "field": schema.FIELDS,
    "status": schema.STATUSES,
    "relation_type": schema.RELATION_TYPES,
    "org_type": schema.ORG_TYPES,
    "coverage": schema.COVERAGE,
    "site_kind": schema.SITE_KINDS,
    "region_level": schema.REGION_LEVELS,
    "category": schema.CATEGORIES,
    "scope": schema.SCOPES,
    "need_status": schema.NEED_STATUSES,
    "project_status": schema.PROJECT_STATUSES,
    "activity_kind": schema.ACTIVITY_KINDS,
}

TABLES: dict[str, Table] = {
    t.key: t
    for t in (
        Table("party_orgs", "党组织", "Party organizations", True, (
            Column("id", "组织编码", True),
            Column("name", "组织名称", True),
            Column("kind", "组织类别", True, "choice", "party_kind"),
            Column("level", "组织层级", False, "choice", "level"),
            Column("field", "所属领域", False, "choice", "field"),
            Column("district", "所属区", True),
            Column("street", "所属街道"),
            Column("community", "所属社区"),
            Column("site", "所在楼宇园区"),
            Column("parent_id", "上级组织编码", en="parent id"),
            Column("system", "行业系统"),
            Column("members", "党员数", False, "int"),
            Column("secretary", "书记", False, "personal"),
            Column("phone", "联系电话", False, "personal"),
            Column("founded", "成立日期", False, "date"),
            Column("status", "状态", False, "choice", "status"),
        )),
        Table("relations", "共建关系", "co-building relations", True, (
            Column("source_id", "甲方编码", en="source id"),
            Column("source_name", "甲方名称", en="source name"),
            Column("target_id", "乙方编码", en="target id"),
            Column("target_name", "乙方名称", en="target name"),
            Column("type", "关系类型", True, "choice", "relation_type"),
            Column("start", "开始日期", False, "date"),
            Column("end", "结束日期", False, "date"),
            Column("reporting_members", "报到党员数", False, "int", en="reporting members"),
            Column("projects", "共建项目", False, "list"),
            Column("note", "备注"),
        )),
        Table("organizations", "两新组织", "new-economy and social organizations", False, (
            Column("uscc", "统一社会信用代码", True, "uscc", en="USCC"),
            Column("name", "名称", True),
            Column("type", "组织类型", True, "choice", "org_type"),
            Column("industry", "行业"),
            Column("district", "所属区", True),
            Column("street", "所属街道"),
            Column("community", "所属社区"),
            Column("site", "所在楼宇园区"),
            Column("employees", "从业人员数", False, "int"),
            Column("party_members", "党员数", False, "int", en="Party members"),
            Column("covering_org_id", "覆盖党组织编码", en="covering organization id"),
            Column("coverage", "覆盖方式", False, "choice", "coverage"),
        )),
        Table("sites", "楼宇园区", "sites", False, (
            Column("name", "名称", True),
            Column("kind", "类型", True, "choice", "site_kind"),
            Column("district", "所属区", True, "list"),
            Column("street", "所属街道", False, "list"),
        )),
        Table("regions", "区域", "regions", False, (
            Column("code", "区划代码", True),
            Column("name", "名称", True),
            Column("level", "层级", True, "choice", "region_level"),
            Column("parent_code", "上级代码", en="parent code"),
        )),
        # --- the three lists and the activity record (optional) ---
        Table("needs", "需求清单", "needs", False, (
            Column("id", "需求编号", True),
            Column("org_id", "提出组织编码", en="organization id"),
            Column("org_name", "提出组织名称", en="organization name"),
            Column("category", "类别", True, "choice", "category"),
            Column("description", "需求内容", True),
            Column("raised", "提出日期", False, "date"),
            Column("status", "状态", False, "choice", "need_status"),
        )),
        Table("resources", "资源清单", "resources", False, (
            Column("id", "资源编号", True),
            Column("org_id", "提供组织编码", en="organization id"),
            Column("org_name", "提供组织名称", en="organization name"),
            Column("category", "类别", True, "choice", "category"),
            Column("description", "资源内容", True),
            Column("quantity", "数量", False, "number"),
            Column("scope", "服务范围", False, "choice", "scope"),
            Column("until", "有效期至", False, "date"),
        )),
        Table("projects", "项目清单", "projects", False, (
            Column("id", "项目编号", True),
            Column("name", "项目名称", True),
            Column("lead_id", "牵头组织编码", en="lead id"),
            Column("lead_name", "牵头组织名称", en="lead name"),
            Column("participants", "参与组织", False, "list"),
            Column("need_ids", "对应需求", False, "list", en="need ids"),
            Column("resource_ids", "使用资源", False, "list", en="resource ids"),
            Column("start", "开始日期", False, "date"),
            Column("end", "结束日期", False, "date"),
            Column("status", "状态", False, "choice", "project_status"),
        )),
        Table("activities", "活动记录", "activities", False, (
            Column("date", "活动日期", True, "date"),
            Column("name", "活动名称", True),
            Column("kind", "活动类型", False, "choice", "activity_kind"),
            Column("participants", "参与组织", True, "list"),
            Column("project_id", "项目编号", en="project id"),
            Column("attendees", "参与人数", False, "int"),
        )),
    )
}

#: The optional tables of the three lists and the activity record, in file order.
LIST_TABLES: tuple[str, ...] = ("needs", "resources", "projects", "activities")

TABLE_ORDER: tuple[str, ...] = tuple(TABLES)
