"""Export the graph as CSV files for ``neo4j-admin database import full`` (the fastest bulk load).

One node file per label and one relationship file per type (and pair of end labels), with
the importer's headers: ``id:ID(PartyOrg)`` (one ID space per label), ``:LABEL``,
``:START_ID(PartyOrg)``, ``:END_ID(Region)``, ``:TYPE``, properties typed by the row
contract of :mod:`gongjian.stores.rows` (``members:long``, ``start:date``,
``projects:string[]`` with ``;`` between items, set by ``--array-delimiter`` in the printed
command). The stored graph is the same as after :func:`gongjian.stores.push.push` (same
keys, same types, same relationship ``key``, personal fields left out unless asked), the
three lists and the activity record included (``nodes_Need.csv`` … ``nodes_Activity.csv``,
``rels_RAISED_BY_Need_PartyOrg.csv``, ``rels_PARTICIPATED_PartyOrg_Activity.csv`` …; see
:func:`gongjian.stores.rows.stored_lists`). Files are written table by table, in chunks.

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

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.errors import StoreError
from gongjian.graph.io import GraphReader, read_graph
from gongjian.graph.model import LIST_TABLES, NODE_TABLES, KnowledgeGraph
from gongjian.stores.rows import (
    ARRAY_DELIMITER,
    LEDGER_TABLE,
    LINK_ENDS,
    STORE_LINK_TYPES,
    STORE_NODE_LABELS,
    STORE_NODE_TABLES,
    Refusals,
    RelationKeys,
    admin_header,
    cypher_type,
    link_columns,
    node_columns,
    prepared_columns,
    relation_columns,
    relation_keys,
    stored_lists,
)

__all__ = [
    "AdminExport",
    "Writer",
    "export_graph_file_neo4j_admin",
    "export_neo4j_admin",
    "file_order",
    "link_writer",
    "node_writer",
    "relation_writer",
    "write_links",
    "write_nodes",
    "write_relations",
]

_CHUNK = 50_000
#: Rows read from a graph file at a time by :func:`export_graph_file_neo4j_admin`.
BATCH_ROWS = 262_144


@dataclass
class AdminExport:
    """What was written: the folder, node and relationship files, and the import command."""

    folder: Path
    nodes: list[Path] = field(default_factory=list)
    relationships: list[Path] = field(default_factory=list)
    database: str = "neo4j"
    multiline: bool = False

    @property
    def command(self) -> str:
        """The exact ``neo4j-admin database import full`` command for these files.

        ``--multiline-fields=true`` is there when a field holds a line break (the
        importer's default is false, which would refuse such a file).
        """
        parts = ["neo4j-admin", "database", "import", "full"]
        parts += [f"--nodes={p}" for p in self.nodes]
        parts += [f"--relationships={p}" for p in self.relationships]
        parts += [f"--array-delimiter={ARRAY_DELIMITER}"]
        if self.multiline:
            parts.append("--multiline-fields=true")
        parts.append(self.database)
        return " ".join(shlex.quote(p) for p in parts)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(str(v) for v in value)
    return value


def _has_line_break(values: list[Any]) -> bool:
    return any(("\n" in v or "\r" in v) for v in values if isinstance(v, str)) or any(
        ("\n" in x or "\r" in x) for v in values if isinstance(v, list) for x in v)


class Writer:
    """One CSV file, written chunk by chunk; rows counted; line breaks in fields noted."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self.header = header
        self.count = 0
        self.multiline = False
        self.handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.csv = csv.writer(self.handle)
        self.csv.writerow(header)

    def rows(self, columns: list[list[Any]]) -> None:
        """Write one chunk, given column by column (values as :mod:`~gongjian.stores.rows`)."""
        if not self.multiline:
            self.multiline = any(_has_line_break(col) for col in columns)
        rows = [[_cell(v) for v in row] for row in zip(*columns, strict=True)]
        self.csv.writerows(rows)
        self.count += len(rows)

    def close(self) -> None:
        """Close the file."""
        self.handle.close()


def node_writer(folder: Path, label: str, df: pd.DataFrame, cols: list[str]) -> Writer:
    """Open ``nodes_<Label>.csv`` with the importer's header, typed from ``df``'s columns."""
    key = STORE_NODE_TABLES[label][1]
    cypher = STORE_NODE_LABELS[label].cypher
    table = LEDGER_TABLE[label]
    return Writer(folder / f"nodes_{cypher}.csv",
                  [f"{key}:ID({cypher})", *(admin_header(df, c, table) for c in cols), ":LABEL"])


def write_nodes(writer: Writer, part: pd.DataFrame, label: str, cols: list[str],
                refusals: Refusals) -> list[str]:
    """Write the rows of ``part`` (rows with a key) as nodes; return their keys."""
    key = STORE_NODE_TABLES[label][1]
    ledger = LEDGER_TABLE[label]
    cypher = STORE_NODE_LABELS[label].cypher
    title = schema.label(STORE_NODE_LABELS, label)
    ids, *values = prepared_columns(part, [key, *cols], ledger, title, refusals)
    ids = [str(v) for v in ids]
    writer.rows([ids, *values, [cypher] * len(part)])
    return ids


def relation_writer(folder: Path, code: str, part: pd.DataFrame, cols: list[str]) -> Writer:
    """Open ``rels_<TYPE>.csv`` for co-building ties of type ``code``."""
    term = schema.RELATION_TYPES[code]
    return Writer(folder / f"rels_{term.cypher}.csv",
                  [":START_ID(PartyOrg)", ":END_ID(PartyOrg)",
                   *(admin_header(part, c, "relations") for c in cols), ":TYPE"])


def write_relations(writer: Writer, part: pd.DataFrame, code: str, cols: list[str],
                    refusals: Refusals) -> None:
    """Write ties of one type (``part`` has a ``key`` column, see :func:`relation_keys`)."""
    cypher = schema.RELATION_TYPES[code].cypher
    values = prepared_columns(part, cols, "relations", "共建关系", refusals)
    writer.rows([part["source_id"].astype(str).tolist(), part["target_id"].astype(str).tolist(),
                 *values, [cypher] * len(part)])


def link_writer(folder: Path, code: str, source_label: str, target_label: str,
                part: pd.DataFrame, cols: list[str]) -> Writer:
    """Open ``rels_<TYPE>_<Source>_<Target>.csv`` for vertical links."""
    term = STORE_LINK_TYPES[code]
    return Writer(folder / f"rels_{term.cypher}_{source_label}_{target_label}.csv",
                  [f":START_ID({source_label})", f":END_ID({target_label})",
                   *(admin_header(part, c) for c in cols), ":TYPE"])


def write_links(writer: Writer, part: pd.DataFrame, code: str, cols: list[str],
                refusals: Refusals) -> None:
    """Write vertical links of one type and pair of end labels."""
    cypher = STORE_LINK_TYPES[code].cypher
    values = prepared_columns(part, cols, None, "纵向关系", refusals)
    writer.rows([part["source"].astype(str).tolist(), part["target"].astype(str).tolist(),
                 *values, [cypher] * len(part)])


def file_order(path: Path) -> tuple[int, int, str]:
    """Sort key that lists files as :func:`export_neo4j_admin` does (schema order)."""
    stem = path.stem
    if stem.startswith("nodes_"):
        cyphers = [STORE_NODE_LABELS[label].cypher for label in STORE_NODE_TABLES]
        name = stem[len("nodes_"):]
        return (0, cyphers.index(name) if name in cyphers else len(cyphers), "")
    name = stem[len("rels_"):]
    rel = [t.cypher for t in schema.RELATION_TYPES.values()]
    if name in rel:
        return (1, rel.index(name), "")
    for i, term in enumerate(STORE_LINK_TYPES.values()):
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
    >>> kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
    ...     {"id": ["a"], "name": ["第一行\\n第二行"], "kind": ["unit"], "district": ["玄武区"]}))
    >>> out = export_neo4j_admin(kg, tempfile.mkdtemp())
    >>> out.command.split()[-3:]
    ["'--array-delimiter=;'", '--multiline-fields=true', 'neo4j']
    """
    out = AdminExport(Path(folder), database=database)
    out.folder.mkdir(parents=True, exist_ok=True)
    refusals = Refusals()
    known: dict[str, pd.Series] = {}
    written: list[Writer] = []
    try:
        list_nodes, list_links = stored_lists(kg)
        tables = {label: getattr(kg, table) for label, (table, _) in NODE_TABLES.items()}
        for label, df in {**tables, **list_nodes}.items():
            known[label] = _nodes(out, label, df, include_personal, refusals, written)
        _relations(kg, out, known, refusals, written)
        _links(kg.links, schema.LINK_TYPES, out, known, refusals, written)
        if list_nodes:
            _links(list_links, _LIST_LINK_TYPES, out, known, refusals, written)
    finally:
        for writer in written:
            writer.close()
    _finish(out, written, refusals)
    return out


_LIST_LINK_TYPES = {**schema.LIST_LINK_TYPES, **schema.ACTIVITY_LINK_TYPES}


def _finish(out: AdminExport, written: list[Writer], refusals: Refusals) -> None:
    """Note line breaks; refuse (removing every file written) values an importer cannot take."""
    out.multiline = any(w.multiline for w in written)
    try:
        refusals.raise_if_any()
    except StoreError:
        for path in (*out.nodes, *out.relationships):
            path.unlink(missing_ok=True)
        raise


def _nodes(out: AdminExport, label: str, df: pd.DataFrame, include_personal: bool,
           refusals: Refusals, written: list[Writer]) -> pd.Series:
    """Write a node table held whole; return its keys (for the ends of links)."""
    key = STORE_NODE_TABLES[label][1]
    df = df[df[key].notna()]
    cols = node_columns(df, label, include_personal=include_personal)
    writer = node_writer(out.folder, label, df, cols)
    written.append(writer)
    out.nodes.append(writer.path)
    for lo in range(0, len(df), _CHUNK):
        write_nodes(writer, df.iloc[lo:lo + _CHUNK], label, cols, refusals)
    writer.close()
    return df[key].astype(str)


def _relations(kg: KnowledgeGraph, out: AdminExport, known: dict[str, pd.Series],
               refusals: Refusals, written: list[Writer]) -> None:
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


def _links(links: pd.DataFrame, types: dict[str, schema.Term], out: AdminExport,
           known: dict[str, pd.Series], refusals: Refusals, written: list[Writer]) -> None:
    if links.empty:
        return
    ok = np.ones(len(links), dtype=bool)
    for end in ("source", "target"):  # both ends written as nodes of their label
        found = np.zeros(len(links), dtype=bool)
        labels = links[f"{end}_label"]
        for label, keys in known.items():
            mine = (labels == label).to_numpy(dtype=bool, na_value=False)
            if mine.any():
                found[mine] = links[end][mine].astype(str).isin(keys).to_numpy(dtype=bool)
        ok &= found
    links = links[ok]
    for code in types:
        of_type = links[links["type"] == code]
        for (sl, tl), part in of_type.groupby(["source_label", "target_label"], sort=True):
            present = link_columns(part)
            writer = link_writer(out.folder, code, sl, tl, part, present)
            written.append(writer)
            out.relationships.append(writer.path)
            for lo in range(0, len(part), _CHUNK):
                write_links(writer, part.iloc[lo:lo + _CHUNK], code, present, refusals)
            writer.close()


# --- from a graph file, a table and a batch at a time --------------------------------------


def export_graph_file_neo4j_admin(path: str | os.PathLike[str],
                                  folder: str | os.PathLike[str], *,
                                  include_personal: bool = False, database: str = "neo4j",
                                  batch_rows: int = BATCH_ROWS) -> AdminExport:
    """:func:`export_neo4j_admin` for a graph file, read a table and a batch at a time.

    The same files, headers, rows (in the same order) and import command as
    ``export_neo4j_admin(load(path), folder)``, with memory bounded by the keys of the
    node tables (the ends of ties and links are checked and resolved against them) and
    ``batch_rows`` rows, not by the graph. The three lists and the activity record are read
    whole. The file is checked as :func:`gongjian.graph.io.read_graph` checks it
    (:class:`~gongjian.graph.io.GraphReader`); a damaged or crafted file raises
    :class:`~gongjian.errors.GraphFileError` and the files written so far are removed (and
    ``folder`` too, when the export made it and it is left empty).

    Examples
    --------
    >>> import tempfile
    >>> from gongjian.graph.io import save
    >>> kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
    ...     {"id": ["a", "b"], "name": ["甲", "乙"], "kind": ["unit"] * 2}),
    ...     relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"],
    ...                             "type": ["pairing"]}))
    >>> tmp = Path(tempfile.mkdtemp())
    >>> out = export_graph_file_neo4j_admin(save(kg, tmp / "图.gjg"), tmp / "导入", batch_rows=1)
    >>> same = export_neo4j_admin(kg, tmp / "内存")
    >>> out.command == same.command.replace("内存", "导入")
    True
    >>> (out.folder / "nodes_PartyOrg.csv").read_bytes() == \\
    ...     (same.folder / "nodes_PartyOrg.csv").read_bytes()
    True
    """
    out = AdminExport(Path(folder), database=database)
    made = not out.folder.exists()
    refusals = Refusals()
    written: list[Writer] = []
    try:
        with GraphReader(path) as graph:
            known = {label: graph.keys(label) for label in NODE_TABLES}  # checked first
            out.folder.mkdir(parents=True, exist_ok=True)
            # the lists first (read whole), so that they are gone before the big tables
            list_nodes, list_links = stored_lists(read_graph(path, tables=LIST_TABLES))
            for label, df in list_nodes.items():
                known[label] = _nodes(out, label, df, include_personal, refusals, written)
            if list_nodes:
                _links(list_links, _LIST_LINK_TYPES, out, known, refusals, written)
            del list_nodes, list_links, known
            for label, (table, _) in NODE_TABLES.items():
                _file_nodes(graph, out, label, table, include_personal, refusals, written,
                            batch_rows)
            _file_relations(graph, out, refusals, written, batch_rows)
            _file_links(graph, out, refusals, written, batch_rows)
    except BaseException:
        for writer in written:
            writer.close()
            writer.path.unlink(missing_ok=True)
        if made and out.folder.is_dir() and not any(out.folder.iterdir()):
            out.folder.rmdir()
        raise
    for writer in written:
        writer.close()
    paths = sorted((w.path for w in written), key=file_order)
    out.nodes = [p for p in paths if p.name.startswith("nodes_")]
    out.relationships = [p for p in paths if p.name.startswith("rels_")]
    _finish(out, written, refusals)
    return out


def _typing(sample: pd.DataFrame, lists: set[str]) -> pd.DataFrame:
    """A row typed as the whole table: its text columns hold a list where the table does.

    The headers (:func:`~gongjian.stores.rows.admin_header`) come from the column types,
    except for a column of Python objects, which is a list column when any of its values is
    a list; one batch cannot tell, so :func:`_holding` looks at them all first.
    """
    row = sample.iloc[:1].copy()
    for column in row.columns:
        if pd.api.types.is_object_dtype(row[column]):
            row[column] = pd.Series([[] if column in lists else None], index=row.index,
                                    dtype=object)
    return row


def _open_ended(empty: pd.DataFrame, columns: list[str], table: str | None) -> list[str]:
    """Those of ``columns`` whose header depends on their values (undeclared objects)."""
    return [c for c in columns if pd.api.types.is_object_dtype(empty[c])
            and cypher_type(empty, c, table) == "STRING"]


def _holding(graph: GraphReader, table: str, group: list[str], columns: list[str],
             rows: int) -> dict[tuple[Any, ...], tuple[set[str], set[str]]]:
    """For each group of rows (its values of ``group``), which of ``columns`` hold a value
    somewhere, and which a list."""
    found: dict[tuple[Any, ...], tuple[set[str], set[str]]] = {}
    if not columns:
        return found
    for part in graph.batches(table, [*group, *columns], rows=rows):
        for column in columns:
            values = part[column]
            for kind, mask in enumerate((values.notna(), values.map(
                    lambda v: isinstance(v, (list, tuple, np.ndarray))).astype(bool)
                    if pd.api.types.is_object_dtype(values) else None)):
                if mask is None or not mask.any():
                    continue
                held = part.loc[mask.to_numpy(dtype=bool), group].drop_duplicates() \
                    if group else pd.DataFrame([()])
                for key in held.itertuples(index=False, name=None):
                    found.setdefault(key, (set(), set()))[kind].add(column)
    return found


def _file_nodes(graph: GraphReader, out: AdminExport, label: str, table: str,
                include_personal: bool, refusals: Refusals, written: list[Writer],
                rows: int) -> None:
    key = STORE_NODE_TABLES[label][1]
    empty = graph.empty(table)
    cols = node_columns(empty, label, include_personal=include_personal)
    lists = _holding(graph, table, [], _open_ended(empty, cols, LEDGER_TABLE[label]), rows)
    writer = None
    for part in graph.batches(table, rows=rows):
        part = part[part[key].notna()]
        if part.empty:
            continue
        if writer is None:
            writer = node_writer(out.folder, label, _typing(part, lists.get((), (set(),
                                                                               set()))[1]), cols)
            written.append(writer)
        write_nodes(writer, part, label, cols, refusals)
    if writer is None:
        written.append(node_writer(out.folder, label, empty, cols))


def _file_relations(graph: GraphReader, out: AdminExport, refusals: Refusals,
                    written: list[Writer], rows: int) -> None:
    """Co-building ties a batch at a time; both ends exist (the reader checks them)."""
    empty = graph.empty("relations")
    cols = relation_columns([*empty.columns, "key"])
    lists = _holding(graph, "relations", ["type"],
                     _open_ended(empty, [c for c in cols if c != "key"], "relations"), rows)
    keys = RelationKeys()
    writers: dict[str, Writer] = {}
    for part in graph.batches("relations", rows=rows):
        rel = part.assign(key=keys(part))
        for code in schema.RELATION_TYPES:
            of_type = rel[(rel["type"] == code).to_numpy(dtype=bool, na_value=False)]
            if of_type.empty:
                continue
            if code not in writers:
                sample = _typing(of_type, lists.get((code,), (set(), set()))[1])
                writers[code] = relation_writer(out.folder, code, sample, cols)
                written.append(writers[code])
            write_relations(writers[code], of_type, code, cols, refusals)


def _file_links(graph: GraphReader, out: AdminExport, refusals: Refusals,
                written: list[Writer], rows: int) -> None:
    """Vertical links a batch at a time, one file per type and pair of end labels; the
    columns of each file (those with a value, see :func:`link_columns`) found first."""
    empty = graph.empty("links")
    props = [c for c in empty.columns if c not in LINK_ENDS]
    held = _holding(graph, "links", ["type", "source_label", "target_label"], props, rows)
    writers: dict[tuple[str, str, str], tuple[Writer, list[str]]] = {}
    for part in graph.batches("links", rows=rows):
        for code in schema.LINK_TYPES:
            of_type = part[(part["type"] == code).to_numpy(dtype=bool, na_value=False)]
            if of_type.empty:
                continue
            for (sl, tl), group in of_type.groupby(["source_label", "target_label"], sort=True):
                if (code, sl, tl) not in writers:
                    present, lists = held.get((code, sl, tl), (set(), set()))
                    cols = [c for c in props if c in present]
                    writer = link_writer(out.folder, code, sl, tl, _typing(group, lists), cols)
                    writers[code, sl, tl] = (writer, cols)
                    written.append(writer)
                writer, cols = writers[code, sl, tl]
                write_links(writer, group, code, cols, refusals)
