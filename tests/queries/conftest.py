"""Fixtures of the analyses' tests: small ledgers written as real files, the demo, graphs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import gongjian
from gongjian.graph.model import KnowledgeGraph
from gongjian.loaders.tables import TABLES
from gongjian.loaders.values import uscc_check_char


def uscc(n: int) -> str:
    """A valid 统一社会信用代码 numbered ``n``."""
    body = f"91320102MA{n:07d}"
    return body + uscc_check_char(body)


def write_ledger(folder: Path, *, party_orgs: list[dict], relations: list[dict] = (),
                 organizations: list[dict] | None = None) -> Path:
    """Write a ledger folder the way a 组织部 keeps it: CSV files with Chinese headers.

    Rows use the English column names; headers are written in Chinese, 党组织 as GB18030
    (what Excel writes on Chinese Windows), the others UTF-8 with BOM.
    """
    folder.mkdir(parents=True, exist_ok=True)

    def write(table: str, rows, encoding: str) -> None:
        cols = [c.name for c in TABLES[table].columns]
        df = pd.DataFrame(list(rows), columns=cols)
        df.columns = [TABLES[table].column(c).zh for c in cols]
        df.to_csv(folder / f"{TABLES[table].zh}.csv", index=False, encoding=encoding)

    write("party_orgs", party_orgs, "gb18030")
    write("relations", relations, "utf-8-sig")
    if organizations is not None:
        write("organizations", organizations, "utf-8-sig")
    return folder


def org(id_: str, kind: str, *, district: str = "玄武区", street: str | None = "新街口街道",
        community: str | None = None, **extra) -> dict:
    """One 党组织 row; the name is made from the id; kind as a Chinese value."""
    from gongjian import schema

    return {"id": id_, "name": f"{id_}党组织", "kind": schema.PARTY_KINDS[kind].zh,
            "district": district, "street": street, "community": community, **extra}


def tie(a: str, b: str, type_: str = "结对共建", **extra) -> dict:
    return {"source_id": a, "target_id": b, "type": type_, **extra}


def graph(orgs: list[tuple], edges: list[tuple]) -> KnowledgeGraph:
    """A graph in memory: ``orgs`` as (id, kind, district), ``edges`` as (a, b)."""
    return KnowledgeGraph.from_frames(
        party_orgs=pd.DataFrame({"id": [o[0] for o in orgs], "name": [o[0] for o in orgs],
                                 "kind": [o[1] for o in orgs],
                                 "district": [o[2] for o in orgs]}),
        relations=pd.DataFrame({"source_id": [a for a, _ in edges],
                                "target_id": [b for _, b in edges],
                                "type": ["pairing"] * len(edges)}))


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> tuple[KnowledgeGraph, dict]:
    """The demo graph (real files through the loaders) and its planted truth."""
    from gongjian.demo import write_demo

    folder = write_demo(tmp_path_factory.mktemp("demo"))
    truth = json.loads((folder / "ground_truth.json").read_text("utf-8"))
    return gongjian.load(folder), truth


@pytest.fixture(scope="session")
def demo_folder(demo, tmp_path_factory) -> Path:
    """The demo saved as a graph file, for the command line."""
    from gongjian.graph.io import save

    return save(demo[0], tmp_path_factory.mktemp("demo_graph") / "demo.gjg")
