"""Checks across tables: relation ends, superiors, covering organizations, coverage.

Relation ends are given by 组织编码, or by 组织名称 when the id cell is empty; a name
that matches no organization gets the three closest names as suggestions, a name that
matches several asks for the id. An end whose party-organization row was rejected is
an error that says so. References that only add a link (上级组织编码, 覆盖党组织编码)
are dropped with a warning when they point nowhere.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gongjian.loaders.validate import Checked

__all__ = [
    "check_coverage",
    "check_party_refs",
    "check_regions",
    "closest_names",
    "filled_coverage",
    "resolve_relations",
]


def closest_names(name: str, names: list[str], limit: int = 3) -> list[str]:
    """The ``limit`` names most like ``name`` (rapidfuzz WRatio ≥ 35), best first.

    Names with little in common are not suggested at all.

    Examples
    --------
    >>> closest_names("玄武区教育局党委",
    ...               ["玄武区教育局机关党委", "秦淮区卫健委党委", "新街口社区党委"], 2)
    ['玄武区教育局机关党委', '新街口社区党委']
    >>> closest_names("甲社区党委", ["=HYPERLINK(1)"])
    []
    """
    from rapidfuzz import fuzz, process

    matches = process.extract(name, names, scorer=fuzz.WRatio, limit=limit, score_cutoff=35)
    return [m[0] for m in matches]


def isin(s: pd.Series, values: object) -> np.ndarray:
    """Fast membership test of a text column in ``values`` (missing → False).

    Examples
    --------
    >>> isin(pd.Series(["a", None, "c"], dtype="str"), ["a", "b"]).tolist()
    [True, False, False]
    """
    return index_in(s, values) >= 0


def index_in(s: pd.Series, values: object) -> np.ndarray:
    """Position of every cell of a text column in ``values`` (first match; ``-1``: absent or
    missing), by one Arrow hash lookup.

    Examples
    --------
    >>> index_in(pd.Series(["b", None, "c", "a"], dtype="str"), ["a", "b"]).tolist()
    [1, -1, -1, 0]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    value_set = pa.array(np.asarray(values, dtype=object), pa.string(), from_pandas=True)
    found = pc.index_in(pa.array(s.astype("str"), type=pa.string(), from_pandas=True),
                        value_set=value_set, skip_nulls=True)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _objects(s: pd.Series) -> np.ndarray:
    """The column as Python objects, for fast iteration (Arrow-backed text iterates slowly)."""
    return s.to_numpy(dtype=object)


def _good_orgs(orgs: Checked) -> pd.DataFrame:
    return orgs.data.loc[~orgs.bad, ["id", "name", "district"]]


def _rejected_rows(orgs: Checked, column: str) -> dict[str, int]:
    if not orgs.bad.any():
        return {}
    bad = orgs.data.loc[orgs.bad, [column, "source_row"]].dropna()
    good = orgs.data.loc[~orgs.bad, column].dropna().unique()
    bad = bad[~isin(bad[column], good)].drop_duplicates(column)
    return dict(zip(bad[column], bad["source_row"].astype(int), strict=True))


def _report_missing(table: Checked, missing: np.ndarray, given: pd.Series, column: str,
                    rejected: dict[str, int], codes: tuple[str, str]) -> None:
    """Report ids that match no loaded Party organization: ``codes[0]`` when the id is on a
    row of the 党组织 table that was rejected (naming that row), else ``codes[1]``."""
    values = given.to_numpy(dtype=object)
    was_rejected = missing & isin(given, list(rejected))
    table.report(was_rejected, codes[0], column,
                 fields=lambda i: {"org_row": rejected[values[i]]})
    table.report(missing & ~was_rejected, codes[1], column)


