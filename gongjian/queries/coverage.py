"""Coverage of 两新组织 (两个覆盖): rates per group, the list per organization, and the plan.

Organizational coverage (组织覆盖) is ``own``, ``joint`` or ``host``; work coverage (工作覆盖)
adds ``fallback`` and ``instructor`` (:data:`gongjian.schema.ORGANIZATIONAL_COVERAGE`,
:data:`gongjian.schema.WORK_COVERAGE`). The plan follows the Party's rules of thumb:

- ``own_branch``: 3 or more full members and not already an own organization (党章第三十条);
- ``joint_branch``: uncovered with 1–2 members, grouped with neighbours in the same site
  (楼宇园区) first, then the same community; a proposed branch has at most 5 units and at least
  3 members together, the unit with most members (then employees) as anchor; ids ``J001`` …;
- ``instructor``: uncovered with no members, and those that could not be grouped.

A missing ``party_members`` counts as 0, a missing ``employees`` as 0 when ranking.

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(organizations=pd.DataFrame({
...     "uscc": ["A", "B", "C"], "name": ["甲", "乙", "丙"], "type": ["private_firm"] * 3,
...     "district": ["玄武区"] * 3, "party_members": [5, 0, 2], "employees": [40, 8, 12],
...     "coverage": ["fallback", "none", "own"]}))
>>> coverage(kg)[["district", "organizations", "organizational", "work", "work_rate"]]
  district  organizations  organizational  work  work_rate
0      玄武区              3               1     2     0.6667
>>> coverage_plan(kg)[["uscc", "status", "plan"]]
  uscc    status        plan
0    A  fallback  own_branch
1    B      none  instructor
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.errors import AnalysisError
from gongjian.graph.io import Needs
from gongjian.graph.model import KnowledgeGraph

__all__ = [
    "COVERAGE_BY",
    "COVERAGE_NEEDS",
    "LIST_COLUMNS",
    "MAX_JOINT_UNITS",
    "MIN_JOINT_MEMBERS",
    "MIN_OWN_MEMBERS",
    "RATE_NEEDS",
    "coverage",
    "coverage_list",
    "coverage_plan",
    "uncovered_list",
]

By = Literal["district", "street", "site", "overall"]
#: Grouping → key columns of the rate table.
COVERAGE_BY: dict[str, tuple[str, ...]] = {
    "district": ("district",), "street": ("district", "street"), "site": ("site", "site_kind"),
    "overall": (),
}
LIST_COLUMNS: tuple[str, ...] = ("uscc", "name", "type", "district", "street", "community",
                                 "site", "employees", "party_members", "status", "plan",
                                 "proposal", "plan_reason")
#: What :func:`coverage`, :func:`coverage_list` and :func:`coverage_plan` read from a graph
#: file: of the 两新组织, the columns of the list and the coverage code; the sites' kinds.
COVERAGE_NEEDS: Needs = {"organizations": (*LIST_COLUMNS[:9], "coverage"),
                         "sites": ("name", "kind")}
#: What :func:`coverage` alone reads (the rates, without the list's names and codes).
RATE_NEEDS: Needs = {"organizations": ("district", "street", "site", "employees",
                                       "party_members", "coverage"),
                     "sites": ("name", "kind")}
MIN_OWN_MEMBERS = 3   # 党章第三十条: 正式党员三人以上的，都应当成立党的基层组织
MAX_JOINT_UNITS = 5   # a joint branch covers, as a rule, no more than 5 units
MIN_JOINT_MEMBERS = 3


def coverage(kg: KnowledgeGraph, *, by: By = "district") -> pd.DataFrame:
    """Organizational and work coverage rates of 两新组织 per group.

    Parameters
    ----------
    kg : KnowledgeGraph
    by : {"district", "street", "site", "overall"}
        Grouping. ``site`` lists only organizations in a site, with its kind.

    Returns
    -------
    DataFrame
        The key columns of ``by``, then ``organizations``, one count per coverage code
        (``own`` … ``none``), ``organizational``, ``work``, ``organizational_rate``,
        ``work_rate`` (0–1, 4 decimals), ``party_members``, ``employees``.

    Examples
    --------
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> coverage(KnowledgeGraph(), by="overall")["organizations"].tolist()
    [0]
    """
    if by not in COVERAGE_BY:
        raise AnalysisError(f"不支持的分组「{by}」，可选：{'、'.join(COVERAGE_BY)} "
                            f"(unknown grouping {by!r})")
    firms = kg.organizations
    keys = list(COVERAGE_BY[by])
    values = {key: firms[key] for key in keys if key != "site_kind"}
    if by == "site":
        kinds = kg.sites.drop_duplicates("name").set_index("name")["kind"]
        inside = firms["site"].notna().to_numpy()
        firms = firms[inside]
        values = {"site": firms["site"], "site_kind": firms["site"].map(kinds)}
    # Grouped by integer codes and summed with bincount: no frame of the 两新组织 themselves
    group, out = _groups(values, len(firms))
    n = len(out) if keys else 1
    codes = list(schema.COVERAGE)
    given, status = firms["coverage"], np.full(len(firms), -1)
    for i, code in enumerate(codes):
        status[(given == code).to_numpy(dtype=bool, na_value=False)] = i
    status[given.isna().to_numpy()] = codes.index("none")
    out["organizations"] = np.bincount(group, minlength=n).astype(np.int64)
    known = status >= 0
    table = np.bincount(group[known] * len(codes) + status[known],
                        minlength=n * len(codes)).reshape(n, len(codes))
    for i, code in enumerate(codes):
        out[code] = table[:, i].astype(np.int64)
    for name in ("party_members", "employees"):
        weights = firms[name].fillna(0).to_numpy(dtype=np.int64)
        out[name] = np.bincount(group, weights=weights, minlength=n).round().astype(np.int64)
    out["organizational"] = out[list(schema.ORGANIZATIONAL_COVERAGE)].sum(axis=1)
    out["work"] = out[list(schema.WORK_COVERAGE)].sum(axis=1)
    total = out["organizations"].where(out["organizations"] > 0)
    out["organizational_rate"] = (out["organizational"] / total).round(4)
    out["work_rate"] = (out["work"] / total).round(4)
    columns = [*keys, "organizations", *schema.COVERAGE, "organizational", "work",
               "organizational_rate", "work_rate", "party_members", "employees"]
    return out[columns].reset_index(drop=True)


def _groups(keys: dict[str, pd.Series], rows: int) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's group (sorted by the keys, empty keys last) and the frame of the groups."""
    if not keys:
        return np.zeros(rows, dtype=np.int64), pd.DataFrame(index=range(1))
    combined, uniques = np.zeros(rows, dtype=np.int64), []
    for values in keys.values():
        codes, found = pd.factorize(values, sort=True, use_na_sentinel=False)
        combined = combined * len(found) + codes
        uniques.append(found)
    present, group = np.unique(combined, return_inverse=True)
    out = {}
    for name, found in reversed(list(zip(keys, uniques, strict=True))):
        present, code = np.divmod(present, len(found))
        out[name] = found.take(code)
    return group, pd.DataFrame({name: out[name] for name in keys})


