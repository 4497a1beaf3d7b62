"""Read a ledger folder: find the files, read and check each table, then check across tables.

Examples
--------
>>> ledger = read_ledger("examples/ledger")                  # doctest: +SKIP
>>> len(ledger.party_orgs), len(ledger.errors)               # doctest: +SKIP
(12, 0)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import pandas as pd

from gongjian.errors import LedgerError
from gongjian.loaders.config import load_config
from gongjian.loaders.discovery import find_tables
from gongjian.loaders.headers import locate_columns
from gongjian.loaders.ledger import Ledger, Problem
from gongjian.loaders.problems import REJECT_REASON, REJECT_ROW
from gongjian.loaders.references import (
    check_coverage,
    check_lists,
    check_party_refs,
    check_regions,
    resolve_relations,
)
from gongjian.loaders.sheet import read_sheet
from gongjian.loaders.validate import Checked, check_table
from gongjian.progress import progress

__all__ = ["check", "read_ledger"]

Config = Path | str | Mapping[str, Any] | None


def _rejected_frame(c: Checked) -> pd.DataFrame:
    """The rejected rows as written, with their row number and reasons."""
    headers: list[str] = []
    for i, cell in enumerate(c.located.cells):
        name = cell or f"列{i + 1}"
        while name in headers or name in (REJECT_ROW, REJECT_REASON):
            name += "_"
        headers.append(name)
    raw = c.raw.loc[c.bad]
    frame = pd.DataFrame({h: raw[i].to_numpy() for i, h in enumerate(headers)})
    reasons: dict[int, list[str]] = {}
    for p in c.problems:
        if p.is_error and p.row is not None:
            reasons.setdefault(p.row, []).append(f"「{p.column}」{p.message}" if p.column
                                                 else p.message)
    rows = c.rows[c.bad]
    frame.insert(0, REJECT_ROW, rows)
    frame[REJECT_REASON] = ["；".join(reasons.get(int(r), [])) for r in rows]
    frame["source_row"] = pd.array(rows, dtype="Int64")
    return frame


def _ordered(c: Checked) -> list[Problem]:
    order = {h: i for i, h in enumerate(c.located.cells)}
    return sorted(c.problems, key=lambda p: (p.row or 0, order.get(p.column or "", -1)))


def read_ledger(path: Path | str, *, config: Config = None, strict: bool = False) -> Ledger:
    """Read and check the ledger folder ``path``; rows with errors are left out.

    Parameters
    ----------
    path
        The ledger folder (党组织, 共建关系 and optional 两新组织, 楼宇园区, 区域 files).
    config
        A ``gongjian.toml`` file or a mapping; default the folder's own ``gongjian.toml``.
    strict
        Raise :class:`LedgerError` when any row has an error (nothing is loaded).

    Returns
    -------
    Ledger
        Typed tables of the good rows, every problem, and the rejected rows.

    Examples
    --------
    >>> ledger = read_ledger("examples/ledger")                  # doctest: +SKIP
    >>> ledger.relations[["source_id", "target_id", "type"]]     # doctest: +SKIP
    """
    folder = Path(path)
    files = find_tables(folder)
    cfg = load_config(folder, config)
    def read_and_check(key: str) -> Checked:
        sheet = read_sheet(files[key], key, max_bytes=cfg.max_bytes)
        return check_table(sheet, key, locate_columns(sheet, key, cfg.mapping(key)))

    # Tables are independent until the checks across them, and most of the work is in
    # Arrow kernels that release the GIL: two threads read two tables at once, the
    # largest files first.
    largest_first = sorted(files, key=lambda k: -_size(files[k]))
    with progress("读取台账 reading ledger", total=len(files)) as advance, \
            ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        futures = {key: pool.submit(read_and_check, key) for key in largest_first}
        for _ in as_completed(futures.values()):
            advance(1)
    # the first bad file in the folder's order is the one reported, as when read in turn
    checked = {key: futures[key].result() for key in files}
    orgs = checked["party_orgs"]
    check_party_refs(orgs)
    resolve_relations(checked["relations"], orgs)
    if "organizations" in checked:
        check_coverage(checked["organizations"], orgs)
    if "regions" in checked:
        check_regions(checked["regions"])
    check_lists(checked, orgs)
    ledger = Ledger(root=folder, files=files)
    for key, c in checked.items():
        setattr(ledger, key, c.data.loc[~c.bad].reset_index(drop=True))
        ledger.rejected[key] = _rejected_frame(c)
        ledger.problems.extend(_ordered(c))
    if strict and ledger.errors:
        errors = ledger.errors
        first = "；".join(p.text() for p in errors[:3])
        raise LedgerError(f"台账有 {len(errors)} 处错误（严格模式下不载入任何数据）：{first}"
                          f"{' …' if len(errors) > 3 else ''} "
                          f"({len(errors)} errors in the ledger; strict mode loads nothing)")
    return ledger


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def check(path: Path | str, *, config: Config = None) -> list[Problem]:
    """Every problem of the ledger folder ``path`` (errors and warnings, file by file).

    Examples
    --------
    >>> [p.text() for p in check("examples/ledger") if p.is_error]   # doctest: +SKIP
    []
    """
    return read_ledger(path, config=config).problems


