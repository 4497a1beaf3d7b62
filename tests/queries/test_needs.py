"""Commands open only the tables their analysis reads: the results must not change."""

from __future__ import annotations

import pandas as pd
import pytest

from gongjian import queries
from gongjian.graph.io import read_graph
from gongjian.queries import NEEDS

AS_OF = "2025-06-30"
RUN = {
    "islands": lambda kg: queries.islands(kg, as_of=AS_OF),
    "bridges": lambda kg: queries.bridges(kg, as_of=AS_OF),
    "clusters": lambda kg: queries.clusters(kg, as_of=AS_OF, min_districts=1),
    "coverage": lambda kg: queries.coverage_plan(kg),
}


@pytest.mark.parametrize("analysis", sorted(NEEDS))
def test_an_analysis_needs_only_the_tables_it_declares(analysis, demo_folder):
    whole = RUN[analysis](read_graph(demo_folder))
    part = RUN[analysis](read_graph(demo_folder, tables=NEEDS[analysis]))
    assert len(whole) > 0
    pd.testing.assert_frame_equal(part, whole)


def test_the_other_tables_are_left_empty(demo_folder):
    kg = read_graph(demo_folder, tables=["sites"])
    assert len(kg.sites) > 0 and kg.party_orgs.empty and kg.relations.empty
    whole = read_graph(demo_folder).party_orgs
    assert list(kg.party_orgs.columns) == list(whole.columns)
    assert kg.party_orgs.dtypes.to_dict() == whole.dtypes.to_dict()
