"""Read a ledger table in chunks, with the checks that span the whole table.

What the streamed commands share (``gongjian export --format neo4j-admin`` from a ledger
folder, and ``gongjian build``): :func:`table_chunks` gives the data rows of a table file a
chunk at a time as :class:`~gongjian.loaders.sheet.RawSheet` parts (Arrow's streaming CSV
reader, or Python's csv module for a file the fast reader cannot take; an Excel file is
read whole and cut in parts), so that each chunk is checked with
:func:`~gongjian.loaders.validate.check_table` as the whole file would be.
:func:`organization_keys` reads the credit codes of the 两新组织 first, for the duplicates
across chunks; :func:`take_over` gives each chunk those whole-table results;
:func:`narrowed` keeps the 党组织 keys a chunk refers to.

A file that the fast reader cannot take raises :class:`Reread`: the caller starts again
with that file in ``Reading.reread`` (read with Python's csv, or as GB18030).

Examples
--------
>>> import tempfile
>>> from gongjian.loaders.config import load_config
>>> d = Path(tempfile.mkdtemp())
>>> _ = (d / "党组织.csv").write_text(
...     "组织编码,组织名称,组织类别,所属区\\n" + "".join(
...         f"A{i},第{i}党支部,单位党组织,玄武区\\n" for i in range(40)), encoding="utf-8")
>>> ctx = Reading(load_config(d, None), {}, lambda n: None, block=400)
>>> sizes = [len(c.rows) for _, c in table_chunks(d / "党组织.csv", "party_orgs", ctx)]
>>> sum(sizes), len(sizes) > 1
(40, True)
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gongjian.loaders.config import LedgerConfig
from gongjian.loaders.encodings import to_utf8, unknown_encoding
from gongjian.loaders.headers import Located, locate_columns
from gongjian.loaders.ledger import Problem
from gongjian.loaders.references import isin
from gongjian.loaders.sheet import (
    RawSheet,
    header_width,
    ragged_grid,
    read_csv_bytes,
    read_sheet,
    require_header,
    sniff_delimiter,
)
from gongjian.loaders.validate import UNIQUE, Checked, check_table, check_unique, data_rows
from gongjian.loaders.values import clean_text, uscc_column
from gongjian.overlap import read_ahead

__all__ = ["CHUNK_BYTES", "ChunkSource", "FirstRows", "Reading", "Reread", "checked_chunks",
           "narrowed", "organization_keys", "problems_by_row", "raw_columns", "reference_table",
           "table_chunks", "take_over"]

#: Bytes of CSV per chunk (about 300k rows); Python's csv: bytes / 100 rows.
CHUNK_BYTES = 1 << 25
_HEAD = 1 << 16


class Reread(Exception):
    """A CSV the fast reader cannot take as a whole: start again with Python's csv module."""

    def __init__(self, path: Path, encoding: str | None) -> None:
        super().__init__(str(path))
        self.path = path
        self.encoding = encoding


@dataclass
class ChunkSource:
    """One table file: where its header is and how to read it (fast, or Python's csv)."""

    path: Path
    key: str
    located: Located
    encoding: str = "utf-8"
    delimiter: str = ","
    width: int = 0
    slow: bool = False
    block: int = CHUNK_BYTES

    @property
    def chunk_located(self) -> Located:
        """The header's positions for chunks that hold data rows only."""
        return dataclasses.replace(self.located, header_index=-1)