def coverage_list(kg: KnowledgeGraph) -> pd.DataFrame:
    """Every 两新组织 with its coverage status and its plan, in ledger order.

    Returns
    -------
    DataFrame
        ``uscc, name, type, district, street, community, site, employees, party_members,
        status`` (coverage code), ``plan`` (``own_branch`` | ``joint_branch`` |
        ``instructor`` | NA), ``proposal`` (``J001`` … for a joint branch), ``plan_reason``.

    Examples
    --------
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> coverage_list(KnowledgeGraph()).columns.tolist()[-4:]
    ['status', 'plan', 'proposal', 'plan_reason']
    """
    # the graph's own cache: the plan is asked for more than once in one run
    return kg.cached(("queries.coverage_list",), lambda: _coverage_list(kg)).copy()


def _coverage_list(kg: KnowledgeGraph) -> pd.DataFrame:
    firms = kg.organizations
    # the columns as they are (text stays Arrow-backed, not a Python object per cell)
    out = pd.DataFrame({c: firms[c].array for c in LIST_COLUMNS[:9]})
    out["status"] = firms["coverage"].fillna("none").astype("str").to_numpy()
    members = out["party_members"].fillna(0).to_numpy(dtype=np.int64)
    plan = np.full(len(out), None, dtype=object)
    reason = np.full(len(out), None, dtype=object)
    proposal = np.full(len(out), None, dtype=object)

    own = (members >= MIN_OWN_MEMBERS) & (out["status"] != "own").to_numpy()
    plan[own] = "own_branch"
    reason[own] = [f"有正式党员{m}人，应单独组建党组织（党章第三十条）" for m in members[own]]

    uncovered = (out["status"] == "none").to_numpy()
    small = uncovered & (members >= 1) & (members < MIN_OWN_MEMBERS)
    _joint_branches(out, members, np.flatnonzero(small), plan, proposal, reason)

    instructor = uncovered & pd.isna(plan)
    plan[instructor] = "instructor"
    reason[instructor] = [
        "无党员，选派党建指导员实现工作覆盖" if m == 0
        else f"有党员{m}人，附近暂无可联合组建的单位，先选派党建指导员"
        for m in members[instructor]]
    out["plan"] = pd.array(plan, dtype="str")
    out["proposal"] = pd.array(proposal, dtype="str")
    out["plan_reason"] = pd.array(reason, dtype="str")
    return out[list(LIST_COLUMNS)]


