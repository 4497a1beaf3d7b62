"""The graph file: exact round trips, damaged and hostile files, ledger folders, atomic writes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongjian.errors import GraphFileError, LedgerError
from gongjian.graph.io import FORMAT_VERSION, MANIFEST, load, read_manifest, save
from gongjian.graph.model import KnowledgeGraph


def assert_same(a: KnowledgeGraph, b: KnowledgeGraph) -> None:
    for name, df in a.tables():
        pd.testing.assert_frame_equal(df, getattr(b, name), check_exact=True)


def test_round_trip_of_a_built_graph(demo_graph, tmp_path):
    path = save(demo_graph, tmp_path / "图.gjg")
    back = load(path)
    assert_same(demo_graph, back)
    assert back.meta["problems"] == demo_graph.meta["problems"]
    assert back.meta["source"] == demo_graph.meta["source"]
    assert back.relations["projects"].map(lambda v: v is None or isinstance(v, list)).all()
    manifest = read_manifest(path)
    assert manifest["format"] == "gongjian-graph" and manifest["version"] == FORMAT_VERSION
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {
        name: len(df) for name, df in demo_graph.tables()}  # every table, empty ones too
    with zipfile.ZipFile(path) as zf:
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        assert zf.namelist()[0] == MANIFEST
    assert not list(tmp_path.glob("*.part"))


# --- random tables -----------------------------------------------------------------------

hostile = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                  max_size=12)
chinese = st.text(alphabet=st.sampled_from("玄武区秦淮鼓楼党组织社区街道、；;'\"<>&\\/\n\t ="),
                  max_size=8)
texts = st.one_of(st.none(), hostile, chinese)
day = st.one_of(st.none(), st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1))
                .map(lambda d: d.replace(hour=0, minute=0, second=0, microsecond=0)))
lists = st.one_of(st.none(), st.lists(st.one_of(hostile, chinese), max_size=4))
ints = st.one_of(st.none(), st.integers(-2**62, 2**62))


@st.composite
def graphs(draw):
    n = draw(st.integers(0, 8))
    m = draw(st.integers(0, 8))
    orgs = pd.DataFrame({
        "id": pd.Series([f"P{i}" for i in range(n)], dtype="str"),
        "name": pd.Series(draw(st.lists(st.one_of(hostile, chinese), min_size=n, max_size=n)),
                          dtype="str"),
        "members": pd.Series(draw(st.lists(ints, min_size=n, max_size=n)), dtype="Int64"),
        "founded": pd.Series(draw(st.lists(day, min_size=n, max_size=n)),
                             dtype="datetime64[ns]").astype("datetime64[s]"),
        "score": pd.Series(draw(st.lists(st.floats(allow_nan=False), min_size=n, max_size=n)),
                           dtype="float64"),
        "flag": pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype="bool"),
    })
    m = m if n else 0  # a graph file's ties join organizations it holds
    ends = st.sampled_from([f"P{i}" for i in range(n)]) if n else st.nothing()
    rel = pd.DataFrame({
        "source_id": pd.Series(draw(st.lists(ends, min_size=m, max_size=m)), dtype="str"),
        "target_id": pd.Series(draw(st.lists(ends, min_size=m, max_size=m)), dtype="str"),
        "projects": pd.Series(draw(st.lists(lists, min_size=m, max_size=m)), dtype=object),
        "end": pd.Series(draw(st.lists(day, min_size=m, max_size=m)),
                         dtype="datetime64[ns]").astype("datetime64[s]"),
    })
    meta = {"source": draw(chinese), "problems": {"errors": draw(st.integers(0, 9))}}
    return KnowledgeGraph.from_frames(party_orgs=orgs, relations=rel, meta=meta)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(kg=graphs())
def test_round_trip_of_random_tables(kg, tmp_path):
    path = save(kg, tmp_path / "r.gjg")
    back = load(path)
    assert_same(kg, back)
    assert {k: back.meta[k] for k in kg.meta} == kg.meta


def test_nullable_and_numpy_types_round_trip(tmp_path):
    orgs = pd.DataFrame({
        "id": pd.array(["a", "b", "c"], dtype="string"),
        "name": pd.array(["甲", "乙", "丙"], dtype="string"),
        "ok": pd.array([True, None, False], dtype="boolean"),
        "share": pd.array([1.5, None, -0.0], dtype="Float64"),
        "small": pd.array([1, None, -128], dtype="Int8"),
        "n": pd.Series([1, 2, 3], dtype="int32"),
        "at": pd.Series(["2024-05-01 12:30:01.123456", None, "1970-01-01"],
                        dtype="datetime64[us]"),
        "raw": pd.Series(["x", None, "z"], dtype=object),
    })
    kg = KnowledgeGraph.from_frames(party_orgs=orgs)
    assert_same(kg, load(save(kg, tmp_path / "n.gjg")))


def test_unsupported_column_is_refused_and_the_old_file_kept(tmp_path):
    path = save(KnowledgeGraph(), tmp_path / "g.gjg")
    before = path.read_bytes()
    bad = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame({"id": ["a"], "x": [{"k": 1}]}))
    with pytest.raises(GraphFileError, match="无法保存"):
        save(bad, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["g.gjg"]


def test_saving_onto_a_folder_or_into_a_file_is_a_clear_error(tmp_path):
    with pytest.raises(GraphFileError, match="是目录"):
        save(KnowledgeGraph(), tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(GraphFileError, match="无法写入"):
        save(KnowledgeGraph(), blocker / "g.gjg")


# --- damaged and hostile files -------------------------------------------------------------


@pytest.fixture
def good_file(tmp_path) -> Path:
    kg = KnowledgeGraph.from_frames(
        party_orgs=pd.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"], "kind": ["unit"] * 2,
                                 "district": ["玄武区"] * 2}),
        relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "type": ["pairing"],
                                "projects": [["项目"]]}))
    return save(kg, tmp_path / "good.gjg")


def rewrite(path: Path, *, manifest=None, members=None, drop=(), extra=None,
            compress=()) -> Path:
    """Copy a graph file with changes, as someone editing it by hand would."""
    with zipfile.ZipFile(path) as zf:
        contents = {n: zf.read(n) for n in zf.namelist()}
    man = json.loads(contents[MANIFEST])
    if manifest:
        manifest(man)
    contents[MANIFEST] = json.dumps(man).encode()
    contents.update(members or {})
    contents.update(extra or {})
    out = path.with_name("edited.gjg")
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in contents.items():
            if name not in drop:
                zf.writestr(name, data, zipfile.ZIP_DEFLATED if name in compress
                            else zipfile.ZIP_STORED)
    return out


def set_table(key, value, table="party_orgs"):
    def edit(man):
        next(t for t in man["tables"] if t["name"] == table)[key] = value
    return edit


def overwrite(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def bigger_member(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {"party_orgs.parquet": zf.read("party_orgs.parquet") + b"\0" * 4096}


CASES = {
    "truncated": lambda p: overwrite(p, p.read_bytes()[: len(p.read_bytes()) // 2]),
    "cut at the end": lambda p: overwrite(p, p.read_bytes()[:-30]),
    "wrong magic": lambda p: overwrite(p, b"GJG!" + p.read_bytes()[4:]),
    "text file": lambda p: overwrite(p, "组织编码,组织名称\n".encode()),
    "empty file": lambda p: overwrite(p, b""),
    "other format": lambda p: rewrite(p, manifest=lambda m: m.update(format="other")),
    "bad version": lambda p: rewrite(p, manifest=lambda m: m.update(version="1")),
    "edited rows": lambda p: rewrite(p, manifest=set_table("rows", 3)),
    "edited checksum": lambda p: rewrite(p, manifest=set_table("sha256", "0" * 64)),
    "edited columns": lambda p: rewrite(p, manifest=set_table(
        "columns", [{"name": "id", "dtype": "str"}])),
    "bad dtype": lambda p: rewrite(p, manifest=set_table(
        "columns", [{"name": "id", "dtype": "builtins.eval"}])),
    "unknown table": lambda p: rewrite(p, manifest=lambda m: m["tables"].append(
        {**m["tables"][0], "name": "secrets"})),
    "missing table": lambda p: rewrite(p, manifest=lambda m: m["tables"].pop()),
    "extra member": lambda p: rewrite(p, extra={"../../evil.sh": b"rm -rf /"}),
    "missing member": lambda p: rewrite(p, drop=("links.parquet",)),
    "bigger member": lambda p: rewrite(p, members=bigger_member(p)),
    "compressed member": lambda p: rewrite(p, compress=("party_orgs.parquet",)),
    "manifest not json": lambda p: rewrite(p, extra={MANIFEST: b"\xff{"}),
    "manifest a list": lambda p: rewrite(p, extra={MANIFEST: b"[]"}),
    "no manifest": lambda p: rewrite(p, drop=(MANIFEST,)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_damaged_files_give_a_clear_error(good_file, case):
    damaged = CASES[case](good_file)
    with pytest.raises(GraphFileError) as info:
        load(damaged)
    assert str(good_file.parent) in str(info.value) or "gongjian" in str(info.value)


def test_member_swapped_for_valid_parquet_of_other_shape(good_file):
    with zipfile.ZipFile(good_file) as zf:
        links = zf.read("links.parquet")

    def same_size_and_sum(man):
        t = next(t for t in man["tables"] if t["name"] == "party_orgs")
        t.update(size=len(links), sha256=hashlib.sha256(links).hexdigest())

    damaged = rewrite(good_file, manifest=same_size_and_sum,
                      members={"party_orgs.parquet": links})
    with pytest.raises(GraphFileError, match="行数或列"):
        load(damaged)


def test_newer_version_asks_for_an_upgrade(good_file):
    newer = rewrite(good_file, manifest=lambda m: m.update(version=FORMAT_VERSION + 1))
    with pytest.raises(GraphFileError, match="请升级 gongjian"):
        load(newer)


def test_load_paths(tmp_path, demo_folder, demo_graph):
    with pytest.raises(GraphFileError, match=r"找不到.*台账目录"):
        load(tmp_path / "nothing.gjg")
    kg = load(demo_folder)
    assert kg.counts() == demo_graph.counts()
    assert kg.meta["problems"] == demo_graph.meta["problems"]
    with pytest.raises(LedgerError):
        load(tmp_path)  # an empty folder is not a ledger


def _consistent(member: str, data: bytes, columns: list[dict], rows: int):
    """A manifest edit that describes ``data`` truthfully (size, checksum, columns)."""
    def edit(man):
        spec = next(t for t in man["tables"] if t["member"] == member)
        spec.update(size=len(data), sha256=hashlib.sha256(data).hexdigest(), columns=columns,
                    rows=rows)
    return edit


def test_a_table_without_its_key_columns_is_refused(good_file, tmp_path):
    """A file edited to drop columns is refused on opening, not a crash in an analysis."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table({"id": ["a"], "name": ["甲"]}), buf)
    data = buf.getvalue()
    columns = [{"name": "id", "dtype": "str"}, {"name": "name", "dtype": "str"}]
    edited = rewrite(good_file, members={"party_orgs.parquet": data},
                     manifest=_consistent("party_orgs.parquet", data, columns, 1))
    with pytest.raises(GraphFileError, match="缺少列"):
        load(edited)


