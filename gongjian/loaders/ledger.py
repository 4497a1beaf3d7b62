"""What the loaders produce: a :class:`Ledger` of typed tables and the :class:`Problem` list.

Column names are the English aliases of :mod:`gongjian.loaders.tables`; values are
canonical (choice columns hold the English codes of :mod:`gongjian.schema`, dates are
``datetime64`` at midnight with ``NaT`` for missing, integers are ``Int64``, list columns
hold Python lists of strings). Every row keeps where it came from in ``source_file`` (the
file name) and ``source_row`` (the row number as a spreadsheet shows it).

Examples
--------
>>> p = Problem("党组织.csv", "party_orgs", 7, "党员数", "十二", "bad_int",
...             "不是整数：十二", "not an integer: 十二")
>>> p.is_error
True
>>> p.text()
'党组织.csv 第7行 「党员数」 值「十二」：不是整数：十二'
>>> Problem("党组织.xlsx", "party_orgs", 7, "党员数", "十二", "bad_int", "不是整数",
...         "not an integer", sheet="新街口街道").text()
'党组织.xlsx 工作表「新街口街道」 第7行 「党员数」 值「十二」：不是整数'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from gongjian.loaders.labels import PROBLEM_COLUMNS  # re-exported: its home is labels
from gongjian.loaders.tables import TABLE_ORDER, TABLES

__all__ = ["NAME_ENDS", "PROBLEM_COLUMNS", "Ledger", "Problem", "ProblemSplit", "empty_table"]

#: Columns that name an organization end by name: read and checked, then resolved to the
#: id column beside them and not kept in the typed table.
NAME_ENDS: dict[str, tuple[str, ...]] = {
    "relations": ("source_name", "target_name"),
    "needs": ("org_name",),
    "resources": ("org_name",),
    "projects": ("lead_name",),
}

Severity = Literal["error", "warning"]

@dataclass(frozen=True)
class Problem:
    """One problem with a ledger: where it is, what the value was, and why.

    ``row`` is the row number a spreadsheet shows (the header is row 1), or ``None``
    for a problem with a whole file. ``column`` is the header as written in the file.
    ``sheet`` names the worksheet of an Excel file (``None`` for CSV).
    """

    file: str
    table: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    message: str
    message_en: str
    severity: Severity = "error"
    sheet: str | None = None

    @property
    def is_error(self) -> bool:
        """True for errors (the row is left out); False for warnings."""
        return self.severity == "error"

    def text(self, lang: str = "zh") -> str:
        """One line a person can act on, naming file, row, column and value."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'" if lang == "en" else f"工作表「{self.sheet}」")
        if lang == "en":
            if self.row is not None:
                parts.append(f"row {self.row}")
            if self.column:
                parts.append(f"column '{self.column}'")
            if self.value is not None:
                parts.append(f"value '{self.value}'")
            return " ".join(parts) + f": {self.message_en}"
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"「{self.column}」")
        if self.value is not None:
            parts.append(f"值「{self.value}」")
        return " ".join(parts) + f"：{self.message}"

    def as_dict(self) -> dict:
        """The problem as a plain dict (for JSON and spreadsheets)."""
        return asdict(self)


def empty_table(key: str) -> pd.DataFrame:
    """An empty typed table with the columns of ledger table ``key``.

    Examples
    --------
    >>> list(empty_table("regions").columns)
    ['code', 'name', 'level', 'parent_code', 'source_file', 'source_row']
    """
    dtypes = {"int": "Int64", "number": "Float64", "date": "datetime64[s]", "list": object}
    cols = {
        c.name: pd.Series(dtype=dtypes.get(c.type, "str"))
        for c in TABLES[key].columns
        if c.name not in NAME_ENDS.get(key, ())
    }
    cols["source_file"] = pd.Series(dtype="str")
    cols["source_row"] = pd.Series(dtype="Int64")
    return pd.DataFrame(cols)


class ProblemSplit:
    """``errors`` and ``warnings`` of what holds a ledger's ``problems``.

    Examples
    --------
    >>> from pathlib import Path
    >>> import gongjian
    >>> from gongjian.loaders import read_ledger
    >>> ledger = read_ledger(Path(gongjian.__file__).parents[1] / "examples" / "ledger")
    >>> len(ledger.errors) + len(ledger.warnings) == len(ledger.problems)
    True
    """

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """The problems that reject a row (or more)."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that leave the row in."""
        return [p for p in self.problems if not p.is_error]


@dataclass
class Ledger(ProblemSplit):
    """A ledger folder read and validated: one typed table per ledger table, and problems.

    Relations hold resolved ``source_id`` and ``target_id`` (ends given by name are
    resolved by the loader). Rows with errors are not in the tables; they are in
    ``rejected`` (the raw cells as text, with ``source_row``), one frame per table.
    """

    root: Path
    party_orgs: pd.DataFrame = field(default_factory=lambda: empty_table("party_orgs"))
    relations: pd.DataFrame = field(default_factory=lambda: empty_table("relations"))
    organizations: pd.DataFrame = field(default_factory=lambda: empty_table("organizations"))
    sites: pd.DataFrame = field(default_factory=lambda: empty_table("sites"))
    regions: pd.DataFrame = field(default_factory=lambda: empty_table("regions"))
    needs: pd.DataFrame = field(default_factory=lambda: empty_table("needs"))
    resources: pd.DataFrame = field(default_factory=lambda: empty_table("resources"))
    projects: pd.DataFrame = field(default_factory=lambda: empty_table("projects"))
    activities: pd.DataFrame = field(default_factory=lambda: empty_table("activities"))
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    rejected: dict[str, pd.DataFrame] = field(default_factory=dict)

    def table(self, key: str) -> pd.DataFrame:
        """Return the table ``key`` (one of :data:`~gongjian.loaders.tables.TABLE_ORDER`)."""
        if key not in TABLE_ORDER:
            raise KeyError(key)
        return getattr(self, key)
