"""Fixtures of the graph tests: the demo ledger on disk, read and built."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory) -> Path:
    """The demo ledgers (real files: xlsx and CSV) written once per session."""
    from gongjian.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("demo") / "台账")


@pytest.fixture(scope="session")
def demo_graph(demo_folder):
    """The demo ledger read and built."""
    from gongjian.graph.build import build
    from gongjian.loaders import read_ledger

    return build(read_ledger(demo_folder))
