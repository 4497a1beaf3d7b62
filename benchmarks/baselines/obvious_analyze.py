"""Baseline of ``gongjian analyze``: the four analyses as ONE obvious script, from the ledger.

pandas reads the ledger folder (:func:`benchmarks.baselines.obvious_build.read_ledger`), the
co-building layer is a ``networkx.Graph`` built row by row, and the four analyses are those
of the ``all four analyses`` stage (:mod:`benchmarks.baselines.obvious_analyses`): isolates
and groups cut off from the axis; articulation points ranked by sampled betweenness
(``k=100``, as our ``bridges``); Louvain communities spanning 2+ districts; coverage rates
and a one-line plan. Each result is written as a CSV. No validation, no report, no pages:
less than ``gongjian analyze`` does.

Run it: ``python benchmarks/baselines/obvious_analyze.py LEDGER OUT [AS_OF]``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from benchmarks.baselines import obvious_analyses as nxa
from benchmarks.baselines.obvious_build import read_ledger

SAMPLES = 100


def main(ledger: Path, out: Path, as_of: str) -> None:
    """Read ``ledger``, run the four analyses, write one CSV each into ``out``."""
    tables = nxa.prepare(read_ledger(ledger))
    g = nxa.layer(tables, as_of)
    out.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, fn in nxa.ANALYSES.items():
        result = fn(g, samples=SAMPLES)
        found[name] = len(result)
        if name == "clusters":
            rows = pd.DataFrame({"cluster": range(len(result)),
                                 "size": [len(c) for c in result],
                                 "members": ["、".join(sorted(c)) for c in result]})
        else:
            rows = pd.DataFrame({"id": list(result)})
        rows.to_csv(out / f"{name}.csv", index=False)
    if "organizations" in tables:
        rates, todo = nxa.coverage(tables["organizations"])
        rates.to_csv(out / "coverage.csv")
        todo.to_csv(out / "coverage_plan.csv", index=False)
    print(f"{g.number_of_nodes()} organizations: {found}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]),
         sys.argv[3] if len(sys.argv) > 3 else dt.date.today().isoformat())
