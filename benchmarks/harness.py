"""The harness: run each side of each stage in a fresh process, take medians, print one table.

A :class:`Stage` compares our implementation (``ours``) with one or more baselines; each
:class:`Side` is a task run by :mod:`benchmarks.child` in its own subprocess per repeat, so
its peak memory (the child's own ``VmHWM`` and that of the processes it waited for, see
:func:`benchmarks.child.peak_mb`; ``ru_maxrss`` from ``os.wait4`` when the task failed)
belongs to that stage alone. Wall time is what the task timed around the work
itself (setup such as loading inputs is left out and said so in the stage's note).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.child import MARK

__all__ = [
    "ROOT",
    "Measure",
    "Side",
    "Stage",
    "ratio",
    "render_markdown",
    "render_table",
    "run_side",
    "run_stage",
]

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Side:
    """One measured program: a task ``module:function`` with its keyword arguments."""

    label: str
    task: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    timeout: float | None = None


@dataclass
class Stage:
    """A stage of the pipeline: ours against its baselines, and the target it should meet.

    ``needs`` lists importable names (``module:attr``) our side requires; when one is
    missing the stage is reported "not available" and nothing is run. ``check`` decides,
    from the medians, whether the target is met (only judged at ``target_scale``, or at
    every scale when it is ``"any"``). ``per_row`` compares speeds per row (the sides did
    different numbers of rows); ``inputs`` names the :class:`~benchmarks.data.Dataset`
    methods that make what the stage reads; ``show_parts`` adds a row per named
    sub-timing of our side; ``max_repeat`` caps the repeats of a stage whose setup is heavy;
    ``speed_up`` is false for a stage whose baseline is there for its memory, not its time.
    """

    name: str
    group: str
    ours: Side
    baselines: list[Side] = field(default_factory=list)
    target: str = ""
    needs: tuple[str, ...] = ()
    check: Callable[[Measure, list[Measure]], bool] | None = None
    target_scale: str = "city"
    note: str = ""
    per_row: bool = False
    inputs: tuple[str, ...] = ()
    show_parts: bool = False
    max_repeat: int | None = None
    speed_up: bool = True


@dataclass
class Measure:
    """The repeats of one side: medians of wall time, rows and peak memory."""

    label: str
    status: str = "ok"  # ok | failed | timeout | not available
    runs: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""

    @property
    def seconds(self) -> float | None:
        """Median wall time of the timed work over the successful repeats."""
        ok = [r["seconds"] for r in self.runs if r.get("ok")]
        return statistics.median(ok) if ok else None

    @property
    def peak_mb(self) -> float | None:
        """Largest peak resident memory over the repeats, in MiB."""
        peaks = [r["peak_mb"] for r in self.runs if r.get("peak_mb") is not None]
        return max(peaks) if peaks else None

    @property
    def rows(self) -> int | None:
        """Work units of the task (rows read, nodes analysed, rows pushed)."""
        for r in self.runs:
            if r.get("rows") is not None:
                return int(r["rows"])
        return None

    def info(self, key: str) -> Any:
        """The first successful repeat's value of ``key`` (e.g. ``size``, ``parts``)."""
        for r in self.runs:
            if r.get("ok") and key in r:
                return r[key]
        return None

    def part(self, name: str) -> float | None:
        """Median of a named sub-timing over the successful repeats."""
        vals = [r["parts"][name] for r in self.runs if r.get("ok") and name in r.get("parts", {})]
        return statistics.median(vals) if vals else None

    def as_dict(self) -> dict[str, Any]:
        """The measure with its medians, for the JSON results."""
        return {**asdict(self), "median_seconds": self.seconds, "peak_mb": self.peak_mb,
                "rows": self.rows}


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def run_once(side: Side, timeout: float) -> dict[str, Any]:
    """Run ``side`` once in a fresh process; return its result with ``peak_mb`` and status."""
    cmd = [sys.executable, "-m", "benchmarks.child", side.task, json.dumps(side.kwargs)]
    limit = side.timeout or timeout
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env=_child_env(),
                                start_new_session=True)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > limit:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    # A timed-out task may leave processes behind in its group; end them too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    result: dict[str, Any] = {"process_seconds": wall, "peak_mb": usage.ru_maxrss / 1024,
                              "exit": proc.returncode}
    if timed_out:
        return {**result, "ok": False, "status": "timeout", "message": f"> {limit:.0f} s"}
    marked = [line for line in stdout.splitlines() if line.startswith(MARK)]
    if proc.returncode != 0 or not marked:
        tail = [ln for ln in stderr.strip().splitlines() if ln.strip()][-1:] or ["no output"]
        if tail[0].startswith("TimeoutError: "):  # the task gave up waiting (e.g. a browser)
            return {**result, "ok": False, "status": "timeout",
                    "message": tail[0].removeprefix("TimeoutError: ")}
        return {**result, "ok": False, "status": "failed", "message": tail[0][:300]}
    return {**result, **json.loads(marked[-1][len(MARK):]), "ok": True, "status": "ok"}


