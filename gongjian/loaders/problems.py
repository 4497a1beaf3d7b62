"""Reason codes and their messages, and the files people work through: 问题清单 and rejects.

Every problem names the file, the row as a spreadsheet shows it, the column header as
written, the value, and a reason in Chinese (and English).

Examples
--------
>>> p = make("duplicate", "党组织.csv", "party_orgs", 9, "组织编码", "XW-001", first=3)
>>> p.text()
'党组织.csv 第9行 「组织编码」 值「XW-001」：与第3行重复'
>>> p.text("en")
"党组织.csv row 9 column '组织编码' value 'XW-001': duplicates row 3"
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from gongjian.loaders.ledger import PROBLEM_COLUMNS, Ledger, Problem
from gongjian.loaders.tables import TABLE_ORDER, TABLES
from gongjian.output import write_frame, write_xlsx

__all__ = [
    "MESSAGES",
    "REJECT_REASON",
    "REJECT_ROW",
    "SUMMARY_LABELS",
    "WARNINGS",
    "make",
    "problems_frame",
    "summary",
    "write_problems",
    "write_rejects",
]

#: Reason code → (Chinese message, English message); ``{name}`` fields come from ``make``.
MESSAGES: dict[str, tuple[str, str]] = {
    "missing_value": ("必填项为空", "a required value is missing"),
    "missing_end": ("{side}方编码和{side}方名称都为空", "both {side_en} id and name are empty"),
    "control_char": ("含有不可见的控制字符（如 NUL），请删除后重新保存",
                     "contains control characters (such as NUL)"),
    "extra_cells": ("这一行的单元格比表头多，可能多了逗号",
                    "the row has more cells than the header"),
    "bad_int": ("不是非负整数（应填写如 12）", "not a non-negative integer (e.g. 12)"),
    "bad_date": ("不是日期（可写 2023-05-01、2023/5/1、2023年5月1日 或 20230501）",
                 "not a date (e.g. 2023-05-01, 2023/5/1, 2023年5月1日, 20230501)"),
    "bad_choice": ("不是可选值，应为：{choices}", "not an accepted value; one of: {choices_en}"),
    "bad_uscc": ("统一社会信用代码应为18位数字或大写字母（不含 I、O、S、V、Z）",
                 "a credit code has 18 digits or capital letters (no I, O, S, V, Z)"),
    "bad_uscc_check": ("统一社会信用代码校验位不对（按 GB 32100-2015 应为「{expected}」），请核对",
                       "the check character is wrong (GB 32100-2015 gives '{expected}')"),
    "duplicate": ("与第{first}行重复", "duplicates row {first}"),
    "bad_number": ("不是非负数（应填写如 12 或 12.5）",
                   "not a non-negative number (e.g. 12 or 12.5)"),
    "missing_org": ("{side}编码和{side}名称都为空", "both the {side_en} id and name are empty"),
    "few_participants": ("参与组织少于两个（去重后只有{count}个），活动记录需要至少两个组织",
                         "fewer than two participating organizations ({count} after removing "
                         "repeats); an activity needs at least two"),
    "unknown_participant": ("参与组织「{entry}」在党组织表中既不是组织编码也不是组织名称；"
                            "最接近的：{suggest}",
                            "participant '{entry}' is neither an id nor a name of a Party "
                            "organization; closest: {suggest}"),
    "ambiguous_participant": ("有多个党组织叫「{entry}」（{candidates}），请改填组织编码",
                              "several Party organizations are named '{entry}' ({candidates}); "
                              "give the id"),
    "rejected_participant": ("参与组织「{entry}」在党组织表第{org_row}行，但该行有错误未载入；"
                             "请先改正那一行",
                             "participant '{entry}' is on row {org_row} of the Party "
                             "organizations, which was rejected; fix that row first"),
    "unknown_need": ("需求清单中没有需求编号「{entry}」", "no need has the id '{entry}'"),
    "unknown_resource": ("资源清单中没有资源编号「{entry}」", "no resource has the id '{entry}'"),
    "unknown_project": ("项目清单中没有这个项目编号，活动仍记录，但不关联项目",
                        "no project has this id; the activity is kept without its project"),
    "end_before_start": ("结束日期早于开始日期（{start}）", "ends before it starts ({start})"),
    "unknown_id": ("党组织表中没有这个组织编码", "no Party organization has this id"),
    "rejected_end": ("这个组织在党组织表第{org_row}行，但该行有错误未载入；请先改正那一行",
                     "this organization is on row {org_row} of the Party organizations, "
                     "which was rejected; fix that row first"),
    "unknown_name": ("党组织表中没有这个名称；最接近的：{suggest}",
                     "no Party organization has this name; closest: {suggest}"),
    "ambiguous_name": ("有多个党组织叫这个名称（{candidates}），请改填组织编码",
                       "several Party organizations have this name ({candidates}); give the id"),
    # warnings
    "name_mismatch": ("编码对应的党组织名称是「{actual}」，与所填名称不同；按编码处理",
                      "the id belongs to '{actual}'; the id is used"),
    "self_relation": ("甲乙双方是同一个组织", "both ends are the same organization"),
    "level_members": ("{level}只有{members}名党员，{advice}",
                      "a {level_en} with {members} members: {advice_en}"),
    "uncovered_members": ("有{members}名党员（3名以上）但未被覆盖，应单独组建党组织",
                          "{members} Party members (3 or more) but not covered: "
                          "it should form its own organization"),
    "coverage_host": ("覆盖方式为空但填写了覆盖党组织，按「依托组建」计",
                      "coverage is empty but a covering organization is given: counted as host"),
    "unknown_covering_org": ("党组织表中没有这个覆盖党组织编码，不建立覆盖关系",
                             "no Party organization has this id; the coverage link is dropped"),
    "rejected_covering_org": ("覆盖党组织在党组织表第{org_row}行，但该行有错误未载入，"
                              "暂不建立覆盖关系；请先改正那一行",
                              "the covering organization is on row {org_row} of the Party "
                              "organizations, which was rejected; the link is dropped"),
    "rejected_parent": ("上级组织在党组织表第{org_row}行，但该行有错误未载入，暂不建立隶属关系；"
                        "请先改正那一行",
                        "the superior is on row {org_row} of the Party organizations, which "
                        "was rejected; the link is dropped"),
    "unknown_parent": ("党组织表中没有这个上级组织编码，不建立隶属关系",
                       "no Party organization has this id; the link is dropped"),
    "self_parent": ("上级组织是它自己，不建立隶属关系",
                    "the organization is its own superior; the link is dropped"),
    "unknown_parent_code": ("区域表中没有这个上级代码", "no region has this code"),
}
WARNINGS = frozenset({"unknown_project",
                      "name_mismatch", "self_relation", "level_members", "uncovered_members",
                      "coverage_host", "unknown_covering_org", "unknown_parent",
                      "rejected_covering_org", "rejected_parent", "self_parent",
                      "unknown_parent_code"})
REJECT_ROW = "行号"
_VISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REJECT_REASON = "原因"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def make(code: str, file: str, table: str, row: int | None, column: str | None,
         value: object, **fields: object) -> Problem:
    """Build the :class:`Problem` for reason ``code`` (error or warning by its code)."""
    zh, en = MESSAGES[code]
    text = None if value is None or value is pd.NA or value != value else str(value)
    if text is not None:
        text = _VISIBLE.sub(lambda m: f"\\x{ord(m[0]):02x}", text)
    return Problem(file, table, None if row is None else int(row), column, text, code,
                   zh.format_map(_Blank(fields)), en.format_map(_Blank(fields)),
                   "warning" if code in WARNINGS else "error")


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a frame with :data:`PROBLEM_COLUMNS`, errors first, then by file and row.

    Examples
    --------
    >>> problems_frame([]).columns.tolist()[:3]
    ['severity', 'file', 'row']
    """
    rows = [p.as_dict() for p in problems]
    df = pd.DataFrame(rows, columns=[*PROBLEM_COLUMNS, "table"])
    if df.empty:
        return df.drop(columns="table")
    df["row"] = df["row"].astype("Int64")
    df["_order"] = df["severity"].ne("error")
    df["_table"] = df["table"].map({k: i for i, k in enumerate(TABLE_ORDER)})
    df = df.sort_values(["_order", "_table", "file", "row"], kind="stable", na_position="first")
    return df[list(PROBLEM_COLUMNS)].reset_index(drop=True)


