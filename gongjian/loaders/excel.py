"""Read an ``.xlsx`` or ``.xls`` sheet with fastexcel (calamine, in Rust), every cell as text.

The first sheet is read unless a sheet is named like the table (``党组织`` or
``party_orgs``). Cells become text the way a person reads them: whole-number floats
without ``.0`` (``12.0`` → ``12``, ``1001.0`` → ``1001``), date cells as ISO dates
(``2023-05-01``), formula cells as their cached value (the value Excel computed and
saved). A formula with no cached value (files written by scripts) and an error value
(``#REF!``) read as empty cells and are listed apart (:class:`SheetGrid` ``issues``): the
formula text is never taken as data.

Every visible sheet may hold the table (:func:`read_sheets`); an ``.xlsx`` is checked by
:mod:`~gongjian.loaders.workbook` before calamine reads it (size limits, stray cells).

:func:`cell_text` says how each kind of cell reads. :func:`read_excel` gets the same text
without a Python object per cell: fastexcel gives every cell as Arrow text in one pass,
which already reads text, whole numbers and empty cells right. Date cells come as
``2023-05-01 00:00:00`` (a time of day alone as ``1899-12-31 08:30:00``) and are rewritten
from that text alone, column-wise. The few cells whose text could also be a boolean or a
decimal number (``true``, ``0.3``) are looked up once more as typed values, in those columns
only, so that a text cell typed ``true`` stays ``true`` while a boolean cell reads ``TRUE``.
Three cells read otherwise than :func:`cell_text` would write their value: a text cell
that reads exactly as a date cell does (``2023-05-01 00:00:00``, ``2023-05-01T08:30:00``)
reads as that date (``2023-05-01``: the same day to every date rule, and no second read of
the sheet for date cells); a number within ``5e-10`` of a whole number reads as that number,
as Excel shows it (``1.0000000000000002`` → ``1``); and a duration cell (format ``[h]:mm``)
reads as a date and time (``1900-01-01 02:00:00``, not ``1 day, 2:00:00``).

Examples
--------
>>> cell_text(12.0), cell_text(12.5), cell_text(True)
('12', '12.5', 'TRUE')
>>> import datetime as dt
>>> cell_text(dt.datetime(2023, 5, 1)), cell_text(dt.datetime(2023, 5, 1, 8, 30))
('2023-05-01', '2023-05-01 08:30:00')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gongjian.errors import LedgerError
from gongjian.loaders.discovery import table_for_name
from gongjian.loaders.encodings import sniff_binary
from gongjian.loaders.workbook import CELL_LIMIT, CellIssue, SheetInfo, open_package
from gongjian.loaders.xls import check_xls

__all__ = ["SheetGrid", "cell_text", "read_excel", "read_sheets"]


def cell_text(value: Any) -> str:
    """The text of one Excel cell as a person reads it (``""`` for an empty cell).

    Examples
    --------
    >>> import datetime as dt
    >>> cell_text(None), cell_text(False), cell_text(0.1 + 0.2), cell_text(dt.time(8, 30))
    ('', 'FALSE', '0.30000000000000004', '08:30:00')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


_STR = pd.StringDtype("pyarrow", na_value=np.nan)

# Every row from spreadsheet row 1 (fastexcel would skip leading empty rows without skip_rows).
_LOAD = {"header_row": None, "skip_rows": 0}

# How fastexcel's text of a number cell that is not a whole number looks (booleans read
# ``true``, decimals ``0.3``, rounded to 9 decimals), told from a text cell that looks the
# same by a typed read (empty for text cells). Whole numbers need nothing: their text is the
# same either way.
_NUMBER_TEXT = r"^(?:true|false|-0|-?[0-9]+\.[0-9]+)$"
# How fastexcel writes a date cell (and an ISO date cell of the file, with a ``T``); a time
# of day alone falls on Excel's day 0, 1899-12-31.
_DATE_TEXT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?$"
_DAY_ZERO = "1899-12-31 "


def _excel_number(value: float) -> str:
    """fastexcel's text of a number cell: at most 9 decimals, trailing zeros dropped.

    Examples
    --------
    >>> _excel_number(0.1 + 0.2), _excel_number(1e-05), _excel_number(-0.0)
    ('0.3', '0.00001', '-0')
    """
    return f"{value:.9f}".rstrip("0").rstrip(".")


