"""``gongjian viz`` and ``gongjian report`` on the demo ledger folder and a graph file; the
analyses' marks in the page agree with the analyses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gongjian
from gongjian.cli import app
from gongjian.demo import DEMO_AS_OF, write_demo
from gongjian.viz.context import BRIDGE, CROSS_CLUSTER, ISLAND

runner = CliRunner()


def embedded(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="gj-data">(.*?)</script>', html, re.S).group(1))


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "台账")


def test_viz_command_on_a_ledger_folder_with_focus(tmp_path, demo_folder):
    out = tmp_path / "玄武区.html"
    result = runner.invoke(app, ["viz", str(demo_folder), "-o", str(out), "--district", "玄武区",
                                 "--as-of", "2025/6/30", "--kinds", "社区党组织,unit",
                                 "--highlight", "none", "--include-personal"])
    assert result.exit_code == 0, result.output
    model = embedded(out)
    kg = gongjian.load(demo_folder)
    orgs = kg.active_orgs()
    expect = orgs[(orgs["district"] == "玄武区") & orgs["kind"].isin(["community", "unit"])]
    assert sorted(model["n"]["id"]) == sorted(expect["id"])
    assert model["asOf"] == "2025-06-30" and not any(model["n"]["f"])
    assert all(s is None or "*" in s for s in model["n"]["sec"])


def test_viz_split_and_report_commands(tmp_path, demo_folder):
    graph = tmp_path / "图.gjg"
    gongjian.save(gongjian.load(demo_folder), graph)
    result = runner.invoke(app, ["viz", str(graph), "-o", str(tmp_path / "pages"),
                                 "--split-by", "district", "--as-of", DEMO_AS_OF,
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    index = (tmp_path / "pages" / "index.html").read_text(encoding="utf-8")
    assert index.count('<a href="') == 3 and "Co-building network" in index
    result = runner.invoke(app, ["report", str(graph), "-o", str(tmp_path / "r.html"),
                                 "--as-of", DEMO_AS_OF])
    assert result.exit_code == 0, result.output
    report = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "党建孤岛" in report and "<svg" in report and "http://" not in report


def test_viz_errors_are_one_line(tmp_path, demo_folder):
    result = runner.invoke(app, ["viz", str(demo_folder), "-o", str(tmp_path / "x.html"),
                                 "--district", "火星区"])
    assert result.exit_code == 1
    assert "火星区" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.html").exists()


def test_marks_agree_with_the_analyses(tmp_path, demo_folder):
    kg = gongjian.load(demo_folder)
    model = embedded(gongjian.render(kg, tmp_path / "m.html", as_of=DEMO_AS_OF))
    flags = dict(zip(model["n"]["id"], model["n"]["f"], strict=True))
    islands = set(gongjian.islands(kg, as_of=DEMO_AS_OF)["id"])
    bridges = set(gongjian.bridges(kg, as_of=DEMO_AS_OF)["id"])
    clusters = gongjian.clusters(kg, as_of=DEMO_AS_OF)
    cross = {m for ms, ds in zip(clusters["members"], clusters["districts"], strict=True)
             if len(ds) >= 2 for m in ms}
    assert islands and bridges and cross
    assert {i for i, f in flags.items() if f & ISLAND} == islands
    assert {i for i, f in flags.items() if f & BRIDGE} == bridges
    assert {i for i, f in flags.items() if f & CROSS_CLUSTER} == cross
    index = model["n"]["id"].index(next(iter(sorted(islands))))
    assert model["notes"][str(index)]


def test_colour_by_cluster_and_cluster_focus(tmp_path, demo_folder):
    kg = gongjian.load(demo_folder)
    clusters = gongjian.clusters(kg, as_of=DEMO_AS_OF)
    first = clusters.iloc[0]
    model = embedded(gongjian.render(kg, tmp_path / "c.html", as_of=DEMO_AS_OF,
                                     cluster=first["cluster"], color_by="cluster"))
    assert sorted(model["n"]["id"]) == sorted(first["members"])
    assert len(set(model["n"]["c"])) == 1 and model["legend"][0][0].endswith(first["cluster"])
    by_district = embedded(gongjian.render(kg, tmp_path / "d.html", as_of=DEMO_AS_OF,
                                           color_by="district", highlight=()))
    assert [name for name, _ in by_district["legend"]] == by_district["districts"]
    assert len(set(by_district["n"]["c"])) == len(by_district["districts"])
