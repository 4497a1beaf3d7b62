"""The row contract: every stored property's name, its Cypher type and its values.

One module decides, for :func:`~gongjian.stores.push.push` (FalkorDB and Neo4j) and for both
``neo4j-admin`` exports (:mod:`~gongjian.stores.neo4j_admin`,
:mod:`~gongjian.stores.neo4j_admin_stream`), what a graph table's column becomes in a
store:

==================  ======================  ================  =========================
column              Cypher type             push sends        neo4j-admin header
==================  ======================  ================  =========================
date (成立日期…)    ``DATE``                ``datetime.date`` ``start:date``
count (党员数…)     ``INTEGER``             ``int``           ``members:long``
list (共建项目…)    ``LIST<STRING>``        ``list[str]``     ``projects:string[]``
number              ``FLOAT``               ``float``         ``x:double``
flag                ``BOOLEAN``             ``bool``          ``x:boolean``
text                ``STRING``              ``str``           ``name``
==================  ======================  ================  =========================

The property name is the column name; a missing value — an empty list too — is no property
at all (push leaves it out of the row, an import file leaves the field empty, and the
importer cannot tell an empty list from a missing one). Node keys are ``PartyOrg.id``,
``Organization.uscc``, ``Site.name`` and ``Region.key``; personal columns (书记, 联系电话)
are stored only when asked. Values a database cannot take (NUL bytes, texts longer than
:data:`MAX_TEXT`, non-finite numbers) are collected as :class:`Refusals`, each naming the
ledger file, row and column.

Examples
--------
>>> import pandas as pd
>>> rel = pd.DataFrame({"start": pd.to_datetime(["2020-01-01", None]),
...                     "reporting_members": pd.array([5, None], dtype="Int64"),
...                     "projects": [["助老", "助学"], []]})
>>> [cypher_type(rel, c, "relations") for c in rel.columns]
['DATE', 'INTEGER', 'LIST<STRING>']
>>> [admin_header(rel, c, "relations") for c in rel.columns]
['start:date', 'reporting_members:long', 'projects:string[]']
>>> column_values(rel, "start")[0]
[datetime.date(2020, 1, 1), None]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.graph.model import LIST_NODE_TABLES, NODE_TABLES, KnowledgeGraph
from gongjian.loaders.tables import TABLES
from gongjian.output import to_jsonable

__all__ = [
    "ACTIVITY_FIELDS",
    "ADMIN_TYPES",
    "ARRAY_DELIMITER",
    "LEDGER_TABLE",
    "LINK_ENDS",
    "LIST_STORE_TABLES",
    "MAX_TEXT",
    "STORE_LINK_TYPES",
    "STORE_NODE_LABELS",
    "STORE_NODE_TABLES",
    "CypherType",
    "Refusals",
    "RelationKeys",
    "admin_header",
    "column_values",
    "cypher_type",
    "date_columns",
    "header",
    "link_columns",
    "node_columns",
    "personal_columns",
    "prepared_columns",
    "relation_columns",
    "relation_keys",
    "row_keys",
    "set_clause",
    "stored_lists",
    "value_problem",
    "where",
]

#: Longest text value sent to a database (characters).
MAX_TEXT = 1_000_000
#: Between the items of a list in a ``neo4j-admin`` import file (``--array-delimiter``).
ARRAY_DELIMITER = ";"
#: Ledger table of each node label (for personal columns and headers in messages).
LEDGER_TABLE: dict[str, str] = {"PartyOrg": "party_orgs", "Organization": "organizations",
                                "Site": "sites", "Region": "regions", "Need": "needs",
                                "Resource": "resources", "Project": "projects",
                                "Activity": "activities"}
#: The three lists and the activity record in a store: label → (graph table, key column).
#: ``Activity`` is keyed by ``key``, a hash of the 活动记录 row (see :func:`stored_lists`).
LIST_STORE_TABLES: dict[str, tuple[str, str]] = {**LIST_NODE_TABLES,
                                                 "Activity": ("activities", "key")}
#: Every stored node label → (graph table, key column).
STORE_NODE_TABLES: dict[str, tuple[str, str]] = {**NODE_TABLES, **LIST_STORE_TABLES}
#: Every stored node label → its term (Chinese label, Cypher label).
STORE_NODE_LABELS: dict[str, schema.Term] = {**schema.NODE_LABELS, **schema.LIST_NODE_LABELS,
                                             **schema.ACTIVITY_LABELS}
#: Every vertical, list and activity link type → its term.
STORE_LINK_TYPES: dict[str, schema.Term] = {**schema.LINK_TYPES, **schema.LIST_LINK_TYPES,
                                            **schema.ACTIVITY_LINK_TYPES}
#: The fields of an activity row its ``key`` hashes.
ACTIVITY_FIELDS: tuple[str, ...] = ("date", "name", "kind", "participants", "project_id",
                                    "attendees")

CypherType = Literal["STRING", "INTEGER", "FLOAT", "BOOLEAN", "DATE", "LIST<STRING>"]
#: Cypher type → the type of a ``neo4j-admin`` header (``""``: a plain string column).
ADMIN_TYPES: dict[str, str] = {"STRING": "", "INTEGER": "long", "FLOAT": "double",
                               "BOOLEAN": "boolean", "DATE": "date", "LIST<STRING>": "string[]"}
_LEDGER_TYPES: dict[str, CypherType] = {"date": "DATE", "int": "INTEGER", "list": "LIST<STRING>"}
_EDGE_ENDS = ("source_id", "target_id", "source_name", "target_name")
_LINK_ENDS = ("source_label", "source", "target_label", "target", "type")
#: The columns of a link that say what it joins (the others are its properties).
LINK_ENDS = _LINK_ENDS
_RELATION_FIELDS = ("type", "source_id", "target_id", "start", "end", "reporting_members",
                    "projects", "note")


# --- names and types -------------------------------------------------------------------


def cypher_type(df: pd.DataFrame, col: str, table: str | None = None) -> CypherType:
    """The Cypher type column ``col`` of ``df`` is stored as.

    A column of ledger table ``table`` takes its declared type (date, int, list); any other
    column its dtype (``datetime64`` → DATE, integers → INTEGER, lists → LIST<STRING>).

    Examples
    --------
    >>> cypher_type(pd.DataFrame({"x": [1.5]}), "x"), cypher_type(pd.DataFrame({"x": ["a"]}), "x")
    ('FLOAT', 'STRING')
    """
    if table in TABLES:
        declared = {c.name: c.type for c in TABLES[table].columns}.get(col)
        if declared in _LEDGER_TYPES:
            return _LEDGER_TYPES[declared]
    s = df[col]
    if pd.api.types.is_datetime64_any_dtype(s):
        return "DATE"
    if pd.api.types.is_bool_dtype(s):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(s):
        return "INTEGER"
    if pd.api.types.is_float_dtype(s):
        return "FLOAT"
    if pd.api.types.is_object_dtype(s) and \
            s.map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
        return "LIST<STRING>"
    return "STRING"


def admin_header(df: pd.DataFrame, col: str, table: str | None = None) -> str:
    """The ``neo4j-admin`` header of a property column: ``name:type`` (plain for text)."""
    kind = ADMIN_TYPES[cypher_type(df, col, table)]
    return f"{col}:{kind}" if kind else col


def personal_columns(label: str) -> set[str]:
    """The personal columns (书记, 联系电话) of node ``label``, stored only when asked.

    Examples
    --------
    >>> sorted(personal_columns("PartyOrg"))
    ['phone', 'secretary']
    """
    ledger = LEDGER_TABLE.get(label)
    if ledger not in TABLES:
        return set()
    return {c.name for c in TABLES[ledger].columns if c.type == "personal"}


def node_columns(df: pd.DataFrame, label: str, *, include_personal: bool) -> list[str]:
    """The property columns of node ``label``: all but the key (and personal ones unless asked).

    Examples
    --------
    >>> node_columns(pd.DataFrame(columns=["id", "name", "phone"]), "PartyOrg",
    ...              include_personal=False)
    ['name']
    """
    key = STORE_NODE_TABLES[label][1]
    personal = set() if include_personal else personal_columns(label)
    return [c for c in df.columns if c != key and c not in personal]


def relation_columns(columns: Iterable[str]) -> list[str]:
    """The property columns of a co-building tie: ``key`` first, then the table's own.

    Examples
    --------
    >>> relation_columns(["source_id", "target_id", "type", "start", "key"])
    ['key', 'start']
    """
    return ["key", *(c for c in columns if c not in (*_EDGE_ENDS, "type", "key"))]


def link_columns(part: pd.DataFrame) -> list[str]:
    """The property columns of vertical links that hold a value (``mode`` for coverage)."""
    return [c for c in part.columns if c not in _LINK_ENDS and part[c].notna().any()]


def date_columns(df: pd.DataFrame, columns: Iterable[str], table: str | None) -> list[str]:
    """Those of ``columns`` stored as ``DATE``.

    Examples
    --------
    >>> date_columns(pd.DataFrame(columns=["start", "note"]), ["start", "note"], "relations")
    ['start']
    """
    return [c for c in columns if cypher_type(df, c, table) == "DATE"]


def set_clause(var: str, dates: Sequence[str]) -> str:
    """The ``SET`` of a push: every property of ``row.p``, dates made ``DATE`` in the store.

    Push sends dates as :class:`datetime.date`; the Neo4j driver stores them as ``DATE``
    already, the FalkorDB client can only send text, so each date property is set once more
    through ``date(toString(…))`` (right for both; a missing date keeps what is there, as
    ``+=`` does).

    Examples
    --------
    >>> set_clause("r", ["start"])
    'SET r += row.p, r.start = coalesce(date(toString(row.p.start)), r.start)'
    """
    return f"SET {var} += row.p" + "".join(
        f", {var}.{c} = coalesce(date(toString(row.p.{c})), {var}.{c})" for c in dates)


# --- where a value came from -----------------------------------------------------------


class Refusals:
    """Values a server would choke on, collected with their ledger file, row and column."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, column: str, reason: str) -> None:
        """Note one value that cannot be stored."""
        self.items.append(f"{where} 「{column}」：{reason}")

    def raise_if_any(self) -> None:
        """Raise :class:`~gongjian.errors.StoreError` listing the first ten, if any."""
        from gongjian.errors import StoreError

        if not self.items:
            return
        shown = "\n".join(self.items[:10])
        more = f"\n……共 {len(self.items)} 处 ({len(self.items)} in all)" \
            if len(self.items) > 10 else ""
        raise StoreError("以下值无法写入数据库，未发送任何数据；请在台账中改正后重试 "
                         f"(values a database cannot store; nothing was sent):\n{shown}{more}")


