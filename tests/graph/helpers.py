"""Helpers of the graph tests: typed ledger tables made by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gongjian.loaders.ledger import Ledger, Problem, empty_table


def typed(key: str, rows: list[dict]) -> pd.DataFrame:
    """A ledger table ``key`` with the given rows, every column typed as the loaders type it."""
    template = empty_table(key)
    df = pd.DataFrame(rows)
    out = {}
    for col in template.columns:
        dtype = template[col].dtype
        values = df[col] if col in df.columns else pd.Series([None] * len(df), dtype=object)
        if col == "source_row" and col not in df.columns:
            values = pd.Series(range(2, len(df) + 2))
        if col == "source_file" and col not in df.columns:
            values = pd.Series([f"{key}.csv"] * len(df))
        if pd.api.types.is_object_dtype(dtype):  # list columns
            out[col] = pd.Series([v if isinstance(v, list) else None for v in values],
                                 dtype=object)
        elif str(dtype).startswith("datetime64"):
            out[col] = pd.to_datetime(values).astype(dtype)
        else:
            out[col] = pd.Series(values, dtype=object).astype(dtype)
    return pd.DataFrame(out)


def make_ledger(errors: int = 0, **tables: list[dict]) -> Ledger:
    """A Ledger from rows per table (the way ``read_ledger`` returns one)."""
    frames = {key: typed(key, rows) for key, rows in tables.items()}
    problems = [Problem("党组织.csv", "party_orgs", 10 + i, "党员数", "十二", "bad_int",
                        "不是整数：十二", "not an integer: 十二") for i in range(errors)]
    return Ledger(root=Path("台账"), problems=problems, **frames)


def org(id_: str, kind: str, district: str = "玄武区", street: str | None = None,
        community: str | None = None, **more) -> dict:
    """One 党组织 row."""
    return {"id": id_, "name": f"{id_}党组织", "kind": kind, "district": district,
            "street": street, "community": community, **more}
