"""Push a :class:`~gongjian.graph.model.KnowledgeGraph` to a store: batched, idempotent, resumable.

The stored graph:

- Nodes carry their table's columns as properties (personal fields — 书记, 联系电话 — only
  with ``include_personal=True``) and are merged on their natural key: ``PartyOrg.id``
  (组织编码), ``Organization.uscc``, ``Site.name``, ``Region.key`` (the path).
- Horizontal ties (:data:`gongjian.schema.RELATION_TYPES`) run 甲方 → 乙方 and are merged on
  ``key``: a hash of the ledger row's fields (type, ends, dates, members, projects, note),
  with ``#2``, ``#3`` … for repeated identical rows, so every ledger row stays one
  relationship and pushing again finds it again.
- Vertical ties (:data:`gongjian.schema.LINK_TYPES`) are merged on their two ends; ``COVERS``
  carries ``mode``.
- The three lists and the activity record, when the ledger has them (a graph without them
  pushes exactly as before): ``Need``, ``Resource``, ``Project`` nodes merged on ``id``,
  ``Activity`` nodes merged on ``key`` (a hash of the 活动记录 row, ``#n`` for repeats); the
  list links (:data:`gongjian.schema.LIST_LINK_TYPES`: RAISED_BY, OFFERED_BY, LED_BY,
  JOINED_BY, ANSWERS, USES) and ``(:PartyOrg)-[:PARTICIPATED]->(:Activity)``,
  ``(:Activity)-[:FOR_PROJECT]->(:Project)`` (:data:`gongjian.schema.ACTIVITY_LINK_TYPES`),
  merged on their two ends; see :func:`gongjian.stores.rows.stored_lists`.
- Names and types of the properties follow :mod:`gongjian.stores.rows`: dates are Cypher
  ``DATE`` (sent as :class:`datetime.date`), counts ``INTEGER``, lists ``LIST<STRING>``.
  Reports compare dates as ``toString(r.end) >= $as_of`` with ``as_of`` a ``'YYYY-MM-DD'``
  string, which is right on both engines for any dates.

Order: indexes (Neo4j: uniqueness constraints) first, then nodes label by label, then
relationships type by type, each in ``UNWIND $rows AS row`` batches of ``batch_size`` with
``MERGE`` on the key and ``SET … += row.p``. Every value travels as a parameter; labels and
types come only from :mod:`gongjian.schema`. Values a server would choke on (NUL bytes,
texts over :data:`MAX_TEXT` characters, non-finite numbers) are refused before anything
is sent, naming the ledger file and row. A batch that fails raises a
:class:`~gongjian.errors.StoreError` naming it; running the same push again completes the
graph without duplicates.

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
...     {"id": ["a"], "name": ["甲"], "kind": ["community"], "district": ["玄武区"]}))
>>> plan = plan_push(kg)
>>> [(step.kind, step.name, len(step.rows)) for step in plan if step.rows]
[('node', 'PartyOrg', 1)]
>>> with open_store("embedded") as store:
...     push(kg, store, progress=False).created, push(kg, store, progress=False).created
(1, 0)
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gongjian import progress as _progress
from gongjian import schema
from gongjian.errors import StoreError
from gongjian.graph.model import NODE_TABLES, KnowledgeGraph
from gongjian.i18n import pick
from gongjian.stores.rows import (
    LEDGER_TABLE,
    MAX_TEXT,
    STORE_NODE_LABELS,
    STORE_NODE_TABLES,
    Refusals,
    column_values,
    date_columns,
    node_columns,
    prepared_columns,
    relation_columns,
    relation_keys,
    set_clause,
    stored_lists,
)
from gongjian.stores.store import Store, open_store

__all__ = [
    "MAX_TEXT",
    "PUSH_LABELS",
    "PushStep",
    "PushSummary",
    "open_store",
    "plan_push",
    "push",
    "relation_keys",
]

_LINK_ENDS = ("source_label", "source", "target_label", "target", "type")

#: Column → (中文表头, English header) of :meth:`PushSummary.frame`.
PUSH_LABELS: dict[str, tuple[str, str]] = {
    "kind": ("类别", "kind"),
    "name": ("标签/关系类型", "label or type"),
    "title": ("名称", "title"),
    "rows": ("行数", "rows"),
    "created": ("新建", "created"),
    "matched": ("已存在", "matched"),
    "skipped": ("跳过", "skipped"),
}


@dataclass
class PushStep:
    """One label or relationship type: its query, its rows and, after the push, the counts.

    ``skipped`` counts rows left out before sending (a missing key, or an end that is not
    in the graph).
    """

    kind: str  # "node" or "relationship"
    name: str  # label or relationship type (Cypher)
    title: str  # what people read (Chinese label)
    query: str
    rows: list[dict[str, Any]]
    skipped: int = 0
    created: int = 0

    @property
    def matched(self) -> int:
        """Rows that found their node or relationship already there."""
        return len(self.rows) - self.created


@dataclass
class PushSummary:
    """What a push did: per step rows, created, matched, skipped; totals and speed."""

    store: str
    steps: list[PushStep] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        """Rows sent."""
        return sum(len(s.rows) for s in self.steps)

    @property
    def created(self) -> int:
        """Nodes and relationships created."""
        return sum(s.created for s in self.steps)

    @property
    def matched(self) -> int:
        """Rows that were already in the store."""
        return sum(s.matched for s in self.steps)

    @property
    def skipped(self) -> int:
        """Rows not sent (missing key or missing end)."""
        return sum(s.skipped for s in self.steps)

    @property
    def rows_per_second(self) -> float:
        """Rows sent per second of pushing."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def frame(self, lang: str = "zh") -> pd.DataFrame:
        """One row per step with any rows, for the command line's output."""
        return pd.DataFrame(
            [{"kind": pick(lang, "节点", "node") if s.kind == "node" else pick(lang, "关系",
                                                                              "relationship"),
              "name": s.name, "title": s.title, "rows": len(s.rows), "created": s.created,
              "matched": s.matched, "skipped": s.skipped}
             for s in self.steps if s.rows or s.skipped],
            columns=list(PUSH_LABELS))

    def text(self, lang: str = "zh") -> str:
        """One line for people."""
        return pick(
            lang,
            f"已推送到 {self.store}：{self.rows} 行，新建 {self.created}，已存在 {self.matched}，"
            f"跳过 {self.skipped}；用时 {self.seconds:.1f} 秒（{self.rows_per_second:,.0f} 行/秒）",
            f"pushed to {self.store}: {self.rows} rows, {self.created} created, "
            f"{self.matched} already there, {self.skipped} skipped; {self.seconds:.1f}s "
            f"({self.rows_per_second:,.0f} rows/s)")


