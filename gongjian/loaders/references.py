"""Checks across tables: relation ends, superiors, covering organizations, coverage.

Relation ends are given by 组织编码, or by 组织名称 when the id cell is empty; a name
that matches no organization gets the three closest names as suggestions, a name that
matches several asks for the id. An end whose party-organization row was rejected is
an error that says so. References that only add a link (上级组织编码, 覆盖党组织编码)
are dropped with a warning when they point nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gongjian.loaders.problems import make
from gongjian.loaders.tables import LIST_TABLES
from gongjian.loaders.validate import ORG_END, Checked

__all__ = [
    "OrgIndex",
    "check_coverage",
    "check_list_refs",
    "check_lists",
    "check_party_refs",
    "check_regions",
    "closest_names",
    "filled_coverage",
    "org_index",
    "resolve_end",
    "resolve_participants",
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


@dataclass(frozen=True)
class OrgIndex:
    """The loaded Party organizations as ends are resolved against them: ids, unique names,
    repeated names, the rows that were rejected, and every name for suggestions."""

    ids: np.ndarray
    names: np.ndarray
    unique_name: dict[str, str]
    several: dict[str, list[str]]
    rejected_id: dict[str, int]
    rejected_name: dict[str, int]
    all_names: list[str]
    district_of: dict[str, str]

    def candidates(self, name: str) -> str:
        """The organizations sharing ``name``, with their districts (for a message)."""
        return "、".join(f"{x}（{self.district_of.get(x) or ''}）" for x in self.several[name])


def org_index(orgs: Checked) -> OrgIndex:
    """Index the good rows of the 党组织 table for resolving ends by id or name."""
    good = _good_orgs(orgs).dropna(subset=["id"])
    named = good.dropna(subset=["name"])
    repeated = named["name"].duplicated(keep=False)
    unique_name = dict(zip(_objects(named.loc[~repeated, "name"]),
                           _objects(named.loc[~repeated, "id"]), strict=True))
    several: dict[str, list[str]] = {}
    for name, id_ in zip(_objects(named.loc[repeated, "name"]), _objects(named.loc[repeated, "id"]),
                         strict=True):
        several.setdefault(name, []).append(id_)
    return OrgIndex(
        ids=_objects(good["id"]), names=_objects(good["name"]), unique_name=unique_name,
        several=several, rejected_id=_rejected_rows(orgs, "id"),
        rejected_name=_rejected_rows(orgs, "name"),
        all_names=named["name"].drop_duplicates().to_numpy(dtype=object).tolist(),
        district_of=dict(zip(_objects(good["id"]), _objects(good["district"]), strict=True)))


def resolve_end(table: Checked, index: OrgIndex, id_col: str, name_col: str) -> None:
    """Fill ``table.data[id_col]`` from the id, or from the name when the id is empty,
    reporting ids and names that match no loaded organization (or several)."""
    given_id = table.data[id_col]
    given_name = table.dropped[name_col]
    has_id = given_id.notna().to_numpy()
    at = index_in(given_id, index.ids)
    known = at >= 0
    unknown = has_id & ~known
    _report_missing(table, unknown, given_id, id_col, index.rejected_id,
                    ("rejected_end", "unknown_id"))
    actual_vals = np.where(known, index.names[at], None)
    written = given_name.notna().to_numpy()
    mismatch = known & written
    mismatch[mismatch] = (actual_vals[mismatch]
                          != given_name.to_numpy(dtype=object)[mismatch])
    table.report(mismatch, "name_mismatch", name_col,
                 fields=lambda i, a=actual_vals: {"actual": a[i]})
    by_name = ~has_id & given_name.notna().to_numpy()
    if by_name.any():
        resolved = given_name.map(index.unique_name)
        nvals = given_name.to_numpy(dtype=object)
        failed = by_name & resolved.isna().to_numpy()
        ambiguous = failed & isin(given_name, list(index.several))
        table.report(ambiguous, "ambiguous_name", name_col, fields=lambda i, v=nvals: {
            "candidates": index.candidates(v[i])})
        rejected = failed & ~ambiguous & isin(given_name, list(index.rejected_name))
        table.report(rejected, "rejected_end", name_col,
                     fields=lambda i, v=nvals: {"org_row": index.rejected_name[v[i]]})
        table.report(failed & ~ambiguous & ~rejected, "unknown_name", name_col,
                     fields=lambda i, v=nvals: {
                         "suggest": "、".join(closest_names(v[i], index.all_names)) or "（无）"})
        fill = by_name & ~failed
        table.data.loc[fill, id_col] = resolved[fill]


def resolve_relations(rel: Checked, orgs: Checked) -> None:
    """Fill ``source_id``/``target_id`` of ``rel`` from ids or names, reporting what fails."""
    index = org_index(orgs)
    for side in ("source", "target"):
        resolve_end(rel, index, f"{side}_id", f"{side}_name")
    same = (rel.data["source_id"] == rel.data["target_id"]).fillna(False).to_numpy(dtype=bool)
    rel.report(same & ~rel.bad, "self_relation", "target_id"
               if "target_id" in rel.located.positions else "target_name")


def _entries(column: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """A list column flattened: the length of each row's list, the row of each entry, and the
    entries as text."""
    lists = column.to_numpy(dtype=object)
    lengths = np.fromiter((len(v) for v in lists), dtype=np.int64, count=len(lists))
    row = np.repeat(np.arange(len(lists)), lengths)
    return lengths, row, pd.Series([e for v in lists for e in v], dtype="str")


def resolve_participants(table: Checked, index: OrgIndex, column: str = "participants") -> None:
    """Resolve every entry of a list of organizations (ids, or names when no id matches) to
    ids, in place, without repeats; an entry that matches nothing (or several) is an error
    naming the entry."""
    lengths, row, entries = _entries(table.data[column])
    if not len(entries):
        return
    at = index_in(entries, index.ids)
    resolved = np.full(len(entries), None, dtype=object)
    resolved[at >= 0] = index.ids[at[at >= 0]]
    by_name = at < 0
    if by_name.any():
        named = entries[by_name].map(index.unique_name).to_numpy(dtype=object)
        resolved[by_name] = named
    raw = table.raw_column(column)
    header = table.header(column)
    for j in np.flatnonzero(pd.isna(resolved)):
        entry = entries.iloc[j]
        i = row[j]
        if entry in index.several:
            code, fields = "ambiguous_participant", {"candidates": index.candidates(entry)}
        elif entry in index.rejected_id or entry in index.rejected_name:
            code = "rejected_participant"
            fields = {"org_row": index.rejected_id.get(entry, index.rejected_name.get(entry))}
        else:
            code = "unknown_participant"
            fields = {"suggest": "、".join(closest_names(entry, index.all_names)) or "（无）"}
        table.problems.append(make(code, table.file, table.key, table.rows[i], header, raw[i],
                                   entry=entry, **fields))
        table.bad[i] = True
    bounds = np.cumsum(lengths)[:-1]
    table.data[column] = pd.Series(
        [list(dict.fromkeys(v for v in part if v is not None))
         for part in np.split(resolved, bounds)], index=table.data.index, dtype=object)


def check_list_refs(table: Checked, column: str, known: object, code: str) -> None:
    """Every entry of list column ``column`` must be one of ``known`` (ids of another table);
    an entry that is not is an error (``code``) naming it."""
    _, row, entries = _entries(table.data[column])
    if not len(entries):
        return
    missing = ~isin(entries, known)
    raw = table.raw_column(column)
    header = table.header(column)
    for j in np.flatnonzero(missing):
        i = row[j]
        table.problems.append(make(code, table.file, table.key, table.rows[i], header, raw[i],
                                   entry=entries.iloc[j]))
        table.bad[i] = True
    table.data[column] = pd.Series([list(dict.fromkeys(v)) for v in table.data[column]],
                                   index=table.data.index, dtype=object)


def check_lists(checked: Mapping[str, Checked], orgs: Checked) -> None:
    """Checks across tables for the three lists and the activity record: organization ends
    by id or name, participants, the needs and resources a project names, an activity's
    project, and activities with fewer than two organizations.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from gongjian.loaders.read import read_ledger
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "党组织.csv").write_text("组织编码,组织名称,组织类别,所属区\\n"
    ...                                  "C1,丹凤街社区党委,社区党委,玄武区\\n"
    ...                                  "U1,档案馆党支部,机关党组织,玄武区\\n")
    >>> _ = (d / "共建关系.csv").write_text("甲方编码,乙方编码,关系类型\\n")
    >>> _ = (d / "活动记录.csv").write_text("活动日期,活动名称,参与组织\\n"
    ...                                   "2025-03-15,联席会,C1、档案馆党支部\\n"
    ...                                   "2025-03-16,会,C1\\n")
    >>> ledger = read_ledger(d)
    >>> ledger.activities["participants"].tolist(), [p.code for p in ledger.errors]
    ([['C1', 'U1']], ['few_participants'])
    """
    if not any(key in checked for key in LIST_TABLES):
        return
    index = org_index(orgs)
    for key in ("needs", "resources", "projects"):
        if key in checked:
            id_col, name_col, _, _ = ORG_END[key]
            resolve_end(checked[key], index, id_col, name_col)
    if "projects" in checked:
        projects = checked["projects"]
        resolve_participants(projects, index)
        for key, column, code in (("needs", "need_ids", "unknown_need"),
                                  ("resources", "resource_ids", "unknown_resource")):
            table = checked.get(key)
            ids = ([] if table is None
                   else table.data.loc[~table.bad, "id"].dropna().unique())
            check_list_refs(projects, column, ids, code)
    if "activities" in checked:
        acts = checked["activities"]
        before = acts.bad.copy()
        resolve_participants(acts, index)
        count = np.fromiter((len(v) for v in acts.data["participants"]), dtype=np.int64,
                            count=len(acts.data))
        unresolved = acts.bad & ~before  # rows with a participant that matched nothing
        few = (count < 2) & ~unresolved & ~_missing(acts, "participants")
        acts.report(few, "few_participants", "participants",
                    fields=lambda i: {"count": int(count[i])})
        project = acts.data["project_id"]
        projects = checked.get("projects")
        ids = ([] if projects is None
               else projects.data.loc[~projects.bad, "id"].dropna().unique())
        unknown = project.notna().to_numpy() & ~isin(project, ids)
        acts.report(unknown & ~acts.bad, "unknown_project", "project_id")
        acts.data.loc[unknown, "project_id"] = pd.NA


def _missing(table: Checked, column: str) -> np.ndarray:
    """Rows whose cell of ``column`` is empty (already reported as a missing value)."""
    raw = table.raw_column(column)
    return np.array([not isinstance(v, str) or not v.strip() for v in raw], dtype=bool)


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
