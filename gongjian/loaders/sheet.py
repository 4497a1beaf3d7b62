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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from gongjian.errors import LedgerError
from gongjian.loaders.config import DEFAULT_MAX_BYTES
from gongjian.loaders.encodings import to_utf8
from gongjian.loaders.excel import SheetGrid, read_sheets
from gongjian.loaders.ledger import Problem
from gongjian.loaders.problems import make
from gongjian.loaders.workbook import CellIssue, split_ref

__all__ = ["RawSheet", "read_csv_bytes", "read_sheet"]


@dataclass
class RawSheet:
    """The cells of one table file as text, header rows included.

    ``grid`` has columns ``0..n-1``; ``rows[i]`` is the spreadsheet row number of
    ``grid`` row ``i``; ``extra`` holds, for CSV rows with more cells than the header, the
    text of the cells beyond it (joined by the delimiter), else None.

    Read from a workbook, ``sheets[i]`` names the sheet of ``grid`` row ``i`` (several
    sheets may hold the table: their data rows follow the first sheet's, under its header);
    ``issues`` maps ``(grid row, grid column)`` to the cells whose value is not a value
    (:class:`~gongjian.loaders.workbook.CellIssue`); ``notes`` are the warnings of the
    reading (sheets skipped, stray cells left out).
    """

    file: str
    grid: pd.DataFrame
    rows: np.ndarray
    encoding: str = ""
    extra: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    sheets: np.ndarray | None = None
    issues: dict[tuple[int, int], CellIssue] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)

    def sheet(self, index: int) -> str | None:
        """The sheet of grid row ``index`` (None for CSV)."""
        return None if self.sheets is None or index >= len(self.sheets) else \
            str(self.sheets[index])

    def part(self, lo: int, hi: int, *, notes: bool = False) -> RawSheet:
        """Grid rows ``lo`` to ``hi - 1`` as a raw sheet of their own, for reading a table in
        chunks: row numbers, sheets and the cells whose value is not a value go with their
        rows; the reading's ``notes`` (sheets skipped, stray cells) only with ``notes``, so
        that one chunk reports them.

        Examples
        --------
        >>> import pandas as pd
        >>> from gongjian.loaders.workbook import CellIssue
        >>> s = RawSheet("t.xlsx", pd.DataFrame({0: ["编码", "A1", "#N/A"]}),
        ...              np.array([1, 2, 3]), sheets=np.array(["甲", "甲", "乙"], dtype=object),
        ...              issues={(2, 0): CellIssue(2, 0, "A3", "formula_error", "#N/A")})
        >>> p = s.part(2, 3)
        >>> p.rows.tolist(), p.sheet(0), list(p.issues)
        ([3], '乙', [(0, 0)])
        """
        return RawSheet(
            self.file, self.grid.iloc[lo:hi].reset_index(drop=True), self.rows[lo:hi],
            self.encoding, self.extra[lo:hi] if len(self.extra) else self.extra,
            None if self.sheets is None else self.sheets[lo:hi],
            {(g - lo, c): i for (g, c), i in self.issues.items() if lo <= g < hi},
            list(self.notes) if notes else [])

    def where(self, index: int | None = None) -> str:
        """The file, sheet and (for ``index``) row of grid row ``index``, for messages."""
        out = self.file
        sheet = self.sheet(index or 0)
        if sheet:
            out += f" 工作表「{sheet}」"
        if index is not None and index < len(self.rows):
            out += f" 第{self.rows[index]}行"
        return out


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def sniff_delimiter(text: str) -> str:
    """The delimiter of CSV text: that of the first of 10 lines holding one (a title row above
    the header has none), else ``,``.

    Examples
    --------
    >>> sniff_delimiter(chr(10).join(["党组织台账", "编码;名称", "A1;甲"]))
    ';'
    """
    return next((_delimiter(line) for line in text.splitlines()[:10]
                 if any(d in line for d in (",", "\t", ";"))), ",")


def header_width(records: list[list[str]]) -> int:
    """Cells per row: those of the first row with 2+ cells (the header may sit below a title)."""
    return next((len(r) for r in records[:10] if sum(bool(c.strip()) for c in r) >= 2),
                len(records[0]))


