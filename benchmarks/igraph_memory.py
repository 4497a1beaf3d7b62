"""Peak memory and time of the co-building layer in igraph, on a synthetic edge array.

Every measurement runs in a fresh process (``resource.getrusage`` high-water mark), so one
way of building the graph does not inherit the heap of the other.

- ``tuples``: ``igraph.Graph(edges=list(zip(source.tolist(), target.tolist())))``, the way
  the layer went to igraph up to 0.x (a Python tuple of two ints per edge);
- ``numpy``: ``igraph.Graph(edges=np.column_stack([source, target]))``: python-igraph turns
  the array into a memoryview, which its abi3 (limited-API) wheels unfold with
  ``memoryview.tolist()`` into a list of two-element lists;
- ``arrays``: :func:`gongjian.graph.model.igraph_from_arrays`, the arrays handed over in
  chunks of 65,536 edges (only one chunk is ever Python objects);
- ``biconnected`` / ``articulation``: the ``arrays`` graph, then
  ``biconnected_components(return_articulation_points=True)`` or ``articulation_points()``.

Usage::

    python -m benchmarks.igraph_memory                       # 5 M nodes, 20 M edges, 3 runs each
    python -m benchmarks.igraph_memory --nodes 100000 --edges 400000 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

MODES = ("tuples", "numpy", "arrays", "biconnected", "articulation")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def one(mode: str, nodes: int, edges: int, seed: int = 0) -> dict:
    """Measure ``mode`` in this process; returns seconds and peak memory (MB)."""
    import igraph
    import numpy as np

    rng = np.random.default_rng(seed)
    a = rng.integers(0, nodes, size=edges, dtype=np.int64)
    b = rng.integers(0, nodes, size=edges, dtype=np.int64)
    keep = a != b
    source, target = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    del a, b, keep
    arrays_mb = _peak_mb()
    start = time.perf_counter()
    if mode == "tuples":
        g = igraph.Graph(n=nodes, edges=list(zip(source.tolist(), target.tolist(), strict=True)),
                         directed=False)
    elif mode == "numpy":
        g = igraph.Graph(n=nodes, edges=np.column_stack([source, target]), directed=False)
    else:
        from gongjian.graph.model import igraph_from_arrays

        g = igraph_from_arrays(nodes, source, target)
    built = time.perf_counter() - start
    built_mb = _peak_mb()
    found = None
    if mode == "biconnected":
        _, aps = g.biconnected_components(return_articulation_points=True)
        found = len(aps)
    elif mode == "articulation":
        found = len(g.articulation_points())
    return {"mode": mode, "nodes": nodes, "edges": g.ecount(), "build_s": round(built, 2),
            "total_s": round(time.perf_counter() - start, 2),
            "arrays_mb": round(arrays_mb), "built_mb": round(built_mb),
            "peak_mb": round(_peak_mb()), "articulation_points": found}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.igraph_memory")
    p.add_argument("--nodes", type=int, default=5_000_000)
    p.add_argument("--edges", type=int, default=20_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--modes", default=",".join(MODES))
    p.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(one(args.child, args.nodes, args.edges)))
        return
    rows = []
    for mode in args.modes.split(","):
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.igraph_memory", "--child", mode,
                 "--nodes", str(args.nodes), "--edges", str(args.edges)],
                check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out))
        med = {k: statistics.median(r[k] for r in runs)
               for k in ("build_s", "total_s", "arrays_mb", "built_mb", "peak_mb")}
        rows.append({**runs[0], **med, "runs": len(runs)})
        print(json.dumps(rows[-1]), flush=True)


if __name__ == "__main__":
    main()
