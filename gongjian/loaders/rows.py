"""Rows below the header that are not data: totals, notes and signatures, a unit row, Ctrl-Z.

Offices add them to the tables they fill by hand; they are skipped with a warning that
names the row, never an error. The guess is conservative: a row is skipped only when its
first non-empty cell says what it is, and the table's key columns (ids, names, codes) are
empty or hold that same cell (a note merged across the row), so that an organization named
``合计`` or ``注：…`` with an id is still data.

- totals: the first non-empty cell is 合计, 总计, 小计 or 共计 (spaces, a colon or a note in
  brackets around it allowed: ``合  计``, ``小计（新街口街道）``);
- notes and signatures: it starts with 填表说明, 注：, 备注：, 说明：, 制表人, 填表人, 填报人,
  审核人, 负责人, 联系人, 联系电话, 填报单位, 填报日期, 制表日期 or 填表日期;
- a unit row: the first row under the header whose cells are all units in brackets
  (``（人）``, ``(个)``);
- an end-of-file mark: the row holds nothing but Ctrl-Z (``\\x1a``), as old DOS-era CSV
  exports end.

Examples
--------
>>> import pandas as pd
>>> grid = pd.DataFrame({0: ["（个）", "A1", "合 计", "填表说明：编码必填", "\\x1a"],
...                      1: ["（人）", "甲", "", "", ""], 2: ["", "12", "12", "", ""]})
>>> non_data_rows(grid, {"id": 0, "name": 1, "members": 2}).tolist()
['skipped_unit', None, 'skipped_total', 'skipped_note', 'skipped_eof']
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["KEY_COLUMNS", "non_data_rows"]

#: Columns that identify a row: a row holding data has one of them filled.
KEY_COLUMNS = ("id", "name", "uscc", "code", "source_id", "source_name", "target_id",
               "target_name")

_TOTAL = re.compile(r"^(?:合计|总计|小计|共计)[:：]?(?:[（(][^）)]*[）)])?[:：]?$")
_NOTE = re.compile(r"^(?:填表说明|注[:：]|备注[:：]|说明[:：]|制表人|填表人|填报人|审核人|"
                   r"负责人|联系人|联系电话|填报单位|填报日期|制表日期|填表日期)")
_UNIT = re.compile(r"^[（(][^（）()]{1,8}[）)]$")
# Cheap first test over a whole column: could this cell start a row that is not data?
_MAYBE = r"^\s*(?:[合总小共注备说制填审负联（(]|\x1a)"
_SPACE = re.compile(r"\s+")


def _kind(first: str, unit_row: bool) -> str | None:
    text = _SPACE.sub("", first)
    if text.strip("\x1a") == "" and "\x1a" in first:
        return "skipped_eof"
    if _TOTAL.match(text):
        return "skipped_total"
    if _NOTE.match(text):
        return "skipped_note"
    if unit_row and _UNIT.match(text):
        return "skipped_unit"
    return None


def non_data_rows(grid: pd.DataFrame, positions: dict[str, int]) -> np.ndarray:
    """For each row of ``grid`` (the rows under the header, blank rows removed), the reason
    code it is not data for (``skipped_total``, ``skipped_note``, ``skipped_unit``,
    ``skipped_eof``), else None. ``positions`` maps the table's columns to grid columns.

    Only the rows whose first non-empty cell could say so are looked at one by one.
    """
    n = len(grid)
    out = np.full(n, None, dtype=object)
    if not n or grid.shape[1] == 0:
        return out
    maybe = np.zeros(n, dtype=bool)
    seen = np.zeros(n, dtype=bool)
    for col in grid.columns:
        text = grid[col]
        filled = text.str.strip().ne("").fillna(False).to_numpy(dtype=bool) | \
            text.str.contains("\x1a", regex=False).fillna(False).to_numpy(dtype=bool)
        if filled.any():
            first_here = filled & ~seen
            if first_here.any():
                maybe[first_here] = text[first_here].str.contains(
                    _MAYBE, regex=True).fillna(False).to_numpy(dtype=bool)
            seen |= filled
        if seen.all():
            break
    keys = [positions[k] for k in KEY_COLUMNS if k in positions]
    for i in np.flatnonzero(maybe):
        cells = [str(v) for v in grid.iloc[i]]
        first_pos = next(p for p, v in enumerate(cells) if v.strip() or "\x1a" in v)
        first = cells[first_pos]
        filled = [v for v in cells if v.strip()]
        unit_row = i == 0 and bool(filled) and all(_UNIT.match(_SPACE.sub("", v)) for v in filled)
        kind = _kind(first, unit_row)
        if kind is None:
            continue
        if kind == "skipped_eof" and any(v.strip("\x1a").strip() for v in cells):
            continue
        if kind in ("skipped_total", "skipped_note") and any(
                p != first_pos and cells[p].strip() and _kind(cells[p], False) is None
                for p in keys if p < len(cells)):
            continue
        out[i] = kind
    return out