def ragged_grid(records: list[list[str]], width: int,
                delimiter: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows of cells as a text grid ``width`` wide: short rows padded, the cells of longer
    rows kept apart (joined by ``delimiter``; None where there are none)."""
    extra = np.array([delimiter.join(r[width:]) if any(c.strip() for c in r[width:]) else None
                      for r in records], dtype=object)
    grid = pd.DataFrame({i: pd.Series([r[i] if i < len(r) else "" for r in records],
                                      dtype="str") for i in range(width)})
    return grid, extra


def require_header(grid: pd.DataFrame, name: str) -> None:
    """Raise the clear error for a table file with no header row (nothing in its first rows)."""
    if grid.empty or not grid.iloc[:20].apply(lambda c: c.str.strip().ne("")).any().any():
        raise LedgerError(f"{name} 是空的，没有表头行；第1行应为表头（可用 gongjian init "
                          f"生成模板） ({name} is empty: no header row)")


def _python_csv(text: str, delimiter: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Slow, forgiving path: ragged rows are padded; the cells of longer rows kept apart."""
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not records:
        return pd.DataFrame(), np.zeros(0, dtype=object)
    return ragged_grid(records, header_width(records), delimiter)


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
    delimiter = sniff_delimiter(head)
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


def read_sheet(path: Path, table: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
               mapping: Mapping[str, str] | None = None) -> RawSheet:
    """Read the file of ledger table ``table`` as raw text cells.

    From a workbook, every visible sheet whose header names the table's required columns
    is read (``mapping``: other header names, as in ``gongjian.toml``); see
    :func:`~gongjian.loaders.excel.read_sheets`. Raises :class:`LedgerError` for a file
    over ``max_bytes``, a file that cannot be read, or one that is empty (no header row).
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
            return _workbook_sheet(path, table, mapping)
    except OSError as err:
        raise LedgerError(f"无法读取 {path.name}：{err.strerror} (cannot read file)") from err
    require_header(grid, path.name)
    rows = np.arange(1, len(grid) + 1, dtype=np.int64)
    if extra is None:
        extra = np.full(len(grid), None, dtype=object)
    return RawSheet(path.name, grid, rows, encoding, extra)


def _workbook_sheet(path: Path, table: str, mapping: Mapping[str, str] | None) -> RawSheet:
    """The sheets of a workbook that hold ``table`` as one raw sheet (see :func:`read_sheet`)."""
    from gongjian.loaders.headers import locate_columns
    from gongjian.loaders.tables import TABLES

    def located(grid: SheetGrid):
        sheet = RawSheet(path.name, grid.grid, np.arange(1, len(grid.grid) + 1, dtype=np.int64),
                         sheets=np.full(len(grid.grid), grid.name, dtype=object))
        return locate_columns(sheet, table, mapping)

    def accept(grid: pd.DataFrame) -> bool:
        if grid.empty:
            return False
        try:
            located(SheetGrid("", grid))
        except LedgerError:
            return False
        return True

    grids, skipped = read_sheets(path, table, accept)
    notes = [make(code, path.name, table, None, None, None, sheet=name, table_zh=TABLES[table].zh,
                  table_en=table, named=grids[0].name) for name, code in skipped]
    first = grids[0]
    require_header(first.grid, f"{path.name} 工作表「{first.name}」")
    parts = [first.grid]
    rows = [np.arange(1, len(first.grid) + 1, dtype=np.int64)]
    sheets = [np.full(len(first.grid), first.name, dtype=object)]
    issues = {(i.row, i.col): i for i in first.issues}
    notes += _stray_notes(path.name, table, first)
    if len(grids) > 1:
        head = located(first)
        grid = first.grid.copy()
        places = dict(head.positions)
        offset = len(grid)
        for other in grids[1:]:
            where = located(other)
            for name in where.positions:
                if name not in places:  # a column the first sheet lacks: added to its header
                    places[name] = grid.shape[1]
                    grid[grid.shape[1]] = ""
                    grid.iloc[head.header_index, places[name]] = where.headers[name]
            start = where.header_index + 1
            data = other.grid.iloc[start:]
            moved = pd.DataFrame({c: pd.Series([""] * len(data), dtype=grid[c].dtype)
                                  for c in grid.columns})
            for name, pos in where.positions.items():
                moved[places[name]] = data[pos].to_numpy()
            parts.append(moved)
            rows.append(np.arange(start + 1, len(other.grid) + 1, dtype=np.int64))
            sheets.append(np.full(len(data), other.name, dtype=object))
            back = {pos: places[name] for name, pos in where.positions.items()}
            for i in other.issues:
                if i.row >= start and i.col in back:
                    issues[(offset + i.row - start, back[i.col])] = i
            offset += len(data)
            notes += _stray_notes(path.name, table, other)
        parts[0] = grid
    grid = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    row_numbers = np.concatenate(rows)
    return RawSheet(path.name, grid, row_numbers, "", np.full(len(grid), None, dtype=object),
                    np.concatenate(sheets), issues, notes)


def _stray_notes(file: str, table: str, grid: SheetGrid) -> list[Problem]:
    return [make("stray_cell", file, table, split_ref(ref)[0], None, value or None,
                 sheet=grid.name, cell=ref) for ref, value in grid.stray]
