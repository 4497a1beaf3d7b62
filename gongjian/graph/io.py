"""The graph file (``.gjg``): save a KnowledgeGraph, load it back exactly; or load a ledger folder.

A graph file is a ZIP archive whose members are *stored* (not compressed): ``manifest.json``
(format name and version, gongjian version, creation time, the tables with their row
counts, column types, sizes and SHA-256) and one Parquet file (zstd) per table. The format
is documented in ``docs/graph-file.md``. Nothing in it is ever executed (no pickle): loading
checks the format, the version, the list of members, every size and every checksum before a
byte is decoded, and rebuilds the exact column types the manifest names.

Examples
--------
>>> import tempfile, pandas as pd
>>> from gongjian.graph.model import LIST_TABLES, KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
...     {"id": ["a"], "name": ["甲"], "kind": ["unit"], "district": ["玄武区"]}))
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = save(kg, f"{tmp}/图.gjg")
...     back = load(path)
>>> back.party_orgs[["id", "name"]].to_dict("records")
[{'id': 'a', 'name': '甲'}]
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from gongjian.errors import GongjianError, GraphFileError
from gongjian.graph.model import LIST_TABLES, NODE_TABLES, KnowledgeGraph
from gongjian.output import atomic_file
from gongjian.overlap import InOrder

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "GRAPH_SUFFIX", "MAX_MANIFEST_DEPTH", "GraphReader",
           "Needs", "TableFile", "iter_table", "load", "merge_needs", "read_graph",
           "read_manifest", "reference_positions", "row_positions", "save", "save_files",
           "stored_counts", "validate_tables"]

GRAPH_SUFFIX = ".gjg"
FORMAT_NAME = "gongjian-graph"
FORMAT_VERSION = 3
MANIFEST = "manifest.json"
#: The tables a graph file holds, in this order.
TABLE_NAMES: tuple[str, ...] = tuple(name for name, _ in KnowledgeGraph().tables())
#: Tables added by each format version: a file of an older version lacks them, and they
#: are read as empty (version 2: the three lists and the activity record).
ADDED_IN: dict[str, int] = dict.fromkeys(LIST_TABLES, 2)
#: Reference columns stored as row positions (format version 3): table → column → the
#: label of the node table the column refers to, or the column of the same table that
#: holds that label row by row. Positions need no lookup to check or to read back.
ROW_REFERENCES: dict[str, dict[str, str]] = {
    "relations": {"source_id": "PartyOrg", "target_id": "PartyOrg"},
    "links": {"source": "source_label", "target": "target_label"},
}

#: How the manifest describes a reference column stored as row positions (with its name).
_BY_ROW = {"dtype": "str", "arrow": "int32", "stored": "row"}
_MAX_MANIFEST = 16 * 2**20
#: Decoded Parquet data may be at most this many times its stored size (plus a floor):
#: a guard against members crafted to expand without limit.
_MAX_EXPANSION, _EXPANSION_FLOOR = 200, 64 * 2**20
_ZIP_MAGIC = b"PK\x03\x04"

#: pandas dtype (as the manifest names it) → Arrow type of the stored column.
_ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(), "string": pa.string(), "object": pa.string(),
    "list": pa.list_(pa.string()),
    "Int64": pa.int64(), "Int32": pa.int32(), "Int16": pa.int16(), "Int8": pa.int8(),
    "int64": pa.int64(), "int32": pa.int32(), "float64": pa.float64(), "Float64": pa.float64(),
    "bool": pa.bool_(), "boolean": pa.bool_(),
    **{f"datetime64[{u}]": pa.timestamp(u) for u in ("s", "ms", "us", "ns")},
}
_NULLABLE = {"Int64": pd.Int64Dtype(), "Int32": pd.Int32Dtype(), "Int16": pd.Int16Dtype(),
             "Int8": pd.Int8Dtype(), "Float64": pd.Float64Dtype(), "boolean": pd.BooleanDtype(),
             "string": pd.StringDtype()}


# --- save ------------------------------------------------------------------------------


def save(kg: KnowledgeGraph, path: str | os.PathLike) -> Path:
    """Write ``kg`` to a graph file, whole or not at all (temporary file, then rename).

    Parameters
    ----------
    kg
        The graph to write.
    path
        The file to write; ``.gjg`` is the usual suffix.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save(KnowledgeGraph(), f"{tmp}/空.gjg").name
    '空.gjg'
    """
    path = Path(path)
    members: dict[str, bytes] = {}
    tables = []
    for name, df in kg.tables():
        table, columns = _to_arrow(name, df, _row_positions(kg, name, df))
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        data = sink.getvalue().to_pybytes()
        member = f"{name}.parquet"
        members[member] = data
        tables.append({"name": name, "member": member, "rows": len(df), "size": len(data),
                       "sha256": hashlib.sha256(data).hexdigest(), "columns": columns})
    text = _manifest_text(tables, kg.meta)
    _refuse_folder(path)
    try:
        with atomic_file(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr(_entry(MANIFEST), text)
            for member, data in members.items():
                zf.writestr(_entry(member), data)
    except GongjianError as err:
        raise GraphFileError(str(err)) from err
    return path


def _manifest_text(tables: list[dict[str, Any]], meta: dict[str, Any]) -> bytes:
    from gongjian import __version__

    manifest = {
        "format": FORMAT_NAME, "version": FORMAT_VERSION, "gongjian": __version__,
        "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "tables": tables, "meta": meta,
    }
    return json.dumps(manifest, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def _refuse_folder(path: Path) -> None:
    if path.is_dir():
        raise GraphFileError(f"{path} 是目录：请给出图文件名，例如 图{GRAPH_SUFFIX} "
                             f"(is a folder: give a file name such as graph{GRAPH_SUFFIX})")


class TableFile:
    """One table of a graph file written part by part, for a graph too big to hold whole.

    ``write(df)`` appends a part (the same columns and types each time) to a Parquet file
    ``path`` (zstd, a row group per part, as :func:`save` writes tables); :func:`save_files`
    puts the tables into a graph file. Read back, the table is the parts concatenated.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> parts = [KnowledgeGraph.from_frames(party_orgs=pd.DataFrame({"id": [i], "name": [i]}))
    ...          .party_orgs for i in ("a", "b")]
    >>> table = TableFile("party_orgs", folder / "party_orgs.parquet")
    >>> for part in parts:
    ...     table.write(part)
    >>> others = [TableFile(n, folder / f"{n}.parquet") for n in TABLE_NAMES[1:]]
    >>> for t in others:
    ...     t.write(getattr(KnowledgeGraph(), t.name))
    >>> path = save_files([table, *others], folder / "图.gjg", {"source": "甲"})
    >>> load(path).party_orgs["id"].tolist(), load(path).meta["source"]
    (['a', 'b'], '甲')
    """

    def __init__(self, name: str, path: str | os.PathLike) -> None:
        self.name = name
        self.path = Path(path)
        self.rows = 0
        self.columns: list[dict[str, str]] | None = None
        self._writer: pq.ParquetWriter | None = None
        self._later = InOrder()  # compressed and written while the next part is made

    def write(self, df: pd.DataFrame, positions: Mapping[str, pa.Array] | None = None) -> None:
        """Append the rows of ``df`` (its columns and types those of the first part);
        ``positions``: reference columns given as row positions (:data:`ROW_REFERENCES`)."""
        self._append(*_to_arrow(self.name, df, positions))

    def extend(self, other: TableFile,
               keys_of: Callable[[str], pa.Array | None] | None = None) -> None:
        """Append every row written to ``other``, a row group at a time; with ``keys_of``
        (as for :func:`row_positions`), its reference columns still text become row
        positions on the way."""
        other.close()
        if other.columns is None:
            return
        parquet = pq.ParquetFile(other.path)
        for i in range(parquet.num_row_groups):
            group, columns = parquet.read_row_group(i), other.columns
            if keys_of is not None:
                group, columns = _by_row(group, columns,
                                         reference_positions(self.name, group, keys_of))
            self._append(group, columns)

    def _append(self, table: pa.Table, columns: list[dict[str, str]]) -> None:
        if self._writer is None:
            self.columns = columns
            self._writer = pq.ParquetWriter(self.path, table.schema, compression="zstd")
        elif columns != self.columns:
            raise GraphFileError(
                f"表 {self.name} 的各部分列不一致 (the parts of table {self.name} differ: "
                f"{columns} against {self.columns})")
        self._later.submit(self._writer.write_table, table)
        self.rows += table.num_rows

    def close(self) -> None:
        """Finish the Parquet file (nothing more can be written)."""
        try:
            self._later.close()
        finally:
            if self._writer is not None:
                self._writer.close()
                self._writer = None


def save_files(tables: Iterable[TableFile], path: str | os.PathLike,
               meta: dict[str, Any]) -> Path:
    """Write a graph file from tables written by :class:`TableFile` (every table of
    ``TABLE_NAMES``, each written at least once), whole or not at all, as :func:`save` does.

    The Parquet files are copied into the archive a block at a time, never held in memory;
    they are left in place (the caller removes them).
    """
    path = Path(path)
    files = {t.name: t for t in tables}
    if missing := [n for n in TABLE_NAMES if n not in files or files[n].columns is None]:
        raise ValueError(f"tables not written: {missing}")
    specs = []
    for name in TABLE_NAMES:
        table = files[name]
        table.close()
        digest = hashlib.sha256()
        with table.path.open("rb") as fh:
            while block := fh.read(_COPY_BLOCK):
                digest.update(block)
        specs.append({"name": name, "member": f"{name}.parquet", "rows": table.rows,
                      "size": table.path.stat().st_size, "sha256": digest.hexdigest(),
                      "columns": table.columns})
    text = _manifest_text(specs, meta)
    _refuse_folder(path)
    try:
        with atomic_file(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr(_entry(MANIFEST), text)
            for spec in specs:
                entry = _entry(spec["member"])
                entry.file_size = spec["size"]
                with files[spec["name"]].path.open("rb") as src, \
                        zf.open(entry, "w", force_zip64=spec["size"] >= _ZIP64_FROM) as dst:
                    while block := src.read(_COPY_BLOCK):
                        dst.write(block)
    except GongjianError as err:
        raise GraphFileError(str(err)) from err
    return path


_COPY_BLOCK = 1 << 22
_ZIP64_FROM = (1 << 31) - 1


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    return info


def _dtype_name(series: pd.Series) -> str:
    """The manifest's name for a column's type; ``list`` for columns of lists."""
    dtype = series.dtype
    if pd.api.types.is_object_dtype(dtype):
        lists = (isinstance(v, (list, tuple, np.ndarray)) for v in series.to_numpy(dtype=object))
        return "list" if any(lists) else "object"
    if isinstance(dtype, pd.StringDtype):
        return "str" if dtype.na_value is np.nan else "string"
    return str(dtype)


def _to_arrow(name: str, df: pd.DataFrame, positions: Mapping[str, pa.Array] | None = None,
              ) -> tuple[pa.Table, list[dict[str, str]]]:
    arrays, columns = [], []
    for col in df.columns:
        series = df[col]
        if positions and col in positions:
            arrays.append(positions[col])
            columns.append({"name": col, **_BY_ROW})
            continue
        kind = _dtype_name(series)
        if kind not in _ARROW_TYPES or not isinstance(col, str):
            raise GraphFileError(
                f"无法保存表 {name} 的列 {col!r}：不支持的类型 {kind} "
                f"(cannot save column {col!r} of table {name}: unsupported type {kind})")
        try:
            arrays.append(_column_to_arrow(series, kind))
        except (pa.ArrowException, TypeError, ValueError) as err:
            raise GraphFileError(
                f"无法保存表 {name} 的列 {col!r}：{err} "
                f"(cannot save column {col!r} of table {name})") from err
        columns.append({"name": col, "dtype": kind, "arrow": str(_ARROW_TYPES[kind])})
    table = pa.Table.from_arrays(arrays, names=[c["name"] for c in columns]) if arrays \
        else pa.table({})
    return table, columns


def _column_to_arrow(series: pd.Series, kind: str) -> pa.Array:
    """One column as Arrow; lists of text straight from Python when they are clean."""
    if kind != "list":
        return pa.array(series, type=_ARROW_TYPES[kind], from_pandas=True)
    values = series.to_numpy(dtype=object)
    try:
        return pa.array(values, type=_ARROW_TYPES[kind], from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):  # items that are not text, NaN cells
        return pa.array([None if _missing(v) else [str(x) for x in v] for v in values],
                        type=_ARROW_TYPES[kind])


def _row_positions(kg: KnowledgeGraph, name: str, df: pd.DataFrame) -> dict[str, pa.Array]:
    """The reference columns of table ``name`` as row positions in ``kg``'s tables (an
    empty table keeps them as text)."""
    def keys_of(label: str) -> pa.Array | None:
        table, key = NODE_TABLES[label]
        keys = getattr(kg, table)
        return _arrow_text(keys[key]) if key in keys.columns else None

    return reference_positions(name, df, keys_of) if len(df) else {}


def reference_positions(name: str, rows: pd.DataFrame | pa.Table,
                        keys_of: Callable[[str], pa.Array | None]) -> dict[str, pa.Array]:
    """The reference columns of table ``name`` (:data:`ROW_REFERENCES`) still text in
    ``rows`` as row positions, each column whose every value is found (``keys_of`` as for
    :func:`row_positions`); how format 3 stores them.

    Examples
    --------
    >>> keys = {"PartyOrg": pa.array(["a", "b"])}.get
    >>> ties = pd.DataFrame({"source_id": ["b"], "target_id": ["c"]})
    >>> {k: v.to_pylist() for k, v in reference_positions("relations", ties, keys).items()}
    {'source_id': [1]}
    """
    def text(column: str) -> pa.Array | pa.ChunkedArray | None:
        if isinstance(rows, pa.Table):
            if column not in rows.column_names:
                return None
            values = rows.column(column)
            return values if pa.types.is_string(values.type) else None
        if column not in rows.columns or _dtype_name(rows[column]) != "str":
            return None
        return _arrow_text(rows[column])

    out = {}
    for column, refers in ROW_REFERENCES.get(name, {}).items():
        values = text(column)
        labels = refers if refers in NODE_TABLES else text(refers)
        if values is not None and labels is not None and \
                (found := row_positions(values, labels, keys_of)) is not None:
            out[column] = found
    return out


def _by_row(table: pa.Table, columns: list[dict[str, str]], found: Mapping[str, pa.Array],
            ) -> tuple[pa.Table, list[dict[str, str]]]:
    """``table`` with the columns of ``found`` replaced by those row positions."""
    for column, positions in found.items():
        table = table.set_column(table.schema.get_field_index(column),
                                 pa.field(column, pa.int32()), positions)
    return table, [{"name": c["name"], **_BY_ROW} if c["name"] in found else c
                   for c in columns]


def row_positions(values: pa.Array | pa.ChunkedArray,
                  labels: str | np.ndarray | pa.Array | pa.ChunkedArray,
                  keys_of: Callable[[str], pa.Array | None]) -> pa.Array | None:
    """Each of ``values`` as its row in the table of its label, or None if any is not found.

    ``labels`` is one node label for all, or one per value; ``keys_of(label)`` gives the
    key column of that label's table (None when unknown). Positions are how format 3
    stores references (:data:`ROW_REFERENCES`).

    Examples
    --------
    >>> keys = {"PartyOrg": pa.array(["a", "b"]), "Region": pa.array(["r"])}
    >>> row_positions(pa.array(["b", "r"]), np.array(["PartyOrg", "Region"]),
    ...               keys.get).to_pylist()
    [1, 0]
    >>> row_positions(pa.array(["c"]), "PartyOrg", keys.get) is None
    True
    """
    import pyarrow.compute as pc

    if isinstance(labels, str):
        groups: list[tuple[str, np.ndarray | None]] = [(labels, None)]
    else:  # a few distinct labels over millions of rows: grouped by their codes
        if isinstance(labels, pa.ChunkedArray):
            labels = labels.combine_chunks()
        coded = pc.dictionary_encode(labels if isinstance(labels, pa.Array)
                                     else pa.array(labels), null_encoding="encode")
        codes = coded.indices.to_numpy(zero_copy_only=False)
        groups = [(label, np.flatnonzero(codes == i))
                  for i, label in enumerate(coded.dictionary.to_pylist())]
    positions = np.full(len(values), -1, dtype=np.int64)
    for label, mine in groups:
        keys = keys_of(label) if label in NODE_TABLES else None
        if keys is None:
            return None
        found = pc.index_in(values if mine is None else values.take(pa.array(mine)),
                            value_set=keys)
        if found.null_count:
            return None
        positions[slice(None) if mine is None else mine] = found.to_numpy(zero_copy_only=False)
    if positions.min(initial=0) < 0 or positions.max(initial=0) >= 2**31:
        return None
    return pa.array(positions, pa.int32())


def _missing(value: Any) -> bool:
    if isinstance(value, (list, tuple, np.ndarray)):
        return False
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


# --- load ------------------------------------------------------------------------------


#: Which tables (and optionally which of their columns) to decode: names, or a mapping of
#: name → column names (``None``: every column).
TableSelection = Iterable[str] | Mapping[str, Iterable[str] | None]
#: What a piece of work reads from a graph: table name → the columns it reads (``None``: all).
#: Each module keeps the needs of its own functions (``LAYER_NEEDS``, ``COVERAGE_NEEDS``,
#: ``PAGE_NEEDS`` …) and a command opens the graph file with them.
Needs = dict[str, tuple[str, ...] | None]


def merge_needs(*needs: Mapping[str, Iterable[str] | None]) -> Needs:
    """The tables and columns that several pieces of work read together.

    A table read whole by one of them is read whole; otherwise its columns are the union,
    in order of first mention.

    Examples
    --------
    >>> merge_needs({"relations": ("source_id", "type")},
    ...             {"relations": ("type", "end"), "needs": None},
    ...             {"needs": ("id",)})
    {'relations': ('source_id', 'type', 'end'), 'needs': None}
    """
    out: Needs = {}
    for need in needs:
        for name, columns in need.items():
            if name in out and out[name] is None:
                continue
            if columns is None:
                out[name] = None
                continue
            have = out.get(name) or ()
            out[name] = have + tuple(c for c in columns if c not in have)
    return out


def load(path: str | os.PathLike, *, config: str | os.PathLike | None = None,
         strict: bool = False, tables: TableSelection | None = None) -> KnowledgeGraph:
    """Load a knowledge graph from a graph file, or read and build it from a ledger folder.

    Parameters
    ----------
    path
        A graph file written by :func:`save` (``gongjian build``), or a ledger folder.
    config, strict
        For a ledger folder: passed to :func:`gongjian.read_ledger` and
        :func:`gongjian.build` (good rows only unless ``strict``; ``kg.meta`` counts the
        problems).
    tables
        For a graph file: decode only these tables (the others are left empty), for a
        command that needs a few of them; default all. A mapping of table name to column
        names decodes only those columns of that table (the others are absent from its
        frame). A ledger folder is always read whole.

    Raises
    ------
    GraphFileError
        The path is missing, is neither a folder nor a graph file, or the file is damaged
        or of a newer format version.

    Examples
    --------
    >>> import tempfile
    >>> import gongjian
    >>> kg = load(Path(gongjian.__file__).parents[1] / "examples" / "ledger")  # a folder
    >>> kg.counts()["party_orgs"], kg.meta["problems"]["errors"]
    (13, 0)
    >>> path = save(kg, Path(tempfile.mkdtemp()) / "图.gjg")
    >>> load(path).counts() == kg.counts()                                  # a graph file
    True
    """
    path = Path(path)
    if path.is_dir():
        return _from_ledger(path, config=config, strict=strict)
    if not path.exists():
        raise GraphFileError(
            f"找不到 {path}：请给出图文件（gongjian build 生成的 {GRAPH_SUFFIX} 文件）或台账目录 "
            f"(not found: pass a graph file made by `gongjian build` or a ledger folder)")
    from gongjian.progress import progress

    with progress("读取图文件 reading the graph file"):
        return read_graph(path, tables=tables)


def _from_ledger(folder: Path, *, config, strict: bool) -> KnowledgeGraph:
    from gongjian.graph.build import build
    from gongjian.loaders import read_ledger
    from gongjian.progress import progress

    with progress("读取台账 reading the ledger"):
        ledger = read_ledger(folder, config=config, strict=strict)
    with progress("构建图谱 building the graph"):
        return build(ledger, strict=strict)


def read_manifest(path: str | os.PathLike) -> dict[str, Any]:
    """The checked manifest of a graph file (format, version, tables, meta), without the tables.

    Examples
    --------
    >>> import tempfile
    >>> path = save(KnowledgeGraph(), Path(tempfile.mkdtemp()) / "图.gjg")
    >>> read_manifest(path)["version"]
    3
    """
    path = Path(path)
    with _open_zip(path) as zf:
        return _manifest(zf, path)


def stored_counts(path: str | os.PathLike) -> dict[str, int]:
    """Rows of every table of a graph file, from its manifest, as
    :meth:`KnowledgeGraph.counts <gongjian.graph.model.KnowledgeGraph.counts>` gives them
    (the tables of the three lists only when not empty), without decoding a table.

    Examples
    --------
    >>> import tempfile
    >>> kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
    ...     {"id": ["a"], "name": ["甲"], "kind": ["unit"], "district": ["玄武区"]}))
    >>> path = save(kg, Path(tempfile.mkdtemp()) / "图.gjg")
    >>> stored_counts(path) == kg.counts()
    True
    """
    return {t["name"]: t["rows"] for t in read_manifest(path)["tables"]
            if t["rows"] or t["name"] not in LIST_TABLES}


def read_graph(path: str | os.PathLike, *,
               tables: TableSelection | None = None) -> KnowledgeGraph:
    """Read a graph file written by :func:`save`, checking everything before decoding it.

    ``tables`` names the tables to decode (default all); the others are left empty. A
    mapping of table name to column names decodes only those columns of that table.

    Examples
    --------
    >>> import tempfile
    >>> import gongjian
    >>> path = save(load(Path(gongjian.__file__).parents[1] / "examples" / "ledger"),
    ...          f"{tempfile.mkdtemp()}/图.gjg")
    >>> len(read_graph(path).party_orgs)
    13
    >>> len(read_graph(path, tables=["party_orgs", "relations"]).organizations)
    0
    >>> list(read_graph(path, tables={"relations": ["source_id", "end"]}).relations.columns)
    ['source_id', 'end']
    """
    path = Path(path)
    template = KnowledgeGraph()
    wanted = _selection(tables, template)
    frames: dict[str, pd.DataFrame] = {}
    with _open_zip(path) as zf:
        manifest = _manifest(zf, path)
        for spec in manifest["tables"]:
            _check_types(spec, getattr(template, spec["name"]), path)
        for spec in manifest["tables"]:
            if spec["name"] not in wanted:
                frames[spec["name"]] = _empty(spec)
                continue
            data = _member(zf, spec, path)
            frames[spec["name"]] = _decode(data, spec, path, wanted[spec["name"]])
        specs = {spec["name"]: spec for spec in manifest["tables"]}

        def column_of(table: str, column: str) -> pd.Series:
            if table in wanted and column in frames[table].columns:
                return frames[table][column]
            spec = specs[table]
            return _decode(_member(zf, spec, path), spec, path, (column,))[column]

        for name in TABLE_NAMES:  # a table newer than the file's format version: empty
            if name not in frames:
                frames[name] = getattr(template, name)
                if wanted.get(name) is not None:
                    frames[name] = frames[name][list(wanted[name])]
        for name, frame in frames.items():
            expected = wanted.get(name) or getattr(template, name).columns
            missing = [c for c in expected if c not in frame.columns]
            if missing:
                raise _damaged(path, f"表 {name} 缺少列 {missing}",
                               f"table {name} lacks {missing}")
        resolved = _resolve_rows(frames, wanted, specs, column_of, path)
    meta = dict(manifest.get("meta") or {})
    meta.setdefault("file", str(path))
    validate_tables(frames, wanted, path, resolved=resolved)
    return KnowledgeGraph(**frames, meta=meta)


def _resolve_rows(frames: dict[str, pd.DataFrame], decoded: Iterable[str],
                  specs: Mapping[str, dict[str, Any]],
                  column_of: Callable[[str, str], pd.Series], path: Path
                  ) -> set[tuple[str, str]]:
    """Turn the row positions of reference columns back into the keys they point at.

    Each position is checked against the length of the table it points into (no lookup);
    ``column_of(table, column)`` gives a column, decoding it if the command did not ask
    for it. Returns the references resolved, as ``(table, column)``.
    """
    resolved, labels = set(), list(NODE_TABLES)
    for name, refs in ROW_REFERENCES.items():
        if name not in decoded:
            continue
        frame = frames[name]
        stored = {c["name"] for c in specs[name]["columns"] if "stored" in c}
        for column, refers in refs.items():
            if column not in stored or column not in frame.columns:
                continue
            positions = frame[column].to_numpy(dtype=np.int64, na_value=-1)
            if refers in NODE_TABLES:
                codes = np.full(len(frame), labels.index(refers))
            else:
                codes = _label_codes(column_of(name, refers), path, name, refers)
            used = [code for code in range(len(labels)) if (codes == code).any()]
            keys = {code: _arrow_text(column_of(*NODE_TABLES[labels[code]])) for code in used}
            every = _KeyTable([keys.get(c) for c in range(len(labels))])
            frame[column] = every.resolve(positions, codes, path, name, column)
            resolved.add((name, column))
    return resolved


class _KeyTable:
    """The keys of the node tables end to end, to turn row positions into keys with one take."""

    def __init__(self, keys: list[pa.Array | None]) -> None:
        self.sizes = np.array([0 if k is None else len(k) for k in keys], dtype=np.int64)
        self.first = np.concatenate([[0], np.cumsum(self.sizes)[:-1]]).astype(np.int64)
        present = [k for k in keys if k is not None and len(k)]
        self.every = pa.concat_arrays(present) if present else pa.array([], pa.string())

    def resolve(self, positions: np.ndarray, codes: np.ndarray, path: Path, name: str,
                column: str, offset: int = 0) -> pd.Series:
        """The keys at ``positions`` of the tables ``codes`` (indices into ``NODE_TABLES``),
        every position checked against the length of its table."""
        bad = (positions < 0) | (positions >= self.sizes[codes])
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 1 + offset
            raise _damaged(path, f"表 {name} 的列 {column} 引用了不存在的行（第 {row} 行）",
                           f"column {column} of table {name} points at a row that does "
                           f"not exist (row {row})")
        values = self.every.take(pa.array(self.first[codes] + positions))
        return _to_pandas(pa.chunked_array([values], pa.string()), "str")

    def keys(self, code: int) -> pa.Array:
        """The keys of one table."""
        return self.every.slice(int(self.first[code]), int(self.sizes[code]))


class GraphReader:
    """A graph file read a table, or a batch of rows, at a time, with every check of
    :func:`read_graph`.

    For work whose memory must follow the rows at hand rather than the size of the graph
    (``gongjian export --format neo4j-admin`` at province scale). The manifest, the column
    types, each member's size and checksum, the bounds of what a table decodes to, nulls
    in columns that cannot hold them, filled and unique ids, filled names, labels, row
    positions and references are all checked as :func:`read_graph` checks them, a batch
    at a time; a refusal is a :class:`GraphFileError` naming the table, the column and the
    row. References stored as row positions (format 3) come back as the keys they point
    at, taken from :meth:`keys`.

    Examples
    --------
    >>> import tempfile
    >>> kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
    ...     {"id": ["a", "b", "c"], "name": ["甲", "乙", "丙"]}), relations=pd.DataFrame(
    ...     {"source_id": ["a", "b"], "target_id": ["c", "a"], "type": ["pairing"] * 2}))
    >>> path = save(kg, Path(tempfile.mkdtemp()) / "图.gjg")
    >>> with GraphReader(path) as graph:
    ...     parts = list(graph.batches("relations", ["source_id", "target_id"], rows=1))
    ...     ids = graph.keys("PartyOrg").tolist()
    >>> [part.to_dict("records") for part in parts], ids
    ([[{'source_id': 'a', 'target_id': 'c'}], [{'source_id': 'b', 'target_id': 'a'}]], \
['a', 'b', 'c'])
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._zip = _open_zip(self.path)
        try:
            self.manifest = _manifest(self._zip, self.path)
            self._template = KnowledgeGraph()
            for spec in self.manifest["tables"]:
                _check_types(spec, getattr(self._template, spec["name"]), self.path)
        except BaseException:
            self._zip.close()
            raise
        self._specs = {spec["name"]: spec for spec in self.manifest["tables"]}
        self._keys: _KeyTable | None = None

    def __enter__(self) -> GraphReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._zip.close()

    def rows(self, name: str) -> int:
        """The number of rows of table ``name`` (0 for a table newer than the file)."""
        spec = self._specs.get(name)
        return spec["rows"] if spec else 0

    def empty(self, name: str) -> pd.DataFrame:
        """Table ``name`` with its columns and types as the file has them, but no rows."""
        spec = self._specs.get(name)
        return _empty(spec) if spec else getattr(self._template, name)

    def keys(self, label: str) -> pd.Series:
        """The keys of the node table of ``label`` (read once, checked filled and unique)."""
        table = self._key_table()
        return _to_pandas(pa.chunked_array([table.keys(list(NODE_TABLES).index(label))],
                                           pa.string()), "str")

    def _key_table(self) -> _KeyTable:
        if self._keys is None:
            keys: list[pa.Array | None] = []
            for name, key in NODE_TABLES.values():
                spec = self._specs[name]
                column = self._columns(spec, (key,))
                frame = _decode(_member(self._zip, spec, self.path), spec, self.path, column)
                validate_tables({name: frame}, [name], self.path)
                keys.append(_arrow_text(frame[key]))
            self._keys = _KeyTable(keys)
        return self._keys

    def _columns(self, spec: dict[str, Any], columns: Iterable[str] | None) -> tuple[str, ...]:
        expected = tuple(getattr(self._template, spec["name"]).columns) if columns is None \
            else tuple(columns)
        have = [c["name"] for c in spec["columns"]]
        if missing := [c for c in expected if c not in have]:
            raise _damaged(self.path, f"表 {spec['name']} 缺少列 {missing}",
                           f"table {spec['name']} lacks {missing}")
        return tuple(have) if columns is None else expected

    def batches(self, name: str, columns: Iterable[str] | None = None, *,
                rows: int = 65_536) -> Iterator[pd.DataFrame]:
        """Table ``name`` (only ``columns``, default all) as frames of at most ``rows`` rows,
        each indexed by its rows in the table and checked before it is given."""
        spec = self._specs.get(name)
        if spec is None:  # a table newer than the file's format version: no rows
            return
        only = self._columns(spec, columns)
        stored = {c["name"]: c for c in spec["columns"] if "stored" in c}
        refs = ROW_REFERENCES.get(name, {})
        extra = tuple(refers for column, refers in refs.items()
                      if column in stored and column in only and refers not in NODE_TABLES
                      and refers not in only)  # labels needed to resolve positions
        offset = 0
        for frame in _decode_batches(_member(self._zip, spec, self.path), spec, self.path,
                                     only + extra, rows):
            resolved = set()
            for column, refers in refs.items():
                if column not in stored or column not in frame.columns:
                    continue
                positions = frame[column].to_numpy(dtype=np.int64, na_value=-1)
                codes = np.full(len(frame), list(NODE_TABLES).index(refers)) \
                    if refers in NODE_TABLES else \
                    _label_codes(frame[refers], self.path, name, refers, offset)
                resolved_keys = self._key_table().resolve(positions, codes, self.path, name,
                                                          column, offset)
                frame[column] = resolved_keys.set_axis(frame.index)
                resolved.add((name, column))
            texts = [c for c in refs if c in frame.columns and (name, c) not in resolved]
            known = {label: self._key_table().keys(code)  # text ends: checked against keys
                     for code, label in enumerate(NODE_TABLES)} if texts else None
            validate_tables({name: frame}, [name], self.path, resolved=resolved, known=known,
                            offset=offset)
            offset += len(frame)
            yield frame[list(only)] if extra else frame


