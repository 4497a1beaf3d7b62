"""gongjian (共建): Party-building ledgers in, a knowledge graph of regional joint building out.

The public API. Everything is imported lazily, so ``import gongjian`` is quick.

Examples
--------
>>> from pathlib import Path
>>> import gongjian
>>> examples = Path(gongjian.__file__).parents[1] / "examples" / "ledger"
>>> kg = gongjian.load(examples)            # a ledger folder (or a .gjg graph file)
>>> gongjian.islands(kg, as_of="2025-06-30")["id"].head(3).tolist()
['XW-HY-01', 'XW-LH-01', 'XW-SQ-03']
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

#: Public name → "module:attribute".
_API: dict[str, str] = {
    "KnowledgeGraph": "gongjian.graph.model:KnowledgeGraph",
    "Ledger": "gongjian.loaders.ledger:Ledger",
    "Problem": "gongjian.loaders.ledger:Problem",
    "GongjianError": "gongjian.errors:GongjianError",
    "LedgerError": "gongjian.errors:LedgerError",
    "GraphFileError": "gongjian.errors:GraphFileError",
    "StoreError": "gongjian.errors:StoreError",
    "read_ledger": "gongjian.loaders:read_ledger",
    "check": "gongjian.loaders:check",
    "build": "gongjian.graph.build:build",
    "load": "gongjian.graph.io:load",
    "save": "gongjian.graph.io:save",
    "islands": "gongjian.queries:islands",
    "bridges": "gongjian.queries:bridges",
    "clusters": "gongjian.queries:clusters",
    "coverage": "gongjian.queries:coverage",
    "coverage_list": "gongjian.queries:coverage_list",
    "coverage_plan": "gongjian.queries:coverage_plan",
    "summary": "gongjian.queries:summary",
    "match": "gongjian.queries:match",
    "dormant": "gongjian.queries:dormant",
    "lists": "gongjian.queries:lists",
    "diff": "gongjian.queries:diff",
    "analyze": "gongjian.analyze:analyze",
    "render": "gongjian.viz:render",
    "write_report": "gongjian.viz:write_report",
    "export_network": "gongjian.viz:export_network",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    try:
        module, attr = _API[name].split(":")
    except KeyError:
        raise AttributeError(f"module 'gongjian' has no attribute {name!r}") from None
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
