"""Cell values: text, integers, dates, choices, lists and credit codes, parsed column-wise.

Each ``*_column`` function takes a pandas ``str`` Series (missing = NA) and returns the
typed Series and a boolean mask of the cells that are not valid (missing cells are never
invalid here; required values are checked elsewhere). They are vectorized: a city ledger
has a million rows.

Examples
--------
>>> parse_date("2023年5月1日"), parse_date("20230501"), parse_date("2023/5/1")
(datetime.date(2023, 5, 1), datetime.date(2023, 5, 1), datetime.date(2023, 5, 1))
>>> parse_int("12.0"), parse_int("十二")
(12, None)
>>> uscc_check_char("91320102MA1XXXXX0"), uscc_valid("91320102MA1XXXXX0T")
('T', True)
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.loaders.tables import CHOICES

__all__ = [
    "ALIASES",
    "LIST_SEPARATORS",
    "choice_column",
    "clean_text",
    "date_column",
    "int_column",
    "list_column",
    "number_column",
    "parse_date",
    "parse_int",
    "uscc_check_char",
    "uscc_column",
    "uscc_valid",
]

#: Accepted spellings per choice table of :data:`gongjian.loaders.tables.CHOICES`.
ALIASES: dict[str, dict[str, str]] = {
    "party_kind": schema.PARTY_KIND_ALIASES,
    "level": schema.LEVEL_ALIASES,
    "field": schema.FIELD_ALIASES,
    "status": schema.STATUS_ALIASES,
    "relation_type": schema.RELATION_TYPE_ALIASES,
    "org_type": schema.ORG_TYPE_ALIASES,
    "coverage": schema.COVERAGE_ALIASES,
    "site_kind": schema.SITE_KIND_ALIASES,
    "region_level": schema.REGION_LEVEL_ALIASES,
    "category": schema.CATEGORY_ALIASES,
    "scope": schema.SCOPE_ALIASES,
    "need_status": schema.NEED_STATUS_ALIASES,
    "project_status": schema.PROJECT_STATUS_ALIASES,
    "activity_kind": schema.ACTIVITY_KIND_ALIASES,
}
assert set(ALIASES) == set(CHOICES)

LIST_SEPARATORS = "、,;；"
_LIST_RE = re.compile(f"[{LIST_SEPARATORS}]")
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"  # C0 (but tab, line breaks), DEL, C1
_WIDE = "[\u3000\uff01-\uff5e]"
_CONTROL_OR_WIDE = f"{_CONTROL}|{_WIDE}"
_DATE = (r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
         r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE8 = r"^(\d{4})(\d{2})(\d{2})$"
_SERIAL = r"^(\d{5})(?:\.\d+)?$"
#: Excel's day 0 (serial dates count from it; 1900 is wrongly a leap year in Excel, so
#: serials from 61 on are one day ahead of a plain count from 1899-12-31).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serial numbers read as dates: 1950-01-01 to 2100-12-31.
SERIAL_RANGE = (18264, 73415)
_NUMBER = re.compile(r"^\+?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)$")
_INT = r"^\+?(\d{1,18}|\d{1,3}(?:,\d{3}){1,5})(?:\.0*)?$"

# GB 32100-2015: 31 characters (no I, O, S, V, Z) and the weights of positions 1..17.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
_USCC_VALUE = np.full(256, -1, dtype=np.int64)
_USCC_VALUE[np.frombuffer(USCC_CHARS.encode(), dtype=np.uint8)] = np.arange(31)


def parse_date(value: Any) -> dt.date | None:
    """A date from a ledger cell, or ``None`` when empty or not a date.

    Accepts ``2023-05-01``, ``2023/5/1``, ``2023年5月1日``, ``20230501`` (full-width
    digits too), Excel date cells (``datetime``/``date``/``Timestamp``), and Excel serial
    numbers of days (a date cell that lost its date format, ``45047``) from 1950 to 2100.

    Examples
    --------
    >>> import datetime as dt
    >>> parse_date(dt.datetime(2023, 5, 1, 9)), parse_date("2023-02-30"), parse_date(" ")
    (datetime.date(2023, 5, 1), None, None)
    >>> parse_date("45047"), parse_date("45047.75"), parse_date("12345"), parse_date(45047)
    (datetime.date(2023, 5, 1), datetime.date(2023, 5, 1), None, datetime.date(2023, 5, 1))
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = schema.fold(str(value)).strip()
    m = re.match(_DATE, text) or re.match(_DATE8, text)
    if not m:
        serial = re.match(_SERIAL, text)
        if serial and SERIAL_RANGE[0] <= int(serial[1]) <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + dt.timedelta(days=int(serial[1]))
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def parse_int(value: Any) -> int | None:
    """A non-negative integer from a cell (``12``, ``12.0``, ``'12'``, ``'12.0'``), else ``None``.

    Examples
    --------
    >>> parse_int(12.0), parse_int("1,200"), parse_int(12.5), parse_int("-3")
    (12, 1200, None, None)
    """
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    m = re.match(_INT, schema.fold(str(value)))
    return int(m[1].replace(",", "")) if m else None


