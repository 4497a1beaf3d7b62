"""The knowledge graph: tables (:mod:`.model`), building from a ledger (:mod:`.build`), the graph
file (:mod:`.io`) and counts (:mod:`.info`). Databases live in :mod:`gongjian.stores`.

Examples
--------
>>> from gongjian.graph import KnowledgeGraph
>>> KnowledgeGraph().counts()["relations"]
0
"""

from __future__ import annotations

from gongjian.graph.model import KnowledgeGraph

__all__ = ["KnowledgeGraph"]
