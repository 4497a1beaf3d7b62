"""A small loader of ``neo4j-admin database import`` CSV files into FalkorDB, for the tests.

It follows the importer's documented header grammar, independently of gongjian's exporter:

- a node file's header holds ``name:ID(space)`` (or ``:ID(space)``: the id is not stored),
  ``:LABEL`` (labels separated by the array delimiter) and properties ``name[:type]``;
- a relationship file's header holds ``:START_ID(space)``, ``:END_ID(space)``, ``:TYPE``
  and properties;
- types: ``int``, ``long``, ``short``, ``byte`` (INTEGER), ``float``, ``double`` (FLOAT),
  ``boolean``, ``date`` (DATE), ``string`` (the default), and any of them with ``[]`` for a
  list whose items the array delimiter separates; an empty field is no property.

Values are sent as Cypher values (dates through ``date()``, as an importer stores a DATE),
node by node and relationship by relationship in ``UNWIND`` batches.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

_FIELD = re.compile(r"^(?P<name>[^:]*)(?::(?P<kind>[A-Za-z_]+)(?:\((?P<space>[^)]*)\))?"
                    r"(?P<array>\[\])?)?$")
_INTEGER = {"int", "long", "short", "byte"}
_FLOAT = {"float", "double"}
_BATCH = 2000


def parse_field(text: str) -> tuple[str, str, str | None, bool]:
    """``start:date`` → ('start', 'date', None, False); ``:ID(PartyOrg)`` → ('', 'ID', …)."""
    m = _FIELD.match(text)
    if m is None:
        raise ValueError(f"bad header field {text!r}")
    return m["name"], (m["kind"] or "string"), m["space"], bool(m["array"])


def _value(kind: str, text: str) -> Any:
    if kind in _INTEGER:
        return int(text)
    if kind in _FLOAT:
        return float(text)
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValueError(f"bad boolean {text!r}")
        return text.lower() == "true"
    if kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(f"bad date {text!r}")
        return text
    if kind == "string":
        return text
    raise ValueError(f"type {kind!r} is not one the loader knows")


def _props(header: list[tuple[str, str, str | None, bool]], row: list[str],
           delimiter: str) -> tuple[dict[str, Any], list[str]]:
    """The properties of a row (by header) and the names of its DATE properties."""
    props: dict[str, Any] = {}
    dates = []
    for (name, kind, _, array), cell in zip(header, row, strict=True):
        if kind in ("ID", "START_ID", "END_ID", "LABEL", "TYPE", "IGNORE") or not name \
                or cell == "":
            continue
        if array:
            props[name] = [_value(kind, item) for item in cell.split(delimiter)]
        else:
            props[name] = _value(kind, cell)
        if kind == "date":
            dates.append(name)
    return props, dates


def _read(path: Path) -> tuple[list[tuple[str, str, str | None, bool]], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return [parse_field(f) for f in rows[0]], rows[1:]


def _set_dates(var: str, dates: set[str]) -> str:
    return "".join(f" SET {var}.`{d}` = date(row.p.`{d}`)" for d in sorted(dates))


def load_admin_csvs(store: Any, nodes: list[Path], relationships: list[Path], *,
                    delimiter: str = ";") -> dict[str, int]:
    """Load the files into ``store`` (a FalkorDB store); nodes and relationships created."""
    spaces: dict[str, tuple[str, str]] = {}  # ID space → (a label of its nodes, id property)
    ids: dict[str, set[str]] = {}
    created = {"nodes": 0, "relationships": 0}
    for path in nodes:
        header, rows = _read(path)
        id_at = next(i for i, f in enumerate(header) if f[1] == "ID")
        label_at = next(i for i, f in enumerate(header) if f[1] == "LABEL")
        id_name, _, space, _ = header[id_at]
        batches: dict[tuple[str, frozenset[str]], list[dict[str, Any]]] = {}
        for row in rows:
            props, dates = _props(header, row, delimiter)
            labels = row[label_at].split(delimiter)
            key = row[id_at]
            if key in ids.setdefault(space or "", set()):
                raise ValueError(f"{path.name}: duplicate id {key!r} in space {space}")
            ids[space or ""].add(key)
            if id_name:
                props[id_name] = key
            batches.setdefault((":".join(labels), frozenset(dates)), []).append({"p": props})
            spaces.setdefault(space or "", (labels[0], id_name))
        for (labels, dates), batch in batches.items():
            for lo in range(0, len(batch), _BATCH):
                counts = store.write(f"UNWIND $rows AS row CREATE (n:{labels}) SET n = row.p"
                                     + _set_dates("n", set(dates)), batch[lo:lo + _BATCH])
                created["nodes"] += counts.nodes_created
    for label, prop in spaces.values():
        if prop:
            store.ensure_index(label, prop)
    for path in relationships:
        header, rows = _read(path)
        at = {f[1]: i for i, f in enumerate(header) if f[1] in ("START_ID", "END_ID", "TYPE")}
        start_space, end_space = header[at["START_ID"]][2] or "", header[at["END_ID"]][2] or ""
        (sl, sp), (tl, tp) = spaces[start_space], spaces[end_space]
        batches_r: dict[tuple[str, frozenset[str]], list[dict[str, Any]]] = {}
        for row in rows:
            s, t = row[at["START_ID"]], row[at["END_ID"]]
            if s not in ids[start_space] or t not in ids[end_space]:
                raise ValueError(f"{path.name}: an end is not among the nodes: {s!r}, {t!r}")
            props, dates = _props(header, row, delimiter)
            batches_r.setdefault((row[at["TYPE"]], frozenset(dates)), []).append(
                {"s": s, "t": t, "p": props})
        for (rtype, dates), batch in batches_r.items():
            query = (f"UNWIND $rows AS row MATCH (a:{sl} {{{sp}: row.s}}) "
                     f"MATCH (b:{tl} {{{tp}: row.t}}) CREATE (a)-[r:{rtype}]->(b) SET r = row.p"
                     + _set_dates("r", set(dates)))
            for lo in range(0, len(batch), _BATCH):
                created["relationships"] += store.write(query, batch[lo:lo + _BATCH]) \
                    .relationships_created
    return created
