"""The neo4j-admin export of a graph file, read a table and a batch at a time.

It must write what ``export_neo4j_admin(load(path))`` writes, byte for byte (file names,
headers, rows and their order, the import command), for every format version, however
small the batches; and refuse a damaged or crafted file with nothing left behind.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import gongjian
from gongjian.cli import app
from gongjian.demo import write_demo
from gongjian.errors import GraphFileError
from gongjian.graph.build import build
from gongjian.graph.io import load, read_manifest, save
from gongjian.graph.model import LIST_TABLES, KnowledgeGraph
from gongjian.loaders.read import read_ledger
from gongjian.stores.neo4j_admin import export_graph_file_neo4j_admin, export_neo4j_admin
from tests.graph.test_graph_hostile import _cases

ROOT = Path(gongjian.__file__).resolve().parents[1]
V2 = ROOT / "tests" / "graph" / "data" / "examples-v2.gjg"
runner = CliRunner()


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Path:
    return save(load(ROOT / "examples" / "ledger"), tmp_path_factory.mktemp("ex") / "例.gjg")


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    """The demo city: every table, the three lists and the activity record filled."""
    folder = write_demo(tmp_path_factory.mktemp("demo") / "台账")
    kg = build(read_ledger(folder))
    assert all(len(getattr(kg, name)) for name in LIST_TABLES)
    return save(kg, tmp_path_factory.mktemp("city") / "城.gjg")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _same(path: Path, tmp: Path, batch_rows: int) -> None:
    want = export_neo4j_admin(load(path), tmp / "whole")
    got = export_graph_file_neo4j_admin(path, tmp / "parts", batch_rows=batch_rows)
    assert [p.name for p in got.nodes] == [p.name for p in want.nodes]
    assert [p.name for p in got.relationships] == [p.name for p in want.relationships]
    assert got.command == want.command.replace(str(tmp / "whole"), str(tmp / "parts"))
    assert got.multiline == want.multiline
    mine, theirs = _files(tmp / "parts"), _files(tmp / "whole")
    assert mine.keys() == theirs.keys()
    for name, data in theirs.items():
        assert mine[name] == data, name


@pytest.mark.parametrize("batch_rows", [3, 1000])
def test_examples_graph_byte_for_byte(examples, tmp_path, batch_rows):
    assert read_manifest(examples)["version"] == 3
    _same(examples, tmp_path, batch_rows)
    rows = (tmp_path / "parts" / "nodes_PartyOrg.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) - 1 == len(load(examples).party_orgs) > 3  # parts really split


@pytest.mark.parametrize("batch_rows", [7, 100_000])
def test_city_with_lists_byte_for_byte(city, tmp_path, batch_rows):
    _same(city, tmp_path, batch_rows)
    names = {p.name for p in (tmp_path / "parts").iterdir()}
    assert {"nodes_Need.csv", "nodes_Activity.csv"} <= names
    assert any(n.startswith("rels_PARTICIPATED_") for n in names)


def test_version_2_file_with_text_ends(tmp_path):
    assert read_manifest(V2)["version"] == 2
    _same(V2, tmp_path, 5)


def test_personal_fields_and_database(examples, tmp_path):
    want = export_neo4j_admin(load(examples), tmp_path / "whole", include_personal=True,
                              database="gj")
    got = export_graph_file_neo4j_admin(examples, tmp_path / "parts", include_personal=True,
                                        database="gj", batch_rows=4)
    assert got.command.endswith(" gj") and _files(tmp_path / "parts") == _files(want.folder)
    assert "secretary" in (tmp_path / "parts" / "nodes_PartyOrg.csv").read_text(
        encoding="utf-8").splitlines()[0]


def test_a_column_of_lists_no_batch_shows(tmp_path):
    """A column of objects is a list column when any row holds a list, even a later batch."""
    orgs = pd.DataFrame({"id": [f"p{i}" for i in range(6)], "name": list("甲乙丙丁戊己"),
                         "tags": [None] * 5 + [["甲", "乙"]]})
    path = save(KnowledgeGraph.from_frames(party_orgs=orgs), tmp_path / "图.gjg")
    _same(path, tmp_path, 2)
    assert "tags:string[]" in (tmp_path / "parts" / "nodes_PartyOrg.csv").read_text(
        encoding="utf-8").splitlines()[0]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    plain = load(ROOT / "examples" / "ledger")
    plain = plain.with_tables(**{name: pd.DataFrame() for name in LIST_TABLES})
    good = save(plain, tmp_path_factory.mktemp("good") / "好.gjg")
    return _cases(good, tmp_path_factory.mktemp("crafted"))


@pytest.mark.parametrize("case", ["dictionary bomb", "deep manifest", "null id", "duplicate id",
                                  "null name", "int64 with nulls", "text for a number",
                                  "unknown tie end", "tie end as text where a row is stored",
                                  "tie end past the table", "link end past the table"])
def test_hostile_files_refused_with_nothing_left(hostile, case, tmp_path):
    path, named = hostile[case]
    with pytest.raises(GraphFileError) as err:
        export_graph_file_neo4j_admin(path, tmp_path / "导入", batch_rows=4)
    assert named in str(err.value) and "gongjian build" in str(err.value)
    assert not (tmp_path / "导入").exists()
    (tmp_path / "已有").mkdir()
    (tmp_path / "已有" / "别的.txt").write_text("留着", encoding="utf-8")
    with pytest.raises(GraphFileError):
        export_graph_file_neo4j_admin(path, tmp_path / "已有", batch_rows=4)
    assert [p.name for p in (tmp_path / "已有").iterdir()] == ["别的.txt"]


def test_cli_exports_the_file_and_prints_the_command(examples, tmp_path):
    result = runner.invoke(app, ["export", str(examples), "--format", "neo4j-admin", "-o",
                                 str(tmp_path / "导入")])
    assert result.exit_code == 0, result.output
    want = export_neo4j_admin(load(examples), tmp_path / "整个")  # quoted alike: not ASCII
    assert want.command.replace(str(tmp_path / "整个"), str(tmp_path / "导入")) in \
        result.stdout.replace("\n", "")
    assert _files(tmp_path / "导入") == _files(tmp_path / "整个")


def test_cli_refuses_a_crafted_file(hostile, tmp_path):
    path, named = hostile["link end past the table"]
    result = runner.invoke(app, ["export", str(path), "--format", "neo4j-admin", "-o",
                                 str(tmp_path / "导入")])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("错误")]
    assert len(errors) == 1 and named in result.stderr and "内部错误" not in result.stderr
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
