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
from gongjian.graph.model import NODE_TABLES, KnowledgeGraph
from gongjian.stores.rows import (
    ARRAY_DELIMITER,
    LEDGER_TABLE,
    STORE_LINK_TYPES,
    STORE_NODE_LABELS,
    STORE_NODE_TABLES,
    Refusals,
    admin_header,
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
            key = STORE_NODE_TABLES[label][1]
            df = df[df[key].notna()]
            cols = node_columns(df, label, include_personal=include_personal)
            writer = node_writer(out.folder, label, df, cols)
            written.append(writer)
            out.nodes.append(writer.path)
            for lo in range(0, len(df), _CHUNK):
                write_nodes(writer, df.iloc[lo:lo + _CHUNK], label, cols, refusals)
            known[label] = df[key].astype(str)
            writer.close()
        _relations(kg, out, known, refusals, written)
        _links(kg.links, schema.LINK_TYPES, out, known, refusals, written)
        if list_nodes:
            _links(list_links, {**schema.LIST_LINK_TYPES, **schema.ACTIVITY_LINK_TYPES}, out,
                   known, refusals, written)
    finally:
        for writer in written:
            writer.close()
    out.multiline = any(w.multiline for w in written)
    try:
        refusals.raise_if_any()
    except StoreError:
        for path in (*out.nodes, *out.relationships):
            path.unlink(missing_ok=True)
        raise
    return out


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
            write_links(writer, part, code, present, refusals)
            writer.close()
