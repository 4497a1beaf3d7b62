"""Network pages, the one-file report and GEXF/GraphML export of the co-building layer.

Every page is self-contained (vis-network inlined from pyvis's copy, no request leaves it)
and safe (ledger strings are shown as text, never as HTML).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import gongjian
>>> import pandas as pd
>>> kg = gongjian.KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["a", "b", "c"], "name": ["甲社区", "乙单位", "丙单位"],
...                              "kind": ["community", "unit", "unit"],
...                              "district": ["玄武区"] * 3, "street": ["新街口街道"] * 3}),
...     relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "type": ["pairing"]}))
>>> folder = Path(tempfile.mkdtemp())
>>> gongjian.render(kg, folder / "网络.html", as_of="2025-06-30").name
'网络.html'
>>> gongjian.write_report(kg, folder / "报告.html", as_of="2025-06-30").name
'报告.html'
>>> gongjian.export_network(kg, folder / "网络.gexf", "gexf", as_of="2025-06-30").name
'网络.gexf'
"""

from __future__ import annotations

from gongjian.viz.context import VizError
from gongjian.viz.export import export_network
from gongjian.viz.page import PageView, render, write_split
from gongjian.viz.report import write_report

__all__ = ["PageView", "VizError", "export_network", "render", "write_report", "write_split"]
