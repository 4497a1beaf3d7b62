"""Write a result table for people or machines: terminal table, CSV, JSON or XLSX.

One function, :func:`write_frame`, serves every listing command (the shared
``--format table|csv|json|xlsx`` and ``-o FILE`` options). Column names in the frame are
stable English names; people see the Chinese (or English) headers given in ``labels``.
JSON keeps the English names and real lists; CSV and XLSX join lists with 、 and make
cells that begin with ``= + - @`` harmless, so a spreadsheet never runs a formula from a
ledger.

Examples
--------
>>> import pandas as pd, io
>>> df = pd.DataFrame({"id": ["a"], "name": ["=HYPERLINK(1)"], "ids": [["x", "y"]]})
>>> buf = io.StringIO()
>>> write_frame(df, fmt="json", stream=buf)
>>> buf.getvalue().strip()
'[{"id": "a", "name": "=HYPERLINK(1)", "ids": ["x", "y"]}]'
>>> buf = io.StringIO()
>>> write_frame(df, fmt="csv", stream=buf, labels={"name": ("名称", "name")})
>>> buf.getvalue().splitlines()[1]
"a,'=HYPERLINK(1),x、y"
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from gongjian.errors import GongjianError

__all__ = [
    "FORMATS",
    "Format",
    "display_width",
    "safe_cell",
    "to_jsonable",
    "write_frame",
    "write_sheets",
    "write_xlsx",
]

Format = Literal["table", "csv", "json", "xlsx"]
FORMATS: tuple[str, ...] = ("table", "csv", "json", "xlsx")
Labels = Mapping[str, tuple[str, str]]

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_LIST_SEP = "、"


def safe_cell(value: Any) -> Any:
    """Make a text cell harmless for a spreadsheet (no formula, no DDE).

    Examples
    --------
    >>> safe_cell("=1+1"), safe_cell("-3"), safe_cell(-3), safe_cell("正常")
    ("'=1+1", "'-3", -3, '正常')
    """
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def to_jsonable(value: Any) -> Any:
    """Turn a pandas/numpy cell into a JSON value (lists kept, missing → ``None``).

    Examples
    --------
    >>> to_jsonable(np.int64(3)), to_jsonable(float("nan")), to_jsonable(pd.Timestamp("2024-05-01"))
    (3, None, '2024-05-01')
    """
    if isinstance(value, (list, tuple, np.ndarray)):
        return [to_jsonable(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _json_column(series: pd.Series) -> list[Any]:
    """A column as JSON values, converted column-wise where the dtype allows it.

    Examples
    --------
    >>> _json_column(pd.Series([1, None], dtype="Int64"))
    [1, None]
    >>> _json_column(pd.Series(pd.to_datetime(["2024-05-01", None])))
    ['2024-05-01', None]
    """
    kind = series.dtype.kind
    if isinstance(series.dtype, pd.StringDtype):
        return series.to_numpy(dtype=object, na_value=None).tolist()
    if kind in "iub":
        values = series.astype(object).to_numpy(dtype=object)
        return [None if v is None or v is pd.NA or v != v else v for v in values.tolist()]
    if kind == "f":
        return [None if v != v else v for v in series.to_numpy(dtype=float).tolist()]
    if kind == "M" and (series.dropna() == series.dropna().dt.normalize()).all():
        text = series.dt.strftime("%Y-%m-%d")
        return [None if v is None or v != v else v for v in text.astype(object).tolist()]
    return [to_jsonable(v) for v in series]


def _csv_column(series: pd.Series) -> list[Any]:
    """A column as spreadsheet cells (:func:`_text` + :func:`safe_cell`), column-wise.

    Examples
    --------
    >>> _csv_column(pd.Series(["=1+1", None, "正常"], dtype="str"))
    ["'=1+1", '', '正常']
    """
    if isinstance(series.dtype, pd.StringDtype):
        text = series.fillna("")
        danger = text.str.startswith(_DANGEROUS).to_numpy(dtype=bool)
        values = text.to_numpy(dtype=object)
        values[danger] = ["'" + v for v in values[danger]]
        return values.tolist()
    if series.dtype == object and (texts := _joined_lists(series)) is not None:
        return [safe_cell(t) for t in texts]
    return [safe_cell(v) for v in (("" if v is None else v) for v in _json_column(series))] \
        if series.dtype.kind in "iufM" else [safe_cell(_text(v)) for v in series]


def _joined_lists(series: pd.Series) -> list[str] | None:
    """Every cell joined when the column holds only lists of text (the common case), else None."""
    values = series.to_numpy(dtype=object).tolist()
    if not all(type(v) is list for v in values):
        return None
    try:
        return [_LIST_SEP.join(v) for v in values]
    except TypeError:  # an item that is not text: the general path spells it
        return None


def _text(value: Any) -> Any:
    """A cell for CSV/XLSX/table: lists joined, missing empty, dates as ISO text."""
    value = to_jsonable(value)
    if isinstance(value, list):
        return _LIST_SEP.join("" if v is None else str(v) for v in value)
    return "" if value is None else value


def _headers(columns: list[str], labels: Labels | None, lang: str) -> list[str]:
    labels = labels or {}
    return [labels[c][1 if lang == "en" else 0] if c in labels else c for c in columns]


def display_width(text: str) -> int:
    """Columns a string takes on screen or in a spreadsheet (CJK counts double).

    Examples
    --------
    >>> display_width("玄武区ab")
    8
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_xlsx(df: pd.DataFrame, path: Path, *, labels: Labels | None = None, lang: str = "zh",
               sheet: str = "Sheet1") -> None:
    """Write ``df`` as an Excel sheet with headers, frozen header row, filters and widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    headers = _headers(list(df.columns), labels, lang)
    widths = [display_width(h) for h in headers]
    rows = []
    for row in df.itertuples(index=False, name=None):
        cells = [safe_cell(_text(v)) for v in row]
        for i, c in enumerate(cells[: len(widths)]):
            if len(rows) < 2000:
                widths[i] = max(widths[i], display_width(str(c)))
        rows.append(cells)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 6), 60)
    ws.freeze_panes = "A2"
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    from openpyxl.cell import WriteOnlyCell

    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FCE4D6")
        head.append(cell)
    ws.append(head)
    for cells in rows:
        ws.append(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)


def write_sheets(sheets: list[tuple[str, pd.DataFrame, Labels | None]], path: Path, *,
                 lang: str = "zh") -> Path:
    """Write several frames into one workbook, a sheet each: ``(sheet name, frame, labels)``.

    Each sheet is laid out as :func:`write_xlsx` does (headers in ``lang``, frozen header
    row, filters, widths, harmless cells); the file is written whole or not at all.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> path = Path(tempfile.mkdtemp()) / "分析结果.xlsx"
    >>> _ = write_sheets([("甲", pd.DataFrame({"n": [1]}), {"n": ("数量", "count")}),
    ...                   ("乙", pd.DataFrame({"m": ["=x"]}), None)], path)
    >>> wb = openpyxl.load_workbook(path)
    >>> wb.sheetnames, wb["甲"]["A1"].value, wb["乙"]["A2"].value
    (['甲', '乙'], '数量', "'=x")
    """
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, df, labels in sheets:
        _fill_sheet(wb.create_sheet(name[:31]), df, labels, lang)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return path


def _fill_sheet(ws, df: pd.DataFrame, labels: Labels | None, lang: str) -> None:
    """Headers, widths, frozen header row, filter and rows of one write-only sheet."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    headers = _headers(list(df.columns), labels, lang)
    widths = [display_width(h) for h in headers]
    columns = [_csv_column(df[c]) for c in df.columns]
    for i, col in enumerate(columns):
        for c in col[:2000]:
            widths[i] = max(widths[i], display_width(str(c)))
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 6), 60)
    ws.freeze_panes = "A2"
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(df) + 1}"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FCE4D6")
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font, cell.fill = bold, fill
        head.append(cell)
    ws.append(head)
    for row in zip(*columns, strict=True):
        ws.append(row)


