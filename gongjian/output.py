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
import json
import math
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from gongjian.errors import GongjianError

__all__ = [
    "CHUNK_ROWS",
    "FORMATS",
    "RICH_ROWS",
    "SHEET_TITLE_MAX",
    "XLSX_MAX_ROWS",
    "Convert",
    "Format",
    "Sheet",
    "atomic_file",
    "check_output_path",
    "display_width",
    "fit_widths",
    "json_records",
    "safe_cell",
    "sheet_title",
    "to_jsonable",
    "write_csv_rows",
    "write_frame",
    "write_json_rows",
    "write_text",
    "write_workbook",
    "write_xlsx",
]

Format = Literal["table", "csv", "json", "xlsx"]
FORMATS: tuple[str, ...] = ("table", "csv", "json", "xlsx")
Labels = Mapping[str, tuple[str, str]]
#: A conversion applied to each chunk of rows just before it is written (codes shown as
#: labels, for instance): the whole frame is never converted, nor copied, at once.
Convert = Callable[[pd.DataFrame], pd.DataFrame]

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


#: Longest table drawn by rich in a terminal; a longer one is written as plain aligned lines.
RICH_ROWS = 500
#: Rows an Excel sheet can hold, the header row included (Excel's own limit). A longer
#: result continues on further sheets named ``…（续2）``, ``…（续3）``.
XLSX_MAX_ROWS = 1_048_576
#: Longest sheet title Excel accepts.
SHEET_TITLE_MAX = 31
#: Rows converted and written at a time by the streaming writers.
CHUNK_ROWS = 50_000
#: Characters Excel forbids in a sheet title, and what stands in for them.
_SHEET_FORBIDDEN = {":": "-", "\\": "-", "/": "-", "?": "", "*": "", "[": "(", "]": ")"}
_FIGURE = re.compile(r"[-+]?\d[\d,.]*%?")
_UNIT = re.compile(r"[-+]?\d[\d,.]*%?|[A-Za-z]+\.?|[\u4e00-\u9fff]+|.", re.S)


def sheet_title(text: str, *, suffix: str = "", limit: int = SHEET_TITLE_MAX) -> str:
    """A valid Excel sheet title for ``text`` (plus ``suffix``), at most ``limit`` characters.

    Characters Excel forbids (``: \\ / ? * [ ]``) are replaced, control characters dropped.
    A title that is too long is shortened word by word, never inside a figure: ``71.4%``
    stays whole or goes whole.

    Examples
    --------
    >>> sheet_title("孤岛/名单[测试]")
    '孤岛-名单(测试)'
    >>> sheet_title("两新组织 1234 个：组织覆盖率 71.4%，工作覆盖率 60.0%")
    '两新组 1234 个：组织覆 71.4%，工作覆盖 60.0%'
    >>> sheet_title("1234 organizations: organizational coverage 71.4%, work coverage 60.0%")
    '1234 org.- org. 71.4%, 60.0%'
    >>> sheet_title("两新组织覆盖组建建议清单（按街道、社区和楼宇园区汇总）", suffix="（续2）")
    '两新组织覆盖组建建议清单（按街道、社区和楼宇园区汇总）（续2）'
    """
    text = "".join(_SHEET_FORBIDDEN.get(ch, ch) for ch in str(text)
                   if unicodedata.category(ch)[0] != "C")
    text = re.sub(r"\s+", " ", text).strip(" '") or "Sheet"
    room = max(limit - len(suffix), 1)
    if len(text) > room:
        text = _shorten(text, room)
    return text + suffix


