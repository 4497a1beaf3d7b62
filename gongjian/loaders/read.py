"""Read a ledger folder: find the files, read and check each table, then check across tables.

Examples
--------
>>> from pathlib import Path
>>> import gongjian
>>> ledger = read_ledger(Path(gongjian.__file__).parents[1] / "examples" / "ledger")
>>> len(ledger.party_orgs), len(ledger.errors)
(13, 0)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import pandas as pd

from gongjian.errors import LedgerError
from gongjian.loaders.config import load_config
from gongjian.loaders.discovery import find_tables
from gongjian.loaders.headers import locate_columns
from gongjian.loaders.ledger import Ledger, Problem
from gongjian.loaders.problems import REJECT_REASON, REJECT_ROW, REJECT_SHEET
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

__all__ = ["check", "ordered_problems", "problem_order", "read_ledger", "rejected_frame"]

Config = Path | str | Mapping[str, Any] | None


def rejected_frame(c: Checked) -> pd.DataFrame:
    """The rejected rows of a checked table as written, with their row number and reasons.

    Examples
    --------
    >>> import numpy as np
    >>> from gongjian.loaders.headers import locate_columns
    >>> from gongjian.loaders.sheet import RawSheet
    >>> grid = pd.DataFrame([["组织编码", "组织名称", "组织类别", "所属区"],
    ...                      ["A", "甲", "不是类别", "玄武区"]])
    >>> sheet = RawSheet("党组织.csv", grid, np.array([1, 2]), "utf-8", np.full(2, None))
    >>> c = check_table(sheet, "party_orgs", locate_columns(sheet, "party_orgs", {}))
    >>> rejected_frame(c)["source_row"].tolist()
    [2]
    """
    headers: list[str] = []
    for i, cell in enumerate(c.located.cells):
        name = cell or f"列{i + 1}"
        while name in headers or name in (REJECT_ROW, REJECT_REASON, REJECT_SHEET):
            name += "_"
        headers.append(name)
    raw = c.raw.loc[c.bad]
    frame = pd.DataFrame({h: raw[i].to_numpy() for i, h in enumerate(headers)})
    reasons: dict[tuple[str | None, int], list[str]] = {}
    for p in c.problems:
        if p.is_error and p.row is not None:
            reasons.setdefault((p.sheet, p.row), []).append(
                f"「{p.column}」{p.message}" if p.column else p.message)
    rows = c.rows[c.bad]
    frame.insert(0, REJECT_ROW, rows)
    if c.sheets is not None:
        frame.insert(0, REJECT_SHEET, c.sheets[c.bad])
    sheets = c.sheets[c.bad] if c.sheets is not None else [None] * len(rows)
    frame[REJECT_REASON] = ["；".join(reasons.get((s, int(r)), []))
                            for s, r in zip(sheets, rows, strict=True)]
    frame["source_row"] = pd.array(rows, dtype="Int64")
    return frame


def ordered_problems(c: Checked) -> list[Problem]:
    """The problems of a checked table by row, then by column as the sheet orders them."""
    return sorted(c.problems, key=problem_order(
        c.located.cells, c.sheets.tolist() if c.sheets is not None else []))


def problem_order(cells: Sequence[str], sheets: Iterable[object]) -> Callable[[Problem], tuple]:
    """The sort key of :func:`ordered_problems`: problems of no row first, then by sheet (in
    the order of ``sheets``, the sheet of each row), row, and column (in the order of the
    header ``cells``) — for a table checked in chunks, sorted again as a whole.

    Examples
    --------
    >>> from gongjian.loaders.problems import make
    >>> ps = [make("missing_value", "a.csv", "party_orgs", 3, "组织名称", None),
    ...       make("missing_value", "a.csv", "party_orgs", 3, "组织编码", None)]
    >>> [p.column for p in sorted(ps, key=problem_order(["组织编码", "组织名称"], []))]
    ['组织编码', '组织名称']
    """
    order = {h: i for i, h in enumerate(cells)}
    at = {s: i for i, s in enumerate(dict.fromkeys(sheets))}
    return lambda p: (p.row is not None, at.get(p.sheet, -1), p.row or 0,
                      order.get(p.column or "", -1))


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
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "党组织.csv").write_text(
    ...     "组织编码,组织名称,组织类别,所属区\\nA1,甲社区党委,社区党委,玄武区\\n"
    ...     "A2,乙单位党支部,单位党组织,玄武区\\n", encoding="utf-8")
    >>> _ = (folder / "共建关系.csv").write_text(
    ...     "甲方编码,乙方名称,关系类型\\nA1,乙单位党支部,结对共建\\nA1,丙,双报到\\n",
    ...     encoding="gbk")
    >>> ledger = read_ledger(folder)
    >>> ledger.relations[["source_id", "target_id", "type"]]
      source_id target_id     type
    0        A1        A2  pairing
    >>> [(p.row, p.column, p.code) for p in ledger.errors]   # 丙 is not in 党组织
    [(3, '乙方名称', 'unknown_name')]
    """
    folder = Path(path)
    files = find_tables(folder)
    cfg = load_config(folder, config)
    def read_and_check(key: str) -> Checked:
        sheet = read_sheet(files[key], key, max_bytes=cfg.max_bytes, mapping=cfg.mapping(key))
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
        ledger.rejected[key] = rejected_frame(c)
        ledger.problems.extend(ordered_problems(c))
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
    >>> import gongjian
    >>> examples = Path(gongjian.__file__).parents[1] / "examples" / "ledger"
    >>> [p.text() for p in check(examples) if p.is_error]
    []
    """
    return read_ledger(path, config=config).problems