def write_frame(df: pd.DataFrame, *, fmt: str = "table", output: Path | str | None = None,
                labels: Labels | None = None, lang: str = "zh", title: str | None = None,
                stream: IO[str] | None = None) -> None:
    """Write ``df`` in ``fmt`` to ``output`` (a file) or to ``stream`` (default stdout).

    ``labels`` maps column names to ``(Chinese header, English header)``. XLSX needs
    ``output``. Files are written whole or not at all (through a temporary file).

    Examples
    --------
    >>> import pandas as pd, io
    >>> buf = io.StringIO()
    >>> write_frame(pd.DataFrame({"n": [1]}), fmt="csv", stream=buf)
    >>> buf.getvalue().splitlines()
    ['n', '1']
    """
    if fmt not in FORMATS:
        raise GongjianError(f"未知的输出格式 {fmt!r}；可选 {'、'.join(FORMATS)} "
                            f"(unknown format; choose one of {', '.join(FORMATS)})")
    path = Path(output) if output is not None else None
    if fmt == "xlsx":
        if path is None:
            raise GongjianError("xlsx 格式要写入文件：请加 -o 文件名.xlsx "
                                "(xlsx needs an output file: add -o FILE.xlsx)")
        write_xlsx(df, path, labels=labels, lang=lang, sheet=title or "Sheet1")
        return
    buf = io.StringIO()
    if fmt == "json":
        buf.write(json.dumps(json_records(df), ensure_ascii=False,
                             indent=None if path is None else 1))
        buf.write("\n")
    elif fmt == "csv":
        headers = _headers(list(df.columns), labels, lang)
        out = pd.DataFrame({h: _csv_column(df[c])
                            for c, h in zip(df.columns, headers, strict=True)}, columns=headers)
        out.to_csv(buf, index=False, lineterminator="\n")
    else:
        _rich_table(df, buf if (path or stream) else None, labels, lang, title)
        if path is None and stream is None:
            return
    write_text(buf.getvalue(), path, encoding="utf-8-sig" if fmt == "csv" else "utf-8",
               stream=stream)


