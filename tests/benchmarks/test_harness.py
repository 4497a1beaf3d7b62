"""The benchmark harness itself: real subprocesses, real measurement, a real tiny run.

Not timed tests: they check that the suite runs and measures, so that it cannot rot.
"""

from __future__ import annotations

import doctest
import importlib
import json
import subprocess
import sys

import pytest

from benchmarks.data import Dataset
from benchmarks.harness import ROOT, Measure, Side, Stage, ratio, render_markdown, run_once


def test_run_once_times_the_task_in_a_fresh_process():
    run = run_once(Side("s", "benchmarks.selftest:sleep", {"seconds": 0.2}), timeout=60)
    assert run["ok"] and run["status"] == "ok"
    assert 0.2 <= run["seconds"] < run["process_seconds"]
    assert run["size"] == "1 nap"


def test_peak_memory_is_the_child_s_own():
    small = run_once(Side("a", "benchmarks.selftest:allocate", {"mib": 8}), timeout=60)
    big = run_once(Side("b", "benchmarks.selftest:allocate", {"mib": 300}), timeout=60)
    assert big["peak_mb"] >= 300 > small["peak_mb"]
    assert big["peak_mb"] - small["peak_mb"] >= 250


def test_a_failing_task_is_reported_with_its_error():
    run = run_once(Side("f", "benchmarks.selftest:fail", {"message": "坏了"}), timeout=60)
    assert not run["ok"] and run["status"] == "failed"
    assert "ValueError: 坏了" in run["message"]


def test_a_task_over_its_time_is_stopped():
    run = run_once(Side("t", "benchmarks.selftest:sleep", {"seconds": 30}), timeout=1)
    assert run["status"] == "timeout" and run["message"] == "> 1 s"
    assert run["process_seconds"] < 10


def test_ratio_and_table_from_measures():
    ours = Measure("gongjian", runs=[{"ok": True, "seconds": s, "peak_mb": 100, "rows": 10}
                                     for s in (1.0, 2.0, 9.0)])
    base = Measure("networkx", runs=[{"ok": True, "seconds": 20.0, "peak_mb": 300,
                                      "rows": 10}])
    assert ours.seconds == 2.0 and ratio(ours, base) == 10.0
    slow = Measure("pyvis", "timeout", runs=[{"ok": False, "peak_mb": 50}], message="> 30 s")
    stage = Stage("x", "g", Side("gongjian", "t:t"), target="≤ 3 s",
                  check=lambda o, b: o.seconds <= 3, target_scale="any")
    md = render_markdown([(stage, ours, [base, slow])], "district")
    assert "| x |" in md and "10.0×" in md and "> 15×" in md and "≤ 3 s ✓" in md


@pytest.mark.parametrize("module", ["benchmarks.child", "benchmarks.harness", "benchmarks.data"])
def test_doctests(module):
    failures, _ = doctest.testmod(importlib.import_module(module))
    assert failures == 0


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """The district-scale inputs, made once for this module in a temporary cache."""
    data = Dataset("district", 0, root=tmp_path_factory.mktemp("bench-data"), log=lambda m: None)
    data.ensure_ledger()
    return data


def test_derived_ledgers_are_read_by_the_loader(district):
    from gongjian.loaders import read_ledger

    xlsx = district.ensure_xlsx()
    assert sorted(p.name for p in xlsx.iterdir() if not p.name.startswith(".")) == [
        "党组织.xlsx", "共建关系.csv"]
    full = read_ledger(district.ledger)
    from_xlsx = read_ledger(xlsx)
    assert not from_xlsx.errors
    assert from_xlsx.party_orgs["id"].tolist() == full.party_orgs["id"].tolist()
    assert from_xlsx.party_orgs["members"].equals(full.party_orgs["members"])

    cut = district.folder / "cut"
    run = run_once(Side("cut", "benchmarks.data:cut_ledger",
                        {"ledger": str(district.ledger), "out": str(cut),
                         "rows": {"organizations": 500}}), timeout=120)
    assert run["ok"], run
    small = read_ledger(cut)
    assert len(small.organizations) == 500 and len(small.relations) == len(full.relations)
    assert small.organizations["uscc"].tolist() == full.organizations["uscc"].head(500).tolist()


def test_quick_run_of_a_few_stages(district, tmp_path):
    """The suite itself, at district scale, one repeat, a few stages."""
    out = tmp_path / "r.json"
    md = tmp_path / "r.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--data", str(district.folder.parent),
         "--only", "check+build,graph reload,islands,coverage plan", "--json", str(out),
         "--markdown", str(md)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["meta"]["scale"] == "district" and result["meta"]["repeat"] == 1
    names = [s["name"] for s in result["stages"]]
    assert names == ["check+build", "graph reload", "islands", "coverage plan"]
    for stage in result["stages"]:
        for side in [stage["ours"], *stage["baselines"]]:
            assert side["status"] == "ok", (stage["name"], side)
            assert side["median_seconds"] > 0 and side["peak_mb"] > 50
    assert [b["label"] for b in result["stages"][2]["baselines"]] == ["networkx", "raw igraph"]
    assert "check+build" in done.stdout and "pandas+networkx" in done.stdout
    assert md.read_text(encoding="utf-8").startswith("| stage |")



