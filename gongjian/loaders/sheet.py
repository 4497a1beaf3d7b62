"""One table file read as raw text cells, whatever its format (CSV, ``.xlsx``, ``.xls``).

:func:`read_sheet` is the single entry: it refuses files over the size limit, decodes CSV
(:mod:`~gongjian.loaders.encodings`), reads Excel (:mod:`~gongjian.loaders.excel`) and
returns a :class:`RawSheet` whose cells are all text (``""`` when empty) with the row
numbers a spreadsheet shows.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "党组织.csv"
>>> _ = p.write_text("组织编码,组织名称\\nA1,甲党委\\n", encoding="gbk")
>>> s = read_sheet(p, "party_orgs")
>>> s.grid.values.tolist(), s.rows.tolist(), s.encoding
([['组织编码', '组织名称'], ['A1', '甲党委']], [1, 2], 'gb18030')
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from gongjian.errors import LedgerError
from gongjian.loaders.config import DEFAULT_MAX_BYTES
from gongjian.loaders.encodings import to_utf8
from gongjian.loaders.excel import read_excel

__all__ = ["RawSheet", "read_csv_bytes", "read_sheet"]


@dataclass
class RawSheet:
    """The cells of one table file as text, header rows included.

    ``grid`` has columns ``0..n-1``; ``rows[i]`` is the spreadsheet row number of
    ``grid`` row ``i``; ``extra`` holds, for CSV rows with more cells than the header, the
    text of the cells beyond it (joined by the delimiter), else None.
    """

    file: str
    grid: pd.DataFrame
    rows: np.ndarray
    encoding: str = ""
    extra: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _python_csv(text: str, delimiter: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Slow, forgiving path: ragged rows are padded; the cells of longer rows kept apart."""
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not records:
        return pd.DataFrame(), np.zeros(0, dtype=object)
    # the header may sit below a title row: its width is that of the first row with 2+ cells
    width = next((len(r) for r in records[:10] if sum(bool(c.strip()) for c in r) >= 2),
                 len(records[0]))
    extra = np.array([delimiter.join(r[width:]) if any(c.strip() for c in r[width:]) else None
                      for r in records], dtype=object)
    grid = pd.DataFrame({i: pd.Series([r[i] if i < len(r) else "" for r in records],
                                      dtype="str") for i in range(width)})
    return grid, extra


def read_csv_bytes(data: bytes, name: str) -> tuple[pd.DataFrame, np.ndarray, str]:
    """Parse CSV bytes (any accepted encoding): all cells as text, header included.

    Returns the grid, the cells beyond the header per row (see :class:`RawSheet`), and
    the encoding.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    utf8, encoding = to_utf8(data, name)
    head = utf8[:65536].decode("utf-8", errors="ignore")
    lines = head.splitlines()
    first = lines[0] if head.strip() else ""
    if not first.strip():
        return pd.DataFrame(), np.zeros(0, dtype=object), encoding
    # a title row above the header has no delimiter: take it from the first line that has one
    delimiter = next((_delimiter(line) for line in lines[:10]
                      if any(d in line for d in (",", "\t", ";"))), ",")
    width = len(next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)))
    names = [f"f{i}" for i in range(width)]
    ragged: list[object] = []

    def skip(row: object) -> str:
        ragged.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.py_buffer(utf8),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                              ignore_empty_lines=False,
                                              invalid_row_handler=skip),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        ragged.append(None)
    if ragged:
        grid, extra = _python_csv(utf8.decode("utf-8"), delimiter)
        return grid, extra, encoding
    grid = pd.DataFrame({i: pd.Series(table.column(i), dtype="str") for i in range(width)})
    return grid, np.full(len(grid), None, dtype=object), encoding


def read_sheet(path: Path, table: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawSheet:
    """Read the file of ledger table ``table`` as raw text cells.

    Raises :class:`LedgerError` for a file over ``max_bytes``, a file that cannot be
    read, or one that is empty (no header row).
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise LedgerError(
            f"{path.name} 太大（{size / 1024**2:.0f} MB，上限 {max_bytes / 1024**2:.0f} MB）；"
            f"可在 gongjian.toml 中设置 max_file_size "
            f"({path.name} is over the size limit; set max_file_size in gongjian.toml)")
    encoding = ""
    extra = None
    try:
        if path.suffix.lower() == ".csv":
            grid, extra, encoding = read_csv_bytes(path.read_bytes(), path.name)
        else:
            grid = read_excel(path, table)
    except OSError as err:
        raise LedgerError(f"无法读取 {path.name}：{err.strerror} (cannot read file)") from err
    if grid.empty or not grid.iloc[:20].apply(lambda c: c.str.strip().ne("")).any().any():
        raise LedgerError(f"{path.name} 是空的，没有表头行；第1行应为表头（可用 gongjian init "
                          f"生成模板） ({path.name} is empty: no header row)")
    rows = np.arange(1, len(grid) + 1, dtype=np.int64)
    if extra is None:
        extra = np.full(len(grid), None, dtype=object)
    return RawSheet(path.name, grid, rows, encoding, extra)
