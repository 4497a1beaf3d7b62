"""``python -m benchmarks``: run the suite and print one table.

Examples::

    python -m benchmarks --quick                       # district scale, 1 repeat (< 5 min)
    python -m benchmarks --scale city --repeat 3       # the numbers of docs/performance.md
    python -m benchmarks --only check+build,islands --json /tmp/r.json
    python -m benchmarks --scale province              # peak memory of every command (#14)
    python -m benchmarks --scale nation                # build, analyses, pages within 16 GB
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

from benchmarks import STAGE_MODULES
from benchmarks.data import CACHE, Dataset
from benchmarks.harness import ROOT, render_markdown, render_table, run_stage
from benchmarks.memory import GROUP as MEMORY

DEFAULT_JSON = ROOT / "benchmarks" / "results" / "latest.json"


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line of the suite."""
    p = argparse.ArgumentParser(prog="python -m benchmarks",
                                description="gongjian benchmarks against their baselines, "
                                            "each run in a fresh process.")
    p.add_argument("--scale", choices=("district", "city", "province", "nation"), default=None,
                   help="size of the synthetic ledger (default city; district with --quick); "
                        "province runs the memory of every command (the memory group), "
                        "nation that of build, the four analyses and viz --split-by district")
    p.add_argument("--quick", action="store_true",
                   help="1 repeat at district scale: checks the suite in a few minutes")
    p.add_argument("--repeat", type=int, default=None, help="runs per side (median; default 3)")
    p.add_argument("--baseline-repeat", type=int, default=None,
                   help="runs per baseline (default: as --repeat); slow baselines at city scale")
    p.add_argument("--only", default="", help="comma-separated stage names or groups")
    p.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write results")
    p.add_argument("--markdown", type=Path, default=None, help="also write the table as Markdown")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic ledger")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds before a run is stopped and reported as a timeout "
                        "(default 900, 120 with --quick)")
    p.add_argument("--data", type=Path, default=CACHE, help="cache folder of the inputs")
    p.add_argument("--list", action="store_true", help="list the stages and exit")
    args = p.parse_args(argv)
    args.scale = args.scale or ("district" if args.quick else "city")
    args.repeat = args.repeat or (1 if args.quick else 3)
    args.timeout = args.timeout or (120.0 if args.quick else 900.0)
    return args


def all_stages(data: Dataset) -> list:
    """Every stage of every group, in order."""
    from importlib import import_module

    return [s for m in STAGE_MODULES for s in import_module(f"benchmarks.{m}").stages(data)]


def main(argv: list[str] | None = None) -> int:
    """Run the selected stages; print the table; write the JSON (and Markdown)."""
    args = parse(sys.argv[1:] if argv is None else argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    data = Dataset(args.scale, args.seed, root=args.data, log=log)
    stages = all_stages(data)
    if args.list:
        for s in stages:
            print(f"{s.group:10} {s.name}")
        return 0
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    chosen = [s for s in stages if s.name in only or s.group in only] if only else [
        s for s in stages if (s.group == MEMORY) == (args.scale in ("province", "nation"))]
    if only and not chosen:
        log(f"no stage matches {sorted(only)}; see --list")
        return 2
    started = time.perf_counter()
    log(f"gongjian benchmarks: scale {args.scale}, {args.repeat} repeat(s), "
        f"{len(chosen)} stage(s), data in {data.folder}")
    results = []
    for stage in chosen:
        try:
            for make in stage.inputs:
                getattr(data, make)()
        except Exception as err:  # an input part not landed or failing: say so, go on
            from benchmarks.harness import Measure

            log(f"  {stage.name}: inputs not available: {err}")
            results.append((stage, Measure("gongjian", "not available",
                                           message=f"inputs: {err}"), []))
            continue
        ours, bases = run_stage(stage, args.repeat, args.timeout, log, args.baseline_repeat)
        results.append((stage, ours, bases))
        _write(args, data, results, time.perf_counter() - started)  # partial results kept
    took = time.perf_counter() - started
    reps = f"{args.repeat}" + (f" (baselines {args.baseline_repeat})"
                                if args.baseline_repeat not in (None, args.repeat) else "")
    title = (f"gongjian benchmarks · {args.scale} scale · median of {reps} · "
             f"{os.cpu_count()} CPUs · {took / 60:.1f} min")
    render_table(results, args.scale, title)
    _write(args, data, results, took)
    log(f"results: {args.json}")
    return 0


def _commit() -> str:
    import subprocess

    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    return done.stdout.strip()


def _write(args: argparse.Namespace, data: Dataset, results: list, took: float) -> None:
    """Write the results so far as JSON (and Markdown when asked)."""
    payload = {
        "meta": {"scale": args.scale, "seed": args.seed, "repeat": args.repeat,
                 "baseline_repeat": args.baseline_repeat or args.repeat,
                 "timeout": args.timeout, "date": dt.datetime.now(dt.UTC).isoformat(),
                 "seconds": took, "cpus": os.cpu_count(), "machine": platform.platform(),
                 "python": platform.python_version(), "inputs_made": data.made,
                 "load_average": os.getloadavg(), "commit": _commit()},
        "stages": [{"name": s.name, "group": s.group, "target": s.target, "note": s.note,
                    "ours": o.as_dict(), "baselines": [b.as_dict() for b in bs]}
                   for s, o, bs in results],
        "markdown": render_markdown(results, args.scale),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str),
                         encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(payload["markdown"], encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