def _fraction(text: str) -> str:
    """A date or time text with its fraction of a second written as Python writes it.

    Examples
    --------
    >>> _fraction("08:30:00.500"), _fraction("2023-05-01 08:30:00.000000400")
    ('08:30:00.500000', '2023-05-01 08:30:00')
    """
    head, _, digits = text.partition(".")
    micro = int((digits + "000000")[:6])
    return f"{head}.{micro:06d}" if micro else head


def _fix_numbers(text, typed):
    """Booleans and decimal numbers of a column as :func:`cell_text` writes them.

    ``typed`` is the column read as floats: empty for text cells (and for dates), except
    those that read as a number (``"0.3"``). A boolean cell reads ``true`` with a float and
    becomes ``TRUE``. A decimal number reads as its float written by :func:`_excel_number`;
    where :func:`cell_text` writes it otherwise (``0.30000000000000004``, ``1e-05``) the
    cell may still be text typed ``0.3``, so those changes come back apart, to be made only
    on number cells: ``(text, None)`` or ``(text, (mask, changed text))``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    typed_cell = pc.is_valid(typed)
    is_bool = pc.and_(typed_cell, pc.is_in(text, pa.array(["true", "false"])))
    text = pc.if_else(is_bool, pc.utf8_upper(text), text)
    maybe = pc.and_(typed_cell, pc.match_substring_regex(text, _NUMBER_TEXT))
    if not pc.any(maybe).as_py():
        return text, None
    old = pc.filter(text, maybe).to_pylist()
    new = [cell_text(v) if _excel_number(v) == s else s
           for v, s in zip(pc.filter(typed, maybe).to_pylist(), old, strict=True)]
    if new == old:
        return text, None
    changed = pc.replace_with_mask(text, maybe, pa.array(new, pa.string()))
    return text, (pc.not_equal(changed, text), changed)


def _fix_dates(text):
    """Date cells of a column as :func:`cell_text` writes them, from their text alone.

    A time of day (on day 0) reads as the time, a midnight as the date, fractions of a
    second with six digits.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not _may_hold(text, (b":",)):
        return text
    is_date = pc.match_substring_regex(text, _DATE_TEXT)
    if not pc.any(is_date).as_py():
        return text
    cells = pc.replace_substring(pc.filter(text, is_date), "T", " ")
    time_only = pc.starts_with(cells, _DAY_ZERO)
    cells = pc.if_else(time_only, pc.utf8_slice_codeunits(cells, len(_DAY_ZERO)), cells)
    cells = pc.if_else(pc.ends_with(cells, " 00:00:00"), pc.utf8_slice_codeunits(cells, 0, 10),
                       cells)
    if pc.any(pc.match_substring(cells, ".")).as_py():
        cells = pa.array([_fraction(c) for c in cells.to_pylist()], pa.string())
    return pc.replace_with_mask(text, is_date, cells)


def _may_hold(text, needles: tuple[bytes, ...]) -> bool:
    """False when no cell of the text column ``text`` holds any of ``needles``.

    The column's character data is searched whole (``memchr`` speed), before a regular
    expression is matched cell by cell: most columns hold no ``:`` (no date) and no ``.``
    (no decimal). True may be wrong (a needle across two cells), never False.

    Examples
    --------
    >>> import pyarrow as pa
    >>> _may_hold(pa.array(["甲", "12"]), (b".",)), _may_hold(pa.array(["0.5"]), (b".",))
    (False, True)
    """
    chunks = text.chunks if hasattr(text, "chunks") else [text]
    for chunk in chunks:
        data = chunk.buffers()[2]
        if data is not None:
            raw = data.to_pybytes()
            # each byte of a needle looked for alone first (memchr), the needle after
            if any(all(raw.find(n[i:i + 1]) >= 0 for i in range(len(n))) and n in raw
                   for n in needles):
                return True
    return False


