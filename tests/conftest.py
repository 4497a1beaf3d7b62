"""Shared fixtures: paths, the demo ledger and graph, real servers and a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """A folder the test run leaves things in for people to look at (screenshots, pages)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