def _shorten(text: str, room: int) -> str:
    """``text`` cut to ``room`` characters without cutting a figure.

    Words are shortened first (Latin words to three letters and a dot, Chinese runs from
    their end, the longest first), then whole words dropped from the end; figures stay.
    """
    units = [m.group(0) for m in _UNIT.finditer(text)]
    kind = ["figure" if _FIGURE.fullmatch(u) else "latin" if u.isascii() and u.isalpha()
            else "cjk" if len(u) > 1 or "\u4e00" <= u <= "\u9fff" else "other" for u in units]

    def size() -> int:
        return sum(len(u) for u in units)

    def shorter(i: int) -> str | None:
        u = units[i]
        if kind[i] == "latin" and len(u) > 4 and not u.endswith("."):
            return u[:3] + "."
        if kind[i] == "cjk" and len(u) > 2:
            return u[:-1]
        return None

    while size() > room:
        options = [i for i in range(len(units)) if shorter(i) is not None]
        if not options:
            break
        i = max(options, key=lambda k: (len(units[k]), -k))
        units[i] = shorter(i)  # type: ignore[assignment]
    for i in reversed(range(len(units))):  # then whole words, the last first
        if size() <= room:
            break
        if kind[i] in ("latin", "cjk"):
            units[i] = ""
    text = re.sub(r"\s+", " ", "".join(units)).strip()
    while len(text) > room and _FIGURE.search(text):  # figures alone too long: drop the last
        last = list(_FIGURE.finditer(text))[-1]
        text = (text[:last.start()] + text[last.end():]).strip()
    return text[:room].strip() or "Sheet"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_output_path(path: str | os.PathLike | None) -> Path:
    """``path`` as a file to write, or one clear error: empty, a folder, or an unwritable place.

    Examples
    --------
    >>> check_output_path("结果.csv").name
    '结果.csv'
    >>> check_output_path("")
    Traceback (most recent call last):
    ...
    gongjian.errors.GongjianError: 输出文件名为空：请给出文件名，例如 -o 结果.xlsx (...)
    """
    if path is None or str(path).strip() == "":
        raise GongjianError("输出文件名为空：请给出文件名，例如 -o 结果.xlsx "
                            "(the output file name is empty: give one, e.g. -o result.xlsx)")
    path = Path(path)
    if str(path) == ".":  # what an empty -o "" becomes on the command line
        raise GongjianError("输出文件名为空（或是当前目录）：请给出文件名，例如 -o 结果.xlsx "
                            "(the output is empty or the current folder: give a file name)")
    if path.is_dir() or str(path) == ".." or str(path).endswith(os.sep):
        raise GongjianError(f"{path} 是目录：请给出文件名，例如 {path / '结果.xlsx'} "
                            f"(is a folder: give a file name)")
    return path


@contextmanager
def atomic_file(path: str | os.PathLike) -> Iterator[Path]:
    """Write a file whole or not at all: yield a temporary path beside it, rename on success.

    The temporary file is removed on any failure; the finished file gets the usual mode
    (``0666`` less the umask), like any file the user makes.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_file(folder / "a.txt") as tmp:
    ...     _ = tmp.write_text("甲", encoding="utf-8")
    >>> (folder / "a.txt").read_text(encoding="utf-8"), sorted(p.name for p in folder.iterdir())
    ('甲', ['a.txt'])
    """
    path = check_output_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as err:
        raise GongjianError(f"无法写入 {path}：{err.strerror or err} (cannot write {path})") \
            from err
    tmp = Path(name)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o666 & ~_umask())
        os.close(fd)
        yield tmp
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise GongjianError(f"无法写入 {path}：{err.strerror or err} (cannot write {path})") \
            from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _is_rate(column: str) -> bool:
    return column == "rate" or column.endswith("_rate")


@dataclass
class Sheet:
    """One sheet of a workbook: its title, its rows and the headers people read.

    ``percent`` names the columns shown as percentages (default: those named ``*_rate``).
    """

    title: str
    frame: pd.DataFrame
    labels: Labels | None = None
    percent: tuple[str, ...] | None = None
    #: Applied to each chunk of rows as it is written (see :data:`Convert`).
    convert: Convert | None = None


