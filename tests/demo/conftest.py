"""Fixtures of the demo tests: the demo folder written once, and its files read back plainly."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from gongjian.demo import DEMO_AS_OF, write_demo


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def truth(demo_dir) -> dict:
    return json.loads((demo_dir / "ground_truth.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def raw(demo_dir) -> dict[str, pd.DataFrame]:
    """The demo files read with pandas alone (not the project's loaders), all as text."""
    read = {"dtype": str, "keep_default_na": False}
    return {
        "party_orgs": pd.read_excel(demo_dir / "党组织.xlsx", engine="openpyxl", **read),
        "relations": pd.read_csv(demo_dir / "共建关系.csv", encoding="utf-8-sig", **read),
        "organizations": pd.read_csv(demo_dir / "两新组织.csv", encoding="gbk", **read),
        "sites": pd.read_excel(demo_dir / "楼宇园区.xlsx", engine="openpyxl", **read),
        "regions": pd.read_csv(demo_dir / "区域.csv", encoding="utf-8-sig", **read),
        "needs": pd.read_csv(demo_dir / "需求清单.csv", encoding="utf-8-sig", **read),
        "resources": pd.read_excel(demo_dir / "资源清单.xlsx", engine="openpyxl", **read),
        "projects": pd.read_excel(demo_dir / "项目清单.xlsx", engine="openpyxl", **read),
        "activities": pd.read_csv(demo_dir / "活动记录.csv", encoding="utf-8-sig", **read),
    }


def active_layer(raw: dict[str, pd.DataFrame], as_of=DEMO_AS_OF) -> nx.Graph:
    """The co-building layer on ``as_of``, computed straight from the relation rows."""
    orgs = raw["party_orgs"]
    live = orgs[orgs["状态"] != "已撤销"]
    by_name = dict(zip(orgs["组织名称"], orgs["组织编码"], strict=True))
    g = nx.Graph()
    g.add_nodes_from(live["组织编码"])
    day = pd.Timestamp(as_of)
    for r in raw["relations"].itertuples(index=False):
        a = r[0] or by_name[r[1]]
        b = r[2] or by_name[r[3]]
        end = pd.Timestamp(r[6]) if r[6] else None
        if end is not None and end < day:
            continue
        if a in g and b in g:
            g.add_edge(a, b)
    return g


@pytest.fixture(scope="session")
def layer(raw) -> nx.Graph:
    return active_layer(raw)
