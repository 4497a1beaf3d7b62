"""Memory of every command at province scale: each command alone, its peak beside the graph's.

``python -m benchmarks --scale province`` runs the commands of issue #14 one at a time, each
in a fresh process (peak = its ``VmHWM``), on the province ledger (``synth --scale
province``: 江苏省, the five tables) and its graph file. The baseline is opening the whole
graph file (every table, every column): what each command would hold before its own work
if it read everything. Target: at most 4 GB peak each, judged at province scale.

The stages belong to the ``memory`` group, which runs by itself at province scale (the
other groups' baselines would not finish there) and at other scales only when asked for
(``--scale district --only memory`` checks the suite in a minute).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.data import Dataset
from benchmarks.harness import Side, Stage

__all__ = ["AS_OF", "COMMANDS", "GROUP", "LIMIT_MB", "command", "stages", "whole_graph"]

GROUP = "memory"
AS_OF = "2025-06-30"
#: Peak memory every command must stay within (issue #14: an office PC runs the province).
LIMIT_MB = 4096
#: Stage name → the command line; ``{ledger}``, ``{graph}`` and ``{out}`` (a fresh folder
#: per run) are filled in.
COMMANDS: dict[str, list[str]] = {
    "check": ["check", "{ledger}", "--problems", "{out}/问题清单.xlsx"],
    "build": ["build", "{ledger}", "-o", "{out}/图.gjg"],
    "info": ["info", "{graph}", "-f", "json", "-o", "{out}/info.json"],
    "islands": ["islands", "{graph}", "--as-of", AS_OF, "-f", "json", "-o", "{out}/i.json"],
    "bridges": ["bridges", "{graph}", "--as-of", AS_OF, "-f", "json", "-o", "{out}/b.json"],
    "clusters": ["clusters", "{graph}", "--as-of", AS_OF, "-f", "json", "-o", "{out}/c.json"],
    "coverage --plan json": ["coverage", "{graph}", "--plan", "-f", "json",
                             "-o", "{out}/plan.json"],
    "coverage --plan xlsx": ["coverage", "{graph}", "--plan", "-f", "xlsx",
                             "-o", "{out}/plan.xlsx"],
    "coverage --plan csv": ["coverage", "{graph}", "--plan", "-f", "csv", "-o", "{out}/plan.csv"],
    "summary": ["summary", "{graph}", "--as-of", AS_OF, "-f", "xlsx", "-o", "{out}/s.xlsx"],
    "viz --split-by street": ["viz", "{graph}", "--split-by", "street", "--as-of", AS_OF,
                              "-o", "{out}/streets"],
    "report": ["report", "{graph}", "--as-of", AS_OF, "-o", "{out}/report.html"],
    "export": ["export", "{graph}", "--format", "neo4j-admin", "-o", "{out}/neo4j"],
    "analyze": ["analyze", "{graph}", "--as-of", AS_OF, "-o", "{out}/result"],
}


def command(clock, *, args: list[str], ledger: str, graph: str) -> dict:
    """Task: one gongjian command, as typed at a shell, into a fresh folder (timed)."""
    from gongjian.cli import app

    with tempfile.TemporaryDirectory() as out:
        line = [a.format(ledger=ledger, graph=graph, out=out) for a in args]
        with clock():
            try:
                app(line, standalone_mode=False)
            except SystemExit as done:
                if done.code not in (None, 0):
                    raise RuntimeError(f"gongjian {args[0]} exited {done.code}") from done
        written = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())
    return {"size": f"{written / 2**20:,.1f} MiB written"}


def whole_graph(clock, *, graph: str) -> dict:
    """Task: open the graph file whole, every table and column (timed)."""
    from gongjian.graph.io import load

    with clock():
        kg = load(Path(graph))
    return {"size": f"{sum(len(df) for _, df in kg.tables()):,} rows"}


def stages(data: Dataset) -> list[Stage]:
    ledger, graph = str(data.ledger), str(data.folder / "graph.gjg")
    return [
        Stage(f"gongjian {name}", GROUP,
              Side("gongjian", f"{__name__}:command",
                   {"args": args, "ledger": ledger, "graph": graph}),
              [Side("whole graph file", f"{__name__}:whole_graph", {"graph": graph})],
              target=f"≤ {LIMIT_MB:,} MiB peak", target_scale="province",
              check=lambda o, b: o.peak_mb is not None and o.peak_mb <= LIMIT_MB,
              inputs=("ensure_graph",), max_repeat=1, speed_up=False)
        for name, args in COMMANDS.items()
    ]
