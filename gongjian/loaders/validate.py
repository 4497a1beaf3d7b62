"""Validate one table file column by column: required values, types, choices, uniqueness.

:func:`check_table` turns the raw text cells of a :class:`~gongjian.loaders.sheet.RawSheet`
into the typed table of the ledger contract, and marks the rows with errors. It is
vectorized over columns; only the rows that fail are visited one by one, to word their
problems. Checks that need another table (relation ends, covering organizations) are in
:mod:`gongjian.loaders.references`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gongjian.loaders.headers import Located
from gongjian.loaders.ledger import NAME_ENDS, Problem
from gongjian.loaders.problems import make
from gongjian.loaders.rows import non_data_rows
from gongjian.loaders.sheet import RawSheet
from gongjian.loaders.tables import CHOICES, TABLES
from gongjian.loaders.values import (
    choice_column,
    clean_text,
    date_column,
    int_column,
    list_column,
    number_column,
    uscc_check_char,
    uscc_column,
)
from gongjian.schema import LEVELS

__all__ = ["DROPPED", "MAX_TEXT", "ORG_END", "UNIQUE", "Checked", "DataRows", "check_table",
           "check_unique", "data_rows"]

#: Longest text a cell may hold (characters); a longer one is an error at check.
MAX_TEXT = 10_000

#: The column that must be unique in each table.
UNIQUE: dict[str, str] = {"party_orgs": "id", "organizations": "uscc", "sites": "name",
                          "regions": "code", "needs": "id", "resources": "id", "projects": "id"}
#: Columns read and checked but not kept in the typed table (ends resolved to ids).
DROPPED: dict[str, tuple[str, ...]] = NAME_ENDS
_DTYPES = {"int": "Int64", "number": "Float64", "date": "datetime64[s]", "list": object}
#: Tables whose organization end is one id/name pair: (id column, name column, 中文, English).
ORG_END: dict[str, tuple[str, str, str, str]] = {
    "needs": ("org_id", "org_name", "提出组织", "organization"),
    "resources": ("org_id", "org_name", "提供组织", "organization"),
    "projects": ("lead_id", "lead_name", "牵头组织", "lead organization"),
}


@dataclass
class Checked:
    """One table read and checked: typed rows, raw rows, row numbers, errors."""

    key: str
    file: str
    located: Located
    data: pd.DataFrame
    raw: pd.DataFrame
    rows: np.ndarray
    bad: np.ndarray
    problems: list[Problem] = field(default_factory=list)
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    sheets: np.ndarray | None = None

    def header(self, name: str) -> str:
        """The header of column ``name`` as written in the file."""
        return self.located.header(name)

    def report(self, mask: Any, code: str, column: str | None,
               value: Callable[[int], Any] | None = None,
               fields: Callable[[int], dict] | None = None,
               header: str | None = None) -> None:
        """Add a problem with reason ``code`` for every row where ``mask`` is true.

        Errors also mark the row as bad. ``value(i)`` and ``fields(i)`` give the value
        and message fields of row position ``i`` (default: the raw cell of ``column``);
        ``header`` names the column when it is not one of the table's.
        """
        where = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(where):
            return
        header = self.header(column) if column else header
        raw = self.raw_column(column) if column and value is None else None
        for i in where:
            v = value(i) if value else (raw[i] if raw is not None else None)
            p = make(code, self.file, self.key, self.rows[i], header, v,
                     sheet=None if self.sheets is None else self.sheets[i],
                     **(fields(i) if fields else {}))
            self.problems.append(p)
            if p.is_error:
                self.bad[i] = True

    def raw_column(self, name: str) -> np.ndarray:
        """The raw cells (as written) of column ``name``, or empty cells when absent."""
        pos = self.located.positions.get(name)
        if pos is None:
            return np.full(len(self.rows), None, dtype=object)
        return self.raw[pos].to_numpy(dtype=object)


def _choices_text(choices: str, lang: str) -> str:
    terms = CHOICES[choices].values()
    return "、".join(t.zh for t in terms) if lang == "zh" else ", ".join(t.code for t in terms)


@dataclass
class DataRows:
    """The data rows of a sheet: cells, row numbers, extra cells, grid row indices, sheets,
    and the rows skipped as not data (grid row index → reason code)."""

    grid: pd.DataFrame
    rows: np.ndarray
    extra: np.ndarray
    index: np.ndarray
    sheets: np.ndarray | None
    skipped: list[tuple[int, str]]


def data_rows(sheet: RawSheet, located: Located) -> DataRows:
    """The rows under the header that hold data: blank rows and rows that are not data
    (:func:`~gongjian.loaders.rows.non_data_rows`) left out."""
    start = located.header_index + 1
    grid = sheet.grid.iloc[start:]
    filled = np.zeros(len(grid), dtype=bool)
    for col in grid.columns:
        filled |= grid[col].str.strip().ne("").fillna(False).to_numpy(dtype=bool)
    extra = sheet.extra[start:] if len(sheet.extra) else np.full(len(grid), None, dtype=object)
    filled |= pd.notna(extra)
    index = np.flatnonzero(filled) + start
    grid = grid[filled].reset_index(drop=True)
    kinds = non_data_rows(grid, located.positions)
    skip = pd.notna(kinds)
    skipped = [(int(index[i]), str(kinds[i])) for i in np.flatnonzero(skip)]
    if skip.any():
        grid = grid[~skip].reset_index(drop=True)
        index = index[~skip]
    sheets = None if sheet.sheets is None else sheet.sheets[index]
    return DataRows(grid, sheet.rows[index], np.asarray(sheet.extra)[index] if len(sheet.extra)
                    else np.full(len(index), None, dtype=object), index, sheets, skipped)


def check_table(sheet: RawSheet, key: str, located: Located) -> Checked:
    """Read the data rows of ``sheet`` as table ``key``: typed values and row errors.

    Warnings first name what was not read (sheets, stray cells, rows that are not data);
    cells whose value is not a value (formula without result, error value) are errors.
    """
    d = data_rows(sheet, located)
    raw, rows, extra = d.grid, d.rows, d.extra
    n = len(raw)
    out = Checked(key, sheet.file, located, pd.DataFrame(index=pd.RangeIndex(n)), raw, rows,
                  np.zeros(n, dtype=bool), sheets=d.sheets)
    out.problems.extend(sheet.notes)
    for at, code in d.skipped:
        first = next((str(v) for v in sheet.grid.iloc[at] if str(v).strip()), "")
        out.problems.append(make(code, sheet.file, key, sheet.rows[at], None,
                                 first.strip() or first, sheet=sheet.sheet(at)))
    out.report(pd.notna(extra), "extra_cells", None, value=lambda i: extra[i],
               header=f"第{raw.shape[1] + 1}列起 (column {raw.shape[1] + 1} on)")
    formula = _cell_issues(out, sheet, d)
    columns: dict[str, pd.Series] = {}
    for col in TABLES[key].columns:
        pos = located.positions.get(col.name)
        if pos is None:
            columns[col.name] = pd.Series(pd.NA if col.type != "list" else None, index=raw.index,
                                          dtype=_DTYPES.get(col.type, "str"))
            if col.type == "list":
                columns[col.name] = pd.Series([[] for _ in range(n)], dtype=object)
            continue
        text, control = clean_text(raw[pos])
        out.report(control, "control_char", col.name)
        long = _too_long(text)
        if long is not None:
            out.report(long, "too_long", col.name, fields=lambda i, t=text: {
                "length": len(t.iloc[i]), "limit": MAX_TEXT})
            text = text.mask(long)
            control |= long
        if pos in formula:
            control |= formula[pos]
        if col.required:
            out.report(text.isna() & ~control, "missing_value", col.name)
        if col.type == "int":
            values, bad = int_column(text)
            out.report(bad, "bad_int", col.name)
        elif col.type == "number":
            values, bad = number_column(text)
            out.report(bad, "bad_number", col.name)
        elif col.type == "date":
            values, bad = date_column(text)
            out.report(bad, "bad_date", col.name)
        elif col.type == "choice":
            values, bad = choice_column(text, col.choices)
            choices = col.choices
            out.report(bad, "bad_choice", col.name, fields=lambda i, c=choices: {
                "choices": _choices_text(c, "zh"), "choices_en": _choices_text(c, "en")})
        elif col.type == "uscc":
            values, bad_form, bad_check = uscc_column(text)
            out.report(bad_form, "bad_uscc", col.name)
            out.report(bad_check, "bad_uscc_check", col.name, fields=lambda i, v=values: {
                "expected": uscc_check_char(v.iloc[i][:17])})
        elif col.type == "list":
            values = list_column(text)
        else:
            values = text
        columns[col.name] = values
    data = pd.DataFrame(columns)
    check_unique(out, data)
    _row_rules(out, data)
    out.dropped = data[list(DROPPED.get(key, ()))]
    data = data.drop(columns=list(DROPPED.get(key, ())))
    data["source_file"] = pd.Series(sheet.file, index=data.index, dtype="str")
    data["source_row"] = pd.array(rows, dtype="Int64")
    out.data = data
    return out


def _too_long(text: pd.Series) -> np.ndarray | None:
    """Mask of the cells longer than :data:`MAX_TEXT` characters (None when there are none)."""
    lengths = text.str.len()
    if not (lengths > MAX_TEXT).any():
        return None
    return (lengths > MAX_TEXT).fillna(False).to_numpy(dtype=bool)


def _cell_issues(out: Checked, sheet: RawSheet, d: DataRows) -> dict[int, np.ndarray]:
    """Report the cells of table columns whose value is not a value; return, per grid
    column, the mask of data rows holding one (they are not also "missing")."""
    if not sheet.issues:
        return {}
    names = {pos: name for name, pos in out.located.positions.items()}
    where = {int(g): i for i, g in enumerate(d.index)}
    masks: dict[int, np.ndarray] = {}
    for (g, c), issue in sorted(sheet.issues.items()):
        i = where.get(g)
        if i is None or c not in names:
            continue
        mask = np.zeros(len(d.index), dtype=bool)
        mask[i] = True
        out.report(mask, issue.code, names[c], value=lambda _, v=issue.value: v,
                   fields=lambda _, x=issue: {"cell": x.ref, "error": x.value})
        masks.setdefault(c, np.zeros(len(d.index), dtype=bool))[i] = True
    return masks


def check_unique(out: Checked, data: pd.DataFrame) -> None:
    """Report the repeats of the table's unique column (:data:`UNIQUE`) as ``duplicate``."""
    name = UNIQUE.get(out.key)
    if name is None or name not in out.located.positions:
        return
    values = data[name]
    repeated = values.duplicated(keep="first").to_numpy(dtype=bool) & values.notna().to_numpy()
    if repeated.any():
        first_pos = values.reset_index(drop=True).drop_duplicates(keep="first")
        first_at = dict(zip(first_pos.to_numpy(), first_pos.index, strict=True))
        vals = values.to_numpy(dtype=object)

        def fields(i: int) -> dict:
            at = first_at[vals[i]]
            other = None if out.sheets is None or out.sheets[at] == out.sheets[i] \
                else out.sheets[at]
            return {"first": out.rows[at],
                    "where": f"工作表「{other}」" if other else "",
                    "where_en": f" of sheet '{other}'" if other else ""}

        out.report(repeated, "duplicate", name, fields=fields)