def header(table: str | None, column: str) -> str:
    """The ledger's Chinese header of ``column`` (the column name when it has none).

    Examples
    --------
    >>> header("party_orgs", "members"), header(None, "mode")
    ('党员数', 'mode')
    """
    if table in TABLES:
        try:
            return TABLES[table].column(column).zh
        except KeyError:
            pass
    return column


def where(df: pd.DataFrame, i: int, fallback: str) -> str:
    """`党组织.csv 第7行` for a ledger row; ``fallback`` (table and position) otherwise."""
    if "source_file" in df.columns and "source_row" in df.columns:
        f, r = df["source_file"].iloc[i], df["source_row"].iloc[i]
        if isinstance(f, str) and not pd.isna(r):
            return f"{f} 第{int(r)}行"
    return fallback


# --- values ----------------------------------------------------------------------------


def _text_problem(value: str) -> str | None:
    if "\x00" in value:
        return "含 NUL 字符 (\\x00) contains a NUL byte"
    if len(value) > MAX_TEXT:
        return f"文本过长 ({len(value):,} 字符，上限 {MAX_TEXT:,}) text too long"
    return None


def value_problem(value: Any) -> str | None:
    """Why a database cannot store ``value`` (None when it can).

    Examples
    --------
    >>> value_problem("a\\x00b"), value_problem(float("inf")), value_problem(["ok"])
    ('含 NUL 字符 (\\\\x00) contains a NUL byte', '不是有限数 (inf) not a finite number', None)
    """
    if isinstance(value, list):
        for v in value:
            problem = value_problem(v)
            if problem:
                return problem
        return None
    if isinstance(value, str):
        return _text_problem(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f"不是有限数 ({value}) not a finite number"
    return None


def _python_value(value: Any) -> Any:
    """One cell of an object column as a value a database takes (None for missing)."""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).date()
    value = to_jsonable(value)
    if isinstance(value, list):
        return [v for v in value if v is not None]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def column_values(df: pd.DataFrame, col: str) -> tuple[list[Any], np.ndarray]:
    """A column as the values a store receives (None for missing) and a mask of problem rows.

    Dates are :class:`datetime.date` (both drivers store them as Cypher ``DATE``), integers
    ``int``, lists ``list[str]`` (an empty one is missing), text ``str``.
    """
    s = df[col]
    bad = np.zeros(len(s), dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(s):
        days = s.dt.date.tolist()
        return [None if v is pd.NaT or v is None else v for v in days], bad
    if pd.api.types.is_bool_dtype(s):
        return [None if pd.isna(v) else bool(v) for v in s.tolist()], bad
    if pd.api.types.is_integer_dtype(s):
        return [None if v is pd.NA or v is None else int(v) for v in s.tolist()], bad
    if pd.api.types.is_float_dtype(s):
        arr = s.to_numpy(dtype=float, na_value=np.nan)
        bad = np.isinf(arr)
        return [None if math.isnan(v) else v for v in arr.tolist()], bad
    if pd.api.types.is_string_dtype(s) and not pd.api.types.is_object_dtype(s):
        bad = (s.str.contains("\x00", regex=False).fillna(False)
               | (s.str.len() > MAX_TEXT).fillna(False)).to_numpy(dtype=bool)
        return [v if isinstance(v, str) else None for v in s.tolist()], bad
    values = [_python_value(v) for v in s.tolist()]
    values = [None if isinstance(v, list) and not v else v for v in values]
    bad = np.array([value_problem(v) is not None for v in values], dtype=bool)
    return values, bad


def prepared_columns(df: pd.DataFrame, columns: Sequence[str], table: str | None, what: str,
                     refusals: Refusals) -> list[list[Any]]:
    """The values of ``columns`` (one list per column); every bad value noted in ``refusals``.

    ``what`` names the rows in a message when they have no ledger row (e.g. ``纵向关系``).
    """
    out = []
    for col in columns:
        values, bad = column_values(df, col)
        for i in np.flatnonzero(bad):
            refusals.add(where(df, int(i), f"{what} 第{int(i) + 1}条"), header(table, col),
                         value_problem(values[i]) or "无法写入 cannot be stored")
        out.append(values)
    return out


def relation_keys(relations: pd.DataFrame) -> list[str]:
    """The stable key of every horizontal tie: a hash of its fields, ``#n`` for repeats.

    Examples
    --------
    >>> rel = pd.DataFrame({"type": ["pairing"] * 3, "source_id": ["a", "a", "b"],
    ...                     "target_id": ["b", "b", "a"]})
    >>> keys = relation_keys(rel)
    >>> keys[0] != keys[2], keys[1] == keys[0] + "#2"
    (True, True)
    """
    return row_keys(relations, _RELATION_FIELDS)


class RelationKeys:
    """The keys of :func:`relation_keys` for a table given part by part, in order.

    A repeat's ``#n`` counts on from the earlier parts, so the keys are those of the whole
    table; the memory is one 12-byte digest a distinct tie.

    Examples
    --------
    >>> rel = pd.DataFrame({"type": ["pairing"] * 3, "source_id": ["a", "a", "a"],
    ...                     "target_id": ["b", "b", "b"]})
    >>> keys = RelationKeys()
    >>> keys(rel.iloc[:2]) + keys(rel.iloc[2:]) == relation_keys(rel)
    True
    """

    def __init__(self) -> None:
        self.digests: set[bytes] = set()
        self.repeats: dict[bytes, int] = {}

    def __call__(self, part: pd.DataFrame) -> list[str]:
        """The keys of the rows of ``part``, the rows of the earlier parts counted."""
        keys = []
        for key in relation_keys(part):
            digest = key.split("#", 1)[0]
            raw = bytes.fromhex(digest)
            if raw in self.digests:
                n = self.repeats.get(raw, 1) + 1
                self.repeats[raw] = n
                keys.append(f"{digest}#{n}")
            else:
                self.digests.add(raw)
                keys.append(digest)
        return keys


def row_keys(df: pd.DataFrame, fields: Sequence[str]) -> list[str]:
    """The stable key of every row: a hash of ``fields`` (those present), ``#n`` for repeats.

    Examples
    --------
    >>> len(row_keys(pd.DataFrame({"name": ["甲", "甲"]}), ["name", "date"])[1])
    26
    """
    cols = [c for c in fields if c in df.columns]
    values = [column_values(df, c)[0] for c in cols]
    seen: Counter[str] = Counter()
    keys = []
    for row in zip(*values, strict=True) if values else [() for _ in range(len(df))]:
        text = "\x1f".join("" if v is None else "\x1e".join(map(str, v))
                           if isinstance(v, list) else str(v) for v in row)
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                 digest_size=12).hexdigest()
        seen[digest] += 1
        keys.append(digest if seen[digest] == 1 else f"{digest}#{seen[digest]}")
    return keys


