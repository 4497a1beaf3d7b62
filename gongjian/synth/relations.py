"""Co-building relations (共建关系): ties beyond each organization's own up to the target,
and the dates, reporting members and projects of every tie.

Examples
--------
>>> "四点半课堂" in _PROJECTS
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.synth.batch import Batch, tie_frame

__all__ = ["extra", "finish"]

_PROJECTS = np.array(["红色物业共建", "社区志愿服务", "关爱老人结对", "文明城市创建", "义诊进社区",
                      "四点半课堂", "法律服务进社区", "垃圾分类宣传", "新就业群体服务站"])
#: Chance that another tie of an organization in a border street goes to a community
#: across the border.
_ACROSS_EXTRA = 0.03


def extra(batch: Batch, n: int, orgs: pd.DataFrame) -> pd.DataFrame:
    """``n`` more ties between the batch's organizations ``orgs`` (units, sites, new-economy
    organizations, but not the planted islands and cut-off groups) and communities, mostly
    of their own street, now and then across the district border.

    Examples
    --------
    >>> batch = Batch.made_up()
    >>> at = np.zeros(3, dtype=int)
    >>> units = batch.org_frame("unit", batch.ids("unit", 3), ["甲", "乙", "丙"], at, at,
    ...                         members=np.full(3, 10), spelling="机关党组织", fld="agency")
    >>> ties = extra(batch, 4, units)
    >>> len(ties), bool(ties["source_id"].isin(units["id"]).all())
    (4, True)
    """
    if n == 0 or len(orgs) == 0:
        return tie_frame(pd.Series([], dtype="str"), pd.Series([], dtype="str"), "pairing")
    rng = batch.rng
    kinds = orgs["kind"].map(lambda v: schema.canonical(schema.PARTY_KIND_ALIASES, v))
    take = (kinds.isin(["unit", "building", "park", "business_district",
                        "new_economy"]).to_numpy()
            & ~np.isin(orgs["id"].to_numpy(dtype=object), batch.apart))
    pool = orgs["id"].to_numpy(dtype=object)[take]
    index = dict(zip(batch.streets["name"], range(len(batch.streets)), strict=True))
    street = orgs["street"].map(index).fillna(0).astype(int).to_numpy()[take]
    if len(pool) == 0:
        return tie_frame(pd.Series([], dtype="str"), pd.Series([], dtype="str"), "pairing")
    pick = rng.integers(0, len(pool), n)
    src = pool[pick]
    tgt = batch.targets(street[pick], _ACROSS_EXTRA)
    types = np.array(["agreement", "pairing", "dual_reporting", "joint_meeting"])[
        rng.choice(4, n, p=[0.35, 0.3, 0.25, 0.1])]
    return tie_frame(pd.Series(src, dtype="str"), tgt, types)


def finish(batch: Batch, rel: pd.DataFrame) -> pd.DataFrame:
    """The 共建关系 rows of the ties ``rel`` (``source_id, target_id, type`` codes): Chinese
    types, start dates, end dates for half the agreements (a fifth of those expired),
    members reporting for dual reports, projects for some.

    Examples
    --------
    >>> rows = finish(Batch.made_up(), tie_frame(["U1"], ["C1"], "agreement"))
    >>> rows["type"].tolist(), len(rows["start"][0])
    (['共建协议'], 10)
    """
    rng = batch.rng
    n = len(rel)
    code = rel["type"].to_numpy()
    start = batch.dates(n)
    end = pd.Series([None] * n, dtype="str")
    agreement = code == "agreement"
    ends = agreement & (rng.random(n) < 0.5)
    expired = ends & (rng.random(n) < 0.2)
    end[expired] = batch.dates(int(expired.sum()), "2021-01-01", "2024-12-31")[:].to_numpy()
    later = ends & ~expired
    end[later] = batch.dates(int(later.sum()), "2026-01-01", "2030-12-31").to_numpy()
    # an expired tie starts before it ends
    start[expired] = batch.dates(int(expired.sum()), "2016-01-01", "2020-12-31").to_numpy()
    reporting = np.where(code == "dual_reporting", rng.integers(3, 60, n), 0)
    projects = np.where(rng.random(n) < 0.3, _PROJECTS[rng.integers(0, len(_PROJECTS), n)],
                        None)
    labels = {k: schema.RELATION_TYPES[k].zh for k in schema.RELATION_TYPES}
    return pd.DataFrame({
        "source_id": rel["source_id"].to_numpy(), "target_id": rel["target_id"].to_numpy(),
        "type": pd.Series(code).map(labels).to_numpy(), "start": start, "end": end,
        "reporting_members": pd.Series(reporting, dtype="Int64").where(
            code == "dual_reporting"),
        "projects": projects})