# --- building the rows -----------------------------------------------------------------


def _props(df: pd.DataFrame, columns: Sequence[str], table: str | None, what: str,
           refusals: Refusals) -> list[dict[str, Any]]:
    """Per row, a dict of the non-missing values of ``columns``; refusals collected."""
    values = prepared_columns(df, columns, table, what, refusals)
    out: list[dict[str, Any]] = [{} for _ in range(len(df))]
    for col, vals in zip(columns, values, strict=True):
        for rec, v in zip(out, vals, strict=True):
            if v is not None:
                rec[col] = v
    return out


def _node_steps(tables: dict[str, pd.DataFrame], include_personal: bool, refusals: Refusals,
                known: dict[str, set[str]]) -> Iterator[PushStep]:
    for label, df in tables.items():
        key = STORE_NODE_TABLES[label][1]
        ledger = LEDGER_TABLE[label]
        columns = node_columns(df, label, include_personal=include_personal)
        title = schema.label(STORE_NODE_LABELS, label)
        [keys] = prepared_columns(df, [key], ledger, title, refusals)
        props = _props(df, columns, ledger, title, refusals)
        rows = [{"k": k if isinstance(k, str) else str(k), "p": p}
                for k, p in zip(keys, props, strict=True) if k is not None]
        known[label] = {r["k"] for r in rows}
        cypher = STORE_NODE_LABELS[label].cypher
        yield PushStep("node", cypher, title,
                       f"UNWIND $rows AS row MERGE (n:{cypher} {{{key}: row.k}}) "
                       + set_clause("n", date_columns(df, columns, ledger)), rows,
                       skipped=len(df) - len(rows))