def _retype(reader, name: str, text: dict[str, Any]) -> dict[str, Any]:
    """Columns of ``text`` (no nulls) with their non-text cells written as :func:`cell_text`.

    Date cells are rewritten from their text. Only the columns holding a cell that could be
    a boolean or a decimal are read again, typed: once as floats, and once more to tell
    number cells from text where a decimal would change (``boolean`` reads numbers and
    booleans only).
    """
    import pyarrow.compute as pc

    out = {col: _fix_dates(arr) for col, arr in text.items()}
    numeric = [col for col, arr in out.items()
               if _may_hold(arr, (b".", b"true", b"false", b"-0"))
               and pc.any(pc.match_substring_regex(arr, _NUMBER_TEXT)).as_py()]
    if not numeric:
        return out
    typed = _typed(reader, name, dict.fromkeys(numeric, "float"))
    decimals = {}  # column -> (mask, text) of decimal changes that only number cells take
    for col in numeric:
        out[col], change = _fix_numbers(out[col], typed.column(col))
        if change is not None:
            decimals[col] = change
    if decimals:
        typed = _typed(reader, name, dict.fromkeys(decimals, "boolean"))
        for col, (mask, changed) in decimals.items():
            is_number = pc.and_(mask, pc.is_valid(typed.column(col)))
            out[col] = pc.if_else(is_number, changed, out[col])
    return out


def _typed(reader, name: str, dtypes: dict[str, str]):
    """The columns ``dtypes`` names of sheet ``name``, read again with those types (Arrow)."""
    return reader.load_sheet(name, **_LOAD, use_columns=list(dtypes), dtypes=dtypes).to_arrow()


@dataclass
class SheetGrid:
    """One sheet read as text cells (see :func:`read_excel`), and what was found reading it.

    ``issues`` are the cells whose value is not a value (formula without cached value,
    error values); ``stray`` the far-away cells left out, as ``(reference, value)``.
    """

    name: str
    grid: pd.DataFrame
    issues: list[CellIssue] = field(default_factory=list)
    stray: list[tuple[str, str]] = field(default_factory=list)


#: Why a sheet was not read: reason code per :func:`read_sheets` note.
SKIPPED = ("hidden_sheet", "foreign_sheet", "other_sheet")


def _not_a_workbook(path: Path, err: BaseException) -> LedgerError:
    with open(path, "rb") as fh:
        what = sniff_binary(fh.read(8192))
    looks = f"，看起来是{what}" if what else ""
    return LedgerError(
        f"{path.name} 不是有效的 Excel 文件{looks}；请用 Excel 或 WPS 打开后另存为 .xlsx "
        f"({path.name} is not a readable Excel workbook: {type(err).__name__})")


def _load(reader, name: str) -> pd.DataFrame:
    """All cells of sheet ``name`` of an open fastexcel reader as a text grid."""
    import pyarrow as pa
    import pyarrow.compute as pc

    sheet = reader.load_sheet(name, **_LOAD, dtypes="string")
    batch = sheet.to_arrow()
    places = [c.absolute_index for c in sheet.selected_columns]
    text = {col: pc.cast(batch.column(col), pa.string()).fill_null("")
            for col in batch.schema.names}  # empty cells are null in fastexcel
    text = _retype(reader, name, text)
    if not text or batch.num_rows == 0:
        return pd.DataFrame()
    empty = pa.array([""] * batch.num_rows, pa.string())
    columns = [empty] * (max(places) + 1)
    for place, arr in zip(places, text.values(), strict=True):
        columns[place] = arr
    frame = pa.table(columns, names=[str(i) for i in range(len(columns))])
    grid = frame.to_pandas(types_mapper={pa.string(): _STR}.get)
    grid.columns = range(len(columns))
    return grid


