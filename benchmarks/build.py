"""Stages of reading and building: check+build, XLSX reading, graph reload.

- check+build: :func:`gongjian.loaders.read_ledger` (reading, validation, problems) and
  :func:`gongjian.graph.build.build`, against ``pandas.read_csv`` and a networkx loop
  (:mod:`benchmarks.baselines.obvious_build`, no validation).
- XLSX reading: :func:`gongjian.loaders.sheet.read_sheet` of the 党组织 ``.xlsx`` (every
  cell as text, no validation) against ``pandas.read_excel(engine="openpyxl")`` of the same
  sheet.
- graph reload: :func:`gongjian.graph.io.load` of the ``.gjg`` against ``pickle.load`` of
  the baseline's networkx graph.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.data import Dataset
from benchmarks.harness import Side, Stage

__all__ = ["stages"]


def _ledger_rows(ledger) -> int:
    return sum(len(ledger.table(t)) + len(ledger.rejected.get(t, ())) for t in
               ("party_orgs", "relations", "organizations", "sites", "regions"))


def _size(kg) -> str:
    nodes = len(kg.party_orgs) + len(kg.organizations) + len(kg.sites) + len(kg.regions)
    return f"{nodes:,} nodes, {len(kg.relations) + len(kg.links):,} edges"


def check_build(clock, *, ledger: str) -> dict:
    """Task: read, validate and build (timed)."""
    from gongjian.graph.build import build
    from gongjian.loaders import read_ledger

    with clock():
        with clock("read + check"):
            led = read_ledger(Path(ledger))
        with clock("build"):
            kg = build(led)
    return {"rows": _ledger_rows(led), "size": _size(kg), "problems": len(led.problems)}


def read_xlsx(clock, *, ledger: str) -> dict:
    """Task: read the ``.xlsx`` of the xlsx ledger as text cells (timed).

    The file the baseline reads, with :func:`gongjian.loaders.sheet.read_sheet`; the rows
    counted are those below the header row (found after the clock), like the baseline's frame.
    """
    from gongjian.loaders.headers import locate_columns
    from gongjian.loaders.sheet import read_sheet

    path = next(p for p in Path(ledger).iterdir() if p.suffix == ".xlsx")
    with clock():
        sheet = read_sheet(path, "party_orgs")
    n = len(sheet.grid) - locate_columns(sheet, "party_orgs").header_index - 1
    return {"rows": n, "size": f"{n:,} rows", "rate": True}


def reload(clock, *, graph: str) -> dict:
    """Task: load the graph file (timed)."""
    from gongjian.graph.io import load

    with clock():
        kg = load(Path(graph))
    return {"size": _size(kg)}


def stages(data: Dataset) -> list[Stage]:
    """The stages of this group (inputs are made lazily by the harness)."""
    base = "benchmarks.baselines.obvious_build"
    return [
        Stage("check+build", "build",
              Side("gongjian", f"{__name__}:check_build", {"ledger": str(data.ledger)}),
              [Side("pandas+networkx", f"{base}:build_task", {"ledger": str(data.ledger)})],
              target="≤ 90 s, ≤ 4 GB",
              needs=("gongjian.loaders:read_ledger", "gongjian.graph.build:build"),
              check=lambda o, b: o.seconds <= 90 and (o.peak_mb or 0) <= 4096,
              inputs=("ensure_ledger",), show_parts=True),
        Stage("xlsx reading", "build",
              Side("gongjian", f"{__name__}:read_xlsx",
                   {"ledger": str(data.folder / "xlsx-ledger")}),
              [Side("pandas.read_excel", f"{base}:excel_task",
                    {"ledger": str(data.folder / "xlsx-ledger")})],
              target="≥ 100,000 rows/s", needs=("gongjian.loaders.sheet:read_sheet",),
              check=lambda o, b: o.rows / o.seconds >= 100_000,
              per_row=True, inputs=("ensure_xlsx",)),
        Stage("graph reload", "build",
              Side("gongjian", f"{__name__}:reload", {"graph": str(data.folder / "graph.gjg")}),
              [Side("pickle (networkx)", f"{base}:unpickle_task",
                    {"path": str(data.folder / "networkx.pickle")})],
              target="≤ 3 s", needs=("gongjian.graph.io:load",),
              check=lambda o, b: o.seconds <= 3, inputs=("ensure_graph", "ensure_pickle")),
    ]

