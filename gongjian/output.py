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
import re
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

    Each sheet looks as :func:`write_xlsx` makes it (headers in ``lang``, bold on a tinted
    fill, frozen header row, filters, column widths, harmless cells), but the sheets are
    written straight as SpreadsheetML, column by column, about 20 times faster than
    openpyxl: a workbook of a city's analyses (a million cells) takes seconds, not minutes.
    The file is written whole or not at all.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> path = Path(tempfile.mkdtemp()) / "分析结果.xlsx"
    >>> _ = write_sheets([("甲", pd.DataFrame({"n": [1, None]}, dtype="Int64"),
    ...                    {"n": ("数量", "count")}),
    ...                   ("乙", pd.DataFrame({"m": ["=x", "a<b&c" + chr(1)]}), None)], path)
    >>> wb = openpyxl.load_workbook(path)
    >>> wb.sheetnames, [c.value for c in wb["甲"]["A"]], [c.value for c in wb["乙"]["A"]]
    (['甲', '乙'], ['数量', 1], ['m', "'=x", 'a<b&c'])
    >>> wb["甲"].freeze_panes, wb["甲"]["A1"].font.b
    ('A2', True)
    """
    import zipfile

    path = Path(path)
    names = [name[:31] for name, _, _ in sheets]
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES.format(sheets="".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1))),
        "_rels/.rels": _ROOT_RELS,
        "xl/styles.xml": _STYLES,
    }
    defined = []
    for i, (_, df, _) in enumerate(sheets):
        if len(df.columns):
            ref = f"$A$1:${_column_letter(len(df.columns))}${len(df) + 1}"
            defined.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" '
                           f'hidden="1">\'{_xml(names[i])}\'!{ref}</definedName>')
    parts["xl/workbook.xml"] = _WORKBOOK.format(
        sheets="".join(f'<sheet name="{_xml(n)}" sheetId="{i}" r:id="rId{i}"/>'
                       for i, n in enumerate(names, start=1)),
        defined=f"<definedNames>{''.join(defined)}</definedNames>" if defined else "")
    parts["xl/_rels/workbook.xml.rels"] = _WORKBOOK_RELS.format(
        sheets="".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
                       f'officeDocument/2006/relationships/worksheet" '
                       f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1)),
        styles=len(sheets) + 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
        for i, (_, df, labels) in enumerate(sheets, start=1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w") as raw:
                out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                _write_sheet(out, df, labels, lang)
                out.flush()
                out.detach()
    tmp.replace(path)
    return path


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>")
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook {_NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><bookViews><workbookView activeTab="0"/></bookViews>'
    "<sheets>{sheets}</sheets>{defined}</workbook>")
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '{sheets}<Relationship Id="rId{styles}" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f"<styleSheet {_NS}>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFCE4D6"/></patternFill></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/><xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" '
    'applyFill="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
    'builtinId="0"/></cellStyles></styleSheet>')
#: Characters XML 1.0 cannot hold (a ledger cell may carry them): dropped.
_ILLEGAL = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
_ILLEGAL_RE = re.compile(_ILLEGAL)
#: Cells of a column are escaped together, joined by this (itself illegal in XML).
_SEP = "\uffff"
_ILLEGAL_RE_BUT_SEP = re.compile(_ILLEGAL.replace("\uffff", ""))
_SPECIAL_RE = re.compile(f"[&<>\"]|{_ILLEGAL_RE_BUT_SEP.pattern}")


def _xml(text: str) -> str:
    """Text escaped for XML, without the control characters XML cannot hold.

    Examples
    --------
    >>> _xml("a<b & " + chr(0) + "c")
    'a&lt;b &amp; c'
    """
    return (_ILLEGAL_RE.sub("", text).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def _xml_all(values: list[str]) -> list[str]:
    """:func:`_xml` of every cell of a text column, done on the column joined (fast).

    Examples
    --------
    >>> _xml_all(["a&b", "c", "d" + chr(0xFFFF) + "e"])
    ['a&amp;b', 'c', 'de']
    """
    joined = _SEP.join(values)
    if joined.count(_SEP) != max(len(values) - 1, 0):  # a cell holds the separator
        return [_xml(v) for v in values]
    if not _SPECIAL_RE.search(joined):
        return values
    clean = _ILLEGAL_RE_BUT_SEP.sub("", joined)
    clean = (clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
             .replace('"', "&quot;"))
    return clean.split(_SEP) if values else []


def _column_letter(n: int) -> str:
    """Excel's letters of the ``n``-th column (1-based).

    Examples
    --------
    >>> _column_letter(1), _column_letter(26), _column_letter(27), _column_letter(703)
    ('A', 'Z', 'AA', 'AAA')
    """
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cells(values: list[Any], letter: str) -> list[str]:
    """One column's cells as SpreadsheetML (``{row}`` left for the row number)."""
    if all(type(v) is str for v in values):  # text columns, the common case: one pass
        head = f'<c r="{letter}{{row}}" t="inlineStr"><is><t xml:space="preserve">'
        return [f"{head}{t}</t></is></c>" if t else "" for t in _xml_all(values)]
    out = []
    for v in values:
        if v is None or (isinstance(v, str) and not v):
            out.append("")
        elif isinstance(v, bool):
            out.append(f'<c r="{letter}{{row}}" t="b"><v>{int(v)}</v></c>')
        elif isinstance(v, (int, float, np.integer, np.floating)):
            out.append("" if v != v else f'<c r="{letter}{{row}}"><v>{v}</v></c>')
        else:
            out.append(f'<c r="{letter}{{row}}" t="inlineStr"><is><t xml:space="preserve">'
                       f"{_xml(str(v))}</t></is></c>")
    return out


def _width(values: list[Any], header: str) -> int:
    """Display width of a column: its header and the widest of its first 2,000 cells."""
    texts = [v if isinstance(v, str) else str(v) for v in values[:2000]]
    longest = sorted(texts, key=len)[-20:]  # the widest cell is among the longest ones
    return max([display_width(str(header)), *(display_width(t) for t in longest)])


def _write_sheet(out: IO[str], df: pd.DataFrame, labels: Labels | None, lang: str) -> None:
    """One worksheet: widths, frozen header, bold tinted headers, the rows, the filter."""
    headers = _headers(list(df.columns), labels, lang)
    columns = [_csv_column(df[c]) for c in df.columns]
    letters = [_column_letter(i) for i in range(1, len(headers) + 1)]
    widths = [_width(col, h) for col, h in zip(columns, headers, strict=True)]
    cols = "".join(f'<col min="{i}" max="{i}" width="{min(max(w + 2, 6), 60)}" '
                   'customWidth="1"/>' for i, w in enumerate(widths, start=1))
    out.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              f'<worksheet {_NS}><sheetViews><sheetView workbookViewId="0">'
              '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
              '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
              + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")
    out.write('<row r="1">' + "".join(
        f'<c r="{x}1" s="1" t="inlineStr"><is><t xml:space="preserve">{_xml(str(h))}</t></is>'
        "</c>" for x, h in zip(letters, headers, strict=True)) + "</row>")
    cells = [_cells(col, x) for col, x in zip(columns, letters, strict=True)]
    for number, row in enumerate(zip(*cells, strict=True), start=2):
        text = "".join(row)
        out.write(f'<row r="{number}">' + text.replace("{row}", str(number)) + "</row>")
    out.write("</sheetData>")
    if headers:
        out.write(f'<autoFilter ref="A1:{letters[-1]}{len(df) + 1}"/>')
    out.write("</worksheet>")


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
