"""Static checks of the written files: self-contained, safe, UTF-8, private fields hidden."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from gongjian.viz import VizError, export_network, render, write_split
from gongjian.viz.page import PageView
from tests.viz.conftest import AS_OF, HOSTILE, city

NO_MARKS = ()


def embedded(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="gj-data">(.*?)</script>', html, re.S)
    assert block, "no data block"
    return json.loads(block.group(1))


def assert_self_contained(html: str) -> None:
    lower = html.lower()
    for needle in ("http://", "https://", "//cdn"):
        assert needle not in lower, needle
    markup = re.sub(r"(<script[^>]*>).*?</script>", r"\1</script>", lower, flags=re.S)
    for needle in ("<link", " src=", "@import", "url("):
        assert needle not in markup, needle
    assert re.search(r'<meta http-equiv="Content-Security-Policy" content="default-src '
                     r'&#39;none&#39;; script-src &#39;unsafe-inline&#39;; style-src '
                     r'&#39;unsafe-inline&#39;; img-src data:', html)
    assert '<meta charset="utf-8">' in html


def test_page_is_self_contained_utf8_and_counts_match(tmp_path, small_kg):
    path = render(small_kg, tmp_path / "网络.html", as_of=AS_OF, highlight=NO_MARKS)
    raw = path.read_bytes()
    html = raw.decode("utf-8")
    assert_self_contained(html)
    model = embedded(html)
    layer = small_kg.co_building_arrays(AS_OF)
    assert len(model["n"]["id"]) == layer.n
    assert len(model["e"]["s"]) == len(layer.source)
    assert "vis-network" in html and "区域化党建共建关系网络" in html


def test_written_as_utf8_under_a_c_locale(tmp_path):
    script = ("import sys; sys.path.insert(0, '.'); from tests.viz.conftest import city; "
              "from gongjian.viz import render; "
              f"render(city(1, 3), {str(tmp_path / 'c.html')!r}, highlight=())")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0",
           "PYTHONIOENCODING": "ascii"}
    subprocess.run([sys.executable, "-c", script], check=True, env=env,
                   cwd=Path(__file__).resolve().parents[2])
    assert "玄武区第0街道党工委" in (tmp_path / "c.html").read_bytes().decode("utf-8")


def test_hostile_names_never_reach_the_markup(tmp_path, small_kg):
    html = render(small_kg, tmp_path / "h.html", as_of=AS_OF, highlight=NO_MARKS) \
        .read_text(encoding="utf-8")
    data_start = html.index('id="gj-data">')
    data_end = html.index("</script>", data_start)
    assert html.count("</script>") == 3  # the data, vis-network, the page's own script
    for name in HOSTILE.values():
        assert "<" not in name or name not in html
    block = html[data_start:data_end]
    assert "<" not in block[len('id="gj-data">'):] and "\u2028" not in block
    names = embedded(html)["n"]["name"]
    assert set(HOSTILE.values()) <= set(names)
    assert "49" not in names


def test_personal_fields_absent_masked_or_unmasked(tmp_path):
    kg = city(1, 3)
    plain = render(kg, tmp_path / "a.html", highlight=NO_MARKS).read_text(encoding="utf-8")
    assert "张三丰" not in plain and "13812345678" not in plain and "张*" not in plain
    assert "sec" not in embedded(plain)["n"]
    masked = render(kg, tmp_path / "b.html", highlight=NO_MARKS, include_personal=True) \
        .read_text(encoding="utf-8")
    assert "张三丰" not in masked and "13812345678" not in masked
    assert "张**" in embedded(masked)["n"]["sec"] and "138****5678" in embedded(masked)["n"]["ph"]
    shown = render(kg, tmp_path / "c.html", highlight=NO_MARKS, include_personal=True,
                   unmasked=True).read_text(encoding="utf-8")
    assert "张三丰" in embedded(shown)["n"]["sec"]


def test_focus_options_select_the_right_organizations(small_kg):
    def ids(**kw):
        view = render(small_kg, as_of=AS_OF, highlight=NO_MARKS, **kw)
        assert isinstance(view, PageView)
        return set(embedded(view.html)["n"]["id"])

    orgs = small_kg.party_orgs
    assert ids(district="秦淮区") == set(orgs.loc[orgs["district"] == "秦淮区", "id"])
    assert ids(street="第1街道", district="玄武区") == {
        i for i in orgs["id"] if i.startswith("玄武S1")}
    assert ids(around="玄武S0-1", depth=1) == {"玄武S0-1", "玄武S0", "秦淮S0-1"}
    assert ids(around="玄武S0-1", depth=2) >= {"玄武S1", "h4", "秦淮S0"} - {"玄武S1"}
    assert ids(kinds=["street"]) == set(orgs.loc[orgs["kind"] == "street", "id"])
    assert ids(kinds=["社区党组织"]) == set(orgs.loc[orgs["kind"] == "community", "id"])


def test_ended_ties_are_not_drawn(small_kg):
    view = render(small_kg, as_of=AS_OF, highlight=NO_MARKS, district="玄武区")
    model = embedded(view.html)
    index = {v: i for i, v in enumerate(model["n"]["id"])}
    pairs = {frozenset((s, t)) for s, t in zip(model["e"]["s"], model["e"]["t"], strict=True)}
    assert frozenset((index["玄武S0-2"], index["玄武S1"])) not in pairs
    earlier = embedded(render(small_kg, as_of="2020-06-01", highlight=NO_MARKS).html)
    index = {v: i for i, v in enumerate(earlier["n"]["id"])}
    assert frozenset((index["玄武S0-2"], index["玄武S1"])) in \
        {frozenset(p) for p in zip(earlier["e"]["s"], earlier["e"]["t"], strict=True)}


def test_bad_focus_is_a_clear_error(small_kg):
    with pytest.raises(VizError, match="浦口区"):
        render(small_kg, highlight=NO_MARKS, district="浦口区")
    with pytest.raises(VizError, match="玄武区第0街道组织1"):
        render(small_kg, highlight=NO_MARKS, around="玄武区第0街道组织")
    with pytest.raises(VizError, match="unknown kind"):
        render(small_kg, highlight=NO_MARKS, kinds=["martian"], lang="en")
    with pytest.raises(VizError):
        render(small_kg, highlight=("islands", "volcanoes"))


def test_big_pages_aggregate_streets_then_districts(small_kg):
    by_street = embedded(render(small_kg, as_of=AS_OF, highlight=NO_MARKS, max_nodes=10).html)
    assert by_street["mode"] == "street"
    assert sum(by_street["n"]["size"]) == small_kg.co_building_arrays(AS_OF).n
    assert len(by_street["n"]["id"]) == 6
    pairs = zip(by_street["e"]["s"], by_street["e"]["t"], strict=True)
    cross = dict(zip(pairs, by_street["e"]["w"], strict=True))
    names = by_street["n"]["name"]
    a, b = names.index("玄武区 第0街道"), names.index("秦淮区 第0街道")
    assert cross[(min(a, b), max(a, b))] == 1
    by_district = embedded(render(small_kg, as_of=AS_OF, highlight=NO_MARKS, max_nodes=5).html)
    assert by_district["mode"] == "district" and by_district["n"]["name"] == ["玄武区", "秦淮区"]


def test_split_pages_and_index(tmp_path, small_kg):
    index = write_split(small_kg, tmp_path / "out", by="district", as_of=AS_OF,
                        highlight=NO_MARKS)
    html = index.read_text(encoding="utf-8")
    assert_self_contained(html)
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', html)
    assert [name for _, name in links] == ["玄武区", "秦淮区"]
    total = 0
    for href, _ in links:
        page = (index.parent / href).read_text(encoding="utf-8")
        assert_self_contained(page)
        total += len(embedded(page)["n"]["id"])
    assert total == small_kg.co_building_arrays(AS_OF).n


@pytest.mark.parametrize("max_nodes", [3000, 3])
def test_pages_of_a_split_equal_pages_drawn_alone(demo_kg, max_nodes):
    """Each page of a split takes its edges from one pass (``edges_by_group``); it is the
    page the organizations would give alone, ties, lists and dormant marks included."""
    import numpy as np

    from gongjian.viz.context import prepare, select
    from gongjian.viz.model import edges_by_group, page_model

    ctx = prepare(demo_kg, as_of=AS_OF)
    base = select(ctx)
    orgs = ctx.orgs.iloc[base]
    keys = (orgs["district"].astype(str) + " " + orgs["street"].astype(str)).to_numpy()
    names, group = np.unique(keys, return_inverse=True)
    edges, bounds = edges_by_group(ctx, base, group)
    assert len(names) > 3 and bounds[-1] > 0
    for g in range(len(names)):
        nodes = np.sort(base[group == g])
        alone = page_model(ctx, nodes, title="t", max_nodes=max_nodes)
        split = page_model(ctx, nodes, title="t", max_nodes=max_nodes,
                           edges=edges[bounds[g]:bounds[g + 1]])
        assert split == alone


def test_jupyter_view_escapes_the_page(small_kg):
    view = render(city(1, 2, hostile=True), highlight=NO_MARKS)
    shown = view._repr_html_()
    assert shown.startswith("<iframe srcdoc=\"") and shown.count("<") == 2
    assert "&lt;script" in shown and 'sandbox="allow-scripts"' in shown


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_export_round_trips_with_kinds_colours_positions(tmp_path, small_kg, fmt):
    path = export_network(small_kg, tmp_path / f"g.{fmt}", fmt, as_of=AS_OF)
    g = (nx.read_gexf if fmt == "gexf" else nx.read_graphml)(path)
    layer = small_kg.co_building_arrays(AS_OF)
    assert g.number_of_nodes() == layer.n and g.number_of_edges() == len(layer.source)
    node = g.nodes["玄武S0"]
    assert node["kind"] == "street" and node["kind_label"] == "街道党工委"
    assert node["district"] == "玄武区" and node["color"] == "#c0392b"
    assert "secretary" not in node and "phone" not in node
    assert g.nodes["h1"]["label"] == HOSTILE["h1"]
    text = path.read_text(encoding="utf-8")
    if fmt == "gexf":
        assert "<viz:color" in text and "<viz:position" in text
        assert node["viz"]["color"]["r"] == 0xC0
    else:
        assert isinstance(node["x"], float)


def test_key_bridges_are_the_first_by_importance_and_few(demo_kg_model):
    from gongjian.viz.context import BRIDGE, KEY_BRIDGE, key_bridge_limit

    ctx, model = demo_kg_model
    flags = model["n"]["f"]
    n = len(flags)
    key = [i for i, f in enumerate(flags) if f & KEY_BRIDGE]
    every = [i for i, f in enumerate(flags) if f & BRIDGE]
    assert len(key) == min(len(every), key_bridge_limit(n)) <= max(20, n // 20)
    assert set(key) <= set(every)
    rank = ctx.bridge_rank
    worst_key = max(rank[i] for i in key)
    assert all(rank[i] > worst_key for i in set(every) - set(key))
    assert model["bridges"] == {"key": len(key), "all": len(every), "limit": key_bridge_limit(n)}


def test_layout_groups_districts_and_gathers_islands(demo_kg_model):
    from gongjian.viz.context import ISLAND

    _, model = demo_kg_model
    n = model["n"]
    areas = {a[1]: a for a in model["areas"]}
    assert set(areas) == set(model["districts"]) | {"党建孤岛"}
    for i, (x, y) in enumerate(zip(n["x"], n["y"], strict=True)):
        home = areas["党建孤岛"] if n["f"][i] & ISLAND else areas[model["districts"][n["d"][i]]]
        assert home[2] <= x <= home[4] and home[3] <= y <= home[5], n["name"][i]
    boxes = list(areas.values())
    for k, a in enumerate(boxes):  # the areas do not overlap
        for b in boxes[k + 1:]:
            assert a[4] <= b[2] or b[4] <= a[2] or a[5] <= b[3] or b[5] <= a[3]


def test_printed_picture_names_do_not_overlap(demo_kg_model):
    from gongjian.viz.static import WIDTH, network_picture, text_width

    _, model = demo_kg_model
    pic = network_picture(model)
    assert pic["width"] == WIDTH and len(pic["dots"]) == len(model["n"]["id"])
    boxes = [(lb["x"], lb["y"] - pic["label_px"], lb["x"] + text_width(lb["text"], pic["label_px"]),
              lb["y"]) for lb in pic["labels"] if lb["kind"] == "node"]
    assert len(boxes) > 30
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            assert not (a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5
                        and b[1] < a[3] - 0.5), (a, b)


@pytest.fixture(scope="module")
def demo_kg_model(demo_kg):
    from gongjian.demo import DEMO_AS_OF
    from gongjian.viz.context import prepare, select
    from gongjian.viz.model import page_model

    ctx = prepare(demo_kg, as_of=DEMO_AS_OF)
    return ctx, page_model(ctx, select(ctx), title="t")
