"""The knowledge graph: tables (:mod:`.model`), building from a ledger (:mod:`.build`), the graph
file (:mod:`.io`), counts (:mod:`.info`) and the graph databases (:mod:`.store`).

Examples
--------
>>> from gongjian.graph import KnowledgeGraph
>>> KnowledgeGraph().counts()["relations"]
0
"""

from __future__ import annotations

from gongjian.graph.model import KnowledgeGraph

__all__ = ["KnowledgeGraph"]
