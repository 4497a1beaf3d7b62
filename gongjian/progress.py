"""Progress bars for long work: shown on a terminal, silent otherwise (pipes, CI, tests).

Examples
--------
>>> with progress("读取台账", total=3) as advance:
...     for _ in range(3):
...         advance(1)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["enabled", "progress"]


def enabled() -> bool:
    """True when standard error is a terminal (where a bar helps a person)."""
    return sys.stderr.isatty()


@contextmanager
def progress(description: str, total: float | None = None) -> Iterator[Callable[[float], None]]:
    """Show a bar on stderr while the block runs; yield ``advance(n)``.

    ``total=None`` shows a spinner with elapsed time instead of a bar.
    """
    if not enabled():
        yield lambda n=1: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    columns.append(TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)