def _row_rules(out: Checked, data: pd.DataFrame) -> None:
    if out.key == "relations":
        for side, zh, en in (("source", "甲", "first"), ("target", "乙", "second")):
            empty = data[f"{side}_id"].isna() & data[f"{side}_name"].isna()
            control_rows = out.bad.copy()
            column = f"{side}_id" if f"{side}_id" in out.located.positions else f"{side}_name"
            out.report(empty.to_numpy() & ~control_rows, "missing_end", column,
                       fields=lambda i, z=zh, e=en: {"side": z, "side_en": e})
        start, end = data["start"], data["end"]
        backwards = (end < start).fillna(False).to_numpy(dtype=bool)
        out.report(backwards, "end_before_start", "end", fields=lambda i: {
            "start": start.iloc[i].date().isoformat()})
    elif out.key == "party_orgs":
        _level_members(out, data)
    if out.key in ORG_END:
        id_col, name_col, zh, en = ORG_END[out.key]
        empty = (data[id_col].isna() & data[name_col].isna()).to_numpy(dtype=bool)
        column = id_col if id_col in out.located.positions else name_col
        out.report(empty & ~out.bad, "missing_org", column,
                   fields=lambda i: {"side": zh, "side_en": en})
    if out.key == "projects":
        start, end = data["start"], data["end"]
        backwards = (end < start).fillna(False).to_numpy(dtype=bool)
        out.report(backwards, "end_before_start", "end", fields=lambda i: {
            "start": start.iloc[i].date().isoformat()})