def write_workbook(sheets: Iterable[Sheet], path: str | os.PathLike, *,
                   lang: str = "zh") -> list[list[str]]:
    """Write one workbook, a sheet per :class:`Sheet`, rows streamed as they are converted.

    Each sheet has bold headers (neutralised like cells), a frozen header row, filters and
    widths; rates are percentage cells. A sheet longer than Excel's limit
    (:data:`XLSX_MAX_ROWS`) continues on sheets named ``…（续2）``, ``…（续3）``. Written
    whole or not at all.

    Returns
    -------
    list
        For each :class:`Sheet`, the names of the sheets it was written to (more than one
        when it was continued; a repeated title gets ``（2）``).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "概览.xlsx"
    >>> write_workbook([Sheet("按区: 汇总", pd.DataFrame({"n": [1]})),
    ...                 Sheet("比率", pd.DataFrame({"work_rate": [0.5]}))], path)
    [['按区- 汇总'], ['比率']]
    """
    from gongjian.xlsx import XlsxBook

    sheets = list(sheets)
    used: set[str] = set()
    with atomic_file(path) as tmp, XlsxBook(tmp) as book:
        names = [_write_sheet(book, sheet, lang, used) for sheet in sheets]
    return names


def _unique_title(title: str, used: set[str], suffix: str = "") -> str:
    name, n = sheet_title(title, suffix=suffix), 1
    while name.casefold() in used:
        n += 1
        name = sheet_title(title, suffix=f"{suffix}（{n}）")
    used.add(name.casefold())
    return name


