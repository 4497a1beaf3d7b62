"""The three lists (三张清单) at a glance, and the pieces the other list analyses share.

:func:`lists` gives, per district or street, the open needs and those left open too long,
the resources offered and those no active project uses, the active projects, and the
communities with no project in the last year. :func:`active_projects`, :func:`idle_resources`
and :func:`evidence` are shared with :mod:`gongjian.queries.match` and
:mod:`gongjian.queries.dormant`.

A project is *active* on a day when its status is 实施中 (``active``), or when it has no
status and its dates cover the day. A tie between two organizations is *evidenced* on a day
when an activity on that day, or a project running on it (between its start and end, or with
no dates), has both among its lead and participants.

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["c1", "u1"], "name": ["丹凤街社区党委", "档案馆党支部"],
...                              "kind": ["community", "unit"], "district": ["玄武区"] * 2,
...                              "street": ["玄武门街道"] * 2}),
...     needs=pd.DataFrame({"id": ["N1"], "org_id": ["c1"], "category": ["venue"],
...                         "status": ["open"],
...                         "raised": pd.to_datetime(["2025-01-02"]).astype("datetime64[s]")}),
...     resources=pd.DataFrame({"id": ["R1"], "org_id": ["u1"], "category": ["venue"],
...                             "scope": ["street"]}))
>>> lists(kg, as_of="2025-06-30").to_dict("records")[0]     # doctest: +NORMALIZE_WHITESPACE
{'district': '玄武区', 'street': None, 'needs_open': 1, 'needs_stale': 1, 'resources': 1,
 'resources_idle': 1, 'projects_active': 0, 'communities_without_project': 1}
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pandas as pd

from gongjian.errors import AnalysisError
from gongjian.graph.io import Needs
from gongjian.graph.model import KnowledgeGraph, as_date
from gongjian.loaders.references import index_in

__all__ = ["LISTS_COLUMNS", "LISTS_NEEDS", "Evidence", "active_projects", "evidence",
           "idle_resources", "lists", "offered_resources", "open_needs"]

#: What :func:`lists` reads from a graph file: the organizations' places, the three lists.
LISTS_NEEDS: Needs = {"party_orgs": None, "needs": None, "resources": None, "projects": None}
LISTS_COLUMNS: tuple[str, ...] = ("district", "street", "needs_open", "needs_stale", "resources",
                                  "resources_idle", "projects_active",
                                  "communities_without_project")
#: Days a community may go without a project before it is counted (the last year).
PROJECT_YEAR = 365


def open_needs(kg: KnowledgeGraph, day: pd.Timestamp) -> np.ndarray:
    """Mask of the needs open on ``day``: status open (or empty), raised on or before it.

    Examples
    --------
    >>> kg = KnowledgeGraph.from_frames(needs=pd.DataFrame({
    ...     "id": ["N1", "N2", "N3"], "status": ["open", None, "done"],
    ...     "raised": pd.to_datetime(["2025-01-01", "2025-09-01", None])}))
    >>> open_needs(kg, pd.Timestamp("2025-06-30")).tolist()
    [True, False, False]
    """
    needs = kg.needs
    status = needs["status"].astype("str").fillna("open")
    raised = pd.to_datetime(needs["raised"])
    return (status.eq("open") & (raised.isna() | (raised <= day))).to_numpy(dtype=bool)


def offered_resources(kg: KnowledgeGraph, day: pd.Timestamp) -> np.ndarray:
    """Mask of the resources still offered on ``day`` (有效期至 empty or not passed).

    Examples
    --------
    >>> kg = KnowledgeGraph.from_frames(resources=pd.DataFrame({
    ...     "id": ["R1", "R2"], "until": pd.to_datetime([None, "2024-12-31"])}))
    >>> offered_resources(kg, pd.Timestamp("2025-06-30")).tolist()
    [True, False]
    """
    until = pd.to_datetime(kg.resources["until"])
    return (until.isna() | (until >= day)).to_numpy(dtype=bool)


def active_projects(kg: KnowledgeGraph, day: pd.Timestamp) -> np.ndarray:
    """Mask of the projects active on ``day``: status active, or no status and dates covering
    the day.

    Examples
    --------
    >>> kg = KnowledgeGraph.from_frames(projects=pd.DataFrame({
    ...     "id": ["P1", "P2", "P3"], "status": ["active", None, "done"]}))
    >>> active_projects(kg, pd.Timestamp("2025-01-01")).tolist()
    [True, True, False]
    """
    p = kg.projects
    status = p["status"].astype("str")
    start, end = pd.to_datetime(p["start"]), pd.to_datetime(p["end"])
    covers = (start.isna() | (start <= day)) & (end.isna() | (end >= day))
    return (status.eq("active").fillna(False) | (status.isna() & covers)).to_numpy(dtype=bool)


def idle_resources(kg: KnowledgeGraph, day: pd.Timestamp) -> np.ndarray:
    """Mask of the resources no active project uses on ``day``.

    Examples
    --------
    >>> kg = KnowledgeGraph.from_frames(
    ...     resources=pd.DataFrame({"id": ["R1", "R2"]}),
    ...     projects=pd.DataFrame({"id": ["P1"], "status": ["active"],
    ...                            "resource_ids": [["R2"]]}))
    >>> idle_resources(kg, pd.Timestamp("2025-06-30")).tolist()
    [True, False]
    """
    used_lists = kg.projects.loc[active_projects(kg, day), "resource_ids"]
    used = [r for v in used_lists.to_numpy(dtype=object) if isinstance(v, list) for r in v]
    return index_in(kg.resources["id"], pd.unique(np.asarray(used, dtype=object))) < 0 \
        if used else np.ones(len(kg.resources), dtype=bool)


class Evidence:
    """The last day on or before ``day`` each pair of organizations shared an activity or a
    project, over the positions of ``ids``.

    ``keys`` are the pairs as ``lo * n + hi`` (sorted, unique), ``last`` the last day as
    ``datetime64[D]``. :meth:`lookup` answers for any pairs at once.
    """

    def __init__(self, keys: np.ndarray, last: np.ndarray, n: int) -> None:
        self.keys, self.last, self.n = keys, last, n

    def lookup(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The last evidence day of every pair ``a[i]``–``b[i]`` (``NaT`` when never)."""
        key = np.minimum(a, b).astype(np.int64) * self.n + np.maximum(a, b)
        at = np.searchsorted(self.keys, key)
        at = np.minimum(at, max(len(self.keys) - 1, 0))
        found = (self.keys[at] == key) if len(self.keys) else np.zeros(len(key), dtype=bool)
        out = np.full(len(key), np.datetime64("NaT"), dtype="datetime64[D]")
        out[found] = self.last[at[found]]
        return out


