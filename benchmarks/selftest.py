"""Tasks that check the harness itself (used by ``tests/benchmarks``): sleep, fail, allocate."""

from __future__ import annotations

import time

__all__ = ["allocate", "fail", "sleep"]


def sleep(clock, *, seconds: float) -> dict:
    """Task: sleep ``seconds`` inside the clock."""
    with clock():
        time.sleep(seconds)
    return {"rows": 1, "size": "1 nap"}


def fail(clock, *, message: str) -> dict:
    """Task: raise ``ValueError(message)``."""
    raise ValueError(message)


def allocate(clock, *, mib: int) -> dict:
    """Task: hold ``mib`` MiB of touched memory for a moment."""
    with clock():
        block = bytearray(mib * 1024 * 1024)
        for i in range(0, len(block), 4096):
            block[i] = 1
    return {"rows": len(block)}
