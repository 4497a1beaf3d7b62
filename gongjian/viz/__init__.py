"""Network pages, the one-file report and GEXF/GraphML export of the co-building layer.

Every page is self-contained (vis-network inlined from pyvis's copy, no request leaves it)
and safe (ledger strings are shown as text, never as HTML).

Examples
--------
>>> import gongjian
>>> gongjian.render(kg, "网络.html")                         # doctest: +SKIP
>>> gongjian.write_report(kg, "报告.html", as_of="2025-06-30")  # doctest: +SKIP
>>> gongjian.export_network(kg, "网络.gexf", "gexf")           # doctest: +SKIP
"""

from __future__ import annotations

from gongjian.viz.context import VizError
from gongjian.viz.export import export_network
from gongjian.viz.page import PageView, render, write_split
from gongjian.viz.report import write_report

__all__ = ["PageView", "VizError", "export_network", "render", "write_report", "write_split"]
