"""Hostile and invalid graph files: refused with one clear message, in bounded memory.

Each file is a valid ZIP with a valid manifest (sizes and checksums right) around one bad
Parquet table, made here from a good graph file. Every command that reads a graph must
exit 1 with one message naming the table (and column); a crafted file must never make
the process grow past 300 MB.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from gongjian.cli import app
from gongjian.errors import GraphFileError
from gongjian.graph.io import MANIFEST, load, save
from gongjian.graph.model import LIST_TABLES

runner = CliRunner()
PEAK_LIMIT_MB = 300


@pytest.fixture(scope="module")
def good(tmp_path_factory, demo_graph) -> Path:
    """The demo graph without its optional three lists: crafted files stay under 100 KB."""
    plain = demo_graph.with_tables(**{name: pd.DataFrame() for name in LIST_TABLES})
    return save(plain, tmp_path_factory.mktemp("good") / "好.gjg")


def _members(path: Path) -> tuple[dict, dict[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        data = {n: zf.read(n) for n in zf.namelist() if n != MANIFEST}
    return manifest, data


def _write(path: Path, manifest: dict | bytes, data: dict[str, bytes]) -> Path:
    raw = manifest if isinstance(manifest, bytes) else \
        json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(MANIFEST, raw)
        for name, blob in data.items():
            zf.writestr(name, blob)
    return path


def craft(good: Path, out: Path, table: str, arrow: pa.Table,
          dtypes: dict[str, str] | None = None, *, store_schema: bool = True) -> Path:
    """``good`` with ``table`` replaced by ``arrow`` and a manifest that matches it exactly."""
    manifest, data = _members(good)
    sink = pa.BufferOutputStream()
    pq.write_table(arrow, sink, compression="zstd", store_schema=store_schema)
    blob = sink.getvalue().to_pybytes()
    data[f"{table}.parquet"] = blob
    for spec in manifest["tables"]:
        if spec["name"] == table:
            declared = {c["name"]: c for c in spec["columns"]}
            for name, dtype in (dtypes or {}).items():
                declared[name] = {"dtype": dtype}
            spec.update(rows=arrow.num_rows, size=len(blob),
                        sha256=hashlib.sha256(blob).hexdigest(),
                        columns=[{**declared.get(n, {"dtype": "str"}), "name": n,
                                  "arrow": str(arrow.schema.field(n).type)}
                                 for n in arrow.column_names])
    return _write(out, manifest, data)


def table_of(good: Path, name: str) -> pa.Table:
    _, data = _members(good)
    return pq.read_table(pa.BufferReader(data[f"{name}.parquet"]))


def replaced(table: pa.Table, column: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.column_names.index(column), column, values)


def _dictionary_bomb(good: Path, out: Path) -> Path:
    """党组织 of 100,000 rows whose names all repeat one 4 MiB dictionary value."""
    rows, size = 100_000, 4 * 2**20
    orgs = table_of(good, "party_orgs")
    columns = {}
    for field in orgs.schema:
        columns[field.name] = pa.nulls(rows, field.type)
    columns["id"] = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()),
                                                   pa.array(["P1"]))
    columns["name"] = pa.DictionaryArray.from_arrays(
        pa.array([0] * rows, pa.int32()), pa.array(["党" * (size // 3)]))
    return craft(good, out, "party_orgs", pa.table(columns), store_schema=False)


def _cases(good: Path, folder: Path) -> dict[str, tuple[Path, str]]:
    """Crafted file → (path, what the refusal must name)."""
    orgs, rel = table_of(good, "party_orgs"), table_of(good, "relations")
    links = table_of(good, "links")
    ids = orgs.column("id").to_pylist()
    _, data = _members(good)
    cases = {
        "dictionary bomb": (_dictionary_bomb(good, folder / "bomb.gjg"), "party_orgs"),
        "deep manifest": (_write(folder / "deep.gjg", b"[" * 100_000, data), MANIFEST),
        "null id": (craft(good, folder / "nullid.gjg", "party_orgs", replaced(
            orgs, "id", pa.array([None, *ids[1:]], pa.string()))), "id"),
        "duplicate id": (craft(good, folder / "dup.gjg", "party_orgs", replaced(
            orgs, "id", pa.array([ids[1], *ids[1:]]))), "id"),
        "null name": (craft(good, folder / "noname.gjg", "party_orgs", replaced(
            orgs, "name", pa.array([None] * len(ids), pa.string()))), "name"),
        "int64 with nulls": (craft(
            good, folder / "intnull.gjg", "relations",
            replaced(rel, "reporting_members", pa.array([None] * rel.num_rows, pa.int64())),
            {"reporting_members": "int64"}), "reporting_members"),
        "text for a number": (craft(
            good, folder / "text.gjg", "relations",
            replaced(rel, "reporting_members", pa.array(["十二"] * rel.num_rows)),
            {"reporting_members": "str"}), "reporting_members"),
        "unknown tie end": (craft(good, folder / "ref.gjg", "relations", replaced(
            rel, "target_id", pa.array(["不存在"] * rel.num_rows)),
            {"target_id": "str"}), "target_id"),
        "tie end as text where a row is stored": (craft(
            good, folder / "reftext.gjg", "relations",
            replaced(rel, "target_id", pa.array(["不存在"] * rel.num_rows))), "target_id"),
        "tie end past the table": (craft(good, folder / "refrow.gjg", "relations", replaced(
            rel, "target_id", pa.array([len(ids)] * rel.num_rows, pa.int32()))), "target_id"),
        "link end past the table": (craft(good, folder / "linkrow.gjg", "links", replaced(
            links, "source", pa.array([-1] * links.num_rows, pa.int32()))), "source"),
    }
    return cases


@pytest.fixture(scope="module")
def cases(good, tmp_path_factory) -> dict[str, tuple[Path, str]]:
    return _cases(good, tmp_path_factory.mktemp("crafted"))


def test_crafted_files_are_small(cases):
    assert cases["dictionary bomb"][0].stat().st_size < 100 * 1024  # the target: < 100 KB
    for path, _ in cases.values():
        with zipfile.ZipFile(path) as zf:  # a valid archive with every member in place
            assert zf.testzip() is None


@pytest.mark.parametrize("case", ["dictionary bomb", "deep manifest", "null id", "duplicate id",
                                  "null name", "int64 with nulls", "text for a number",
                                  "unknown tie end", "tie end as text where a row is stored",
                                  "tie end past the table", "link end past the table"])
def test_load_refuses_with_a_message_naming_the_column(cases, case):
    path, named = cases[case]
    with pytest.raises(GraphFileError) as err:
        load(path)
    message = str(err.value)
    assert "图文件" in message and named in message and "gongjian build" in message


def _commands(path: Path, out: Path) -> dict[str, list[str]]:
    return {
        "islands": ["islands", str(path)],
        "clusters": ["clusters", str(path)],
        "summary": ["summary", str(path)],
        "viz": ["viz", str(path), "-o", str(out / "网络.html")],
        "report": ["report", str(path), "-o", str(out / "报告.html")],
        "export": ["export", str(path), "--format", "graphml", "-o", str(out / "图.graphml")],
        "export-neo4j": ["export", str(path), "--format", "neo4j-admin", "-o",
                         str(out / "neo4j")],
    }


@pytest.mark.parametrize("case", ["null id", "duplicate id", "null name", "int64 with nulls",
                                  "text for a number", "unknown tie end", "deep manifest",
                                  "tie end past the table",
                                  "dictionary bomb"])
def test_every_command_exits_1_with_one_message(cases, case, tmp_path):
    path, named = cases[case]
    for command, args in _commands(path, tmp_path).items():
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (command, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        errors = [line for line in result.stderr.splitlines() if line.startswith("错误")]
        assert len(errors) == 1 and named in result.stderr and "内部错误" not in result.stderr, \
            (command, result.stderr)
        assert not [p for p in tmp_path.rglob("*") if p.is_file()], command  # nothing written


#: Loads a graph file (or runs the CLI) and prints, last, its own peak memory (VmHWM, MB).
#: Read by the process itself: the rusage a parent gets from wait4 also counts the
#: parent's own memory at fork time, which would measure the test, not the file.
_PEAK = """
import atexit, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            print("PEAK", int(line.split()[1]) // 1024, file=sys.stderr, flush=True)
atexit.register(_peak)
"""
_PROBE = _PEAK + """
from gongjian.errors import GraphFileError
from gongjian.graph.io import load
try:
    load(sys.argv[1])
    print("loaded")
except GraphFileError:
    print("refused")
"""
_CLI = _PEAK + """
import runpy
sys.argv = ["gongjian", *sys.argv[1:]]
runpy.run_module("gongjian", run_name="__main__")
"""


def _peak_mb(args: list[str]) -> tuple[str, int, int]:
    """Run a process to its end: its stdout, its exit code and its peak memory in MB."""
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    peaks = [int(line.split()[1]) for line in proc.stderr.splitlines()
             if line.startswith("PEAK ")]
    assert peaks, proc.stderr
    return proc.stdout, proc.returncode, peaks[-1]


def test_peak_memory_of_each_crafted_file_is_bounded(cases, good):
    peaks = {}
    for case, (path, _) in cases.items():
        out, _, peak = _peak_mb([sys.executable, "-c", _PROBE, str(path)])
        assert out.split()[0] == "refused", case
        peaks[case] = peak
    out, _, baseline = _peak_mb([sys.executable, "-c", _PROBE, str(good)])
    assert out.split()[0] == "loaded"
    assert max(peaks.values()) < PEAK_LIMIT_MB, peaks
    assert max(peaks.values()) < baseline + 100, (peaks, baseline)  # no more than a good file


def test_the_bomb_through_the_real_command_stays_small(cases):
    path = cases["dictionary bomb"][0]
    _, code, peak = _peak_mb([sys.executable, "-c", _CLI, "islands", str(path)])
    assert code == 1 and peak < PEAK_LIMIT_MB