def read_sheets(path: Path, table: str,
                accept: Callable[[pd.DataFrame], bool] | None = None,
                ) -> tuple[list[SheetGrid], list[tuple[str, str]]]:
    """The sheets of a workbook that hold ``table``, and the sheets skipped with the reason.

    A visible sheet named like the table (``党组织`` or ``party_orgs``) is the one read.
    Otherwise every visible sheet for which ``accept(grid)`` holds is read, in the
    workbook's order (without ``accept``, the first visible sheet only). When no sheet is
    accepted, the first visible sheet is returned, for its header to be reported.
    Skipped sheets come as ``(sheet name, reason)``, reasons of :data:`SKIPPED`:
    ``hidden_sheet``, ``foreign_sheet`` (no header of the table), ``other_sheet`` (it holds
    the table too, but a sheet named like the table was read instead; other sheets beside a
    sheet named like the table, such as a template's 说明, go unmentioned).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from openpyxl import Workbook
    >>> book = Workbook()
    >>> book.active.title = "下拉选项"
    >>> book.active.sheet_state = "hidden"
    >>> book.create_sheet("新街口街道").append(["组织编码", "组织名称"])
    >>> book.create_sheet("说明").append(["填表说明"])
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "党组织.xlsx"
    >>> book.save(p)
    >>> grids, skipped = read_sheets(p, "party_orgs", lambda g: g.iloc[0, 0] == "组织编码")
    >>> [g.name for g in grids], skipped
    (['新街口街道'], [('下拉选项', 'hidden_sheet'), ('说明', 'foreign_sheet')])
    """
    import fastexcel

    package = None
    try:
        if path.suffix.lower() == ".xlsx":
            import zipfile

            try:
                package = open_package(path)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
                raise _not_a_workbook(path, err) from err
        elif path.suffix.lower() == ".xls":
            check_xls(path, CELL_LIMIT)
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
        if not names:
            raise LedgerError(f"{path.name} 中没有工作表 (the workbook has no sheet)")
        infos = {s.name: s for s in package.sheets} if package else {}
        sheets = [infos.get(n, SheetInfo(n, None)) for n in names]
        return _pick(path, table, sheets, reader, package, accept)
    except LedgerError:
        raise
    except BaseException as err:  # fastexcel raises its own types; calamine may panic
        if isinstance(err, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise _not_a_workbook(path, err) from err
    finally:
        if package is not None:
            package.close()


def _pick(path: Path, table: str, sheets: list[SheetInfo], reader, package,
          accept: Callable[[pd.DataFrame], bool] | None,
          ) -> tuple[list[SheetGrid], list[tuple[str, str]]]:
    import fastexcel

    cache: dict[str, SheetGrid] = {}

    def load(info: SheetInfo) -> SheetGrid:
        if info.name not in cache:
            prepared = package.prepare(info) if package else None
            source = reader
            if prepared is not None and isinstance(prepared.source, bytes):
                source = fastexcel.read_excel(prepared.source)
            grid = _load(source, info.name)
            cache[info.name] = SheetGrid(info.name, grid, prepared.issues if prepared else [],
                                         prepared.stray if prepared else [])
        return cache[info.name]

    if package is None:  # .xls: whether a sheet is hidden is known once it is loaded
        visible = []
        for info in sheets:
            shown = reader.load_sheet(info.name, n_rows=1, header_row=None).visible
            visible.append(SheetInfo(info.name, None, shown == "visible"))
        sheets = visible
    shown = [s for s in sheets if s.visible] or sheets[:1]
    skipped = [(s.name, "hidden_sheet") for s in sheets if s not in shown]
    named = next((s for s in shown if table_for_name(s.name) == table), None)
    if named is not None:  # other sheets holding the table too are named: not read
        skipped += [(s.name, "other_sheet") for s in shown if s is not named
                    and accept is not None and accept(load(s).grid)]
        return [load(named)], _in_order(sheets, skipped)
    if accept is None:
        return [load(shown[0])], _in_order(sheets, skipped)
    found = []
    for info in shown:
        grid = load(info)
        if accept(grid.grid):
            found.append(grid)
        else:
            skipped.append((info.name, "foreign_sheet"))
    if not found:
        return [load(shown[0])], []
    return found, _in_order(sheets, skipped)


def _in_order(sheets: list[SheetInfo], skipped: list[tuple[str, str]]) -> list[tuple[str, str]]:
    order = {s.name: i for i, s in enumerate(sheets)}
    return sorted(skipped, key=lambda s: order.get(s[0], 0))


def read_excel(path: Path, table: str) -> pd.DataFrame:
    """All cells of the table's sheet as text: columns ``0..n-1``, one row per sheet row.

    The sheet is the visible one named like the table, else the first visible one.
    Row ``i`` of the frame is spreadsheet row ``i + 1`` and column ``j`` is spreadsheet
    column ``j + 1`` (blank rows and columns before the first cell are kept, as ``""``);
    every row is as wide as the widest. Raises :class:`LedgerError` when the file is not a
    workbook (e.g. a picture renamed ``.xlsx``).

    Examples
    --------
    >>> import tempfile, pathlib, datetime as dt
    >>> from openpyxl import Workbook
    >>> book = Workbook()
    >>> book.active.append([])
    >>> book.active.append(["组织编码", "成立日期", "党员数", "是否"])
    >>> book.active.append(["A1", dt.datetime(2023, 5, 1), 12.0, True])
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "党组织.xlsx"
    >>> book.save(p)
    >>> grid = read_excel(p, "party_orgs")
    >>> grid.iloc[0].tolist(), grid.iloc[2].tolist()
    (['', '', '', ''], ['A1', '2023-05-01', '12', 'TRUE'])
    """
    return read_sheets(path, table)[0][0].grid
