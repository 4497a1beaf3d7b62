"""Memory of every command at province scale, and of the big ones at nation scale.

``python -m benchmarks --scale province`` runs the commands of issue #14 one at a time, each
in a fresh process (peak = its ``VmHWM``), on the province ledger (``synth --scale
province``: 江苏省, the five tables) and its graph file. The baseline is opening the whole
graph file (every table, every column): what each command would hold before its own work
if it read everything. Target: at most 4 GB peak each, judged at province scale.

At nation scale (``--scale nation``: ``synth --scale nation``, 4.9 M Party organizations,
30 M 两新组织, 20 M ties) the group is ``build``, the four analyses and ``viz --split-by
district``, each within 16 GB (issue #14), with no baseline: opening the whole graph
would not fit this machine.

The stages belong to the ``memory`` group, which runs by itself at province and nation
scale (the other groups' baselines would not finish there) and at other scales only when
asked for (``--scale district --only memory`` checks the suite in a minute).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.data import Dataset
from benchmarks.harness import Side, Stage

__all__ = ["AS_OF", "COMMANDS", "GROUP", "LIMIT_MB", "NATION_COMMANDS", "NATION_LIMIT_MB",
           "command", "stages", "whole_graph"]

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

#: Peak memory at nation scale (issue #14: the nation's network on one 24 GB machine).
NATION_LIMIT_MB = 16384
#: The commands measured at nation scale.
NATION_COMMANDS: dict[str, list[str]] = {
    **{name: COMMANDS[name] for name in ("build", "islands", "bridges", "clusters")},
    "coverage": ["coverage", "{graph}", "-f", "json", "-o", "{out}/coverage.json"],
    "viz --split-by district": ["viz", "{graph}", "--split-by", "district", "--as-of", AS_OF,
                                "-o", "{out}/districts"],
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
    nation = data.scale == "nation"
    limit = NATION_LIMIT_MB if nation else LIMIT_MB
    whole = [] if nation else [Side("whole graph file", f"{__name__}:whole_graph",
                                    {"graph": graph})]
    return [
        Stage(f"gongjian {name}", GROUP,
              Side("gongjian", f"{__name__}:command",
                   {"args": args, "ledger": ledger, "graph": graph}),
              whole, target=f"≤ {limit:,} MiB peak",
              target_scale="nation" if nation else "province",
              check=lambda o, b, limit=limit: o.peak_mb is not None and o.peak_mb <= limit,
              inputs=("ensure_graph",), max_repeat=1, speed_up=False)
        for name, args in (NATION_COMMANDS if nation else COMMANDS).items()
    ]