def missing(needs: tuple[str, ...]) -> str | None:
    """The first of ``needs`` that cannot be imported (a part not landed yet), or None.

    Examples
    --------
    >>> missing(("json:dumps", "json:nothing|os:sep")) is None
    True
    >>> missing(("json:nothing",))
    'json:nothing'
    """
    from importlib import import_module

    def present(name: str) -> bool:
        module, _, attr = name.partition(":")
        try:
            return not attr or hasattr(import_module(module), attr)
        except ImportError:
            return False

    for need in needs:  # "a:x|b:y" is met by either
        if not any(present(alt) for alt in need.split("|")):
            return need
    return None


def run_side(side: Side, repeat: int, timeout: float, log: Callable[[str], None]) -> Measure:
    """Run ``side`` ``repeat`` times; stop early after a failure or a timeout."""
    measure = Measure(side.label)
    for i in range(repeat):
        run = run_once(side, timeout)
        measure.runs.append(run)
        took = f"{run['seconds']:.2f} s" if run.get("ok") else run["status"]
        log(f"    {side.label} #{i + 1}: {took}, peak {run['peak_mb']:.0f} MiB")
        if not run["ok"]:
            measure.status, measure.message = run["status"], run["message"]
            break
    return measure


def run_stage(stage: Stage, repeat: int, timeout: float, log: Callable[[str], None],
              base_repeat: int | None = None) -> tuple[Measure, list[Measure]]:
    """Measure our side and every baseline of ``stage`` (the baselines even when our part
    is not available yet, so that they are known to work)."""
    log(f"  {stage.name}")
    if stage.max_repeat:
        repeat = min(repeat, stage.max_repeat)
        base_repeat = min(base_repeat or repeat, stage.max_repeat)
    gap = missing(stage.needs)
    if gap:
        log(f"    gongjian: not available ({gap} missing)")
        ours = Measure("gongjian", "not available", message=f"{gap} missing")
    else:
        ours = run_side(stage.ours, repeat, timeout, log)
    return ours, [run_side(b, base_repeat or repeat, timeout, log) for b in stage.baselines]


def ratio(ours: Measure, base: Measure, per_row: bool = False) -> float | None:
    """How many times faster ours is: baseline time over ours, or with ``per_row`` the
    baseline's time per row over ours.

    Examples
    --------
    >>> ours = Measure("gongjian", runs=[{"ok": True, "seconds": 2.0, "rows": 80_000}])
    >>> base = Measure("per row", runs=[{"ok": True, "seconds": 2.0, "rows": 10_000}])
    >>> ratio(ours, base), ratio(ours, base, per_row=True)
    (1.0, 8.0)
    """
    if ours.seconds is None or base.seconds is None or ours.seconds <= 0:
        return None
    if per_row and ours.rows and base.rows:
        return (base.seconds / base.rows) / (ours.seconds / ours.rows)
    return base.seconds / ours.seconds


