"""Reading ahead and writing in order on a second thread (gongjian.overlap): the items and
calls keep their order, errors reach the caller, nothing is left running."""

from __future__ import annotations

import threading
import time

import pytest

from gongjian.overlap import InOrder, read_ahead


def test_read_ahead_keeps_order_and_reads_on_another_thread():
    threads = []

    def items():
        for i in range(50):
            threads.append(threading.current_thread())
            yield i

    assert list(read_ahead(items())) == list(range(50))
    assert threading.current_thread() not in threads


def test_read_ahead_abandoned_early_closes_the_source():
    closed = threading.Event()

    def items():
        try:
            yield from range(1000)
        finally:
            closed.set()

    got = read_ahead(items())
    assert [next(got), next(got)] == [0, 1]
    got.close()
    assert closed.is_set()


def test_in_order_runs_calls_in_order_one_waiting_at_most():
    done, pending = [], []

    def slow(i):
        time.sleep(0.001 * (i % 3))
        done.append(i)

    with InOrder() as later:
        for i in range(30):
            later.submit(slow, i)
            pending.append(i + 1 - len(done))
    assert done == list(range(30))
    assert max(pending) <= 2  # one call running, one waiting


def test_in_order_raises_a_failed_call_at_the_next_submit():
    later = InOrder()
    later.submit(int, "不是数")
    with pytest.raises(ValueError):
        for _ in range(3):
            later.submit(time.sleep, 0)
    later.close()