def _open_source(path: Path, key: str, cfg: LedgerConfig, reread: dict[Path, str | None],
                 block: int) -> tuple[ChunkSource, RawSheet | None]:
    """Find the header of ``path``; an Excel file is read whole (returned as its sheet)."""
    if path.suffix.lower() != ".csv":
        sheet = read_sheet(path, key, max_bytes=cfg.max_bytes, mapping=cfg.mapping(key))
        return ChunkSource(path, key, locate_columns(sheet, key, cfg.mapping(key)),
                       block=block), sheet
    with open(path, "rb") as fh:
        head = fh.read(_HEAD)
        more = bool(fh.read(1))
    if more:  # cut at the last line end, so that no character is split
        cut = head.rfind(b"\n")
        head = head[:cut + 1] if cut > 0 else head
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and len(head) % 2:
            head = head[:-1]
    utf8, encoding = to_utf8(head, path.name)
    encoding = reread.get(path) or encoding
    grid, _, _ = read_csv_bytes(head, path.name)
    require_header(grid, path.name)
    sheet = RawSheet(path.name, grid, np.arange(1, len(grid) + 1, dtype=np.int64), encoding)
    located = locate_columns(sheet, key, cfg.mapping(key))
    delimiter = sniff_delimiter(utf8.decode("utf-8", errors="ignore"))
    return ChunkSource(path, key, located, encoding, delimiter, grid.shape[1],
                   slow=path in reread, block=block), None


def _chunks(src: ChunkSource, sheet: RawSheet | None,
            advance: Callable[[float], None]) -> Iterator[RawSheet]:
    """The data rows of a table as raw sheets (row numbers as a spreadsheet shows them)."""
    if sheet is not None:
        start = src.located.header_index + 1
        step = max(1, src.block // 100)
        for lo in range(start, len(sheet.grid), step):  # sheets, formula cells, notes kept
            yield sheet.part(lo, min(lo + step, len(sheet.grid)), notes=lo == start)
        advance(src.path.stat().st_size)
        return
    reader = _python_chunks if src.slow else _arrow_chunks
    done = 0
    for index, grid, extra, position in read_ahead(reader(src)):
        keep = index > src.located.header_index
        rows = (index + 1)[keep]
        advance(position - done)
        done = position
        if not keep.all():
            grid = grid[keep].reset_index(drop=True)
            extra = extra[keep]
        if len(grid):
            yield RawSheet(src.path.name, grid, rows, src.encoding, extra)
    advance(src.path.stat().st_size - done)


def _arrow_chunks(src: ChunkSource) -> Iterator[tuple[np.ndarray, pd.DataFrame, np.ndarray, int]]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"f{i}" for i in range(src.width)]

    ragged_rows: list[object] = []

    def ragged(row: object) -> str:  # the reader cannot raise from here: note it, stop after
        ragged_rows.append(row)
        return "skip"

    encoding = "utf8" if src.encoding in ("utf-8", "utf-8-sig") else src.encoding
    seen = 0
    with open(src.path, "rb") as fh:
        if src.encoding == "utf-8-sig":
            fh.seek(3)
        try:
            reader = pacsv.open_csv(
                fh,
                read_options=pacsv.ReadOptions(column_names=names, block_size=src.block,
                                               encoding=encoding, use_threads=False),
                parse_options=pacsv.ParseOptions(delimiter=src.delimiter,
                                                  newlines_in_values=True,
                                                  ignore_empty_lines=False,
                                                  invalid_row_handler=ragged),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                    quoted_strings_can_be_null=False))
            for batch in reader:
                if ragged_rows:
                    raise Reread(src.path, None)
                n = batch.num_rows
                grid = pd.DataFrame({i: pd.Series(batch.column(i), dtype="str")
                                     for i in range(src.width)})
                yield (np.arange(seen, seen + n, dtype=np.int64), grid,
                       np.full(n, None, dtype=object), fh.tell())
                seen += n
            if ragged_rows:
                raise Reread(src.path, None)
        except pa.ArrowInvalid as err:
            if "utf8" in str(err).lower() or "utf-8" in str(err).lower():
                raise Reread(src.path, "gb18030") from err
            raise Reread(src.path, None) from err