def clean_text(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Trim and width-fold text, empty → NA; return it and the mask of control characters.

    Examples
    --------
    >>> t, bad = clean_text(pd.Series([" ＡＢ ", "", "a\\x00b", None], dtype="str"))
    >>> t.tolist(), bad.tolist()
    (['AB', nan, 'a\\x00b', nan], [False, False, True, False])
    """
    s = s.astype("str")
    # One regex pass over the column; the rare cells it flags are then told apart.
    odd = s.str.contains(_CONTROL_OR_WIDE, regex=True).fillna(False).to_numpy(dtype=bool)
    bad = pd.Series(False, index=s.index)
    out = s.str.strip()
    if odd.any():
        flagged = s[odd]
        bad[odd] = flagged.str.contains(_CONTROL, regex=True).to_numpy(dtype=bool)
        wide = flagged[flagged.str.contains(_WIDE, regex=True).to_numpy(dtype=bool)]
        if len(wide):
            out = out.copy()
            out[wide.index] = [schema.fold(v) for v in wide]
    return out.mask(out == ""), bad


def _by_unique(s: pd.Series, parse: Any, dtype: str) -> pd.Series:
    """Apply ``parse`` once per distinct value (ledger columns repeat a lot)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    parsed = pd.array([parse(u) for u in uniques], dtype=dtype)
    return pd.Series(parsed.take(codes, allow_fill=True), index=s.index)


def int_column(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Non-negative integers (``Int64``) and the mask of cells that are not.

    Examples
    --------
    >>> out, bad = int_column(pd.Series(["12", "12.0", "-3", "十二", None], dtype="str"))
    >>> out.tolist(), bad.tolist()
    ([12, 12, <NA>, <NA>, <NA>], [False, False, True, True, False])
    """
    out = _by_unique(s, parse_int, "Int64")
    return out, (s.notna() & out.isna()).astype(bool)


def date_column(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates (``datetime64[s]``, ``NaT`` when missing) and the mask of cells that are not.

    Examples
    --------
    >>> out, bad = date_column(pd.Series(["2023/5/1", "2023-02-30", None], dtype="str"))
    >>> out.dt.strftime("%Y-%m-%d").tolist(), bad.tolist()
    (['2023-05-01', nan, nan], [False, True, False])
    """
    def day(text: str) -> np.datetime64:
        d = parse_date(text)
        return np.datetime64(d, "s") if d else np.datetime64("NaT", "s")

    out = _by_unique(s, day, "datetime64[s]")
    return out, (s.notna() & out.isna()).astype(bool)


def number_column(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Non-negative numbers (``Float64``; ``1,200`` and ``12.5`` accepted) and the mask of
    cells that are not.

    Examples
    --------
    >>> out, bad = number_column(pd.Series(["12.5", "1,200", "-3", "三", None], dtype="str"))
    >>> out.tolist(), bad.tolist()
    ([12.5, 1200.0, <NA>, <NA>, <NA>], [False, False, True, True, False])
    """
    def number(text: str) -> float | None:
        m = _NUMBER.match(text.strip())
        return float(m[1].replace(",", "")) if m else None

    out = _by_unique(s, number, "Float64")
    return out, (s.notna() & out.isna()).astype(bool)


def choice_column(s: pd.Series, choices: str) -> tuple[pd.Series, pd.Series]:
    """English codes for Chinese or English spellings, and the mask of unknown values.

    Examples
    --------
    >>> out, bad = choice_column(pd.Series(["党委", "Branch", "大队"], dtype="str"), "level")
    >>> out.tolist(), bad.tolist()
    (['committee', 'branch', nan], [False, False, True])
    """
    aliases = ALIASES[choices]
    mapping = {v: schema.canonical(aliases, v) for v in s.dropna().unique()}
    out = s.map(mapping).astype("str")
    return out, (s.notna() & out.isna()).astype(bool)


def list_column(s: pd.Series) -> pd.Series:
    """Lists of trimmed strings, split on 、 , ; ； (full-width commas are folded already).

    Examples
    --------
    >>> list_column(pd.Series(["玄武区、 秦淮区;鼓楼区", None], dtype="str")).tolist()
    [['玄武区', '秦淮区', '鼓楼区'], []]
    """
    split = _LIST_RE.split
    values = s.to_numpy(dtype=object)  # iterating Arrow-backed text directly is slow
    return pd.Series([[p.strip() for p in split(v) if p.strip()] if isinstance(v, str) else []
                      for v in values], index=s.index, dtype=object)


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a credit code."""
    values = _USCC_VALUE[np.frombuffer(first17.encode("ascii"), dtype=np.uint8)]
    return USCC_CHARS[(31 - int(values @ USCC_WEIGHTS) % 31) % 31]


def uscc_valid(code: str) -> bool:
    """True when ``code`` is 18 characters of the code alphabet with a correct check character."""
    return bool(re.fullmatch(f"[{USCC_CHARS}]{{18}}", code)) and \
        uscc_check_char(code[:17]) == code[17]


def uscc_column(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Credit codes (upper-cased) and two masks: bad form, and bad check character.

    Examples
    --------
    >>> out, form, check = uscc_column(pd.Series(["91320102ma1xxxxx0t", "123",
    ...                                           "91320102MA1XXXXX0A"], dtype="str"))
    >>> out[0], form.tolist(), check.tolist()
    ('91320102MA1XXXXX0T', [False, True, False], [False, False, True])
    """
    out = s.str.upper()
    good_form = out.str.fullmatch(f"[{USCC_CHARS}]{{18}}").fillna(False).astype(bool)
    bad_form = (s.notna() & ~good_form).astype(bool)
    bad_check = pd.Series(False, index=s.index)
    if good_form.any():
        codes = out[good_form].to_numpy(dtype=object)
        raw = np.frombuffer("".join(codes).encode("ascii"), dtype=np.uint8)
        values = _USCC_VALUE[raw].reshape(len(codes), 18)
        expected = (31 - (values[:, :17] @ USCC_WEIGHTS) % 31) % 31
        bad_check[good_form] = expected != values[:, 17]
    return out, bad_form, bad_check.astype(bool)
