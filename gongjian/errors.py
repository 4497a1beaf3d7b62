"""The package's exceptions: one base class and a few subclasses, with messages to act on.

The command line catches :class:`GongjianError` and prints its message (one line, no
traceback) with exit code 1. Anything else is a bug.

Examples
--------
>>> try:
...     raise LedgerError("台账目录为空：/tmp/x")
... except GongjianError as err:
...     print(err)
台账目录为空：/tmp/x
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "GongjianError",
    "GraphFileError",
    "LedgerError",
    "ReportError",
    "StoreError",
]


class GongjianError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""


class LedgerError(GongjianError):
    """The ledger folder or a file in it cannot be read at all (not a row problem)."""


class GraphFileError(GongjianError):
    """A graph file is missing, damaged, of another format or of a newer version."""


class StoreError(GongjianError):
    """A graph database (Neo4j, FalkorDB) cannot be reached or refused the work."""


class ReportError(GongjianError):
    """A Cypher report is unknown, malformed or was given bad parameters."""


class AnalysisError(GongjianError):
    """An analysis was asked something it cannot answer (an unknown kind, a bad option)."""
