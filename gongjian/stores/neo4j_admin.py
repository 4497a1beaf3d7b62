"""Export the graph as CSV files for ``neo4j-admin database import full`` (the fastest bulk load).

One node file per label and one relationship file per type (and pair of end labels), with
the importer's headers: ``id:ID(PartyOrg)`` (one ID space per label), ``:LABEL``,
``:START_ID(PartyOrg)``, ``:END_ID(Region)``, ``:TYPE``, typed properties (``members:int``,
``start:date``, ``projects:string[]`` with ``;`` between items — the importer's default
array delimiter). The stored graph is the same as after :func:`gongjian.stores.push.push`
(same keys, same relationship ``key``, personal fields left out unless asked), except that
dates are real ``date`` values here. Files are written table by table, in chunks.

Examples
--------
>>> import pandas as pd, tempfile
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
...     {"id": ["a"], "name": ["甲"], "kind": ["community"], "district": ["玄武区"]}))
>>> out = export_neo4j_admin(kg, tempfile.mkdtemp())
>>> (out.folder / "nodes_PartyOrg.csv").read_text(encoding="utf-8").splitlines()[0][:30]
'id:ID(PartyOrg),name,kind,dist'
>>> out.command.split()[:4]
['neo4j-admin', 'database', 'import', 'full']
"""

from __future__ import annotations

import csv
import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from gongjian import schema
from gongjian.errors import StoreError
from gongjian.graph.model import NODE_TABLES, KnowledgeGraph
from gongjian.loaders.tables import TABLES
from gongjian.stores.push import _column_values, _Refusals, _value_problem, _where, relation_keys

__all__ = [
    "ARRAY_DELIMITER",
    "AdminExport",
    "export_neo4j_admin",
    "file_order",
    "link_columns",
    "link_writer",
    "node_columns",
    "node_writer",
    "relation_columns",
    "relation_writer",
    "write_links",
    "write_nodes",
    "write_relations",
]

ARRAY_DELIMITER = ";"
_CHUNK = 50_000
_LEDGER_TABLE = {"PartyOrg": "party_orgs", "Organization": "organizations", "Site": "sites",
                 "Region": "regions"}


@dataclass
class AdminExport:
    """What was written: the folder, node and relationship files, and the import command."""

    folder: Path
    nodes: list[Path] = field(default_factory=list)
    relationships: list[Path] = field(default_factory=list)
    database: str = "neo4j"

    @property
    def command(self) -> str:
        """The exact ``neo4j-admin database import full`` command for these files."""
        parts = ["neo4j-admin", "database", "import", "full"]
        parts += [f"--nodes={p}" for p in self.nodes]
        parts += [f"--relationships={p}" for p in self.relationships]
        parts += [f"--array-delimiter={ARRAY_DELIMITER}", self.database]
        return " ".join(shlex.quote(p) for p in parts)


def _typed(df: pd.DataFrame, col: str) -> str:
    s = df[col]
    if pd.api.types.is_datetime64_any_dtype(s):
        return f"{col}:date"
    if pd.api.types.is_bool_dtype(s):
        return f"{col}:boolean"
    if pd.api.types.is_integer_dtype(s):
        return f"{col}:long" if col == "source_row" else f"{col}:int"
    if pd.api.types.is_float_dtype(s):
        return f"{col}:double"
    if pd.api.types.is_object_dtype(s) and s.map(lambda v: isinstance(v, (list, tuple))).any():
        return f"{col}:string[]"
    return col


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(str(v) for v in value)
    return value


