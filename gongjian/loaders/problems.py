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

from gongjian.loaders.labels import MESSAGES, PROBLEM_COLUMNS, TABLE_COUNT_LABELS
from gongjian.loaders.ledger import Ledger, Problem
from gongjian.loaders.tables import TABLE_ORDER, TABLES
from gongjian.output import write_frame, write_xlsx

__all__ = [
    "REJECT_REASON",
    "REJECT_ROW",
    "REJECT_SHEET",
    "WARNINGS",
    "make",
    "problems_frame",
    "table_counts",
    "write_problems",
    "write_rejects",
]

WARNINGS = frozenset({"unknown_project",
                      "skipped_total", "skipped_note", "skipped_unit", "skipped_eof",
                      "hidden_sheet", "foreign_sheet", "other_sheet", "stray_cell",
                      "name_mismatch", "self_relation", "level_members", "uncovered_members",
                      "coverage_host", "unknown_covering_org", "unknown_parent",
                      "rejected_covering_org", "rejected_parent", "self_parent",
                      "unknown_parent_code"})
REJECT_ROW = "行号"
_VISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Longest value a problem repeats (a longer one is cut, with its length).
VALUE_SHOWN = 200
REJECT_REASON = "原因"
REJECT_SHEET = "工作表"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def make(code: str, file: str, table: str, row: int | None, column: str | None,
         value: object, *, sheet: str | None = None, **fields: object) -> Problem:
    """Build the :class:`Problem` for reason ``code`` (error or warning by its code).

    Control characters in the value are shown escaped (``\\x00``, ``\\x9b``); a value
    longer than :data:`VALUE_SHOWN` characters is cut, with its length.

    Examples
    --------
    >>> p = make("too_long", "a.csv", "party_orgs", 2, "组织名称", "长" * 300,
    ...          length=300, limit=10_000)
    >>> p.value[-13:], p.message
    ('长…（共 300 个字符）', '文字太长（300 个字符，上限 10,000），请核对')
    >>> print(make("control_char", "a.csv", "party_orgs", 2, "组织名称", "甲" + chr(0x9b)).value)
    甲\\x9b
    """
    zh, en = MESSAGES[code]
    text = None if value is None or value is pd.NA or value != value else str(value)
    if text is not None:
        if len(text) > VALUE_SHOWN:
            text = f"{text[:VALUE_SHOWN]}…（共 {len(text):,} 个字符）"
        text = _VISIBLE.sub(lambda m: f"\\x{ord(m[0]):02x}", text)
    return Problem(file, table, None if row is None else int(row), column, text, code,
                   zh.format_map(_Blank(fields)), en.format_map(_Blank(fields)),
                   "warning" if code in WARNINGS else "error", sheet)


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


def table_counts(ledger: Ledger, *, lang: str = "zh") -> pd.DataFrame:
    """One line per table found: rows read, loaded, rejected, errors and warnings.

    Examples
    --------
    >>> table_counts(Ledger(Path("."))).columns.tolist()
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
    return pd.DataFrame(rows, columns=list(TABLE_COUNT_LABELS))
