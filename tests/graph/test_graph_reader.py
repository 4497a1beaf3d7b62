"""A graph file read a batch at a time: the same frames and the same refusals as read_graph."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gongjian.errors import GraphFileError
from gongjian.graph.io import GraphReader, iter_table, load, read_manifest, save
from gongjian.graph.model import KnowledgeGraph


def _orgs(n: int) -> pd.DataFrame:
    return pd.DataFrame({"id": [f"p{i}" for i in range(n)], "name": [f"组织{i}" for i in range(n)],
                         "kind": ["unit"] * n})


def _graph(tmp_path: Path, **frames: pd.DataFrame) -> Path:
    return save(KnowledgeGraph.from_frames(**frames), tmp_path / "图.gjg")


def test_batches_concatenate_to_the_table(tmp_path):
    orgs = _orgs(10)
    rel = pd.DataFrame({"source_id": ["p1", "p9", "p3"], "target_id": ["p2", "p0", "p9"],
                        "type": ["pairing"] * 3})
    path = _graph(tmp_path, party_orgs=orgs, relations=rel)
    assert any(c.get("stored") == "row" for t in read_manifest(path)["tables"]
               for c in t["columns"])  # ends stored as row positions
    whole = load(path)
    for name in ("party_orgs", "relations", "links"):
        parts = list(iter_table(path, name, rows=3))
        assert all(len(p) <= 3 for p in parts)
        got = pd.concat(parts) if parts else None
        if len(getattr(whole, name)):
            pd.testing.assert_frame_equal(got, getattr(whole, name))
    with GraphReader(path) as graph:
        assert graph.keys("PartyOrg").tolist() == orgs["id"].tolist()
        assert graph.rows("relations") == 3 and list(graph.empty("relations").columns) == \
            list(whole.relations.columns)


def _message(call) -> str:
    with pytest.raises(GraphFileError) as err:
        call()
    return str(err.value)


def test_a_null_name_in_a_later_batch_names_its_row(tmp_path):
    orgs = _orgs(10)
    orgs.loc[7, "name"] = None
    path = _graph(tmp_path, party_orgs=orgs)
    message = _message(lambda: list(iter_table(path, "party_orgs", rows=3)))
    assert "第 8 行" in message and "name" in message
    assert message == _message(lambda: load(path))


def test_an_unknown_text_end_in_a_later_batch_names_its_row(tmp_path):
    rel = pd.DataFrame({"source_id": ["p1"] * 6, "target_id": ["p2"] * 4 + ["不存在", "p3"],
                        "type": ["pairing"] * 6})
    path = _graph(tmp_path, party_orgs=_orgs(5), relations=rel)  # kept as text: one end unknown
    message = _message(lambda: list(iter_table(path, "relations", rows=2)))
    assert "第 5 行" in message and "不存在" in message
    assert message == _message(lambda: load(path))


def test_a_duplicate_id_across_batches_is_refused(tmp_path):
    orgs = _orgs(6)
    orgs.loc[5, "id"] = "p0"
    path = _graph(tmp_path, party_orgs=orgs)
    with GraphReader(path) as graph:
        message = _message(lambda: graph.keys("PartyOrg"))
    assert "第 6 行" in message and "p0" in message