def json_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``df`` as JSON-ready dicts (column by column: fast on big frames).

    Examples
    --------
    >>> import pandas as pd
    >>> json_records(pd.DataFrame({"n": [1, None], "d": pd.to_datetime(["2025-06-30", None])},
    ...                           ).astype({"n": "Int64"}))
    [{'n': 1, 'd': '2025-06-30'}, {'n': None, 'd': None}]
    """
    names = [str(c) for c in df.columns]
    columns = [_json_column(df[c]) for c in df.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def write_text(text: str, path: Path | None, *, encoding: str = "utf-8",
               stream: IO[str] | None = None) -> None:
    """Write ``text`` to ``path`` whole or not at all (through ``NAME.part``), else to ``stream``.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> write_text("你好", None, stream=buf)
    >>> buf.getvalue()
    '你好'
    """
    if path is None:
        (stream or sys.stdout).write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding=encoding, newline="")
    tmp.replace(path)


def _rich_table(df: pd.DataFrame, stream: IO[str] | None, labels: Labels | None, lang: str,
                title: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for h in _headers(list(df.columns), labels, lang):
        table.add_column(str(h), overflow="fold")
    for row in df.itertuples(index=False, name=None):
        table.add_row(*(str(_text(v)) for v in row))
    console = Console(file=stream, highlight=False, markup=False)
    if not console.is_terminal:  # piped or captured: do not squeeze to 80 columns
        console.width = 200
    console.print(table)