def _relation_steps(kg: KnowledgeGraph, refusals: Refusals,
                    known: dict[str, set[str]]) -> Iterator[PushStep]:
    rel = kg.relations
    columns = relation_columns(rel.columns)[1:]
    props = _props(rel, columns, "relations", "共建关系", refusals)
    dates = date_columns(rel, columns, "relations")
    keys = relation_keys(rel)
    src, _ = column_values(rel, "source_id")
    dst, _ = column_values(rel, "target_id")
    types = rel["type"].tolist()
    orgs = known["PartyOrg"]
    party_key = NODE_TABLES["PartyOrg"][1]
    for code, term in schema.RELATION_TYPES.items():
        rows, skipped = [], 0
        for s, t, ty, k, p in zip(src, dst, types, keys, props, strict=True):
            if ty != code:
                continue
            if s in orgs and t in orgs:
                rows.append({"s": s, "t": t, "k": k, "p": p})
            else:
                skipped += 1
        yield PushStep("relationship", term.cypher, term.zh,
                       f"UNWIND $rows AS row MATCH (a:PartyOrg {{{party_key}: row.s}}) "
                       f"MATCH (b:PartyOrg {{{party_key}: row.t}}) "
                       f"MERGE (a)-[r:{term.cypher} {{key: row.k}}]->(b) "
                       + set_clause("r", dates), rows, skipped=skipped)


def _link_steps(links: pd.DataFrame, types: dict[str, schema.Term], refusals: Refusals,
                known: dict[str, set[str]]) -> Iterator[PushStep]:
    columns = [c for c in links.columns if c not in _LINK_ENDS]
    props = _props(links, columns, None, "纵向关系", refusals)
    cells = {c: column_values(links, c)[0] for c in _LINK_ENDS}
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    skipped: Counter[str] = Counter()
    for i, p in enumerate(props):
        sl, s, tl, t, ty = (cells[c][i] for c in _LINK_ENDS)
        if ty not in types or sl not in STORE_NODE_TABLES or tl not in STORE_NODE_TABLES \
                or s not in known.get(sl, ()) or t not in known.get(tl, ()):
            skipped[ty if ty in types else "?"] += 1
            continue
        groups.setdefault((ty, sl, tl), []).append({"s": s, "t": t, "p": p})
    for code, term in types.items():
        for (ty, sl, tl), rows in groups.items():
            if ty != code:
                continue
            ends = f"（{STORE_NODE_LABELS[sl].zh}→{STORE_NODE_LABELS[tl].zh}）"
            yield PushStep(
                "relationship", term.cypher, term.zh + ends,
                f"UNWIND $rows AS row MATCH (a:{STORE_NODE_LABELS[sl].cypher} "
                f"{{{STORE_NODE_TABLES[sl][1]}: row.s}}) MATCH (b:{STORE_NODE_LABELS[tl].cypher} "
                f"{{{STORE_NODE_TABLES[tl][1]}: row.t}}) MERGE (a)-[r:{term.cypher}]->(b) "
                + set_clause("r", date_columns(links, columns, None)), rows)
        if skipped.get(code):
            yield PushStep("relationship", term.cypher, term.zh, "", [],
                           skipped=skipped[code])


