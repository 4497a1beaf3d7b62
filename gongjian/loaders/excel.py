"""Read an ``.xlsx`` or ``.xls`` sheet with python-calamine, every cell as text.

The first sheet is read unless a sheet is named like the table (``党组织`` or
``party_orgs``). Cells become text the way a person reads them: whole-number floats
without ``.0`` (``12.0`` → ``12``, ``1001.0`` → ``1001``), date cells as ISO dates
(``2023-05-01``), formula cells as their computed value, or as their formula text
(``=1+1``) when the file holds no computed value (files written by scripts, not Excel).

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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gongjian.errors import LedgerError
from gongjian.loaders.discovery import table_for_name
from gongjian.loaders.encodings import sniff_binary

__all__ = ["cell_text", "read_excel"]


def cell_text(value: Any) -> str:
    """The text of one Excel cell as a person reads it (``""`` for an empty cell)."""
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


def _column(values: np.ndarray) -> pd.Series:
    """One column of cells as text: straight to Arrow when every cell is already text."""
    import pyarrow as pa

    try:
        arr = pa.array(values, type=pa.string(), from_pandas=False)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        arr = _typed_text(values)
    return arr.to_pandas(types_mapper={pa.string(): _STR}.get)


def _typed_text(values: np.ndarray):
    """Text of a column holding numbers or dates among text cells, vectorized where it can be.

    Text cells stay as they are; whole numbers lose their ``.0`` and midnight datetimes
    become dates, as in :func:`cell_text`. Cells of any other mix of types (booleans,
    times, numbers with dates) go one by one through :func:`cell_text`.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    is_text = np.fromiter((type(v) is str for v in values), dtype=bool, count=len(values))
    other = values[~is_text]
    try:
        typed = pa.array(other, from_pandas=False)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        typed = pa.array([], pa.null())
    kind = typed.type
    if pa.types.is_floating(kind) and pc.all(pc.equal(typed, pc.floor(typed))).as_py() \
            and pc.all(pc.less(pc.abs(typed), 2.0**53)).as_py():
        text = pc.cast(pc.cast(typed, pa.int64()), pa.string())
    elif pa.types.is_integer(kind) or pa.types.is_date(kind):
        text = pc.cast(typed, pa.string())
    elif pa.types.is_timestamp(kind) and pc.all(pc.equal(
            pc.cast(pc.cast(typed, pa.date32()), kind), typed)).as_py():
        text = pc.cast(pc.cast(typed, pa.date32()), pa.string())
    else:
        return pa.array([cell_text(v) for v in values], type=pa.string())
    out = values.copy()
    out[~is_text] = text.to_numpy(zero_copy_only=False)
    return pa.array(out, type=pa.string())


def _has_formulas(archive, name: str) -> bool:
    """True when the sheet XML ``name`` holds a formula element, read in chunks."""
    tail = b""
    with archive.open(name) as fh:
        while chunk := fh.read(1 << 20):
            block = tail + chunk
            if b"<f>" in block or b"<f " in block:
                return True
            tail = block[-3:]
    return False


def _formula_texts(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """Formula text of the cells of ``sheet``, keyed by (row, column) from 0; ``{}`` if none."""
    import zipfile

    if path.suffix.lower() != ".xlsx":
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            if not any(_has_formulas(archive, n) for n in archive.namelist()
                       if n.startswith("xl/worksheets/") and n.endswith(".xml")):
                return {}
    except (zipfile.BadZipFile, OSError):
        return {}
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    try:
        out = {}
        for r, row in enumerate(book[sheet].iter_rows(min_row=1, min_col=1, values_only=True)):
            for c, value in enumerate(row):
                if isinstance(value, str) and value.startswith("="):
                    out[(r, c)] = value
        return out
    finally:
        book.close()


def _pick_sheet(names: list[str], table: str) -> str:
    for name in names:
        if table_for_name(name) == table:
            return name
    return names[0]


def read_excel(path: Path, table: str) -> pd.DataFrame:
    """All cells of the table's sheet as text: columns ``0..n-1``, one row per sheet row.

    Row ``i`` of the frame is spreadsheet row ``i + 1``. Raises :class:`LedgerError`
    when the file is not a workbook (e.g. a picture renamed ``.xlsx``).
    """
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
        if not names:
            raise LedgerError(f"{path.name} 中没有工作表 (the workbook has no sheet)")
        name = _pick_sheet(names, table)
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except LedgerError:
        raise
    except Exception as err:  # calamine raises its own error types and plain ValueErrors
        with open(path, "rb") as fh:
            what = sniff_binary(fh.read(8192))
        looks = f"，看起来是{what}" if what else ""
        raise LedgerError(
            f"{path.name} 不是有效的 Excel 文件{looks}；请用 Excel 或 WPS 打开后另存为 .xlsx "
            f"({path.name} is not a readable Excel workbook: {type(err).__name__})") from err
    if not rows:
        return pd.DataFrame()
    formulas = _formula_texts(path, name)
    if formulas:
        rows = [list(r) for r in rows]
        for (r, c), text in formulas.items():
            if r < len(rows) and c < len(rows[r]) and rows[r][c] in ("", None):
                rows[r][c] = text
    width = max(len(r) for r in rows)
    if any(len(r) != width for r in rows):
        rows = [list(r) + [""] * (width - len(r)) for r in rows]
    grid = np.empty((len(rows), width), dtype=object)  # filled, never guessed as a nested array
    grid[:] = rows
    return pd.DataFrame({i: _column(grid[:, i]) for i in range(width)})