#: (level, test on members, advice in Chinese, advice in English)
_LEVEL_RULES = (
    ("committee", lambda m: m < 50,
     "党员不足50名，一般设党支部或党总支（党员100名以上的可设党委），请核对层级或党员数",
     "under 50 members usually form a branch or general branch (a committee is for 100 or "
     "more); check the level or the count"),
    ("general_branch", lambda m: m < 3,
     "不足3名正式党员不能单独成立党组织，可与邻近单位成立联合党支部",
     "fewer than 3 members cannot form an organization alone; consider a joint branch"),
    ("branch", lambda m: m > 50,
     "党员超过50名的可设党总支，100名以上的可设党委",
     "over 50 members may form a general branch, 100 or more a committee"),
    ("branch", lambda m: m < 3,
     "不足3名正式党员不能单独成立党支部，可与邻近单位成立联合党支部",
     "fewer than 3 members cannot form a branch alone; consider a joint branch"),
)


def _level_members(out: Checked, data: pd.DataFrame) -> None:
    members = data["members"]
    level = data["level"]
    known = members.notna() & level.notna()
    if not known.any():
        return
    m = members.fillna(0).astype("int64")
    not_joint = data["kind"].ne("joint").fillna(True)
    for code, test, zh, en in _LEVEL_RULES:
        mask = known & level.eq(code).fillna(False) & test(m)
        if "3" in en:
            mask &= not_joint
        term = LEVELS[code]
        out.report(mask.to_numpy(dtype=bool), "level_members", "members",
                   fields=lambda i, t=term, z=zh, e=en: {
                       "level": t.zh, "level_en": t.en, "members": int(m.iloc[i]),
                       "advice": z, "advice_en": e})
