"""The streamed neo4j-admin export writes what the in-memory export writes, from a ledger folder.

Real files, real readers, no mocks: a district-scale synthetic ledger and a small messy one
(GBK file, a ragged row, duplicates across chunks, ends given by name, rejected rows),
exported both ways and compared file by file (rows as multisets: order may differ).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongjian.cli import app
from gongjian.errors import StoreError
from gongjian.graph.build import build
from gongjian.graph.model import LIST_TABLES, KnowledgeGraph
from gongjian.loaders.read import read_ledger
from gongjian.stores.neo4j_admin import export_neo4j_admin
from gongjian.stores.neo4j_admin_stream import PROBLEMS_FILE, export_ledger_neo4j_admin

runner = CliRunner()


def _rows(path: Path) -> tuple[list[str], Counter]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], Counter(map(tuple, rows[1:]))


def _same(ledger: Path, tmp_path: Path, **kwargs) -> object:
    """The streamed export equals the in-memory one of the graph without the three lists
    (the streamed export leaves them out and names their files in ``skipped_lists``)."""
    kg = build(read_ledger(ledger))
    lists = {t: getattr(KnowledgeGraph(), t) for t in LIST_TABLES}
    memory = export_neo4j_admin(kg.with_tables(**lists), tmp_path / "memory")
    streamed = export_ledger_neo4j_admin(ledger, tmp_path / "streamed", **kwargs)
    assert len(streamed.skipped_lists) == sum(len(getattr(kg, t)) > 0 for t in LIST_TABLES
                                              if t != "list_links")
    assert [p.name for p in streamed.nodes] == [p.name for p in memory.nodes]
    assert [p.name for p in streamed.relationships] == [p.name for p in memory.relationships]
    assert streamed.command.replace(str(tmp_path / "streamed"), "X") == \
        memory.command.replace(str(tmp_path / "memory"), "X")
    for path in (*memory.nodes, *memory.relationships):
        header, rows = _rows(path)
        s_header, s_rows = _rows(tmp_path / "streamed" / path.name)
        assert s_header == header, path.name
        assert s_rows == rows, path.name
        assert streamed.rows[path.name] == sum(rows.values())
    return streamed


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    from gongjian.synth.generate import synthesize

    folder = tmp_path_factory.mktemp("district")
    synthesize(folder, scale="district")
    return folder


def test_district_same_rows(district, tmp_path):
    out = _same(district, tmp_path, chunk_bytes=1 << 18)  # many chunks per table
    assert out.node_rows > 20_000 and out.relationship_rows > 50_000
    assert out.errors == 0 and not any(out.rejected.values())


def test_demo_same_rows(tmp_path):
    _same(Path(__file__).parents[2] / "examples" / "ledger", tmp_path)


def _write(path: Path, rows: list[str], encoding: str = "utf-8") -> None:
    path.write_bytes(("\n".join(rows) + "\n").encode(encoding))


@pytest.fixture
def messy(tmp_path) -> Path:
    folder = tmp_path / "台账"
    folder.mkdir()
    orgs = ["组织编码,组织名称,组织类别,组织层级,所属区,所属街道,所属社区,所在楼宇园区,"
            "上级组织编码,行业系统,党员数,书记"]
    for i in range(60):
        parent = "S1" if i else ""
        orgs.append(f"P{i},组织{i},单位党组织,党支部,玄武区,新街口街道,丹凤街社区,,{parent},"
                    f"{'教育' if i % 7 == 0 else ''},{5 + i % 30},张{i}")
    orgs += ["S1,新街口街道党工委,街道党工委,党委,玄武区,新街口街道,,,,,300,李",
             "H1,教育局党委,行业党委,党委,玄武区,,,,,教育,120,王",
             "P5,重复编码,单位党组织,党支部,玄武区,,,,,,10,赵",       # duplicate of row 7
             "X1,同名党支部,单位党组织,党支部,玄武区,,,,,,8,",
             "X2,同名党支部,单位党组织,党支部,秦淮区,,,,,,9,",
             "R1,被拒组织,单位党组织,党支部,玄武区,,,,,,十二,",      # rejected (bad int)
             "C1,子组织,单位党组织,党支部,玄武区,,,中山大厦,R1,,6,",   # superior rejected
             "E1,多一格,单位党组织,党支部,玄武区,,,,,,6,,多余"]       # ragged: extra cell
    _write(folder / "党组织.csv", orgs, "gbk")
    firms = ["统一社会信用代码,名称,组织类型,所属区,所属街道,所在楼宇园区,党员数,"
             "覆盖党组织编码,覆盖方式"]
    codes = ["91320102MA1XXXXX0T", "91320102MA1XXXXX1R", "91320102MA1XXXXX2M"]
    for i, code in enumerate(codes * 2):  # the second three repeat the first three
        firms.append(f"{code},企业{i},非公企业,玄武区,新街口街道,中山大厦,{i},"
                     f"{'P1' if i % 2 else 'NOPE'},")
    firms.append("123,坏代码,非公企业,玄武区,,,1,,")
    _write(folder / "两新组织.csv", firms)
    rels = ["甲方编码,甲方名称,乙方编码,乙方名称,关系类型,开始日期,结束日期,共建项目"]
    for i in range(1, 50):
        rels.append(f"P{i},,P{i + 1},,结对共建,2024-01-01,,助老、助学")
    rels += ["P1,,P2,,结对共建,2024-01-01,,助老、助学",           # identical tie: key #2
             ",组织3,,组织4,联席会议,2023-05-01,,",                # ends by name
             ",同名党支部,P1,,联席会议,,,",                         # ambiguous name
             ",组织九十九,P1,,联席会议,,,",                         # unknown name
             "R1,,P1,,联席会议,,,",                                 # end on a rejected row
             "P1,,P2,,结对共建,2024-05-01,2024-01-01,",             # ends before it starts
             "P9,,P9,,结对共建,,,"]                                 # both ends the same
    _write(folder / "共建关系.csv", rels)
    _write(folder / "楼宇园区.csv",
           ["名称,类型,所属区,所属街道", "中山大厦,楼宇,玄武区,新街口街道"])
    return folder


def test_messy_same_rows_and_problems(messy, tmp_path):
    out = _same(messy, tmp_path, chunk_bytes=400)  # a few rows per chunk
    ledger = read_ledger(messy)
    expected = Counter((p.file, p.row, p.column, p.code) for p in ledger.problems)
    with open(tmp_path / "streamed" / PROBLEMS_FILE, encoding="utf-8-sig", newline="") as fh:
        got = Counter((r["文件"], int(r["行号"]) if r["行号"] else None, r["列"] or None,
                       r["原因代码"]) for r in csv.DictReader(fh))
    assert got == expected
    assert out.errors == len(ledger.errors) and out.warnings == len(ledger.warnings)
    assert out.rejected == {k: len(v) for k, v in ledger.rejected.items()}
    rejects = (tmp_path / "streamed" / "rejects" / "党组织_rejects.csv").read_text("utf-8-sig")
    assert "重复编码" in rejects and "被拒组织" in rejects


def test_personal_fields_only_when_asked(messy, tmp_path):
    plain = export_ledger_neo4j_admin(messy, tmp_path / "a")
    assert "secretary" not in plain.nodes[0].read_text("utf-8").splitlines()[0]
    personal = export_ledger_neo4j_admin(messy, tmp_path / "b", include_personal=True)
    assert "secretary" in personal.nodes[0].read_text("utf-8").splitlines()[0]


def test_atomic_and_refuses_a_folder_of_other_files(messy, tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match=r"notes\.txt"):
        export_ledger_neo4j_admin(messy, target)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    (target / "notes.txt").unlink()
    export_ledger_neo4j_admin(messy, target)
    export_ledger_neo4j_admin(messy, target)  # an earlier export is replaced
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_failure_leaves_nothing(tmp_path):
    folder = tmp_path / "台账"
    folder.mkdir()
    _write(folder / "党组织.csv", ["组织编码,组织名称", "A,甲"])  # required columns missing
    _write(folder / "共建关系.csv", ["甲方编码,乙方编码,关系类型"])
    with pytest.raises(Exception, match="缺少必需的列"):
        export_ledger_neo4j_admin(folder, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["台账"]


def test_cli_stream(messy, tmp_path):
    out = tmp_path / "导入"
    result = runner.invoke(app, ["export", str(messy), "--format", "neo4j-admin", "-o", str(out),
                                 "--stream"])
    assert result.exit_code == 0, result.output
    assert "neo4j-admin database import full" in result.stdout
    assert f"--nodes={out / 'nodes_PartyOrg.csv'}" in result.stdout
    assert PROBLEMS_FILE in result.output
    assert "三张清单" not in result.output  # no lists in this ledger, no note


def test_cli_stream_notes_the_lists_it_leaves_out(tmp_path):
    from gongjian.demo import write_demo

    ledger = write_demo(tmp_path / "台账")
    for lang, words in (("zh", "流式导出不含三张清单和活动记录"),
                        ("en", "leaves out the three lists")):
        out = tmp_path / f"导入{lang}"
        result = runner.invoke(app, ["export", str(ledger), "--format", "neo4j-admin", "-o",
                                     str(out), "--stream", "--lang", lang])
        assert result.exit_code == 0, result.output
        assert words in result.output and "需求清单" in result.output, result.output
        assert not (out / "nodes_Need.csv").exists()


def test_cli_stream_needs_a_ledger_folder(tmp_path):
    graph = tmp_path / "图.gjg"
    graph.write_bytes(b"PK")
    result = runner.invoke(app, ["export", str(graph), "-o", str(tmp_path / "o"), "--stream"])
    assert result.exit_code == 1
    assert "台账目录" in result.output
