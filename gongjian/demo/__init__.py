"""Demo ledgers of three real districts of 南京市.

:func:`write_demo` writes the demo ledgers and their ``ground_truth.json``;
:func:`run_demo` also reads them and saves the graph (``gongjian demo``).

Examples
--------
>>> import tempfile
>>> folder = write_demo(tempfile.mkdtemp())
>>> sorted(p.name for p in folder.iterdir())[:3]
['ground_truth.json', '两新组织.csv', '党组织.xlsx']
"""

from __future__ import annotations

from gongjian.demo.nanjing import DEMO_AS_OF, DEMO_FILES, write_demo
from gongjian.demo.run import DemoResult, run_demo

__all__ = ["DEMO_AS_OF", "DEMO_FILES", "DemoResult", "run_demo", "write_demo"]
