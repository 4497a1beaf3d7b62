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
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from gongjian.errors import GraphFileError
from gongjian.graph.model import LIST_TABLES, KnowledgeGraph

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "GRAPH_SUFFIX", "load", "read_graph",
           "read_manifest", "save"]

GRAPH_SUFFIX = ".gjg"
FORMAT_NAME = "gongjian-graph"
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
#: The tables a graph file holds, in this order.
TABLE_NAMES: tuple[str, ...] = tuple(name for name, _ in KnowledgeGraph().tables())
#: Tables added by each format version: a file of an older version lacks them, and they
#: are read as empty (version 2: the three lists and the activity record).
ADDED_IN: dict[str, int] = dict.fromkeys(LIST_TABLES, 2)

_MAX_MANIFEST = 16 * 2**20
#: Decoded Parquet data may be at most this many times its stored size (plus a floor):
#: a guard against members crafted to expand without limit.
_MAX_EXPANSION, _EXPANSION_FLOOR = 200, 256 * 2**20
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
        table, columns = _to_arrow(name, df)
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        data = sink.getvalue().to_pybytes()
        member = f"{name}.parquet"
        members[member] = data
        tables.append({"name": name, "member": member, "rows": len(df), "size": len(data),
                       "sha256": hashlib.sha256(data).hexdigest(), "columns": columns})
    from gongjian import __version__

    manifest = {
        "format": FORMAT_NAME, "version": FORMAT_VERSION, "gongjian": __version__,
        "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "tables": tables, "meta": kg.meta,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, default=str).encode("utf-8")
    if path.is_dir():
        raise GraphFileError(f"{path} 是目录：请给出图文件名，例如 图{GRAPH_SUFFIX} "
                             f"(is a folder: give a file name such as graph{GRAPH_SUFFIX})")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as err:
        raise GraphFileError(f"无法写入 {path}：{err.strerror} (cannot write {path})") from err
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr(_entry(MANIFEST), text)
            for member, data in members.items():
                zf.writestr(_entry(member), data)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise GraphFileError(f"无法写入 {path}：{err.strerror} (cannot write {path})") from err
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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


def _to_arrow(name: str, df: pd.DataFrame) -> tuple[pa.Table, list[dict[str, str]]]:
    arrays, columns = [], []
    for col in df.columns:
        series = df[col]
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


def _missing(value: Any) -> bool:
    if isinstance(value, (list, tuple, np.ndarray)):
        return False
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


# --- load ------------------------------------------------------------------------------


#: Which tables (and optionally which of their columns) to decode: names, or a mapping of
#: name → column names (``None``: every column).
TableSelection = Iterable[str] | Mapping[str, Iterable[str] | None]


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
    >>> kg = load("examples/ledger")        # doctest: +SKIP
    >>> kg = load("图.gjg")                  # doctest: +SKIP
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
    >>> read_manifest("图.gjg")["version"]   # doctest: +SKIP
    1
    """
    path = Path(path)
    with _open_zip(path) as zf:
        return _manifest(zf, path)


def read_graph(path: str | os.PathLike, *,
               tables: TableSelection | None = None) -> KnowledgeGraph:
    """Read a graph file written by :func:`save`, checking everything before decoding it.

    ``tables`` names the tables to decode (default all); the others are left empty. A
    mapping of table name to column names decodes only those columns of that table.

    Examples
    --------
    >>> kg = read_graph("图.gjg")                                          # doctest: +SKIP
    >>> kg = read_graph("图.gjg", tables=["party_orgs", "relations"])       # doctest: +SKIP
    >>> kg = read_graph("图.gjg", tables={"relations": ["source_id", "end"]})  # doctest: +SKIP
    """
    path = Path(path)
    template = KnowledgeGraph()
    wanted = _selection(tables, template)
    frames: dict[str, pd.DataFrame] = {}
    with _open_zip(path) as zf:
        manifest = _manifest(zf, path)
        for spec in manifest["tables"]:
            if spec["name"] not in wanted:
                frames[spec["name"]] = _empty(spec)
                continue
            data = _member(zf, spec, path)
            frames[spec["name"]] = _decode(data, spec, path, wanted[spec["name"]])
    for name in TABLE_NAMES:  # a table newer than the file's format version: empty
        if name not in frames:
            frames[name] = getattr(template, name)
            if wanted.get(name) is not None:
                frames[name] = frames[name][list(wanted[name])]
    meta = dict(manifest.get("meta") or {})
    meta.setdefault("file", str(path))
    for name, frame in frames.items():
        expected = wanted.get(name) or getattr(template, name).columns
        missing = [c for c in expected if c not in frame.columns]
        if missing:
            raise _damaged(path, f"表 {name} 缺少列 {missing}", f"table {name} lacks {missing}")
    return KnowledgeGraph(**frames, meta=meta)


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
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
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
    name, columns = spec["name"], spec["columns"]
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        meta = parquet.metadata
        expanded = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if expanded > max(_MAX_EXPANSION * len(data), _EXPANSION_FLOOR):
            raise _damaged(path, f"表 {name} 解码后过大", f"table {name} expands too much")
        if meta.num_rows != spec["rows"] or \
                parquet.schema_arrow.names != [c["name"] for c in columns]:
            raise _damaged(path, f"表 {name} 的行数或列与清单不符",
                           f"rows or columns of table {name} differ from the manifest")
        if only is not None:
            columns = [c for c in columns if c["name"] in only]
        table = _read_bounded(parquet, max(_MAX_EXPANSION * len(data), _EXPANSION_FLOOR),
                              spec["rows"], name, path, [c["name"] for c in columns])
        # Parquet has no second-resolution timestamps: a safe cast restores the declared type.
        arrays = [_cast(table.column(i), _ARROW_TYPES[c["dtype"]]) for i, c in enumerate(columns)]
    except GraphFileError:
        raise
    except (pa.ArrowException, OSError, ValueError, EOFError) as err:
        raise _damaged(path, f"表 {name} 无法解码（{err}）", f"table {name} cannot be decoded") \
            from err
    out = {c["name"]: _to_pandas(a, c["dtype"]) for a, c in zip(arrays, columns, strict=True)}
    return pd.DataFrame(out, index=pd.RangeIndex(spec["rows"]))


def _empty(spec: dict[str, Any]) -> pd.DataFrame:
    """The table of ``spec`` with its columns and types but no rows (a table not decoded)."""
    return pd.DataFrame({c["name"]: _to_pandas(pa.chunked_array([], _ARROW_TYPES[c["dtype"]]),
                                               c["dtype"]) for c in spec["columns"]})


def _cast(column: pa.ChunkedArray, type_: pa.DataType) -> pa.ChunkedArray:
    return column if column.type == type_ else column.cast(type_, safe=True)


def _to_pandas(column: pa.ChunkedArray, dtype: str) -> pd.Series:
    """Rebuild a column with exactly the pandas type the manifest names."""
    if dtype == "list":
        return pd.Series(column.to_pylist() or [], dtype=object)
    if dtype == "object":
        return pd.Series(column.to_pylist(), dtype=object)
    if dtype == "str":
        return column.to_pandas(types_mapper={pa.string(): pd.StringDtype(
            "pyarrow", na_value=np.nan)}.get).astype("str")
    if dtype in _NULLABLE:
        return column.to_pandas(types_mapper=lambda _t: _NULLABLE[dtype])
    return column.to_pandas().astype(dtype)