def test_memory_group_runs_each_command_alone(district, tmp_path):
    """The province memory suite, at district scale: each command's peak beside the graph's."""
    out = tmp_path / "m.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--scale", "district", "--repeat", "1",
         "--data", str(district.folder.parent),
         "--only", "gongjian build,gongjian islands,gongjian coverage --plan xlsx",
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    stages = json.loads(out.read_text(encoding="utf-8"))["stages"]
    assert [s["name"] for s in stages] == ["gongjian build", "gongjian islands",
                                          "gongjian coverage --plan xlsx"]
    for stage in stages:
        assert stage["group"] == "memory" and stage["target"] == "≤ 4,096 MiB peak"
        assert stage["ours"]["status"] == "ok", stage
        assert 50 < stage["ours"]["peak_mb"] < 4096
        assert stage["baselines"][0]["label"] == "whole graph file"
        assert "MiB written" in stage["ours"]["runs"][0]["size"]


def test_nation_scale_measures_build_the_analyses_and_pages_within_16_gb(tmp_path):
    """At nation scale the memory group is build, the four analyses and the pages by
    district, judged against 16 GB, with no whole-graph baseline (it would not fit)."""
    from benchmarks.data import Dataset
    from benchmarks.memory import stages

    chosen = stages(Dataset("nation", 0, root=tmp_path, log=lambda msg: None))
    assert [s.name for s in chosen] == [
        "gongjian build", "gongjian islands", "gongjian bridges", "gongjian clusters",
        "gongjian coverage", "gongjian viz --split-by district"]
    for stage in chosen:
        assert stage.target == "≤ 16,384 MiB peak" and stage.target_scale == "nation"
        assert stage.baselines == []
    province = stages(Dataset("province", 0, root=tmp_path, log=lambda msg: None))
    assert len(province) == 14 and all(s.baselines for s in province)


@pytest.mark.browser
def test_time_until_drawn_in_chromium(tmp_path):
    """The draw hook reports on a pyvis page (physics) and on ours (laid out, no physics)."""
    import pandas as pd

    from benchmarks.baselines.pyvis_page import write_page
    from benchmarks.browser import time_until_drawn
    from gongjian.graph.model import KnowledgeGraph
    from gongjian.viz import render

    nodes = [("a", "甲", "community"), ("b", "乙", "unit"), ("c", "丙", "unit")]
    edges = [("a", "b"), ("b", "c")]
    theirs = write_page(nodes, edges, tmp_path / "pyvis.html")
    kg = KnowledgeGraph.from_frames(
        party_orgs=pd.DataFrame({"id": [n[0] for n in nodes], "name": [n[1] for n in nodes],
                                 "kind": [n[2] for n in nodes], "district": ["玄武区"] * 3}),
        relations=pd.DataFrame({"source_id": ["a", "b"], "target_id": ["b", "c"],
                                "type": ["pairing", "agreement"]}))
    ours = render(kg, tmp_path / "ours.html")
    for page in (theirs, ours):
        ms = time_until_drawn(page, timeout=90)
        assert 0 < ms < 90_000
    blank = tmp_path / "blank.html"
    blank.write_text("<html><head></head><body>no network</body></html>", encoding="utf-8")
    with pytest.raises(TimeoutError, match="> 3 s"):
        time_until_drawn(blank, timeout=3)


def test_a_cached_input_is_made_again_when_its_recipe_changes(tmp_path, monkeypatch):
    from benchmarks import data

    recipe = ROOT / "benchmarks" / ".recipe-test.txt"
    recipe.write_text("one")
    try:
        monkeypatch.setitem(data._RECIPES, "ledger", (str(recipe.relative_to(ROOT)),))
        ds = Dataset("district", 0, root=tmp_path, log=lambda _: None)
        side = Side("s", "benchmarks.selftest:sleep", {"seconds": 0.01})
        ds._ensure("ledger", ds.ledger, side)
        assert "ledger" in ds.made
        ds.made.clear()
        ds._ensure("ledger", ds.ledger, side)
        assert ds.made == {}  # same recipe: reused
        recipe.write_text("two")
        ds._ensure("ledger", ds.ledger, side)
        assert "ledger" in ds.made  # the generator changed: made again
    finally:
        recipe.unlink()