def resolve_relations(rel: Checked, orgs: Checked) -> None:
    """Fill ``source_id``/``target_id`` of ``rel`` from ids or names, reporting what fails."""
    good = _good_orgs(orgs).dropna(subset=["id"])
    good_ids, good_names = _objects(good["id"]), _objects(good["name"])
    named = good.dropna(subset=["name"])
    repeated = named["name"].duplicated(keep=False)
    unique_name = dict(zip(_objects(named.loc[~repeated, "name"]),
                           _objects(named.loc[~repeated, "id"]), strict=True))
    several: dict[str, list[str]] = {}
    for name, id_ in zip(_objects(named.loc[repeated, "name"]), _objects(named.loc[repeated, "id"]),
                         strict=True):
        several.setdefault(name, []).append(id_)
    rejected_id = _rejected_rows(orgs, "id")
    rejected_name = _rejected_rows(orgs, "name")
    all_names = named["name"].drop_duplicates().to_numpy(dtype=object).tolist()
    district_of = dict(zip(_objects(good["id"]), _objects(good["district"]), strict=True))
    names = rel.dropped
    for side in ("source", "target"):
        given_id = rel.data[f"{side}_id"]
        given_name = names[f"{side}_name"]
        has_id = given_id.notna().to_numpy()
        at = index_in(given_id, good_ids)
        known = at >= 0
        unknown = has_id & ~known
        _report_missing(rel, unknown, given_id, f"{side}_id", rejected_id,
                        ("rejected_end", "unknown_id"))
        actual_vals = np.where(known, good_names[at], None)
        written = given_name.notna().to_numpy()
        mismatch = known & written
        mismatch[mismatch] = (actual_vals[mismatch]
                              != given_name.to_numpy(dtype=object)[mismatch])
        rel.report(mismatch, "name_mismatch", f"{side}_name",
                   fields=lambda i, a=actual_vals: {"actual": a[i]})
        by_name = ~has_id & given_name.notna().to_numpy()
        if by_name.any():
            resolved = given_name.map(unique_name)
            nvals = given_name.to_numpy(dtype=object)
            failed = by_name & resolved.isna().to_numpy()
            ambiguous = failed & isin(given_name, list(several))
            rel.report(ambiguous, "ambiguous_name", f"{side}_name", fields=lambda i, v=nvals: {
                "candidates": "、".join(f"{x}（{district_of.get(x) or ''}）"
                                       for x in several[v[i]])})
            rejected = failed & ~ambiguous & isin(given_name, list(rejected_name))
            rel.report(rejected, "rejected_end", f"{side}_name",
                       fields=lambda i, v=nvals: {"org_row": rejected_name[v[i]]})
            rel.report(failed & ~ambiguous & ~rejected, "unknown_name", f"{side}_name",
                       fields=lambda i, v=nvals: {
                           "suggest": "、".join(closest_names(v[i], all_names)) or "（无）"})
            fill = by_name & ~failed
            rel.data.loc[fill, f"{side}_id"] = resolved[fill]
    same = (rel.data["source_id"] == rel.data["target_id"]).fillna(False).to_numpy(dtype=bool)
    rel.report(same & ~rel.bad, "self_relation", "target_id"
               if "target_id" in rel.located.positions else "target_name")


def check_party_refs(orgs: Checked) -> None:
    """Drop, with a warning, superiors (上级组织编码) that are unknown or the row itself."""
    data = orgs.data
    parent = data["parent_id"]
    ids = data.loc[~orgs.bad, "id"].dropna().unique()
    own = (parent == data["id"]).fillna(False).to_numpy(dtype=bool)
    unknown = parent.notna().to_numpy() & ~isin(parent, ids) & ~own
    orgs.report(own & ~orgs.bad, "self_parent", "parent_id")
    _report_missing(orgs, unknown & ~orgs.bad, parent, "parent_id", _rejected_rows(orgs, "id"),
                    ("rejected_parent", "unknown_parent"))
    data.loc[own | unknown, "parent_id"] = pd.NA


def filled_coverage(firms: pd.DataFrame) -> pd.Series:
    """Coverage with the gaps filled: ``host`` when a covering org is named, else ``none``.

    Examples
    --------
    >>> firms = pd.DataFrame({"coverage": ["own", None, None],
    ...                       "covering_org_id": [None, "P1", None]})
    >>> filled_coverage(firms).tolist()
    ['own', 'host', 'none']
    """
    coverage = firms["coverage"].astype("str")
    fill = firms["covering_org_id"].notna().map({True: "host", False: "none"}).astype("str")
    return coverage.fillna(fill)


def check_coverage(org: Checked, orgs: Checked) -> None:
    """Covering organizations must exist; empty coverage becomes ``none`` or ``host``."""
    data = org.data
    ids = orgs.data.loc[~orgs.bad, "id"].dropna().unique()
    cover = data["covering_org_id"]
    unknown = cover.notna().to_numpy() & ~isin(cover, ids)
    _report_missing(org, unknown & ~org.bad, cover, "covering_org_id",
                    _rejected_rows(orgs, "id"), ("rejected_covering_org", "unknown_covering_org"))
    data.loc[unknown, "covering_org_id"] = pd.NA
    empty = data["coverage"].isna().to_numpy()
    host = empty & data["covering_org_id"].notna().to_numpy()
    org.report(host & ~org.bad, "coverage_host", "coverage",
               value=lambda i: None)
    data["coverage"] = filled_coverage(data)
    members = data["party_members"]
    uncovered = (data["coverage"].eq("none") & members.ge(3)).fillna(False).to_numpy(dtype=bool)
    org.report(uncovered & ~org.bad, "uncovered_members", "party_members",
               fields=lambda i: {"members": int(members.iloc[i])})


def check_regions(reg: Checked) -> None:
    """Warn when a street or community names a parent code not in the table."""
    data = reg.data
    codes = data["code"].dropna().unique()
    orphan = (data["parent_code"].notna().to_numpy() & ~isin(data["parent_code"], codes)
              & data["level"].ne("district").fillna(False).to_numpy(dtype=bool))
    reg.report(orphan & ~reg.bad, "unknown_parent_code", "parent_code")
