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

import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

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
    "CsvAppender",
    "make",
    "problems_frame",
    "rejects_file",
    "row_counts",
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


def rejects_file(key: str) -> str:
    """The name of the file of table ``key``'s rejected rows.

    Examples
    --------
    >>> rejects_file("party_orgs")
    '党组织_rejects.csv'
    """
    return f"{TABLES[key].zh}_rejects.csv"


class CsvAppender:
    """CSV files written a part at a time, as :func:`~gongjian.output.write_frame` writes
    one whole (UTF-8 with BOM, the header once): for rows that come in chunks.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.csv"
    >>> with CsvAppender() as out:
    ...     out.append(path, pd.DataFrame({"n": [1]}))
    ...     out.append(path, pd.DataFrame({"n": [2]}))
    >>> path.read_text(encoding="utf-8-sig").splitlines()
    ['n', '1', '2']
    """

    def __init__(self) -> None:
        self.handles: dict[Path, IO[str]] = {}

    @property
    def paths(self) -> list[Path]:
        """The files written so far, in the order they were begun."""
        return list(self.handles)

    def append(self, path: Path, df: pd.DataFrame, labels: Any = None,
               lang: str = "zh") -> None:
        """Append the rows of ``df`` to ``path`` (begun, with its header, at the first call)."""
        text = _csv_text(df, labels, lang)
        handle = self.handles.get(path)
        if handle is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.handles[path] = open(path, "w", encoding="utf-8-sig",  # noqa: SIM115
                                               newline="")
        else:
            head = _csv_text(df.iloc[:0], labels, lang)
            text = text[len(head):] if text.startswith(head) else text.split("\n", 1)[1]
        handle.write(text)

    def close(self) -> None:
        """Close every file."""
        for handle in self.handles.values():
            handle.close()

    def __enter__(self) -> CsvAppender:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _csv_text(df: pd.DataFrame, labels: Any, lang: str) -> str:
    buf = io.StringIO()
    write_frame(df, fmt="csv", labels=labels, lang=lang, stream=buf)
    return buf.getvalue()


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
        path = folder / rejects_file(key)
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
    read = {key: len(ledger.table(key)) + len(ledger.rejected.get(key, ()))
            for key in ledger.files}
    rejected = {key: len(ledger.rejected.get(key, ())) for key in ledger.files}
    return row_counts(ledger.files, read, rejected, ledger.problems, lang=lang)


def row_counts(files: Mapping[str, Path], read: Mapping[str, int],
               rejected: Mapping[str, int], problems: Iterable[Problem], *,
               lang: str = "zh") -> pd.DataFrame:
    """:func:`table_counts` from counts of rows read and rejected per table (a ledger read
    in chunks), one line per table of ``files``.

    Examples
    --------
    >>> row_counts({"party_orgs": Path("党组织.csv")}, {"party_orgs": 3},
    ...            {"party_orgs": 1}, []).to_dict("records")[0]["loaded"]
    2
    """
    errors: dict[str, int] = {}
    warnings: dict[str, int] = {}
    for p in problems:
        tally = errors if p.is_error else warnings
        tally[p.table] = tally.get(p.table, 0) + 1
    rows = []
    for key, path in files.items():
        n, bad = read.get(key, 0), rejected.get(key, 0)
        rows.append({
            "table": TABLES[key].zh if lang != "en" else TABLES[key].en,
            "file": path.name, "read": n, "loaded": n - bad, "rejected": bad,
            "errors": errors.get(key, 0), "warnings": warnings.get(key, 0)})
    return pd.DataFrame(rows, columns=list(TABLE_COUNT_LABELS))