def _python_chunks(src: ChunkSource) -> Iterator[tuple[np.ndarray, pd.DataFrame, np.ndarray, int]]:
    """The loader's forgiving path, in chunks: short rows padded, extra cells kept apart."""
    encoding = "utf-16" if src.encoding == "utf-16" else src.encoding
    seen = 0
    with open(src.path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        records = csv.reader(text, delimiter=src.delimiter)
        width = None
        try:
            while True:
                batch = [r for _, r in zip(range(max(1, src.block // 100)), records,
                                                 strict=False)]
                if not batch:
                    return
                if width is None:
                    width = header_width(batch)
                grid, extra = ragged_grid(batch, width, src.delimiter)
                n = len(batch)
                yield np.arange(seen, seen + n, dtype=np.int64), grid, extra, raw.tell()
                seen += n
        except UnicodeDecodeError as err:
            if src.encoding in ("utf-8", "utf-8-sig"):
                raise Reread(src.path, "gb18030") from err
            raise unknown_encoding(src.path.name) from err


@dataclass
class Reading:
    """How tables are read in this run: config, files to re-read slowly, progress, chunk."""

    cfg: LedgerConfig
    reread: dict[Path, str | None]
    advance: Callable[[float], None]
    block: int = CHUNK_BYTES


def table_chunks(path: Path, key: str, ctx: Reading) -> Iterator[tuple[ChunkSource, RawSheet]]:
    src, sheet = _open_source(path, key, ctx.cfg, ctx.reread, ctx.block)
    for chunk in _chunks(src, sheet, ctx.advance):
        yield src, chunk


def checked_chunks(path: Path, key: str, ctx: Reading) -> Iterator[Checked]:
    """The chunks of :func:`table_chunks`, each checked by
    :func:`~gongjian.loaders.validate.check_table` (the next one on a second thread while
    the caller works on this one)."""
    return read_ahead(check_table(chunk, key, src.chunk_located)
                      for src, chunk in table_chunks(path, key, ctx))


def reference_table(key: str, file: str, located: Located, parts: list[pd.DataFrame],
               raws: list[pd.DataFrame], rows: list[np.ndarray],
               bad: list[np.ndarray], sheets: list[np.ndarray | None] | None = None) -> Checked:
    """A checked table of key columns only, for the checks that span the whole table
    (``sheets``: the sheet of each row, from a workbook, for the problems to name it)."""
    data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {c: pd.Series(dtype="str") for c in ("id", "name", "district", "parent_id", "uscc")})
    raw = pd.concat(raws, ignore_index=True) if raws else pd.DataFrame()
    named = bool(sheets) and all(s is not None for s in sheets)
    return Checked(key, file, located, data, raw,
                   np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
                   np.concatenate(bad) if bad else np.zeros(0, dtype=bool),
                   sheets=np.concatenate(sheets) if named else None)


def raw_columns(located: Located, raw: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    """The raw cells of some columns, under their positions (as :class:`Checked` keeps them)."""
    return pd.DataFrame({located.positions[n]: raw[located.positions[n]].to_numpy()
                         for n in names if n in located.positions})


def problems_by_row(problems: list[Problem]) -> dict[int, list[Problem]]:
    out: dict[int, list[Problem]] = {}
    for p in problems:
        out.setdefault(p.row or 0, []).append(p)
    return out


def take_over(c: Checked, ref_bad: np.ndarray, problems: dict[int, list[Problem]]) -> None:
    """Give a chunk the whole-table results: duplicates across chunks, reference checks."""
    c.problems = [p for p in c.problems if p.code != "duplicate"]
    if problems:  # only the rows that have any (a chunk has some 300k rows)
        at = np.isin(c.rows, np.fromiter(problems, dtype=np.int64, count=len(problems)))
        for r in c.rows[at]:
            c.problems.extend(problems.pop(int(r), ()))
    c.bad |= ref_bad


class FirstRows:
    """The row (and sheet) where each value of a table's unique column (``UNIQUE``) first
    appears, over the chunks seen so far: the duplicates across chunks in one pass.

    :meth:`check` gives a chunk the ``duplicate`` problems and rejected rows that
    :func:`~gongjian.loaders.validate.check_unique` gives those rows in the whole table
    (a row repeating the value of an earlier row, in this chunk or an earlier one), with
    the same wording; what stays is one entry per distinct value.

    Examples
    --------
    >>> import tempfile
    >>> from gongjian.loaders.config import load_config
    >>> from gongjian.loaders.validate import check_table
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "党组织.csv").write_text(
    ...     "组织编码,组织名称,组织类别,所属区\\n" + "".join(
    ...         f"A{i % 30},第{i}党支部,单位党组织,玄武区\\n" for i in range(40)),
    ...     encoding="utf-8")
    >>> ctx = Reading(load_config(d, None), {}, lambda n: None, block=400)
    >>> first = FirstRows()
    >>> found = []
    >>> for src, chunk in table_chunks(d / "党组织.csv", "party_orgs", ctx):
    ...     c = check_table(chunk, "party_orgs", src.chunk_located)
    ...     first.check(c)
    ...     found += [(p.row, p.message) for p in c.problems if p.code == "duplicate"]
    >>> len(found), found[0]
    (10, (32, '与第2行重复'))
    """

    def __init__(self) -> None:
        self.row: dict[object, int] = {}
        self.sheet: dict[object, object] = {}

    def check(self, c: Checked) -> None:
        """Replace chunk ``c``'s own ``duplicate`` problems with those of the whole table."""
        name = UNIQUE.get(c.key)
        if name is None or name not in c.located.positions:
            return
        c.problems = [p for p in c.problems if p.code != "duplicate"]
        values = c.data[name].to_numpy(dtype=object)
        known = np.fromiter(map(self.row.__contains__, values), dtype=bool, count=len(values))
        keys = np.array(list(dict.fromkeys(values[known].tolist())), dtype=object)
        pos = c.located.positions[name]
        n = len(keys)
        ref = Checked(c.key, c.file, c.located,
                      pd.DataFrame({name: np.concatenate([keys, values])}),
                      pd.DataFrame({pos: np.concatenate(
                          [np.full(n, None, dtype=object), c.raw[pos].to_numpy(dtype=object)])}),
                      np.concatenate([np.array([self.row[k] for k in keys], dtype=np.int64),
                                      c.rows]),
                      np.zeros(n + len(values), dtype=bool),
                      sheets=None if c.sheets is None else np.concatenate(
                          [np.array([self.sheet.get(k) for k in keys], dtype=object),
                           c.sheets]))
        check_unique(ref, ref.data)
        c.problems.extend(ref.problems)
        c.bad |= ref.bad[n:]
        fresh = ~known & pd.notna(values) & ~ref.bad[n:]
        self.row.update(zip(values[fresh].tolist(), c.rows[fresh].tolist(), strict=True))
        if c.sheets is not None:
            self.sheet.update(zip(values[fresh].tolist(), c.sheets[fresh].tolist(), strict=True))


def organization_keys(path: Path, ctx: Reading) -> Checked:
    """First pass over 两新组织: only the credit codes, for duplicates across the file."""
    parts, raws, rows, sheets = [], [], [], []
    src = None
    for src, chunk in table_chunks(path, "organizations", ctx):
        located = src.chunk_located
        d = data_rows(chunk, located)
        raw, r = d.grid, d.rows
        pos = located.positions.get("uscc")
        if pos is None:
            continue
        text, _ = clean_text(raw[pos])
        uscc, _, _ = uscc_column(text)
        parts.append(pd.DataFrame({"uscc": uscc.reset_index(drop=True)}))
        raws.append(pd.DataFrame({pos: raw[pos].to_numpy()}))
        rows.append(r)
        sheets.append(d.sheets)
    located = src.located if src else Located(0, {}, {}, (), "organizations")
    ref = reference_table("organizations", path.name, located, parts, raws, rows,
                     [np.zeros(len(r), dtype=bool) for r in rows], sheets)
    if len(ref.rows):
        check_unique(ref, ref.data)
    ref.data = pd.DataFrame()
    ref.raw = pd.DataFrame()
    return ref


def narrowed(orgs: Checked, *, id_: pd.Series | None = None,
              name: pd.Series | None = None) -> Checked:
    """The 党组织 keys that a chunk refers to (by id or by name): same answers, less work."""
    keep = np.zeros(len(orgs.rows), dtype=bool)
    if id_ is not None:
        keep |= isin(orgs.data["id"], id_.dropna().unique())
    if name is not None:
        keep |= isin(orgs.data["name"], name.dropna().unique())
    return Checked(orgs.key, orgs.file, orgs.located,
                   orgs.data.loc[keep].reset_index(drop=True), pd.DataFrame(),
                   orgs.rows[keep], orgs.bad[keep])
