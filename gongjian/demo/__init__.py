"""Demo ledgers of three real districts of 南京市, and synthetic ledgers at any scale.

Examples
--------
>>> import tempfile
>>> folder = write_demo(tempfile.mkdtemp())      # doctest: +SKIP
>>> result = run_demo(tempfile.mkdtemp())        # doctest: +SKIP
"""

from __future__ import annotations

from gongjian.demo.nanjing import DEMO_AS_OF, DEMO_FILES, write_demo
from gongjian.demo.run import DemoResult, run_demo

__all__ = ["DEMO_AS_OF", "DEMO_FILES", "DemoResult", "run_demo", "write_demo"]
