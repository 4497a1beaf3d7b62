"""Reading and writing that overlap the work in between, on a second thread.

Arrow reads CSV and writes Parquet with the GIL released, so a chunk can be parsed, or the
last one written, while the checks run on the one at hand. :func:`read_ahead` reads the next
item of an iterator while the caller works on this one; :class:`InOrder` runs calls one
after another on its own thread, at most one waiting, and raises their errors to the caller.
Both hold at most one item more than the work without them would.

Examples
--------
>>> list(read_ahead(iter(range(3))))
[0, 1, 2]
>>> done = []
>>> with InOrder() as later:
...     for i in range(3):
...         later.submit(done.append, i)
>>> done
[0, 1, 2]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["InOrder", "read_ahead"]

T = TypeVar("T")
_END = object()


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """The items of ``items`` in order, the next one read on a second thread meanwhile.

    An error raised while reading an item is raised where that item would have been
    given; closing the result early closes ``items`` too.

    Examples
    --------
    >>> def numbers():
    ...     yield 1
    ...     raise ValueError("第二项读不出")
    >>> got = read_ahead(numbers())
    >>> next(got)
    1
    >>> next(got)
    Traceback (most recent call last):
    ...
    ValueError: 第二项读不出
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead")
    try:
        pending = pool.submit(next, items, _END)
        while (item := pending.result()) is not _END:
            pending = pool.submit(next, items, _END)
            yield item
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        close = getattr(items, "close", None)
        if close is not None:
            close()


class InOrder:
    """Calls run one at a time, in the order given, on a thread of their own.

    ``submit`` waits for the call before the last one, so at most one call waits while
    another runs; an error of a call is raised by the next ``submit`` or by ``wait``.
    Use as a context manager, or call ``wait`` and ``close``.

    Examples
    --------
    >>> later = InOrder()
    >>> later.submit(int, "x")
    >>> later.wait()
    Traceback (most recent call last):
    ...
    ValueError: invalid literal for int() with base 10: 'x'
    >>> later.close()
    """

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future[Any]] = []

    def submit(self, call: Callable[..., Any], *args: Any) -> None:
        """Run ``call(*args)`` after every call submitted before it."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="in-order")
        while len(self._pending) > 1:
            self._pending.pop(0).result()
        self._pending.append(self._pool.submit(call, *args))

    def wait(self) -> None:
        """Wait for every call submitted; raise the first error among them."""
        try:
            while self._pending:
                self._pending[0].result()
                self._pending.pop(0)
        finally:
            for future in self._pending:
                future.cancel()
            self._pending = [f for f in self._pending if not f.cancelled()]
            for future in self._pending:
                future.exception()
            self._pending = []

    def close(self) -> None:
        """Wait for the calls (raising the first error) and stop the thread."""
        try:
            self.wait()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None

    def __enter__(self) -> InOrder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
