"""The Cypher report library: ``queries/cypher/NAME.cypher`` files, listed and run on a store.

Each file starts with a comment block::

    // @name isolated_organizations
    // @title 无共建关系的党组织（党建孤岛）
    // @title_en Party organizations with no active co-building tie
    // @description 一段说明 (one line)
    // @param as_of date today 分析日期 Analysis date
    // @param kinds list schema:CO_BUILDING_KINDS 应当共建的组织类别

``@param NAME TYPE DEFAULT DESCRIPTION``: TYPE is ``date``, ``int``, ``float``, ``text``,
``bool`` or ``list`` (comma-separated text); DEFAULT is a value, ``today`` (the runner fills in
today's date, as ``YYYY-MM-DD`` text; stored dates are ``DATE`` values, and a report compares
them as ``toString(r.end) >= $as_of``, which is right on both engines for any dates —
FalkorDB 4.16 orders two DATE values more than about 68 years apart the wrong way round),
``schema:NAME`` (a constant of :mod:`gongjian.schema`, so kinds are never re-listed) or ``-``
(required). A file may hold several statements, each ending with ``;`` at the end of a line;
the rows of the one after a ``// @result`` line (else of the last) are the report, and the
statements after it run even when it fails (clean-up).

Dialects: ``NAME.cypher`` runs on both engines; ``NAME.falkordb.cypher`` or
``NAME.neo4j.cypher`` beside it replaces it on that engine; ``NAME.gds.cypher`` is the
Neo4j Graph Data Science version for scale (``gds=True``). A report may exist only in some
variants.

A folder of the user's own reports (``folder=``) holds ``NAME.cypher`` files only: names
match ``^[A-Za-z0-9_\\-一-龥]+\\.cypher$``, symbolic links are refused, nothing outside the
folder is read. The comment block is optional there; parameters used as ``$name`` without a
``@param`` line are text (``as_of`` is a date defaulting to today).

Examples
--------
>>> [r.name for r in list_reports()][:3]
['agreements_ending', 'bridging_units', 'community_ties']
>>> report = get_report("agreements_ending")
>>> report.params["days"].parse("30"), report.title
(30, '即将到期的共建协议')
>>> from gongjian.graph.model import KnowledgeGraph
>>> from gongjian.stores.push import push
>>> from gongjian.stores.store import open_store
>>> kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
...     {"id": ["a"], "name": ["甲"], "kind": ["community"], "district": ["玄武区"]}))
>>> with open_store("embedded") as store:
...     _ = push(kg, store, progress=False)
...     run_report("isolated_organizations", store, {"as_of": "2025-06-30"})["id"].tolist()
['a']
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from gongjian import schema
from gongjian.errors import ReportError, StoreError

if TYPE_CHECKING:
    from gongjian.stores.store import Store

__all__ = [
    "PARAM_TYPES",
    "USER_FILE",
    "Report",
    "ReportParam",
    "get_report",
    "library_folder",
    "list_reports",
    "report_for_people",
    "reports_frame",
    "run_report",
    "split_statements",
]

PARAM_TYPES: tuple[str, ...] = ("date", "int", "float", "text", "bool", "list")
VARIANTS: tuple[str, ...] = ("falkordb", "neo4j", "gds")
#: A file name allowed in a user's report folder.
USER_FILE = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fa5]+\.cypher$")
_LIBRARY_FILE = re.compile(r"^([A-Za-z0-9_]+)(?:\.(falkordb|neo4j|gds))?\.cypher$")
_TAG = re.compile(r"^\s*//\s*@(\w+)\s*(.*?)\s*$")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_TRUE = {"1", "true", "yes", "y", "是", "真"}
_FALSE = {"0", "false", "no", "n", "否", "假"}


def library_folder() -> Path:
    """The folder of the built-in reports (``gongjian/queries/cypher``)."""
    return Path(str(resources.files("gongjian.queries") / "cypher"))


@dataclass(frozen=True)
class ReportParam:
    """A declared report parameter: name, type, default (as written) and description."""

    name: str
    type: str = "text"
    default: str = "-"
    description: str = ""

    def parse(self, text: str) -> Any:
        """Turn ``--param NAME=text`` into a value of the declared type.

        Examples
        --------
        >>> ReportParam("as_of", "date").parse("2025/6/30")
        '2025-06-30'
        >>> ReportParam("kinds", "list").parse("street, community")
        ['street', 'community']
        """
        text = text.strip()
        try:
            if self.type == "date":
                from gongjian.loaders.values import parse_date

                day = parse_date(text)
                if day is None:
                    raise ValueError(text)
                return day.isoformat()
            if self.type == "int":
                return int(text)
            if self.type == "float":
                return float(text)
            if self.type == "bool":
                if text.lower() in _TRUE:
                    return True
                if text.lower() in _FALSE:
                    return False
                raise ValueError(text)
            if self.type == "list":
                return [item.strip() for item in re.split(r"[,，、]", text) if item.strip()]
        except (ValueError, TypeError, ImportError) as err:
            raise ReportError(f"参数 {self.name} 应为 {self.type}，收到「{text}」"
                              f"(parameter {self.name} expects {self.type}, got {text!r})"
                              ) from err
        return text

    def default_value(self) -> Any:
        """The default as a value: ``today`` → today's date, ``schema:X`` → that constant."""
        if self.default == "-":
            raise ReportError(f"缺少参数 missing parameter: --param {self.name}=…")
        if self.default in ("today", "今天"):
            return dt.date.today().isoformat()
        if self.default.startswith("schema:"):
            value = getattr(schema, self.default[len("schema:"):], None)
            if value is None:
                raise ReportError(f"未知的默认值 unknown default {self.default!r} "
                                  f"(parameter {self.name})")
            return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        return self.parse(self.default)