def iter_table(path: str | os.PathLike, name: str, columns: Iterable[str] | None = None, *,
               rows: int = 65_536) -> Iterator[pd.DataFrame]:
    """Table ``name`` of a graph file in frames of at most ``rows`` rows, checked as
    :func:`read_graph` checks it (see :class:`GraphReader`).

    Examples
    --------
    >>> import tempfile
    >>> kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
    ...     {"id": ["a", "b", "c"], "name": ["甲", "乙", "丙"]}))
    >>> path = save(kg, Path(tempfile.mkdtemp()) / "图.gjg")
    >>> [len(part) for part in iter_table(path, "party_orgs", ["id"], rows=2)]
    [2, 1]
    """
    with GraphReader(path) as graph:
        yield from graph.batches(name, columns, rows=rows)


def _label_codes(given: pd.Series, path: Path, name: str, column: str,
                 offset: int = 0) -> np.ndarray:
    """Each row's label as its index in ``NODE_TABLES``; an unknown label refused."""
    codes = np.full(len(given), -1)
    for code, label in enumerate(NODE_TABLES):
        codes[(given == label).to_numpy(dtype=bool, na_value=False)] = code
    if (codes < 0).any():
        raise _unknown_label(path, name, column, given, codes < 0, offset)
    return codes


def _selection(tables: TableSelection | None,
               template: KnowledgeGraph) -> dict[str, tuple[str, ...] | None]:
    """``tables`` as table name → the columns to decode (``None``: all of them)."""
    if tables is None:
        wanted: dict[str, tuple[str, ...] | None] = dict.fromkeys(TABLE_NAMES)
    elif isinstance(tables, Mapping):
        wanted = {name: None if cols is None else tuple(cols) for name, cols in tables.items()}
    else:
        wanted = dict.fromkeys(tables)
    if unknown := set(wanted) - set(TABLE_NAMES):
        raise ValueError(f"unknown tables: {sorted(unknown)}")
    for name, cols in wanted.items():
        if cols is not None and (odd := set(cols) - set(getattr(template, name).columns)):
            raise ValueError(f"unknown columns of {name}: {sorted(odd)}")
    return wanted