def _seconds(s: float | None) -> str:
    if s is None:
        return "—"
    if s < 1:
        return f"{s * 1000:.0f} ms" if s >= 0.01 else f"{s * 1000:.1f} ms"
    return f"{s:.2f} s" if s < 100 else f"{s:.0f} s"


def _time(m: Measure | None) -> str:
    if m is None:
        return "—"
    if m.seconds is None:
        return {"timeout": f"timeout ({m.message})"}.get(m.status, m.status)
    text = _seconds(m.seconds)
    if m.rows and m.info("rate"):
        text += f" ({m.rows / m.seconds:,.0f}/s)"
    return text


def _mem(m: Measure | None) -> str:
    return "—" if m is None or m.peak_mb is None else f"{m.peak_mb:,.0f}"


def _ratio(ours: Measure, base: Measure | None, per_row: bool) -> str:
    if base is None:
        return "—"
    r = ratio(ours, base, per_row)
    if r is None:
        if base.status == "timeout" and ours.seconds:
            limit = re.match(r"> ([0-9.]+) s", base.message)
            return f"> {float(limit.group(1)) / ours.seconds:.0f}×" if limit else "—"
        return "—"
    return f"{r:.1f}×"


def rows_of(stage: Stage, ours: Measure, bases: list[Measure], scale: str) -> list[list[str]]:
    """The table rows of one stage: one per baseline (or one when it has none)."""
    verdict = ""
    if stage.check and ours.seconds is not None and stage.target_scale in (scale, "any"):
        verdict = " ✓" if stage.check(ours, bases) else " ✗"
    size = ours.info("size") or next((b.info("size") for b in bases if b.info("size")), "")
    if ours.status == "ok":
        ours_text = _time(ours)
    elif ours.status == "not available":
        ours_text = "not available"
    else:
        ours_text = f"{ours.status}: {ours.message}"[:80]
    rows = []
    for i, base in enumerate(bases or [None]):
        base_label = base.label if base else "—"
        base_size = base.info("size") if base else None
        if base_size and base_size != size:
            base_label += f" [{base_size}]"
        rows.append([stage.name if i == 0 else "", size if i == 0 else "",
                     ours_text if i == 0 else "″", base_label, _time(base),
                     _ratio(ours, base, stage.per_row) if stage.speed_up else "—",
                     f"{_mem(ours)} / {_mem(base)}",
                     (stage.target + verdict) if i == 0 else ""])
    if stage.show_parts:
        for part in ours.info("parts") or {}:
            rows.append([f"  · {part}", "", _seconds(ours.part(part)), "", "", "", "", ""])
        for part, why in (ours.info("failed") or {}).items():
            rows.append([f"  · {part}", "", f"failed: {why}"[:80], "", "", "", "", ""])
        if ours.info("skipped"):
            rows.append(["  · not run here", "", ", ".join(ours.info("skipped")), "", "", "",
                         "", ""])
    return rows


HEADERS = ["stage", "size", "gongjian (median)", "baseline", "baseline (median)",
           "speed-up", "peak MiB (ours / base)", "target"]


def render_table(results: list[tuple[Stage, Measure, list[Measure]]], scale: str,
                 title: str) -> None:
    """Print the one table of the run with rich."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for h in HEADERS:
        table.add_column(h, overflow="fold", no_wrap=h in ("stage", "speed-up"))
    for stage, ours, bases in results:
        for row in rows_of(stage, ours, bases, scale):
            table.add_row(*row)
    Console(width=max(160, Console().width)).print(table)


def render_markdown(results: list[tuple[Stage, Measure, list[Measure]]], scale: str) -> str:
    """The same table in Markdown, for docs/performance.md."""
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for stage, ours, bases in results:
        for row in rows_of(stage, ours, bases, scale):
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines) + "\n"
