"""The end-to-end target of issue #6: the commands a person runs, against one obvious script.

Ours: ``gongjian build`` then ``islands``, ``bridges``, ``clusters`` and ``coverage --plan``
as SEPARATE commands (each a new process that loads the graph file), results written as
CSV. Baseline: ``benchmarks/baselines/obvious_pipeline.py`` in one process. Both are timed
from the outside, interpreter start-up and imports included, on a ledger of 100,000 Party
organizations, 500,000 relations and 200,000 两新组织 (the city ledger with its 两新组织 cut
to 200,000; at district scale the whole district ledger). Target: ours ≤ 1/5 of the baseline's time.

A second reference, the *floor*, is what any five commands on our stack cost before they do
any work: five interpreters that import the CLI (pandas, pyarrow, igraph, typer), one of them
reading the ledger's CSV files with Arrow and nothing else. It is not a baseline to beat but
the least the target's pipeline can take.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.data import Dataset
from benchmarks.harness import ROOT, Side, Stage

__all__ = ["baseline", "commands", "floor", "ours", "stages"]

_READ_ONLY = ("import sys, pathlib, gongjian.cli, pyarrow.csv as c; "
              "[c.read_csv(p) for p in pathlib.Path(sys.argv[1]).glob('*.csv')]")


def commands(ledger: Path, out: Path) -> list[tuple[str, list[str]]]:
    """The commands of the pipeline, as a person types them."""
    exe = shutil.which("gongjian")
    cli = [exe] if exe else [sys.executable, "-m", "gongjian"]
    graph = str(out / "graph.gjg")
    return [
        ("build", [*cli, "build", str(ledger), "-o", graph]),
        ("islands", [*cli, "islands", graph, "-f", "csv", "-o", str(out / "islands.csv")]),
        ("bridges", [*cli, "bridges", graph, "-f", "csv", "-o", str(out / "bridges.csv")]),
        ("clusters", [*cli, "clusters", graph, "-f", "csv", "-o", str(out / "clusters.csv")]),
        ("coverage --plan", [*cli, "coverage", graph, "--plan", "-f", "csv",
                             "-o", str(out / "coverage.csv")]),
    ]


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"{' '.join(Path(c).name for c in cmd[:3])}: {tail[0]}")


def _rows(ledger: Path) -> int:
    return sum(sum(1 for _ in open(p, "rb")) - 1 for p in ledger.glob("*.csv"))


def ours(clock, *, ledger: str) -> dict:
    """Task: the five commands one after the other (timed, each as a part)."""
    with tempfile.TemporaryDirectory(prefix="gongjian-bench-e2e-") as tmp:
        for name, cmd in commands(Path(ledger), Path(tmp)):
            with clock(), clock(name):
                _run(cmd)
    return {"size": f"{_rows(Path(ledger)):,} ledger rows"}


def baseline(clock, *, ledger: str) -> dict:
    """Task: the obvious script (timed)."""
    script = ROOT / "benchmarks" / "baselines" / "obvious_pipeline.py"
    with tempfile.TemporaryDirectory(prefix="gongjian-bench-e2e-") as tmp:
        start = time.perf_counter()
        with clock():
            _run([sys.executable, str(script), ledger, tmp])
        took = time.perf_counter() - start
    return {"size": f"{_rows(Path(ledger)):,} ledger rows", "check_seconds": took}


def floor(clock, *, ledger: str) -> dict:
    """Task: five interpreters importing the CLI, one also reading the CSV files (timed)."""
    with clock():
        for _ in range(4):
            _run([sys.executable, "-c", "import gongjian.cli"])
        _run([sys.executable, "-c", _READ_ONLY, ledger])
    return {"size": f"{_rows(Path(ledger)):,} ledger rows"}


def stages(data: Dataset) -> list[Stage]:
    """The end-to-end stage."""
    city = data.scale != "district"
    ledger = str(data.folder / "e2e-ledger") if city else str(data.ledger)
    return [Stage(
        "end-to-end: build + 4 commands", "pipeline",
        Side("gongjian CLI", f"{__name__}:ours", {"ledger": ledger}),
        [Side("obvious_pipeline.py", f"{__name__}:baseline", {"ledger": ledger}),
         Side("floor: 5 starts + Arrow CSV read", f"{__name__}:floor", {"ledger": ledger})],
        target="≤ 1/5 of baseline",
        needs=("gongjian.graph.build:build", "gongjian.queries:islands",
               "gongjian.queries:bridges", "gongjian.queries:clusters"),
        check=lambda o, b: b[0].seconds is None or o.seconds * 5 <= b[0].seconds,
        inputs=("ensure_e2e",) if city else ("ensure_ledger",), show_parts=True)]
