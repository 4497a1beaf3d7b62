"""Run one measured task in this fresh process; print its result as one marked JSON line.

``python -m benchmarks.child MODULE:FUNCTION '{"kwarg": ...}'`` imports the task and
calls it with a :class:`Clock` first. The task does its setup untimed and wraps the work
being measured in ``with clock():`` (or ``with clock("part"):`` for a named sub-timing);
it returns a dict (``rows``, ``size``, anything else worth keeping), which is printed
after :data:`MARK` for the harness to read.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["MARK", "Clock", "main", "peak_mb"]

MARK = "@@gongjian-benchmark@@ "


class Clock:
    """Wall time of the measured sections of one task (``perf_counter``).

    Examples
    --------
    >>> clock = Clock()
    >>> with clock():
    ...     _ = sum(range(1000))
    >>> with clock("part"):
    ...     pass
    >>> clock.seconds > 0, list(clock.parts)
    (True, ['part'])
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.parts: dict[str, float] = {}

    @contextmanager
    def __call__(self, part: str | None = None) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            took = time.perf_counter() - start
            if part is None:
                self.seconds += took
            else:
                self.parts[part] = self.parts.get(part, 0.0) + took


def peak_mb() -> float:
    """Peak resident memory of this process and the children it waited for, in MiB.

    ``VmHWM`` is reset when a process execs, unlike the ``ru_maxrss`` that ``wait4``
    reports, which keeps the high-water mark of the parent the child was forked from.

    Examples
    --------
    >>> peak_mb() > 1
    True
    """
    own = 0.0
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                own = float(line.split()[1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main(argv: list[str]) -> int:
    """Run the task named in ``argv[0]`` with the JSON keyword arguments in ``argv[1]``."""
    module, function = argv[0].split(":")
    kwargs = json.loads(argv[1]) if len(argv) > 1 else {}
    clock = Clock()
    info = getattr(importlib.import_module(module), function)(clock, **kwargs) or {}
    result = {"seconds": clock.seconds, "parts": clock.parts, "peak_mb": peak_mb(), **info}
    sys.stdout.flush()
    print(MARK + json.dumps(result, ensure_ascii=False, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
