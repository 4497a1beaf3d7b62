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
    "coverage": lambda kg: pd.concat([queries.coverage_plan(kg),
                                      queries.coverage(kg, by="site"),
                                      queries.coverage(kg, by="street")]),
    "summary": lambda kg: pd.concat(queries.summary(kg, as_of=AS_OF), names=["part"]),
    "lists": lambda kg: queries.lists(kg, as_of=AS_OF, by="street"),
    "match": lambda kg: queries.match(kg, as_of=AS_OF),
    "dormant": lambda kg: queries.dormant(kg, as_of=AS_OF),
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


def test_only_the_selected_columns_are_decoded(demo_folder):
    kg = read_graph(demo_folder, tables={"relations": ["source_id", "target_id"]})
    whole = read_graph(demo_folder).relations
    assert list(kg.relations.columns) == ["source_id", "target_id"]
    pd.testing.assert_frame_equal(kg.relations, whole[["source_id", "target_id"]])


def test_an_unknown_column_is_refused(demo_folder):
    with pytest.raises(ValueError, match="unknown columns of relations"):
        read_graph(demo_folder, tables={"relations": ["no_such_column"]})
