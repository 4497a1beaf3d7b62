"""Analyses of the co-building network as pure functions: graph in, DataFrame out.

Each takes a :class:`~gongjian.graph.model.KnowledgeGraph`, the analysis day ``as_of``
(default today) and, where randomness enters, ``seed``; the same inputs give the same
rows in the same order. Columns have stable English names; :data:`LABELS` gives their
Chinese and English headers. The heavy parts run on igraph built from
:meth:`KnowledgeGraph.co_building_arrays`.

Examples
--------
>>> import gongjian
>>> kg = gongjian.load("examples/ledger")                    # doctest: +SKIP
>>> islands(kg, as_of="2025-06-30")                           # doctest: +SKIP
>>> coverage_plan(kg).query("plan == 'joint_branch'")        # doctest: +SKIP
"""

from gongjian.graph.model import LAYER_RELATION_COLUMNS
from gongjian.queries.bridges import bridges
from gongjian.queries.clusters import clusters
from gongjian.queries.coverage import coverage, coverage_list, coverage_plan, uncovered_list
from gongjian.queries.diff import diff
from gongjian.queries.islands import islands
from gongjian.queries.labels import LABELS, for_people
from gongjian.queries.summary import summary
from gongjian.queries.workbook import write_analyses

_LAYER = {"party_orgs": None, "relations": LAYER_RELATION_COLUMNS}
#: The graph tables (and, where not all, the columns) each analysis reads: a command
#: decodes only these from a graph file.
NEEDS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "islands": _LAYER,
    "bridges": _LAYER,
    "clusters": _LAYER,
    "coverage": {"organizations": None, "sites": None},
}

__all__ = ["LABELS", "NEEDS", "bridges", "clusters", "coverage", "coverage_list", "coverage_plan",
           "diff", "for_people", "islands", "summary", "uncovered_list", "write_analyses"]