class _Writer:
    """One CSV file, written chunk by chunk; values checked like a push; rows counted."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self.header = header
        self.count = 0
        self.handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.csv = csv.writer(self.handle)
        self.csv.writerow(header)

    def rows(self, columns: list[list[Any]]) -> None:
        rows = [[_cell(v) for v in row] for row in zip(*columns, strict=True)]
        self.csv.writerows(rows)
        self.count += len(rows)

    def close(self) -> None:
        self.handle.close()


def _values(df: pd.DataFrame, col: str, table: str | None, what: str,
            refusals: _Refusals) -> list[Any]:
    values, bad = _column_values(df, col)
    for i in bad.nonzero()[0]:
        header = TABLES[table].column(col).zh if table in TABLES and \
            col in {c.name for c in TABLES[table].columns} else col
        refusals.add(_where(df, int(i), f"{what} 第{int(i) + 1}条"), header,
                     _value_problem(values[i]) or "无法写入 cannot be stored")
    return values


def node_columns(df: pd.DataFrame, label: str, *, include_personal: bool) -> list[str]:
    """The property columns of node ``label``: all but the key (and personal ones unless asked).

    Examples
    --------
    >>> node_columns(pd.DataFrame(columns=["id", "name", "phone"]), "PartyOrg",
    ...              include_personal=False)
    ['name']
    """
    key = NODE_TABLES[label][1]
    ledger = _LEDGER_TABLE[label]
    personal = {c.name for c in TABLES[ledger].columns if c.type == "personal"} \
        if ledger in TABLES else set()
    return [c for c in df.columns if c != key and (include_personal or c not in personal)]


def node_writer(folder: Path, label: str, df: pd.DataFrame, cols: list[str]) -> _Writer:
    """Open ``nodes_<Label>.csv`` with the importer's header, typed from ``df``'s columns."""
    key = NODE_TABLES[label][1]
    cypher = schema.NODE_LABELS[label].cypher
    return _Writer(folder / f"nodes_{cypher}.csv",
                   [f"{key}:ID({cypher})", *(_typed(df, c) for c in cols), ":LABEL"])


def write_nodes(writer: _Writer, part: pd.DataFrame, label: str, cols: list[str],
                refusals: _Refusals) -> list[str]:
    """Write the rows of ``part`` (rows with a key) as nodes; return their keys."""
    key = NODE_TABLES[label][1]
    ledger = _LEDGER_TABLE[label]
    cypher = schema.NODE_LABELS[label].cypher
    ids = [str(v) for v in _values(part, key, ledger, label, refusals)]
    values = [_values(part, c, ledger, label, refusals) for c in cols]
    writer.rows([ids, *values, [cypher] * len(part)])
    return ids


def relation_columns(columns: Any) -> list[str]:
    """The property columns of a co-building tie: ``key`` first, then the table's own."""
    return ["key", *(c for c in columns
                     if c not in ("source_id", "target_id", "source_name", "target_name", "type",
                                  "key"))]


def relation_writer(folder: Path, code: str, part: pd.DataFrame, cols: list[str]) -> _Writer:
    """Open ``rels_<TYPE>.csv`` for co-building ties of type ``code``."""
    term = schema.RELATION_TYPES[code]
    return _Writer(folder / f"rels_{term.cypher}.csv",
                   [":START_ID(PartyOrg)", ":END_ID(PartyOrg)",
                    *(_typed(part, c) for c in cols), ":TYPE"])


def write_relations(writer: _Writer, part: pd.DataFrame, code: str, cols: list[str],
                    refusals: _Refusals) -> None:
    """Write ties of one type (``part`` has a ``key`` column, see :func:`relation_keys`)."""
    cypher = schema.RELATION_TYPES[code].cypher
    values = [_values(part, c, "relations", "共建关系", refusals) for c in cols]
    writer.rows([part["source_id"].astype(str).tolist(), part["target_id"].astype(str).tolist(),
                 *values, [cypher] * len(part)])


def link_columns(part: pd.DataFrame) -> list[str]:
    """The property columns of vertical links that hold a value (``mode`` for coverage)."""
    return [c for c in part.columns
            if c not in ("source_label", "source", "target_label", "target", "type")
            and part[c].notna().any()]


def link_writer(folder: Path, code: str, source_label: str, target_label: str,
                part: pd.DataFrame, cols: list[str]) -> _Writer:
    """Open ``rels_<TYPE>_<Source>_<Target>.csv`` for vertical links."""
    term = schema.LINK_TYPES[code]
    return _Writer(folder / f"rels_{term.cypher}_{source_label}_{target_label}.csv",
                   [f":START_ID({source_label})", f":END_ID({target_label})",
                    *(_typed(part, c) for c in cols), ":TYPE"])


def write_links(writer: _Writer, part: pd.DataFrame, code: str, cols: list[str],
                refusals: _Refusals) -> None:
    """Write vertical links of one type and pair of end labels."""
    cypher = schema.LINK_TYPES[code].cypher
    values = [_values(part, c, None, "纵向关系", refusals) for c in cols]
    writer.rows([part["source"].astype(str).tolist(), part["target"].astype(str).tolist(),
                 *values, [cypher] * len(part)])