def test_a_column_type_that_is_not_text_is_refused(good_file):
    edited = rewrite(good_file, manifest=lambda man: man["tables"][0]["columns"][0].update(
        dtype=["str"]))
    with pytest.raises(GraphFileError):
        load(edited)


# --- tie ends stored as row positions (format version 3) ---------------------------------

VERSION_2 = Path(__file__).parent / "data" / "examples-v2.gjg"


def test_tie_ends_are_stored_as_rows_and_read_back_whole_or_alone(demo_graph, tmp_path):
    path = save(demo_graph, tmp_path / "图.gjg")
    stored = {(t["name"], c["name"]) for t in read_manifest(path)["tables"]
              for c in t["columns"] if c.get("stored") == "row"}
    assert stored == {("relations", "source_id"), ("relations", "target_id"),
                      ("links", "source"), ("links", "target")}
    alone = load(path, tables={"links": ["source", "target"], "relations": ["target_id"]})
    assert alone.party_orgs.empty and alone.organizations.empty
    pd.testing.assert_frame_equal(alone.links, demo_graph.links[["source", "target"]])
    pd.testing.assert_frame_equal(alone.relations, demo_graph.relations[["target_id"]])


def test_a_tie_end_not_found_is_kept_as_text(demo_graph, tmp_path):
    """A graph whose ties point outside its tables still round-trips (and is then refused)."""
    rel = demo_graph.relations.copy()
    rel.loc[0, "target_id"] = "不存在"
    path = save(demo_graph.with_tables(relations=rel), tmp_path / "图.gjg")
    spec = next(t for t in read_manifest(path)["tables"] if t["name"] == "relations")
    assert [c for c in spec["columns"] if c.get("stored")] == [
        {"name": "source_id", "dtype": "str", "arrow": "int32", "stored": "row"}]
    with pytest.raises(GraphFileError, match=r"target_id.*不存在"):
        load(path)


def test_a_version_2_file_reads_the_same_graph():
    """``examples-v2.gjg`` was written by gongjian 0ad7097 (format 2, tie ends as text)."""
    assert read_manifest(VERSION_2)["version"] == 2
    old = load(VERSION_2)
    new = load(Path(__file__).parents[2] / "examples" / "ledger")
    assert_same(new, old)
