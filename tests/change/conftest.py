"""Fixtures of the change tests: two ledgers a period apart with every kind of change planted.

The ledgers are written as real files (CSV with Chinese headers, 党组织 in GB18030) and read
through the loaders, as a 组织部 would keep them.

Planted, both analysed on :data:`AS_OF`:

- main component (all 玄武区): old ``S1–C1, C1–U1, C1–U3, U1–U4, S1–U7, C1–U7``, ``U2``
  alone; new ``S1–C1, C1–U1, S1–U1, C1–U2, U2–N1`` (``U3`` 已撤销, ``U4`` gone from the
  ledger, both ties of ``U7`` ended on 2025-03-31, ``N1`` and ``N2`` new, ``N2`` alone);
- ``K1*`` and ``K2*``: two 4-cliques. ``K1`` spans 玄武区 and 秦淮区 in the old ledger, lies
  in 玄武区 alone in the new one; ``K2`` the other way round;
- 两新组织 of 玄武区: ``F1`` uncovered → 联合组建, ``F2`` 单独组建 (50 % → 100 %); 秦淮区 unchanged.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from gongjian import schema
from gongjian.loaders.tables import TABLES
from gongjian.loaders.values import uscc_check_char

AS_OF = "2025-06-30"
XW, QH = "玄武区", "秦淮区"

#: Every change planted in the two ledgers, as (change, id).
EXPECTED: set[tuple[str, str]] = {
    ("org_new", "N1"), ("org_new", "N2"),
    ("org_dissolved", "U3"), ("org_dissolved", "U4"),
    ("tie_new", "C1|U2"), ("tie_new", "S1|U1"), ("tie_new", "N1|U2"),
    ("tie_ended", "C1|U3"), ("tie_ended", "U1|U4"), ("tie_ended", "C1|U7"),
    ("tie_ended", "S1|U7"),
    ("island_new", "U7"), ("island_new", "N2"),
    ("island_resolved", "U2"),
    ("bridge_new", "U2"), ("bridge_lost", "U1"),
    ("cluster_new", "C001"), ("cluster_gone", "C001"),
    ("coverage_change", XW),
}


def uscc(n: int) -> str:
    """A valid 统一社会信用代码 numbered ``n``."""
    body = f"91320102MA{n:07d}"
    return body + uscc_check_char(body)


def write_ledger(folder: Path, *, party_orgs: list[dict], relations: list[dict],
                 organizations: list[dict] | None = None) -> Path:
    """Write a ledger folder: CSV files with Chinese headers."""
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


def org(id_: str, kind: str, district: str = XW, **extra) -> dict:
    """One 党组织 row, the name made from the id, the kind as its Chinese label."""
    return {"id": id_, "name": f"{id_}党组织", "kind": schema.PARTY_KINDS[kind].zh,
            "district": district, "street": "玄武门街道" if district == XW else "夫子庙街道",
            **extra}


def tie(a: str, b: str, **extra) -> dict:
    return {"source_id": a, "target_id": b, "type": "结对共建", **extra}


def firm(n: int, district: str, coverage: str) -> dict:
    return {"uscc": uscc(n), "name": f"企业{n}", "type": "非公企业", "district": district,
            "party_members": 1, "employees": 10, "coverage": coverage}


def clique(prefix: str, districts: list[str]) -> tuple[list[dict], list[dict]]:
    ids = [f"{prefix}{c}" for c in "abcd"]
    kinds = ["community", "unit", "unit", "unit"]
    orgs = [org(i, k, d) for i, k, d in zip(ids, kinds, districts, strict=True)]
    return orgs, [tie(a, b) for a, b in combinations(ids, 2)]


def old_ledger(folder: Path) -> Path:
    k1, k1_ties = clique("K1", [XW, XW, QH, QH])
    k2, k2_ties = clique("K2", [XW, XW, XW, XW])
    orgs = [org("S1", "street"), org("C1", "community"),
            *(org(f"U{i}", "unit") for i in (1, 2, 3, 4, 7)), *k1, *k2]
    ties = [tie("S1", "C1"), tie("C1", "U1"), tie("C1", "U3"), tie("U1", "U4"),
            tie("S1", "U7", end="2025-12-31"), tie("C1", "U7", end="2025-12-31"),
            *k1_ties, *k2_ties]
    firms = [firm(1, XW, "未覆盖"), firm(2, XW, "单独组建"), firm(3, QH, "单独组建")]
    return write_ledger(folder, party_orgs=orgs, relations=ties, organizations=firms)


def new_ledger(folder: Path) -> Path:
    k1, k1_ties = clique("K1", [XW, XW, XW, XW])
    k2, k2_ties = clique("K2", [XW, XW, QH, QH])
    orgs = [org("S1", "street"), org("C1", "community"),
            *(org(f"U{i}", "unit") for i in (1, 2, 7)), org("U3", "unit", status="已撤销"),
            org("N1", "unit"), org("N2", "unit"), *k1, *k2]
    ties = [tie("S1", "C1"), tie("C1", "U1"), tie("S1", "U1"), tie("C1", "U2"),
            tie("U2", "N1"), tie("C1", "U3"),
            tie("S1", "U7", end="2025-03-31"), tie("C1", "U7", end="2025-03-31"),
            *k1_ties, *k2_ties]
    firms = [firm(1, XW, "联合组建"), firm(2, XW, "单独组建"), firm(3, QH, "单独组建")]
    return write_ledger(folder, party_orgs=orgs, relations=ties, organizations=firms)


@pytest.fixture(scope="session")
def ledgers(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("change")
    return old_ledger(root / "2024年台账"), new_ledger(root / "2025年台账")


def dated_ledger(folder: Path) -> Path:
    """One ledger whose ties and organizations change between 2025-01-01 and 2025-06-30.

    ``S1–C1`` always; ``C1–U1`` ends 2025-02-28; ``U2`` founded 2025-03-01, tied to ``C1``
    from 2025-03-15; ``U1–U3`` always (``U1``, ``U3`` are cut off from the axis once
    ``C1–U1`` ends).
    """
    orgs = [org("S1", "street"), org("C1", "community"), org("U1", "unit"),
            org("U2", "unit", founded="2025-03-01"), org("U3", "unit")]
    ties = [tie("S1", "C1"), tie("C1", "U1", end="2025-02-28"),
            tie("C1", "U2", start="2025-03-15"), tie("U1", "U3")]
    return write_ledger(folder, party_orgs=orgs, relations=ties)


#: What changes in :func:`dated_ledger` from 2025-01-01 to 2025-06-30.
DATED_EXPECTED: set[tuple[str, str]] = {
    ("org_new", "U2"), ("tie_new", "C1|U2"), ("tie_ended", "C1|U1"),
    ("island_new", "U1"), ("island_new", "U3"), ("island_resolved", "U2"),
    ("bridge_lost", "U1"),
}