@contextlib.contextmanager
def _silent() -> Iterator[Any]:
    yield lambda n=1: None


def plan_push(kg: KnowledgeGraph, *, include_personal: bool = False) -> list[PushStep]:
    """Every step of a push with its query and rows, values checked; nothing is sent.

    Raises :class:`StoreError` naming file, row and column of every value a database
    could not store.
    """
    refusals = Refusals()
    known: dict[str, set[str]] = {}
    steps = list(_node_steps({label: getattr(kg, table) for label, (table, _)
                              in NODE_TABLES.items()}, include_personal, refusals, known))
    steps += _relation_steps(kg, refusals, known)
    steps += _link_steps(kg.links, schema.LINK_TYPES, refusals, known)
    nodes, links = stored_lists(kg)
    if nodes:  # a graph without the lists pushes exactly as before
        steps += _node_steps(nodes, include_personal, refusals, known)
        list_types = {**schema.LIST_LINK_TYPES, **schema.ACTIVITY_LINK_TYPES}
        steps += _link_steps(links, list_types, refusals, known)
    refusals.raise_if_any()
    return steps


def push(kg: KnowledgeGraph, store: Store, *, batch_size: int = 5000, replace: bool = False,
         progress: bool = True, include_personal: bool = False) -> PushSummary:
    """Write ``kg`` into ``store``: indexes, nodes, relationships, in ``UNWIND`` batches.

    Parameters
    ----------
    kg
        The graph.
    store
        From :func:`~gongjian.stores.store.open_store`.
    batch_size
        Rows per query (1,000–20,000 are sensible).
    replace
        Clear gongjian's graph in the store first.
    progress
        Show a progress bar on a terminal.
    include_personal
        Also push personal fields (书记, 联系电话); off by default.

    Returns
    -------
    PushSummary
        Rows, created, matched and skipped per label and type. Pushing the same graph
        again creates nothing.

    Examples
    --------
    >>> import pandas as pd
    >>> kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
    ...     {"id": ["a", "b"], "name": ["甲", "乙"], "kind": ["community", "unit"],
    ...      "district": ["玄武区", "玄武区"]}))
    >>> with open_store("embedded") as store:
    ...     summary = push(kg, store, progress=False)
    >>> summary.created, summary.matched, summary.skipped
    (2, 0, 0)
    """
    if batch_size < 1:
        raise StoreError(f"批量大小必须是正整数 batch size must be positive: {batch_size}")
    steps = plan_push(kg, include_personal=include_personal)
    summary = PushSummary(store.name, steps)
    started = time.perf_counter()
    if replace:
        store.clear()
    labels = {s.name for s in steps if s.kind == "node"}
    for label, (_, key) in STORE_NODE_TABLES.items():
        if label in NODE_TABLES or STORE_NODE_LABELS[label].cypher in labels:
            store.ensure_index(STORE_NODE_LABELS[label].cypher, key)
    total = sum(len(s.rows) for s in steps)
    bar = _progress.progress(f"推送到 {store.name}", total=total) if progress else _silent()
    with bar as advance:
        for step in steps:
            for lo in range(0, len(step.rows), batch_size):
                batch = step.rows[lo:lo + batch_size]
                try:
                    counts = store.write(step.query, batch)
                except StoreError as err:
                    raise StoreError(
                        f"推送在「{step.title}」({step.name}) 第 {lo + 1}–{lo + len(batch)} 行"
                        f"（共 {len(step.rows)} 行）中断：{err}\n已写入的部分会保留；请再次运行同一"
                        f"命令完成推送，不会产生重复 (push stopped in batch {step.name} rows "
                        f"{lo + 1}-{lo + len(batch)}; run the same command again to finish it, "
                        f"without duplicates)") from err
                step.created += (counts.nodes_created if step.kind == "node"
                                 else counts.relationships_created)
                advance(len(batch))
    summary.seconds = time.perf_counter() - started
    return summary
