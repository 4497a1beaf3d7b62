"""``gongjian build`` reads the ledger in chunks (graph.stream.build_file): the graph file it
writes holds the same tables, rows in the same order, and the same problem counts as the
graph read and built whole, whatever the chunk size — on a ledger with errors across chunks
(duplicates, unknown ends, rejected rows), on a workbook ledger, and in strict mode."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from gongjian.cli import app
from gongjian.errors import LedgerError
from gongjian.graph.build import build
from gongjian.graph.io import load, read_manifest, save
from gongjian.graph.stream import build_file
from gongjian.loaders import read_ledger
from gongjian.synth import synthesize


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> Path:
    """A synthetic district ledger with errors and warnings planted across the files."""
    folder = tmp_path_factory.mktemp("messy") / "台账"
    synthesize(folder, scale="district", region="玄武区", seed=3)
    firms = _rows(folder / "两新组织.csv")
    head = firms[0]
    cover, kind, mode = (head.index(c) for c in ("覆盖党组织编码", "组织类型", "覆盖方式"))
    firms[10][cover] = "N9999999999999"  # unknown covering organization (an error)
    firms[11][kind] = "不是类型"  # a bad choice: the row is rejected
    firms[12][mode] = ""  # coverage left empty, a covering organization given: a warning
    firms += [list(firms[i]) for i in (1, 2, 3)]  # repeated credit codes, far from the first
    _write(folder / "两新组织.csv", firms)
    orgs = _rows(folder / "党组织.csv")
    o = orgs[0]
    parent, org_kind = o.index("上级组织编码"), o.index("组织类别")
    orgs[20][parent] = "NOPE"  # unknown superior: a warning, the superior dropped
    orgs[30][org_kind] = "不是类别"  # rejected: ties and lists naming it are rejected too
    orgs.append(list(orgs[5]))  # a repeated 组织编码
    _write(folder / "党组织.csv", orgs)
    rel = _rows(folder / "共建关系.csv")
    r = rel[0]
    width = len(r)

    def tie(**cells: str) -> list[str]:
        row = [""] * width
        for name, value in cells.items():
            row[r.index(name)] = value
        return row

    rel += [tie(甲方名称=orgs[40][1], 乙方名称="不存在的组织", 关系类型="结对共建"),
            tie(甲方编码=orgs[41][0], 乙方编码=orgs[41][0], 关系类型="结对共建"),
            tie(甲方编码=orgs[42][0], 乙方编码=orgs[30][0], 关系类型="结对共建"),
            tie(甲方名称=orgs[43][1], 乙方编码=orgs[44][0], 关系类型="双报到")]
    _write(folder / "共建关系.csv", rel)
    acts = _rows(folder / "活动记录.csv")
    acts.append([acts[1][0], "只有一方的活动", acts[1][2], orgs[45][0], "", "3"])
    _write(folder / "活动记录.csv", acts)
    return folder


def _same_graph(whole_file: Path, streamed_file: Path) -> None:
    a, b = load(whole_file), load(streamed_file)
    for name, df in a.tables():
        pd.testing.assert_frame_equal(getattr(b, name), df, check_exact=True, obj=name)
    meta_a, meta_b = dict(a.meta), dict(b.meta)
    for key in ("built", "file"):
        meta_a.pop(key), meta_b.pop(key)
    assert meta_b == meta_a
    # stored alike: tie and link ends as row positions (format 3) in both files
    columns = [{t["name"]: t["columns"] for t in read_manifest(f)["tables"]}
               for f in (whole_file, streamed_file)]
    assert columns[1] == columns[0]
    assert {c["name"] for c in columns[1]["links"] if c.get("stored") == "row"} == \
        {"source", "target"}


def test_chunks_give_the_graph_and_problems_of_the_whole_ledger(messy, tmp_path):
    chunk_bytes = 1 << 17  # the 两新组织 file in some 25 chunks (the command: one)
    ledger = read_ledger(messy)
    codes = {p.code for p in ledger.problems}
    assert {"duplicate", "unknown_covering_org", "bad_choice", "coverage_host",
            "unknown_parent", "unknown_name", "self_relation", "rejected_end",
            "few_participants"} <= codes, codes
    whole = save(build(ledger), tmp_path / "whole.gjg")
    out = build_file(messy, tmp_path / "streamed.gjg", chunk_bytes=chunk_bytes)
    _same_graph(whole, out.path)
    assert out.meta["problems"] == {"errors": len(ledger.errors),
                                    "warnings": len(ledger.warnings)}
    assert out.meta["rejected_rows"] == sum(len(df) for df in ledger.rejected.values()) > 0
    assert out.counts == {name: len(df) for name, df in load(whole).tables()}
    # the repeated credit codes lie in other chunks than their first rows
    assert (messy / "两新组织.csv").stat().st_size // chunk_bytes >= 10


def test_strict_refuses_with_the_loader_message(messy, tmp_path):
    with pytest.raises(LedgerError) as whole:
        read_ledger(messy, strict=True)
    with pytest.raises(LedgerError) as streamed:
        build_file(messy, tmp_path / "strict.gjg", strict=True, chunk_bytes=1 << 17)
    assert str(streamed.value) == str(whole.value)
    assert not (tmp_path / "strict.gjg").exists()
    assert list(tmp_path.iterdir()) == []  # no temporary files left behind


def test_workbook_ledger_in_chunks(demo_folder, tmp_path):
    assert any(p.suffix == ".xlsx" for p in demo_folder.iterdir())
    whole = save(load(demo_folder), tmp_path / "whole.gjg")
    out = build_file(demo_folder, tmp_path / "streamed.gjg", chunk_bytes=400)
    _same_graph(whole, out.path)


def test_build_command_writes_the_streamed_file(messy, tmp_path):
    target = tmp_path / "图.gjg"
    result = CliRunner().invoke(app, ["build", str(messy), "-o", str(target)])
    assert result.exit_code == 0, result.output
    _same_graph(save(load(messy), tmp_path / "whole.gjg"), target)
    kg = load(target)
    assert f"{len(kg.organizations)}" in result.output
    assert f"{kg.meta['rejected_rows']}" in result.output


def test_a_table_read_again_while_the_other_is_read_beside_it(messy, tmp_path):
    """The 两新组织 file in GB18030: the fast reader stops at its first Chinese cell while
    the 共建关系 are being read on the other thread; both stop, and the build starts again
    with that file read as GB18030 — the same graph, nothing left behind."""
    folder = tmp_path / "台账"
    folder.mkdir()
    for file in messy.iterdir():
        data = file.read_bytes()
        if file.name == "两新组织.csv":
            data = data.decode("utf-8-sig").encode("gb18030")
        (folder / file.name).write_bytes(data)
    whole = save(load(folder), tmp_path / "whole.gjg")
    out = build_file(folder, tmp_path / "out" / "streamed.gjg", chunk_bytes=1 << 15)
    _same_graph(whole, out.path)
    assert sorted(p.name for p in out.path.parent.iterdir()) == ["streamed.gjg"]