def coverage_plan(kg: KnowledgeGraph) -> pd.DataFrame:
    """The organizations with a plan, most employees first (then uscc).

    Examples
    --------
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> len(coverage_plan(KnowledgeGraph()))
    0
    """
    # straight from the cached list: one selection, no copy of the whole list first
    full = kg.cached(("queries.coverage_list",), lambda: _coverage_list(kg))
    rows = np.flatnonzero(full["plan"].notna().to_numpy())
    order = np.lexsort((full["uscc"].iloc[rows].astype(str).to_numpy(),
                        -full["employees"].iloc[rows].fillna(-1).to_numpy(dtype=np.int64)))
    return full.iloc[rows[order]].reset_index(drop=True)


def uncovered_list(kg: KnowledgeGraph) -> pd.DataFrame:
    """The 两新组织 no Party organization covers in any way (status ``none``), with their plan.

    Examples
    --------
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> uncovered_list(KnowledgeGraph()).columns.tolist()[-4:]
    ['status', 'plan', 'proposal', 'plan_reason']
    """
    out = coverage_list(kg)
    return out[(out["status"] == "none").to_numpy()].reset_index(drop=True)


#: Where neighbours for a joint branch are looked for, in order: (place word, key columns).
_JOINT_PASSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("楼宇园区", ("site",)),
    ("社区", ("district", "street", "community")),
)


def _joint_branches(out: pd.DataFrame, members: np.ndarray, rows: np.ndarray, plan: np.ndarray,
                    proposal: np.ndarray, reason: np.ndarray) -> None:
    """Propose joint branches for ``rows`` (uncovered, 1–2 members), filling the arrays.

    Per place, units are ranked (members, employees desc, uscc); with ``n`` units and ``m``
    members the place gets ``k = min(ceil(n / 5), m // 3)`` branches and its ``5k`` first
    units are dealt round-robin: each branch then has at most 5 units and at least 3
    members (3 units or more when ``k >= 2``), and the first unit of a branch is its anchor.
    """
    number = 0
    for place, keys in _JOINT_PASSES:
        todo = rows[pd.isna(plan[rows])]
        cand = out.iloc[todo][["uscc", "name", "employees", *keys]].copy()
        cand["row"] = todo
        cand["members"] = members[todo]
        cand["employees"] = cand["employees"].fillna(0).astype(np.int64)
        for key in keys[1:-1]:  # a middle level may be missing (community given, no street)
            cand[key] = cand[key].fillna("")
        cand = cand.dropna(subset=list(keys))
        if cand.empty:
            continue
        cand = cand.sort_values([*keys, "members", "employees", "uscc"],
                                ascending=[*([True] * len(keys)), False, False, True],
                                kind="stable")
        grouped = cand.groupby(list(keys), sort=False)
        n = grouped["row"].transform("size").to_numpy()
        total = grouped["members"].transform("sum").to_numpy()
        k = np.minimum(-(-n // MAX_JOINT_UNITS), total // MIN_JOINT_MEMBERS)
        rank = grouped.cumcount().to_numpy()
        take = rank < MAX_JOINT_UNITS * k
        cand = cand[take]
        if cand.empty:
            continue
        branch = rank[take] % k[take]
        place_no = grouped.ngroup().to_numpy()[take]
        order = np.lexsort((rank[take], branch, place_no))
        cand = cand.iloc[order].assign(place=place_no[order], branch=branch[order])
        first = ~cand.duplicated(["place", "branch"]).to_numpy()
        ids = np.cumsum(first) + number
        number = int(ids[-1])
        cand["proposal"] = [f"J{i:03d}" for i in ids]
        per = cand.groupby("proposal", sort=False)
        units = per["row"].transform("size").to_numpy()
        together = per["members"].transform("sum").to_numpy()
        anchor = per["name"].transform("first").to_numpy()
        where = cand[keys[-1]].to_numpy()
        r = cand["row"].to_numpy()
        plan[r] = "joint_branch"
        proposal[r] = cand["proposal"].to_numpy()
        reason[r] = [
            f"与同一{place}「{w}」的{u - 1}个单位联合组建党支部（共{m}名党员；牵头单位：{a}）"
            for w, u, m, a in zip(where, units, together, anchor, strict=True)]