@dataclass
class Report:
    """One report: its header and the files of its variants (``""`` = common)."""

    name: str
    title: str = ""
    title_en: str = ""
    description: str = ""
    params: dict[str, ReportParam] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)

    def file_for(self, dialect: str, *, gds: bool = False) -> Path:
        """The file to run on ``dialect`` (``neo4j``/``falkordb``), GDS version if asked."""
        if gds:
            if dialect != "neo4j":
                raise ReportError(f"报表 {self.name} 的 GDS 版只能在 Neo4j (装有 GDS) 上运行 "
                                  "(the GDS version needs Neo4j with Graph Data Science)")
            choice = self.files.get("gds")
        else:
            choice = self.files.get(dialect) or self.files.get("")
        if choice is None:
            have = ", ".join(v or "common" for v in self.files)
            raise ReportError(f"报表 {self.name} 没有适用于 {dialect}{' GDS' if gds else ''} 的版本"
                              f"（现有 {have}）(no version of this report for {dialect})")
        return choice

    def values(self, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Parameter values: ``given`` (text parsed by type) over the defaults."""
        given = dict(given or {})
        unknown = sorted(set(given) - set(self.params))
        if unknown:
            known = "、".join(self.params) or "无 none"
            raise ReportError(f"报表 {self.name} 没有参数 {'、'.join(unknown)}；可用参数：{known} "
                              f"(unknown parameter)")
        out = {}
        for name, param in self.params.items():
            if name in given:
                value = given[name]
                out[name] = param.parse(value) if isinstance(value, str) else value
            else:
                out[name] = param.default_value()
        return out


def _read_header(path: Path, report: Report) -> str:
    text = path.read_text(encoding="utf-8-sig")
    for line in text.splitlines():
        match = _TAG.match(line)
        if not match:
            continue
        tag, value = match.groups()
        if tag == "title" and not report.title:
            report.title = value
        elif tag == "title_en" and not report.title_en:
            report.title_en = value
        elif tag == "description" and not report.description:
            report.description = value
        elif tag == "param":
            parts = value.split(None, 3)
            if not parts:
                continue
            kind = parts[1] if len(parts) > 1 else "text"
            if kind not in PARAM_TYPES:
                raise ReportError(f"{path.name}：参数 {parts[0]} 的类型 {kind!r} 无效，应为 "
                                  f"{'/'.join(PARAM_TYPES)} (bad parameter type)")
            report.params.setdefault(parts[0], ReportParam(
                parts[0], kind, parts[2] if len(parts) > 2 else "-",
                parts[3] if len(parts) > 3 else ""))
    return text


def _user_reports(folder: Path) -> dict[str, Report]:
    root = Path(folder)
    if not root.is_dir():
        raise ReportError(f"报表目录不存在 report folder not found: {root}")
    root = root.resolve()
    reports: dict[str, Report] = {}
    for path in sorted(root.iterdir()):
        if not USER_FILE.match(path.name) or path.is_symlink() or not path.is_file() \
                or path.resolve().parent != root:
            continue
        name = path.name[: -len(".cypher")]
        report = Report(name, files={"": path})
        text = _read_header(path, report)
        for used in _PARAM_USE.findall(_strip_comments(text)):
            if used not in report.params:
                report.params[used] = ReportParam(used, "date", "today") if used == "as_of" \
                    else ReportParam(used, "text")
        report.title = report.title or name
        reports[name] = report
    return reports


def _library_reports() -> dict[str, Report]:
    reports: dict[str, Report] = {}
    for path in sorted(library_folder().iterdir()):
        match = _LIBRARY_FILE.match(path.name)
        if not match:
            continue
        name, variant = match.group(1), match.group(2) or ""
        report = reports.setdefault(name, Report(name))
        report.files[variant] = path
    for report in reports.values():
        # the common file's header first, then the variants' (for reports without one)
        for variant in ("", *VARIANTS):
            if variant in report.files:
                _read_header(report.files[variant], report)
    return reports


def _reports(folder: str | Path | None) -> dict[str, Report]:
    return _user_reports(Path(folder)) if folder is not None else _library_reports()


def list_reports(folder: str | Path | None = None) -> list[Report]:
    """The built-in reports, or those in a user's ``folder``, sorted by name.

    Examples
    --------
    >>> "isolated_organizations" in [r.name for r in list_reports()]
    True
    """
    return [r for _, r in sorted(_reports(folder).items())]


def get_report(name: str, folder: str | Path | None = None) -> Report:
    """The report called ``name``; :class:`ReportError` listing the known ones otherwise."""
    reports = _reports(folder)
    if name not in reports:
        raise ReportError(f"没有名为 {name!r} 的报表；可用：{'、'.join(sorted(reports)) or '无'} "
                          "(unknown report; see `gongjian cypher list`)")
    return reports[name]


def reports_frame(reports: list[Report], lang: str = "zh") -> pd.DataFrame:
    """Reports as a table: name, title, description, parameters (list of dicts), variants."""
    return pd.DataFrame(
        [{"name": r.name,
          "title": r.title_en if lang == "en" and r.title_en else r.title,
          "description": r.description,
          "parameters": [{"name": p.name, "type": p.type, "default": p.default,
                          "description": p.description} for p in r.params.values()],
          "variants": [v or "common" for v in r.files]}
         for r in reports],
        columns=["name", "title", "description", "parameters", "variants"])


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def _chunks(text: str) -> list[str]:
    """``text`` cut at every ``;`` outside quotes, backticks and comments."""
    chunks, start, i, n = [], 0, 0, len(text)
    quote = None
    while i < n:
        c = text[i]
        if quote:
            if c == "\\" and quote != "`":
                i += 1
            elif c == quote:
                quote = None
        elif c in "'\"`":
            quote = c
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        elif c == ";":
            chunks.append(text[start:i])
            start = i + 1
        i += 1
    chunks.append(text[start:])
    return chunks


def split_statements(text: str) -> tuple[list[str], int]:
    """Statements of a report file and the index of the result statement.

    Examples
    --------
    >>> split_statements("CREATE (n);\\n// @result\\nMATCH (n) RETURN n;\\nMATCH (n) DELETE n")
    (['CREATE (n)', 'MATCH (n) RETURN n', 'MATCH (n) DELETE n'], 1)
    >>> split_statements("MATCH (n) DETACH DELETE n; RETURN ';' AS x // a; b")
    (['MATCH (n) DETACH DELETE n', "RETURN ';' AS x // a; b"], 1)
    """
    statements, result = [], None
    for chunk in _chunks(text):
        if re.search(r"^\s*//\s*@result\b", chunk, re.MULTILINE):
            result = len(statements)
        body = _strip_comments(chunk).strip()
        if body:
            statements.append(body)
    if not statements:
        raise ReportError("报表文件里没有查询语句 (the report file has no statement)")
    return statements, result if result is not None and result < len(statements) \
        else len(statements) - 1


def run_report(name: str, store: Store, params: Mapping[str, Any] | None = None, *,
               folder: str | Path | None = None, gds: bool = False) -> pd.DataFrame:
    """Run report ``name`` on ``store``; the rows as a DataFrame (columns as returned).

    Parameters
    ----------
    name
        A report of :func:`list_reports` (of ``folder`` when given).
    store
        From :func:`gongjian.stores.store.open_store`.
    params
        Values by name: text (as from ``--param k=v``, parsed by the declared type) or
        values; missing ones take their defaults (``as_of`` → today).
    folder
        A folder of the user's own ``.cypher`` reports instead of the built-in library.
    gds
        Run the Neo4j Graph Data Science version.

    Examples
    --------
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> from gongjian.stores.push import push
    >>> from gongjian.stores.store import open_store
    >>> kg = KnowledgeGraph.from_frames(
    ...     party_orgs=pd.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"],
    ...                              "kind": ["unit", "community"], "district": ["玄武区"] * 2}),
    ...     relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "type": ["agreement"],
    ...                             "end": pd.to_datetime(["2099-12-31"])}))
    >>> with open_store("embedded") as store:
    ...     _ = push(kg, store, progress=False)
    ...     run_report("agreements_ending", store, {"as_of": "2099-12-01", "days": "30"})[
    ...         ["source_id", "end"]].values.tolist()
    [['a', '2099-12-31']]
    """
    report = get_report(name, folder)
    values = report.values(params)
    path = report.file_for(store.dialect, gds=gds)
    statements, result_at = split_statements(path.read_text(encoding="utf-8-sig"))
    # a user's report only reads, every statement of it; the library's single statements
    # too (its multi-statement files make and drop temporary projections)
    read_only = folder is not None or len(statements) == 1

    def run(i: int) -> tuple[list[str], list[list[Any]]]:
        try:
            return store.table(statements[i], values, read_only=read_only)
        except StoreError as err:
            if folder is not None and len(statements) > 1:
                raise ReportError(f"报表 {name} 第 {i + 1} 条语句 (statement {i + 1}): "
                                  f"{err}") from err
            raise

    keys: list[str] = []
    rows: list[list[Any]] = []
    try:
        for i in range(result_at + 1):
            if i == result_at:
                keys, rows = run(i)
            else:
                run(i)
    except BaseException:
        for i in range(result_at + 1, len(statements)):  # clean up, keep the first error
            with contextlib.suppress(Exception):
                run(i)
        raise
    for i in range(result_at + 1, len(statements)):
        run(i)
    return pd.DataFrame(rows, columns=keys)


#: Column → (中文表头, English header) of :func:`reports_frame` (``gongjian cypher list``).
REPORT_LIST_LABELS: dict[str, tuple[str, str]] = {
    "name": ("名称", "name"), "title": ("标题", "title"),
    "description": ("说明", "description"), "parameters": ("参数", "parameters"),
    "variants": ("版本", "variants"),
}

#: Headers people see for the columns the library's reports return: (中文, English).
REPORT_LABELS: dict[str, tuple[str, str]] = {
    "id": ("组织编码", "id"),
    "name": ("名称", "name"),
    "kind": ("组织类别", "kind"),
    "type": ("组织类型", "type"),
    "site_kind": ("楼宇园区类型", "site kind"),
    "districts": ("涉及的区", "districts"),
    "district_a": ("区甲", "district A"),
    "district_b": ("区乙", "district B"),
    "district_count": ("涉及区数", "districts reached"),
    "group": ("群组", "group"),
    "size": ("群组规模", "group size"),
    "ties": ("共建关系数", "ties"),
    "partners": ("共建对象", "partners"),
    "partner_ids": ("共建对象编码", "partner ids"),
    "units": ("报到单位数", "units reported"),
    "members_reported": ("报到党员数", "members reported"),
    "organizations": ("组织数", "organizations"),
    "organizational": ("组织覆盖数", "organizationally covered"),
    "work": ("工作覆盖数", "work covered"),
    "organizational_rate": ("组织覆盖率", "organizational coverage rate"),
    "work_rate": ("工作覆盖率", "work coverage rate"),
    "relation_type": ("关系类型", "relation type"),
    "last_evidence": ("最近一次共同活动或项目", "last shared activity or project"),
    "days_since": ("距今天数", "days since"),
    "stale": ("久拖未决", "stale"),
    "need_id": ("需求编号", "need id"),
    "need_org": ("提出组织编码", "need organization"),
    "resource_id": ("资源编号", "resource id"),
    "resource_org": ("提供组织编码", "resource organization"),
    "proximity": ("距离", "proximity"),
    "org_id": ("组织编码", "organization id"),
    "org_name": ("组织名称", "organization name"),
}


def _ledger_labels() -> dict[str, tuple[str, str]]:
    from gongjian.loaders.tables import TABLES

    out: dict[str, tuple[str, str]] = {}
    for table in TABLES.values():
        for col in table.columns:
            out.setdefault(col.name, (col.zh, col.header("en")))
    return out


#: Columns whose values are codes of a schema table, shown as their labels to people.
_VALUE_LABELS = {"kind": schema.PARTY_KINDS, "site_kind": schema.SITE_KINDS,
                 "type": schema.ORG_TYPES, "status": schema.STATUSES,
                 "relation_type": schema.RELATION_TYPES, "category": schema.CATEGORIES,
                 "proximity": schema.SCOPES, "scope": schema.SCOPES}


def report_for_people(df: pd.DataFrame, lang: str = "zh"
                      ) -> tuple[pd.DataFrame, dict[str, tuple[str, str]]]:
    """Codes shown as labels, and the headers to show, for a report's rows.

    Columns the library does not know keep their own name as header.

    Examples
    --------
    >>> df, labels = report_for_people(pd.DataFrame({"id": ["a"], "kind": ["street"]}))
    >>> df["kind"].tolist(), labels["kind"][0]
    (['街道党工委'], '组织类别')
    """
    out = df.copy()
    for column, table in _VALUE_LABELS.items():
        if column in out.columns:
            out[column] = [schema.label(table, v, lang) if isinstance(v, str) else v
                           for v in out[column]]
    return out, {**_ledger_labels(), **REPORT_LABELS}
