"""Analyses of the co-building network as pure functions: graph in, DataFrame out.

Each takes a :class:`~gongjian.graph.model.KnowledgeGraph`, the analysis day ``as_of``
(default today) and, where randomness enters, ``seed``; the same inputs give the same
rows in the same order. Columns have stable English names; :data:`LABELS` gives their
Chinese and English headers. The heavy parts run on igraph built from
:meth:`KnowledgeGraph.co_building_arrays`.

Examples
--------
>>> from pathlib import Path
>>> import gongjian
>>> examples = Path(gongjian.__file__).parents[1] / "examples" / "ledger"
>>> kg = gongjian.load(examples)
>>> islands(kg, as_of="2025-06-30")[["id", "reason"]].head(2)
         id    reason
0  XW-HY-01  isolated
1  XW-LH-01  isolated
>>> coverage_plan(kg)["plan"].value_counts().sort_index().to_dict()
{'instructor': 1, 'own_branch': 1}
"""

from gongjian.queries.bridges import bridges
from gongjian.queries.clusters import clusters
from gongjian.queries.coverage import (
    COVERAGE_NEEDS,
    coverage,
    coverage_list,
    coverage_plan,
    uncovered_list,
)
from gongjian.queries.diff import diff
from gongjian.queries.dormant import DORMANT_NEEDS, dormant
from gongjian.queries.islands import islands
from gongjian.queries.labels import LABELS, for_people
from gongjian.queries.layer import LAYER_NEEDS
from gongjian.queries.lists import LISTS_NEEDS, lists
from gongjian.queries.match import MATCH_NEEDS, match
from gongjian.queries.summary import SUMMARY_NEEDS, summary
from gongjian.queries.workbook import write_analyses

#: The graph tables (and, where not all, the columns) each analysis reads: a command
#: decodes only these from a graph file. Each module declares its own (``LAYER_NEEDS`` …).
NEEDS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "islands": LAYER_NEEDS,
    "bridges": LAYER_NEEDS,
    "clusters": LAYER_NEEDS,
    "coverage": COVERAGE_NEEDS,
    "summary": SUMMARY_NEEDS,
    "lists": LISTS_NEEDS,
    "match": MATCH_NEEDS,
    "dormant": DORMANT_NEEDS,
}

__all__ = ["LABELS", "NEEDS", "bridges", "clusters", "coverage", "coverage_list", "coverage_plan",
           "diff", "dormant", "for_people", "islands", "lists", "match", "summary",
           "uncovered_list", "write_analyses"]
