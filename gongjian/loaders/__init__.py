"""Ledger folders in, validated typed tables out (see ``spec/ledgers.md``).

One module per job: :mod:`~.discovery` finds the files, :mod:`~.encodings` decodes CSV,
:mod:`~.workbook` checks an ``.xlsx`` before it is read (limits, stray cells, formula
cells), :mod:`~.excel` reads workbooks, :mod:`~.sheet` gives raw text cells (every sheet
holding the table), :mod:`~.headers` matches headers, :mod:`~.rows` tells rows that are not
data (totals, notes) from data, :mod:`~.values` parses values, :mod:`~.validate` and
:mod:`~.references` check rows and tables, :mod:`~.problems` words and writes problems,
:mod:`~.templates` writes empty templates, :mod:`~.read` orchestrates.

Examples
--------
>>> from pathlib import Path
>>> import gongjian
>>> from gongjian.loaders import read_ledger
>>> ledger = read_ledger(Path(gongjian.__file__).parents[1] / "examples" / "ledger")
>>> len(ledger.party_orgs), len(ledger.errors)
(13, 0)
"""

from __future__ import annotations

from gongjian.loaders.labels import PROBLEM_COLUMNS
from gongjian.loaders.ledger import Ledger, Problem
from gongjian.loaders.problems import table_counts, write_problems, write_rejects
from gongjian.loaders.read import check, read_ledger

__all__ = ["PROBLEM_COLUMNS", "Ledger", "Problem", "check", "read_ledger", "table_counts",
           "write_problems", "write_rejects"]