def evidence(kg: KnowledgeGraph, ids: np.ndarray, day: pd.Timestamp) -> Evidence:
    """Every pair of ``ids`` evidenced on or before ``day``, with the last such day.

    Vectorized: the memberships of activities and projects are paired within each event by
    one self-join, and the last day per pair is a sort and a ``maximum.reduceat``.

    Examples
    --------
    >>> kg = KnowledgeGraph.from_frames(activities=pd.DataFrame({
    ...     "date": pd.to_datetime(["2025-01-02", "2025-03-04"]).astype("datetime64[s]"),
    ...     "participants": [["a", "b", "c"], ["b", "a"]]}))
    >>> ev = evidence(kg, np.array(["a", "b", "c"], dtype=object), pd.Timestamp("2025-06-30"))
    >>> [str(d) for d in ev.lookup(np.array([0, 0, 1]), np.array([1, 2, 2]))]
    ['2025-03-04', '2025-01-02', '2025-01-02']
    """
    n = len(ids)
    today = np.datetime64(day.date(), "D")
    acts = kg.activities
    act_day = pd.to_datetime(acts["date"]).to_numpy().astype("datetime64[D]")
    act_ok = ~np.isnat(act_day) & (act_day <= today)
    proj = kg.projects
    start = pd.to_datetime(proj["start"]).to_numpy().astype("datetime64[D]")
    end = pd.to_datetime(proj["end"]).to_numpy().astype("datetime64[D]")
    proj_ok = np.isnat(start) | (start <= today)
    proj_last = np.where(np.isnat(end) | (end > today), today, end)
    lead = proj["lead_id"].to_numpy(dtype=object)[proj_ok]
    members_proj = [[x, *p] if isinstance(x, str) else list(p)
                    for x, p in zip(lead, proj["participants"].to_numpy(dtype=object)[proj_ok],
                                    strict=True)]
    events = [*acts["participants"].to_numpy(dtype=object)[act_ok], *members_proj]
    days = np.concatenate([act_day[act_ok], proj_last[proj_ok]]).astype(np.int64)
    empty = Evidence(np.zeros(0, np.int64), np.zeros(0, "datetime64[D]"), max(n, 1))
    if not events or n == 0:
        return empty
    event, member = _memberships(events, ids)
    a, b, e = _pairs_within(event, member)
    if not len(a):
        return empty
    key = np.minimum(a, b) * n + np.maximum(a, b)
    when = days[e]
    order = np.argsort(key, kind="stable")
    key, when = key[order], when[order]
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return Evidence(key[first], np.maximum.reduceat(when, first).astype("datetime64[D]"), n)


def _memberships(events: list, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(event, vertex) of every member of every event that is one of ``ids``, by event."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lists = pa.array([v if isinstance(v, list) else [] for v in events],
                     type=pa.list_(pa.string()))
    flat = pc.list_flatten(lists)
    event = pc.list_parent_indices(lists).to_numpy().astype(np.int64)
    pos = pc.index_in(flat, value_set=pa.array(ids, type=pa.string()))
    pos = pos.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    keep = pos >= 0
    return event[keep], pos[keep]