def stored_lists(kg: KnowledgeGraph) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The three lists and the activity record as a store holds them.

    Returns the node tables of :data:`LIST_STORE_TABLES` that have rows (activities with their
    ``key``) and the links among them and to Party organizations, laid out like
    ``kg.links``: ``kg.list_links`` (RAISED_BY, OFFERED_BY, LED_BY, JOINED_BY, ANSWERS,
    USES), then PARTICIPATED (PartyOrg → Activity, one per participant) and FOR_PROJECT
    (Activity → Project). Both are empty for a graph without the lists.

    Examples
    --------
    >>> kg = KnowledgeGraph.from_frames(activities=pd.DataFrame({
    ...     "date": pd.to_datetime(["2025-01-02"]), "name": ["议事会"],
    ...     "participants": [["a", "b"]], "project_id": ["P1"]}))
    >>> nodes, links = stored_lists(kg)
    >>> list(nodes), links["type"].tolist()
    (['Activity'], ['participated', 'participated', 'for_project'])
    """
    nodes: dict[str, pd.DataFrame] = {}
    for label, (table, _) in LIST_STORE_TABLES.items():
        df = getattr(kg, table)
        if len(df):
            nodes[label] = df
    parts = [kg.list_links]
    acts = nodes.get("Activity")
    if acts is not None:
        acts = acts.assign(key=row_keys(acts, ACTIVITY_FIELDS))
        nodes["Activity"] = acts
        members = acts[["key", "participants"]].explode("participants").dropna()
        parts.append(pd.DataFrame({
            "source_label": "PartyOrg", "source": members["participants"].astype(str),
            "target_label": "Activity", "target": members["key"], "type": "participated"}))
        if "project_id" in acts.columns:
            of = acts[acts["project_id"].notna()]
            parts.append(pd.DataFrame({
                "source_label": "Activity", "source": of["key"], "target_label": "Project",
                "target": of["project_id"].astype(str), "type": "for_project"}))
    links = pd.concat([p for p in parts if len(p)] or [kg.list_links], ignore_index=True)
    return nodes, links.reset_index(drop=True)