def localized(df: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The problem frame with severities in words people read (错误/警告)."""
    df = df.copy()
    df["severity"] = df["severity"].map(
        {"error": "错误" if lang != "en" else "error",
         "warning": "警告" if lang != "en" else "warning"})
    return df


def write_problems(problems: Iterable[Problem], path: Path | str, *, lang: str = "zh") -> Path:
    """Write the problem list people work through (问题清单.xlsx), errors first.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = write_problems([], pathlib.Path(tempfile.mkdtemp()) / "问题清单.xlsx")
    >>> out.name
    '问题清单.xlsx'
    """
    path = Path(path)
    df = localized(problems_frame(problems), lang)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(df, path, labels=PROBLEM_COLUMNS, lang=lang,
                   sheet="问题清单" if lang != "en" else "problems")
    else:
        fmt = "json" if path.suffix.lower() == ".json" else "csv"
        write_frame(df, fmt=fmt, output=path, labels=PROBLEM_COLUMNS, lang=lang)
    return path


def write_rejects(ledger: Ledger, folder: Path | str) -> list[Path]:
    """Write the rejected rows of each table (raw cells, row number, reason) as UTF-8 BOM CSV.

    One file per table that has rejected rows: ``rejects/党组织_rejects.csv`` etc.
    Returns the files written.
    """
    folder = Path(folder)
    written = []
    for key in TABLE_ORDER:
        df = ledger.rejected.get(key)
        if df is None or df.empty:
            continue
        path = folder / f"{TABLES[key].zh}_rejects.csv"
        write_frame(df, fmt="csv", output=path)
        written.append(path)
    return written


#: Headers of :func:`summary`.
SUMMARY_LABELS: dict[str, tuple[str, str]] = {
    "table": ("台账表", "table"),
    "file": ("文件", "file"),
    "read": ("读取行数", "rows read"),
    "loaded": ("载入", "loaded"),
    "rejected": ("拒绝", "rejected"),
    "errors": ("错误", "errors"),
    "warnings": ("警告", "warnings"),
}


def summary(ledger: Ledger, *, lang: str = "zh") -> pd.DataFrame:
    """One line per table found: rows read, loaded, rejected, errors and warnings.

    Examples
    --------
    >>> summary(Ledger(Path("."))).columns.tolist()
    ['table', 'file', 'read', 'loaded', 'rejected', 'errors', 'warnings']
    """
    rows = []
    for key, path in ledger.files.items():
        loaded = len(ledger.table(key))
        rejected = len(ledger.rejected.get(key, ()))
        mine = [p for p in ledger.problems if p.table == key]
        rows.append({
            "table": TABLES[key].zh if lang != "en" else TABLES[key].en,
            "file": path.name, "read": loaded + rejected, "loaded": loaded,
            "rejected": rejected, "errors": sum(p.is_error for p in mine),
            "warnings": sum(not p.is_error for p in mine)})
    return pd.DataFrame(rows, columns=list(SUMMARY_LABELS))