def _write_sheet(book: Any, sheet: Sheet, lang: str, used: set[str]) -> list[str]:
    df = sheet.frame
    convert = sheet.convert or _same
    columns = [str(c) for c in df.columns]
    headers = [safe_cell(str(h)) for h in _headers(columns, sheet.labels, lang)]
    percent = set(sheet.percent) if sheet.percent is not None else \
        {c for c in columns if _is_rate(c)}
    widths = [display_width(h) for h in headers]
    head = convert(df.head(2000))
    for i, col in enumerate(df.columns):
        cells = _csv_column(head[col])
        if cells:
            widths[i] = max(widths[i], max(display_width(str(c)) for c in cells))
    widths = [min(max(w + 2, 6), 60) for w in widths]
    per_sheet = XLSX_MAX_ROWS - 1
    parts = max(1, -(-len(df) // per_sheet))
    written = []
    for part in range(parts):
        suffix = "" if part == 0 else f"（续{part + 1}）"
        name = _unique_title(sheet.title, used, suffix)
        written.append(name)
        ws = book.sheet(name, widths=widths, percent=[c in percent for c in columns])
        ws.header(headers)
        start, stop = part * per_sheet, min(len(df), (part + 1) * per_sheet)
        for a in range(start, stop, CHUNK_ROWS):
            chunk = convert(df.iloc[a:min(a + CHUNK_ROWS, stop)])
            ws.rows(zip(*[_csv_column(chunk[c]) for c in df.columns], strict=True))
        ws.close()
    return written


def _same(df: pd.DataFrame) -> pd.DataFrame:
    return df


def write_xlsx(df: pd.DataFrame, path: Path, *, labels: Labels | None = None, lang: str = "zh",
               sheet: str | None = None, convert: Convert | None = None) -> list[str]:
    """Write ``df`` as one Excel sheet (see :func:`write_workbook`); returns the sheet names.

    ``sheet`` defaults to the file's name without its suffix.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "孤岛.xlsx"
    >>> write_xlsx(pd.DataFrame({"n": [1]}), path)
    ['孤岛']
    """
    path = Path(path)
    title = sheet or path.stem
    return write_workbook([Sheet(title, df, labels, convert=convert)], path, lang=lang)[0]


def write_frame(df: pd.DataFrame, *, fmt: str = "table", output: Path | str | None = None,
                labels: Labels | None = None, lang: str = "zh", title: str | None = None,
                stream: IO[str] | None = None,
                convert: Convert | None = None) -> list[str] | None:
    """Write ``df`` in ``fmt`` to ``output`` (a file) or to ``stream`` (default stdout).

    ``labels`` maps column names to ``(Chinese header, English header)``. XLSX needs
    ``output`` and returns the names of the sheets written (more than one when the rows
    pass Excel's limit). Rows are converted and written in chunks as they go (nothing
    is built whole); files are written whole or not at all (through a temporary file).
    ``convert`` is applied to each chunk of :data:`CHUNK_ROWS` rows before it is written.

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
    path = check_output_path(output) if output is not None else None
    if fmt == "xlsx":
        if path is None:
            raise GongjianError("xlsx 格式要写入文件：请加 -o 文件名.xlsx "
                                "(xlsx needs an output file: add -o FILE.xlsx)")
        return write_xlsx(df, path, labels=labels, lang=lang, sheet=title, convert=convert)
    if fmt == "table" and path is None and stream is None:
        _rich_table(df, None, labels, lang, title, convert)
        return None
    if path is None:
        _write_stream(df, fmt, stream or sys.stdout, labels, lang, title, pretty=False,
                      convert=convert)
        return None
    with atomic_file(path) as tmp, tmp.open(
            "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as fh:
        _write_stream(df, fmt, fh, labels, lang, title, pretty=True, convert=convert)
    return None


def _write_stream(df: pd.DataFrame, fmt: str, fh: IO[str], labels: Labels | None, lang: str,
                  title: str | None, *, pretty: bool, convert: Convert | None = None) -> None:
    if fmt == "json":
        write_json_rows(df, fh, pretty=pretty, convert=convert)
        fh.write("\n")
    elif fmt == "csv":
        write_csv_rows(df, fh, labels=labels, lang=lang, convert=convert)
    else:
        _rich_table(df, fh, labels, lang, title, convert)


def write_json_rows(df: pd.DataFrame, fh: IO[str], *, pretty: bool = False,
                    convert: Convert | None = None) -> None:
    """Write ``df`` as a JSON array of objects, row by row (``pretty``: one row a line).

    Rows are converted :data:`CHUNK_ROWS` at a time (``convert`` first, when given).

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> write_json_rows(pd.DataFrame({"n": [1, 2]}), buf)
    >>> buf.getvalue()
    '[{"n": 1}, {"n": 2}]'
    >>> buf = io.StringIO()
    >>> write_json_rows(pd.DataFrame({"n": [1, 2]}), buf, pretty=True)
    >>> print(buf.getvalue())
    [
     {"n": 1},
     {"n": 2}
    ]
    """
    first, sep = True, ",\n " if pretty else ", "
    fh.write("[\n " if pretty and len(df) else "[")
    for start in range(0, len(df), CHUNK_ROWS):
        chunk = df.iloc[start:start + CHUNK_ROWS]
        for record in json_records(chunk if convert is None else convert(chunk)):
            if not first:
                fh.write(sep)
            fh.write(json.dumps(record, ensure_ascii=False))
            first = False
    fh.write("\n]" if pretty and len(df) else "]")


def write_csv_rows(df: pd.DataFrame, fh: IO[str], *, labels: Labels | None = None,
                   lang: str = "zh", convert: Convert | None = None) -> None:
    """Write ``df`` as CSV in chunks; headers from ``labels``; cells and headers made harmless.

    ``convert`` is applied to each chunk of :data:`CHUNK_ROWS` rows before it is written.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> write_csv_rows(pd.DataFrame({"=x": ["+1"]}), buf)
    >>> buf.getvalue().splitlines()
    ["'=x", "'+1"]
    """
    headers = [safe_cell(str(h)) for h in _headers(list(df.columns), labels, lang)]
    if len(set(headers)) != len(headers):  # two columns that people read alike
        headers = [h if headers.index(h) == i else f"{h}.{i}" for i, h in enumerate(headers)]
    if not len(df):
        pd.DataFrame(columns=headers).to_csv(fh, index=False, lineterminator="\n")
        return
    for start in range(0, len(df), CHUNK_ROWS):
        chunk = df.iloc[start:start + CHUNK_ROWS]
        chunk = chunk if convert is None else convert(chunk)
        out = pd.DataFrame({h: _csv_column(chunk[c])
                            for c, h in zip(df.columns, headers, strict=True)}, columns=headers)
        out.to_csv(fh, index=False, header=start == 0, lineterminator="\n")


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
    """Write ``text`` to ``path`` whole or not at all (see :func:`atomic_file`), else to ``stream``.

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
    with atomic_file(path) as tmp:
        tmp.write_text(text, encoding=encoding, newline="")


def _rich_table(df: pd.DataFrame, stream: IO[str] | None, labels: Labels | None, lang: str,
                title: str | None, convert: Convert | None = None) -> None:
    """A table for people. Up to :data:`RICH_ROWS` rows: one rich table. Longer: plain
    aligned lines (rich takes milliseconds a row), printed a chunk of :data:`CHUNK_ROWS`
    at a time (never all rows as text at once), the header above the first chunk only, the
    columns as wide as their widest cell (measured in a first pass, a chunk at a time)
    within an equal share of the width; a longer cell folds onto further lines."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, highlight=False, markup=False)
    if not console.is_terminal:  # piped or captured: do not squeeze to 80 columns
        console.width = 200
    headers = [str(h) for h in _headers(list(df.columns), labels, lang)]
    starts = range(0, max(len(df), 1), CHUNK_ROWS)

    def text_rows(start: int) -> list[list[str]]:
        chunk = df.iloc[start:start + CHUNK_ROWS]
        chunk = chunk if convert is None else convert(chunk)
        return [[str(_text(v)) for v in row] for row in chunk.itertuples(index=False, name=None)]

    if len(starts) > 1 or len(df) > RICH_ROWS:
        widths = [display_width(h) for h in headers]
        for start in starts:
            for row in text_rows(start):
                widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
        widths = fit_widths(widths, console.width - 2 * (len(headers) - 1))
        out = console.file
        if title:
            out.write(f"{title}\n")
        out.write(_plain_lines(headers, widths))
        out.write("  ".join("─" * w for w in widths) + "\n")
        for start in starts:
            out.write("".join(_plain_lines(row, widths) for row in text_rows(start)))
        out.flush()
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for h in headers:
        table.add_column(h, overflow="fold")
    for row in text_rows(0):
        table.add_row(*row)
    console.print(table)


def fit_widths(wanted: list[int], total: int, least: int = 6) -> list[int]:
    """Column widths within ``total``: narrow columns keep their width, wide ones share the rest.

    Examples
    --------
    >>> fit_widths([4, 60, 30], 60)
    [4, 28, 28]
    >>> fit_widths([4, 10], 60)
    [4, 10]
    """
    widths, left, open_ = list(wanted), max(total, least * len(wanted)), set(range(len(wanted)))
    while open_:
        share = max(least, left // len(open_))
        narrow = {i for i in open_ if wanted[i] <= share}
        if not narrow:
            for i in open_:
                widths[i] = share
            break
        left -= sum(wanted[i] for i in narrow)
        open_ -= narrow
    return widths


def _fold(text: str, width: int) -> list[str]:
    """``text`` cut into pieces at most ``width`` columns wide (CJK counts double)."""
    pieces = []
    for line in text.split("\n"):
        if len(line) * 2 <= width or display_width(line) <= width:
            pieces.append(line)
            continue
        piece, used = "", 0
        for ch in line:
            w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if used + w > width and piece:
                pieces.append(piece)
                piece, used = "", 0
            piece, used = piece + ch, used + w
        pieces.append(piece)
    return pieces


def _plain_lines(cells: list[str], widths: list[int]) -> str:
    """One row as aligned text lines, two spaces between columns, long cells folded."""
    folded = [_fold(c, w) for c, w in zip(cells, widths, strict=True)]
    lines = []
    for i in range(max(len(f) for f in folded)):
        parts = []
        for pieces, w in zip(folded, widths, strict=True):
            piece = pieces[i] if i < len(pieces) else ""
            parts.append(piece + " " * (w - display_width(piece)))
        lines.append("  ".join(parts) + "\n")
    return "".join(lines)