def _damaged(path: Path, why: str, why_en: str) -> GraphFileError:
    return GraphFileError(f"图文件 {path} 无法使用：{why}；请用 gongjian build 重新生成 "
                          f"(graph file unusable: {why_en}; rebuild it with `gongjian build`)")


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as err:
        raise GraphFileError(f"无法读取 {path}：{err.strerror} (cannot read {path})") from err
    if head != _ZIP_MAGIC:
        raise GraphFileError(
            f"{path} 不是 gongjian 图文件：请给出 gongjian build 生成的 {GRAPH_SUFFIX} 文件"
            "或台账目录 "
            f"(not a gongjian graph file; pass a {GRAPH_SUFFIX} file or a ledger folder)")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as err:
        raise _damaged(path, f"文件已损坏或不完整（{err}）", f"damaged or truncated ({err})") \
            from err


def _manifest(zf: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise _damaged(path, "成员重名", "duplicate members")
    if MANIFEST not in names:
        raise _damaged(path, f"缺少 {MANIFEST}", f"no {MANIFEST}")
    raw = _read_limited(zf, zf.getinfo(MANIFEST), _MAX_MANIFEST, path, exact=False)
    if _json_depth(raw) > MAX_MANIFEST_DEPTH:
        raise _damaged(path, f"{MANIFEST} 嵌套过深", f"{MANIFEST} is nested too deep")
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise _damaged(path, f"{MANIFEST} 不是有效的 JSON", f"{MANIFEST} is not JSON") from err
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise GraphFileError(f"{path} 不是 gongjian 图文件（格式名不符）"
                             f"(not a gongjian graph file: wrong format name)")
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _damaged(path, f"格式版本无效：{version!r}", f"invalid format version {version!r}")
    if version > FORMAT_VERSION:
        made_by = manifest.get("gongjian", "?")
        raise GraphFileError(
            f"图文件 {path} 的格式版本为 {version}（由 gongjian {made_by} 生成），本程序只支持到 "
            f"{FORMAT_VERSION}：请升级 gongjian（pip install -U gongjian） "
            f"(format version {version} is newer than {FORMAT_VERSION}: please upgrade gongjian)")
    _check_tables(manifest.get("tables"), names, path, version)
    if not isinstance(manifest.get("meta", {}), dict):
        raise _damaged(path, "meta 不是对象", "meta is not an object")
    return manifest


_JSON_STRING = re.compile(rb'"(?:[^"\\\\]|\\\\.)*"', re.S)


def _json_depth(raw: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets in strings not counted).

    Examples
    --------
    >>> _json_depth(b'{"a": [1, {"b": "[[["}]}'), _json_depth(b"[" * 5)
    (3, 5)
    """
    bare = np.frombuffer(_JSON_STRING.sub(b'""', raw), dtype=np.uint8)
    if not len(bare):
        return 0
    step = (np.isin(bare, (ord("["), ord("{"))).astype(np.int64)
            - np.isin(bare, (ord("]"), ord("}"))))
    return int(np.cumsum(step).max())


def _check_tables(tables: Any, names: list[str], path: Path, version: int) -> None:
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise _damaged(path, "表清单无效", "invalid table list")
    declared = [t.get("name") for t in tables]
    unknown = [n for n in declared if n not in TABLE_NAMES]
    if unknown:
        raise _damaged(path, f"未知的表 {unknown}", f"unknown tables {unknown}")
    missing = [n for n in TABLE_NAMES if n not in declared and ADDED_IN.get(n, 1) <= version]
    if missing or len(declared) != len(set(declared)):
        raise _damaged(path, f"缺少或重复的表 {missing}", f"missing or repeated tables {missing}")
    expected = {MANIFEST}
    for t in tables:
        member, size, rows = t.get("member"), t.get("size"), t.get("rows")
        if member != f"{t['name']}.parquet":
            raise _damaged(path, f"表 {t['name']} 的成员名无效", f"bad member of {t['name']}")
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                   for v in (size, rows)) or not isinstance(t.get("sha256"), str):
            raise _damaged(path, f"表 {t['name']} 的大小、行数或校验和无效",
                           f"bad size, rows or checksum of {t['name']}")
        columns = t.get("columns")
        if not isinstance(columns, list) or not all(
                isinstance(c, dict) and isinstance(c.get("name"), str)
                and isinstance(c.get("dtype"), str) and c["dtype"] in _ARROW_TYPES
                for c in columns):
            raise _damaged(path, f"表 {t['name']} 的列说明无效", f"bad columns of {t['name']}")
        by_row = ROW_REFERENCES.get(t["name"], {}) if version >= 3 else {}
        if any("stored" in c and (c["stored"] != "row" or c["name"] not in by_row
                                  or c["dtype"] != "str") for c in columns):
            raise _damaged(path, f"表 {t['name']} 的列说明无效", f"bad columns of {t['name']}")
        expected.add(member)
    extra = sorted(set(names) - expected)
    if extra:
        raise _damaged(path, f"含有未知成员 {extra}", f"unknown members {extra}")
    absent = sorted(expected - set(names))
    if absent:
        raise _damaged(path, f"缺少成员 {absent}", f"missing members {absent}")


def _read_limited(zf: zipfile.ZipFile, info: zipfile.ZipInfo, size: int, path: Path, *,
                  exact: bool = True) -> bytes:
    """Read a stored member, never more than ``size`` bytes (``exact``: exactly ``size``)."""
    if info.compress_type != zipfile.ZIP_STORED:
        raise _damaged(path, f"成员 {info.filename} 被压缩（应为存储方式）",
                       f"member {info.filename} is compressed (must be stored)")
    if info.file_size > size or (exact and info.file_size != size):
        raise _damaged(path, f"成员 {info.filename} 的大小与清单不符",
                       f"member {info.filename} has a size other than the manifest says")
    try:
        with zf.open(info) as fh:
            data = fh.read(size + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as err:
        raise _damaged(path, f"成员 {info.filename} 已损坏（{err}）",
                       f"member {info.filename} is damaged ({err})") from err
    if len(data) > size or (exact and len(data) != size):
        raise _damaged(path, f"成员 {info.filename} 的大小与清单不符",
                       f"member {info.filename} has a size other than the manifest says")
    return data


def _member(zf: zipfile.ZipFile, spec: dict[str, Any], path: Path) -> bytes:
    data = _read_limited(zf, zf.getinfo(spec["member"]), spec["size"], path)
    if hashlib.sha256(data).hexdigest() != spec["sha256"]:
        raise _damaged(path, f"成员 {spec['member']} 校验和不符",
                       f"checksum of {spec['member']} does not match")
    return data


def _read_bounded(parquet: pq.ParquetFile, limit: int, rows: int, name: str,
                  path: Path, columns: list[str]) -> pa.Table:
    """Read batch by batch, refusing a table that decodes past ``limit`` bytes or ``rows``.

    The Parquet metadata is written by whoever made the file, so it is not trusted alone.
    """
    batches, size, count = [], 0, 0
    for batch in parquet.iter_batches(batch_size=65536, columns=columns):
        size, count = size + batch.nbytes, count + batch.num_rows
        if size > limit or count > rows:
            raise _damaged(path, f"表 {name} 解码后过大", f"table {name} expands too much")
        batches.append(batch)
    schema = pa.schema([parquet.schema_arrow.field(c) for c in columns])
    return pa.Table.from_batches(batches, schema=schema)


def _decode(data: bytes, spec: dict[str, Any], path: Path,
            only: tuple[str, ...] | None = None) -> pd.DataFrame:
    name = spec["name"]
    try:
        parquet, columns, checked, limit = _prepare(data, spec, path, only)
        table = _read_bounded(parquet, limit, spec["rows"], name, path,
                              [c["name"] for c in checked])
        arrays = _arrays(table, columns, checked, name, path)
    except GraphFileError:
        raise
    except (pa.ArrowException, OSError, ValueError, EOFError) as err:
        raise _damaged(path, f"表 {name} 无法解码（{err}）", f"table {name} cannot be decoded") \
            from err
    return _frame(arrays, columns, pd.RangeIndex(spec["rows"]))


def _decode_batches(data: bytes, spec: dict[str, Any], path: Path,
                    only: tuple[str, ...] | None, rows: int) -> Iterator[pd.DataFrame]:
    """:func:`_decode` a batch of ``rows`` rows at a time (each frame indexed by its rows),
    with the same checks: the bounds before a value is decoded, then the running size."""
    name = spec["name"]
    try:
        parquet, columns, checked, limit = _prepare(data, spec, path, only)
        names = [c["name"] for c in checked]
        schema = pa.schema([parquet.schema_arrow.field(c) for c in names])
        batches = parquet.iter_batches(batch_size=rows, columns=names)
    except GraphFileError:
        raise
    except (pa.ArrowException, OSError, ValueError, EOFError) as err:
        raise _damaged(path, f"表 {name} 无法解码（{err}）", f"table {name} cannot be decoded") \
            from err
    size = count = 0
    while True:
        try:
            batch = next(batches, None)
            if batch is None:
                return
            size, count = size + batch.nbytes, count + batch.num_rows
            if size > limit or count > spec["rows"]:
                raise _damaged(path, f"表 {name} 解码后过大", f"table {name} expands too much")
            arrays = _arrays(pa.Table.from_batches([batch], schema=schema), columns, checked,
                             name, path)
        except GraphFileError:
            raise
        except (pa.ArrowException, OSError, ValueError, EOFError) as err:
            raise _damaged(path, f"表 {name} 无法解码（{err}）",
                           f"table {name} cannot be decoded") from err
        yield _frame(arrays, columns, pd.RangeIndex(count - batch.num_rows, count))


def _prepare(data: bytes, spec: dict[str, Any], path: Path, only: tuple[str, ...] | None,
             ) -> tuple[pq.ParquetFile, list[dict[str, Any]], list[dict[str, Any]], int]:
    """Open a table's Parquet data and check it before a value is decoded.

    Returns the file, the columns to decode, the columns to read (those and the columns
    that cannot hold nulls, always checked) and the most bytes the table may decode to.
    """
    name, columns = spec["name"], spec["columns"]
    parquet = pq.ParquetFile(pa.BufferReader(data))
    meta = parquet.metadata
    expanded = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if expanded > max(_MAX_EXPANSION * len(data), _EXPANSION_FLOOR):
        raise _damaged(path, f"表 {name} 解码后过大", f"table {name} expands too much")
    if meta.num_rows != spec["rows"] or \
            parquet.schema_arrow.names != [c["name"] for c in columns]:
        raise _damaged(path, f"表 {name} 的行数或列与清单不符",
                       f"rows or columns of table {name} differ from the manifest")
    # Columns of a type that cannot hold nulls are read (and checked) even when not
    # asked for: cheap, and no command ever meets a table that lies about its types.
    checked = columns
    if only is not None:
        columns = [c for c in columns if c["name"] in only]
        checked = [c for c in checked if c["name"] in only or c["dtype"] in _NOT_NULL_TYPES]
    limit = max(_MAX_EXPANSION * len(data), _EXPANSION_FLOOR)
    _check_bounds(data, parquet, spec, path, [c["name"] for c in checked], limit)
    return parquet, columns, checked, limit


def _arrays(table: pa.Table, columns: list[dict[str, Any]], checked: list[dict[str, Any]],
            name: str, path: Path) -> list[pa.ChunkedArray]:
    """The columns of ``table`` (read as ``checked``) to decode, nulls checked, types cast."""
    _check_nulls(table, checked, name, path)
    if len(checked) != len(columns):
        table = table.select([c["name"] for c in columns])
    # Parquet has no second-resolution timestamps: a safe cast restores the declared type.
    return [_cast(table.column(i), _stored_type(c), path, name, c["name"])
            for i, c in enumerate(columns)]


def _frame(arrays: list[pa.ChunkedArray], columns: list[dict[str, Any]],
           index: pd.RangeIndex) -> pd.DataFrame:
    out = {c["name"]: _to_pandas(a, "Int32" if "stored" in c else c["dtype"])
           for a, c in zip(arrays, columns, strict=True)}
    frame = pd.DataFrame(out, index=pd.RangeIndex(len(index)))
    frame.index = index
    return frame


def _empty(spec: dict[str, Any]) -> pd.DataFrame:
    """The table of ``spec`` with its columns and types but no rows (a table not decoded)."""
    return pd.DataFrame({c["name"]: _to_pandas(pa.chunked_array([], _ARROW_TYPES[c["dtype"]]),
                                               c["dtype"]) for c in spec["columns"]})


def _stored_type(column: dict[str, Any]) -> pa.DataType:
    """The Arrow type a column is read as: row positions, or its own declared type."""
    return pa.int32() if "stored" in column else _ARROW_TYPES[column["dtype"]]


def _cast(column: pa.ChunkedArray, type_: pa.DataType, path: Path, table: str,
          name: str) -> pa.ChunkedArray:
    if column.type == type_:
        return column
    try:
        return column.cast(type_, safe=True)
    except (pa.ArrowException, ValueError) as err:
        raise _damaged(path, f"表 {table} 的列 {name} 不是 {type_} 类型（{err}）",
                       f"column {name} of table {table} is not of type {type_}") from err


def _to_pandas(column: pa.ChunkedArray, dtype: str) -> pd.Series:
    """Rebuild a column with exactly the pandas type the manifest names."""
    if dtype == "list":
        return pd.Series(_text_lists(column), dtype=object)
    if dtype == "object":
        return pd.Series(column.to_pylist(), dtype=object)
    if dtype == "str":
        return column.to_pandas(types_mapper={pa.string(): pd.StringDtype(
            "pyarrow", na_value=np.nan)}.get).astype("str")
    if dtype in _NULLABLE:
        return column.to_pandas(types_mapper=lambda _t: _NULLABLE[dtype])
    return column.to_pandas().astype(dtype)


def _text_lists(column: pa.ChunkedArray) -> list[list[str | None] | None]:
    """A column of lists of text as Python lists (None for a missing list), every distinct
    text one shared ``str``: the ids an activity record repeats on a million rows cost
    one object each, not one per mention.

    Examples
    --------
    >>> col = pa.chunked_array([[["a", "b"], None, []], [["b", None]]], pa.list_(pa.string()))
    >>> lists = _text_lists(col)
    >>> lists, lists[0][1] is lists[3][0]
    ([['a', 'b'], None, [], ['b', None]], True)
    """
    if not len(column):
        return []
    import pyarrow.compute as pc

    whole = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    lengths = pc.list_value_length(whole).fill_null(0).to_numpy(zero_copy_only=False)
    coded = pc.dictionary_encode(pc.list_flatten(whole), null_encoding="encode")
    texts = np.asarray([*coded.dictionary.to_pylist(), None], dtype=object)
    items = texts[coded.indices.fill_null(-1).to_numpy(zero_copy_only=False)].tolist()
    ends = np.cumsum(lengths).tolist()
    valid = whole.is_valid().to_numpy(zero_copy_only=False).tolist()
    starts = [0, *ends[:-1]]
    # Lists of text hold no cycles: the collector, woken every 700 new lists to walk the
    # whole heap, would take two thirds of the time.
    paused = gc.isenabled()
    gc.disable()
    try:
        return [items[a:b] if ok else None for a, b, ok in zip(starts, ends, valid, strict=True)]
    finally:
        if paused:
            gc.enable()


# --- bounds from the Parquet pages, before anything is decoded ---------------------------

#: Deepest nesting of JSON accepted in a manifest (a real one nests 4 deep).
MAX_MANIFEST_DEPTH = 64
_PAGE_DICTIONARY = 2
_THRIFT_DEPTH = 16


class _Thrift:
    """Just enough of Thrift's compact protocol to read a Parquet page header."""

    def __init__(self, buf: bytes, pos: int, end: int) -> None:
        self.buf, self.pos, self.end = buf, pos, end

    def byte(self) -> int:
        if self.pos >= self.end:
            raise ValueError("page header runs past its column chunk")
        self.pos += 1
        return self.buf[self.pos - 1]

    def varint(self) -> int:
        out = shift = 0
        while True:
            b = self.byte()
            out |= (b & 0x7F) << shift
            if not b & 0x80:
                return out
            shift += 7
            if shift > 63:
                raise ValueError("varint too long")

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def skip(self, kind: int, depth: int) -> None:
        if depth > _THRIFT_DEPTH:
            raise ValueError("page header nested too deep")
        if kind in (1, 2):
            return
        if kind == 3:
            self.byte()
        elif kind in (4, 5, 6):
            self.varint()
        elif kind == 7:
            self.pos += 8
        elif kind == 8:
            size = self.varint()  # read first: it moves pos
            self.pos += size
        elif kind in (9, 10):
            head = self.byte()
            size = head >> 4 if head >> 4 != 15 else self.varint()
            for _ in range(size):
                self.skip(head & 0x0F, depth + 1)
        elif kind == 11:
            size = self.varint()
            if size:
                types = self.byte()
                for _ in range(size):
                    self.skip(types >> 4, depth + 1)
                    self.skip(types & 0x0F, depth + 1)
        elif kind == 12:
            self.struct(depth + 1)
        else:
            raise ValueError(f"unknown thrift type {kind}")
        if self.pos > self.end:
            raise ValueError("page header runs past its column chunk")

    def struct(self, depth: int = 0, want: dict[int, int] | None = None) -> dict[int, Any]:
        """Read a struct; integer fields are returned, struct fields of ``want`` read too."""
        fields: dict[int, Any] = {}
        last = 0
        while True:
            head = self.byte()
            if head == 0:
                return fields
            delta, kind = head >> 4, head & 0x0F
            field = last + delta if delta else self.zigzag()
            last = field
            if kind in (5, 6):
                fields[field] = self.zigzag()
            elif kind == 12 and want is not None and field in want:
                fields[field] = self.struct(depth + 1)
            else:
                self.skip(kind, depth)


def _column_bound(data: bytes, column: Any, rows: int, path: Path, name: str,
                  limit: int) -> tuple[int, bool]:
    """Bytes one column chunk may take decoded, from its page headers; and if it uses a dictionary.

    Every page header is read (not the chunk's own totals, which a crafted file can get
    wrong): the uncompressed page sizes are what the reader will allocate. A dictionary
    page is decompressed (its size checked first) to find its longest value: a value
    repeated by the dictionary indices costs its length on every row.
    """
    start = column.dictionary_page_offset if column.has_dictionary_page else \
        column.data_page_offset
    end = start + column.total_compressed_size
    if start is None or start < 0 or end > len(data):
        raise ValueError("column chunk outside the file")
    pos, pages, longest, dictionary = start, 0, 0, False
    while pos < end:
        reader = _Thrift(data, pos, end)
        header = reader.struct(want={7: 0})
        kind, raw, packed = header.get(1), header.get(2), header.get(3)
        if not all(isinstance(v, int) and v >= 0 for v in (kind, raw, packed)):
            raise ValueError("bad page header")
        body = reader.pos
        pos = body + packed
        if pos > end:
            raise ValueError("page runs past its column chunk")
        pages += raw
        if pages > limit:
            raise _too_big(path, name, column.path_in_schema.split(".")[0])
        if kind == _PAGE_DICTIONARY:
            dictionary = True
            longest = max(longest, _longest_value(data[body:pos], raw, column))
    width = longest + 8 if dictionary else 0
    return max(pages, rows * width) + rows * 9, dictionary


def _longest_value(packed: bytes, raw: int, column: Any) -> int:
    """The longest value of a PLAIN dictionary page of byte arrays (0 for fixed widths)."""
    if column.physical_type != "BYTE_ARRAY":
        return 0
    codec = column.compression.lower()
    if codec == "uncompressed":
        page = packed
    else:
        page = pa.Codec(codec).decompress(packed, decompressed_size=raw).to_pybytes()
    unpack, end, pos, longest = _LENGTH.unpack_from, len(page) - 4, 0, 0
    while pos <= end:
        size = unpack(page, pos)[0]
        if size > longest:
            longest = size
        pos += 4 + size
    return longest


_LENGTH = struct.Struct("<I")


def _exact_size(parquet: pq.ParquetFile, data: bytes, table_name: str, name: str, limit: int,
                path: Path) -> int:
    """Decode a dictionary column without expanding it and refuse it if expanded it is too big."""
    import pyarrow.compute as pc

    leaves = [parquet.metadata.row_group(0).column(i).path_in_schema
              for i in range(parquet.metadata.num_columns)]
    paths = [p for p in leaves if p == name or p.startswith(name + ".")]
    table = pq.ParquetFile(pa.BufferReader(data), read_dictionary=paths).read(columns=[name])
    total = 0
    for chunk in table.column(0).chunks:
        while pa.types.is_list(chunk.type) or pa.types.is_large_list(chunk.type):
            chunk = chunk.flatten()
        if pa.types.is_dictionary(chunk.type):
            lengths = pc.binary_length(chunk.dictionary)
            total += pc.sum(pc.take(lengths, chunk.indices)).as_py() or 0
        else:
            total += chunk.nbytes
        if total > limit:
            raise _too_big(path, table_name, name)
    return total


def _too_big(path: Path, table: str, column: str) -> GraphFileError:
    return _damaged(path, f"表 {table} 的列 {column} 解码后过大（超过 "
                          f"{_EXPANSION_FLOOR >> 20} MB 且超过存储大小的 {_MAX_EXPANSION} 倍）",
                    f"column {column} of table {table} expands too much")


def _check_bounds(data: bytes, parquet: pq.ParquetFile, spec: dict[str, Any], path: Path,
                  columns: list[str], limit: int) -> None:
    """Refuse a table whose decoded size could pass ``limit``, before decoding a value."""
    meta, name = parquet.metadata, spec["name"]
    bounds: dict[str, int] = {}
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for i in range(group.num_columns):
            column = group.column(i)
            top = column.path_in_schema.split(".")[0]
            if top not in columns:
                continue
            size, _ = _column_bound(data, column, group.num_rows, path, name, limit)
            bounds[top] = bounds.get(top, 0) + size
    total = sum(bounds.values())
    if total <= limit:
        return
    for column, size in sorted(bounds.items(), key=lambda kv: -kv[1]):  # the suspects
        if total <= limit:
            return
        total += _exact_size(parquet, data, name, column, limit, path) - size


# --- the tables against the model ----------------------------------------------------------

#: Manifest dtypes that may stand for each type of the model's columns.
_FAMILIES: dict[str, frozenset[str]] = {
    "str": frozenset({"str", "string", "object"}),
    "Int64": frozenset({"Int64", "Int32", "Int16", "Int8", "int64", "int32"}),
    "datetime64[s]": frozenset(f"datetime64[{u}]" for u in ("s", "ms", "us", "ns")),
    "object": frozenset({"list", "object"}),
}
#: Non-nullable pandas types: a null in such a column cannot be rebuilt.
_NOT_NULL_TYPES = frozenset({"int64", "int32", "bool"})
#: Table → its name column (must be filled).
_NAME_COLUMNS = {"party_orgs": "name", "organizations": "name", "sites": "name",
                 "regions": "name"}


def _check_types(spec: dict[str, Any], template: pd.DataFrame, path: Path) -> None:
    """Every column the model knows is declared with a type of the model's kind."""
    name = spec["name"]
    for column in spec["columns"]:
        if column["name"] not in template.columns:
            continue
        model = str(template[column["name"]].dtype)
        allowed = _FAMILIES.get(model, frozenset({model}))
        if column["dtype"] not in allowed:
            raise _damaged(path, f"表 {name} 的列 {column['name']} 应为 {model} 类型，"
                                 f"文件中为 {column['dtype']}",
                           f"column {column['name']} of table {name} should be {model}, "
                           f"is {column['dtype']}")


def _check_nulls(table: pa.Table, columns: list[dict[str, Any]], name: str,
                 path: Path) -> None:
    for i, column in enumerate(columns):
        if column["dtype"] in _NOT_NULL_TYPES and table.column(i).null_count:
            raise _damaged(path, f"表 {name} 的列 {column['name']} 声明为 {column['dtype']}，"
                                 "却有空值",
                           f"column {column['name']} of table {name} is declared "
                           f"{column['dtype']} but holds nulls")


def _first_bad(mask: pd.Series) -> int:
    return int(np.flatnonzero(mask.to_numpy(dtype=bool))[0]) + 1


def validate_tables(frames: Mapping[str, pd.DataFrame], decoded: Iterable[str],
                    path: str | os.PathLike, *,
                    resolved: Iterable[tuple[str, str]] = (),
                    known: Mapping[str, pd.Series | pa.Array] | None = None,
                    offset: int = 0) -> None:
    """Check decoded tables against the model: ids filled and unique, names filled, references.

    ``decoded`` names the tables actually read (a reference is checked when both of its
    ends were read); ``resolved`` names references, as ``(table, column)``, already known
    to exist (read back from row positions). ``known`` gives the keys of node labels whose
    tables are not among ``frames`` (already checked), for the references to them; and
    ``offset`` the rows before these frames, when they are a part of their tables (see
    :class:`GraphReader`). Raises :class:`GraphFileError` naming the table, the column and
    the first bad row.

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["a", "a"], "name": ["甲", "乙"]})
    >>> validate_tables({"party_orgs": orgs}, ["party_orgs"], "图.gjg")
    Traceback (most recent call last):
    ...
    gongjian.errors.GraphFileError: 图文件 图.gjg 无法使用：表 party_orgs 的列 id 有重复值 ...
    """
    path = Path(path)
    decoded, resolved = set(decoded), set(resolved)
    frames = {name: df.reset_index(drop=True) for name, df in frames.items()} if offset \
        else frames
    keys: dict[str, pd.Series | pa.Array] = {}
    for label, (name, key) in NODE_TABLES.items():
        df = frames.get(name)
        if name not in decoded or df is None:
            if known is not None and label in known:
                keys[label] = known[label]
            continue
        if key in df.columns:
            values = df[key]
            if values.isna().any():
                row = _first_bad(values.isna()) + offset
                raise _damaged(path, f"表 {name} 的列 {key} 有空值（第 {row} 行）",
                               f"column {key} of table {name} has an empty value (row {row})")
            dup = values.duplicated()
            if dup.any():
                first = _first_bad(dup)
                row = first + offset
                raise _damaged(path, f"表 {name} 的列 {key} 有重复值 {values.iloc[first - 1]!r}"
                                     f"（第 {row} 行）",
                               f"column {key} of table {name} repeats "
                               f"{values.iloc[first - 1]!r} (row {row})")
            keys[label] = values
        column = _NAME_COLUMNS.get(name)
        if column in df.columns and df[column].isna().any():
            row = _first_bad(df[column].isna()) + offset
            raise _damaged(path, f"表 {name} 的列 {column} 有空值（第 {row} 行）",
                           f"column {column} of table {name} has an empty value (row {row})")
    rel = frames.get("relations")
    if "relations" in decoded and rel is not None and "PartyOrg" in keys:
        _check_refs([(column, rel[column]) for column in ("source_id", "target_id")
                     if column in rel.columns and ("relations", column) not in resolved],
                    keys["PartyOrg"], "relations", path, offset)
    links = frames.get("links")
    if "links" in decoded and links is not None:
        ends: dict[str, list[tuple[str, pd.Series]]] = {label: [] for label in keys}
        for end in ("source", "target"):
            if f"{end}_label" not in links.columns:
                continue
            labels = links[f"{end}_label"]
            odd = ~labels.isin(list(NODE_TABLES))
            if odd.any():
                raise _unknown_label(path, "links", f"{end}_label", labels, odd, offset)
            if end in links.columns and ("links", end) not in resolved:
                for label in keys:
                    mine = (labels == label).to_numpy(dtype=bool)
                    if mine.any():
                        ends[label].append((end, links[end][mine]))
        for label, columns in ends.items():  # one lookup per table of keys, both ends at once
            _check_refs(columns, keys[label], "links", path, offset)


def _unknown_label(path: Path, table: str, column: str, labels: pd.Series,
                   odd: np.ndarray | pd.Series, offset: int = 0) -> GraphFileError:
    first = _first_bad(pd.Series(np.asarray(odd, dtype=bool)))
    row = first + offset
    return _damaged(path, f"表 {table} 的列 {column} 有未知标签 {labels.iloc[first - 1]!r}"
                          f"（第 {row} 行）",
                    f"column {column} of table {table} has an unknown label (row {row})")


def _arrow_text(values: pd.Series | pa.Array) -> pa.Array:
    """A text column as an Arrow string array (zero-copy for Arrow-backed text)."""
    array = values if isinstance(values, pa.Array) else pa.array(values, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array if array.type == pa.string() else array.cast(pa.string())


def _check_refs(columns: list[tuple[str, pd.Series]], known: pd.Series | pa.Array, table: str,
                path: Path, offset: int = 0) -> None:
    """Every value of ``columns`` (name, values) is one of ``known``: one hash lookup for all."""
    import pyarrow.compute as pc

    columns = [(name, values) for name, values in columns if len(values)]
    if not columns:
        return
    try:  # Arrow's hash lookup: pandas' isin on Arrow text loops in Python
        probe = pa.chunked_array([_arrow_text(values) for _, values in columns], pa.string())
        found = pc.is_in(probe, value_set=_arrow_text(known))
        bad = ~found.fill_null(False).to_numpy(zero_copy_only=False)
    except (pa.ArrowException, TypeError, ValueError):
        known = pd.Series(known.to_pylist() if isinstance(known, pa.Array) else known)
        bad = np.concatenate([~values.isin(known).to_numpy(dtype=bool) for _, values in columns])
    if not bad.any():
        return
    first = int(np.flatnonzero(bad)[0])
    for column, values in columns:
        if first >= len(values):
            first -= len(values)
            continue
        where = values.index[first]
        row = int(where) + 1 + offset
        raise _damaged(path, f"表 {table} 的列 {column} 引用了不存在的 {values[where]!r}"
                             f"（第 {row} 行）",
                       f"column {column} of table {table} refers to {values[where]!r}, "
                       f"which does not exist (row {row})")