def _pairs_within(event: np.ndarray, member: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of distinct members within each event (``event`` sorted), vectorized."""
    if not len(event):
        z = np.zeros(0, dtype=np.int64)
        return z, z, z
    first = np.flatnonzero(np.r_[True, event[1:] != event[:-1]])
    size = np.diff(np.r_[first, len(event)])
    offset = np.arange(len(event)) - np.repeat(first, size)  # position within the event
    later = np.repeat(size, size) - offset - 1               # members after this one
    total = int(later.sum())
    i = np.repeat(np.arange(len(event)), later)
    start_of_i = np.repeat(np.cumsum(later) - later, later)
    j = i + 1 + (np.arange(total) - start_of_i)
    a, b = member[i], member[j]
    distinct = a != b
    return a[distinct], b[distinct], event[i][distinct]


def lists(kg: KnowledgeGraph, *, as_of: dt.date | str | None = None,
          by: Literal["district", "street"] = "district", stale_days: int = 90) -> pd.DataFrame:
    """The state of the three lists per district or street on ``as_of``.

    Parameters
    ----------
    kg : KnowledgeGraph
    as_of : date or str, optional
        Analysis day (default today).
    by : {"district", "street"}
        One row per district, or per street (within its district).
    stale_days : int
        A need open longer than this (raised this many days or more before ``as_of``) is stale.

    Returns
    -------
    DataFrame
        ``district, street (None with by="district"), needs_open, needs_stale, resources
        (offered on the day), resources_idle (offered, no active project uses them),
        projects_active, communities_without_project`` (community organizations that led or
        joined no project running in the last year), each group placed by the organization
        that raised, offers, leads or is the community; ordered by district and street.

    Examples
    --------
    >>> lists(KnowledgeGraph()).columns.tolist()[:4]
    ['district', 'street', 'needs_open', 'needs_stale']
    """
    if by not in ("district", "street"):
        raise AnalysisError(f"--by 只能是 district 或 street (by must be district or street): "
                            f"{by!r}")
    if stale_days < 0:
        raise AnalysisError(f"--stale-days 不能为负数 (stale days must not be negative): "
                            f"{stale_days}")
    day = as_date(as_of)
    orgs = kg.active_orgs()
    keys = ["district", "street"] if by == "street" else ["district"]
    place = orgs[["id", *keys]].drop_duplicates("id").set_index("id")

    def counted(org_ids: pd.Series, mask: np.ndarray, name: str) -> pd.Series:
        where = place.reindex(org_ids[mask].to_numpy())
        where = where[where["district"].notna().to_numpy()]
        return where.groupby(keys, dropna=False).size().rename(name)

    needs, res, proj = kg.needs, kg.resources, kg.projects
    open_ = open_needs(kg, day)
    raised = pd.to_datetime(needs["raised"])
    stale = open_ & (raised <= day - pd.Timedelta(days=stale_days)).to_numpy(dtype=bool)
    offered = offered_resources(kg, day)
    idle = offered & idle_resources(kg, day)
    active = active_projects(kg, day)
    communities = orgs[orgs["kind"].eq("community").to_numpy(dtype=bool)]
    with_project = _in_recent_projects(kg, day)
    lonely = ~communities["id"].isin(with_project).to_numpy(dtype=bool)
    parts = [
        counted(needs["org_id"], open_, "needs_open"),
        counted(needs["org_id"], stale, "needs_stale"),
        counted(res["org_id"], offered, "resources"),
        counted(res["org_id"], idle, "resources_idle"),
        counted(proj["lead_id"], active, "projects_active"),
        counted(communities["id"], lonely, "communities_without_project"),
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="Int64" if i > 1 else object)
                             for i, c in enumerate(LISTS_COLUMNS)})
    out = pd.concat(parts, axis=1).fillna(0).astype("int64").reset_index()
    if by == "district":
        out.insert(1, "street", None)
    for column in LISTS_COLUMNS[2:]:
        if column not in out.columns:
            out[column] = 0
    out["street"] = out["street"].astype(object).where(out["street"].notna(), None)
    out = out.sort_values(["district", "street"], kind="stable", na_position="first")
    return out[list(LISTS_COLUMNS)].reset_index(drop=True)


def _in_recent_projects(kg: KnowledgeGraph, day: pd.Timestamp) -> set[str]:
    """Organizations that led or joined a project running in the year up to ``day``."""
    p = kg.projects
    start, end = pd.to_datetime(p["start"]), pd.to_datetime(p["end"])
    since = day - pd.Timedelta(days=PROJECT_YEAR)
    recent = ((start.isna() | (start <= day)) & (end.isna() | (end >= since))
              & ~p["status"].astype("str").isin(["planned"]).to_numpy())
    out: set[str] = set(p.loc[recent.to_numpy(dtype=bool), "lead_id"].dropna())
    for v in p.loc[recent.to_numpy(dtype=bool), "participants"].to_numpy(dtype=object):
        if isinstance(v, list):
            out.update(v)
    return out