def file_order(path: Path) -> tuple[int, int, str]:
    """Sort key that lists files as :func:`export_neo4j_admin` does (schema order)."""
    stem = path.stem
    if stem.startswith("nodes_"):
        cyphers = [schema.NODE_LABELS[label].cypher for label in NODE_TABLES]
        name = stem[len("nodes_"):]
        return (0, cyphers.index(name) if name in cyphers else len(cyphers), "")
    name = stem[len("rels_"):]
    rel = [t.cypher for t in schema.RELATION_TYPES.values()]
    if name in rel:
        return (1, rel.index(name), "")
    for i, term in enumerate(schema.LINK_TYPES.values()):
        if name.startswith(term.cypher + "_"):
            return (2, i, name[len(term.cypher) + 1:])
    return (3, 0, name)


def export_neo4j_admin(kg: KnowledgeGraph, folder: str | os.PathLike[str], *,
                       include_personal: bool = False, database: str = "neo4j") -> AdminExport:
    """Write node and relationship CSVs for ``neo4j-admin database import full`` to ``folder``.

    Returns an :class:`AdminExport` whose ``command`` is the import command to run (the
    database must be stopped and empty, as ``neo4j-admin`` requires). Values an importer
    could not take (NUL bytes, over-long text, non-finite numbers) raise
    :class:`StoreError` naming the ledger file and row; rows whose ends are missing are
    left out. For a ledger too big for memory see
    :func:`gongjian.stores.neo4j_admin_stream.export_ledger_neo4j_admin`.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
    ...     {"id": ["a"], "name": ["甲"], "kind": ["community"], "district": ["玄武区"]}))
    >>> out = export_neo4j_admin(kg, Path(tempfile.mkdtemp()) / "neo4j")
    >>> out.command.startswith("neo4j-admin database import full")
    True
    >>> (out.folder / "nodes_PartyOrg.csv").read_text(encoding="utf-8").splitlines()[1][:9]
    'a,甲,commu'
    """
    out = AdminExport(Path(folder), database=database)
    out.folder.mkdir(parents=True, exist_ok=True)
    refusals = _Refusals()
    known: dict[str, set[str]] = {}
    written: list[_Writer] = []
    try:
        for label, (table, key) in NODE_TABLES.items():
            df = getattr(kg, table)
            df = df[df[key].notna()]
            cols = node_columns(df, label, include_personal=include_personal)
            writer = node_writer(out.folder, label, df, cols)
            written.append(writer)
            out.nodes.append(writer.path)
            keys: set[str] = set()
            for lo in range(0, len(df), _CHUNK):
                keys.update(write_nodes(writer, df.iloc[lo:lo + _CHUNK], label, cols, refusals))
            known[label] = keys
            writer.close()
        _relations(kg, out, known, refusals, written)
        _links(kg, out, known, refusals, written)
    finally:
        for writer in written:
            writer.close()
    try:
        refusals.raise_if_any()
    except StoreError:
        for path in (*out.nodes, *out.relationships):
            path.unlink(missing_ok=True)
        raise
    return out


def _relations(kg: KnowledgeGraph, out: AdminExport, known: dict[str, set[str]],
               refusals: _Refusals, written: list[_Writer]) -> None:
    rel = kg.relations.assign(key=relation_keys(kg.relations))
    orgs = known["PartyOrg"]
    rel = rel[rel["source_id"].isin(orgs) & rel["target_id"].isin(orgs)]
    cols = relation_columns(rel.columns)
    for code in schema.RELATION_TYPES:
        part_all = rel[rel["type"] == code]
        if part_all.empty:
            continue
        writer = relation_writer(out.folder, code, part_all, cols)
        written.append(writer)
        out.relationships.append(writer.path)
        for lo in range(0, len(part_all), _CHUNK):
            write_relations(writer, part_all.iloc[lo:lo + _CHUNK], code, cols, refusals)
        writer.close()


def _links(kg: KnowledgeGraph, out: AdminExport, known: dict[str, set[str]],
           refusals: _Refusals, written: list[_Writer]) -> None:
    links = kg.links
    if links.empty:
        return
    ok = pd.Series([
        sl in known and tl in known and s in known[sl] and t in known[tl]
        for sl, s, tl, t in zip(links["source_label"], links["source"], links["target_label"],
                                links["target"], strict=True)], index=links.index, dtype=bool)
    links = links[ok]
    for code in schema.LINK_TYPES:
        of_type = links[links["type"] == code]
        for (sl, tl), part in of_type.groupby(["source_label", "target_label"], sort=True):
            present = link_columns(part)
            writer = link_writer(out.folder, code, sl, tl, part, present)
            written.append(writer)
            out.relationships.append(writer.path)
            write_links(writer, part, code, present, refusals)
            writer.close()
