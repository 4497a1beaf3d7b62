"""The Party organizations of a district beyond its axis: industry committees (系统党委),
buildings, parks and business districts with their organizations, units of agencies,
institutions and state enterprises (with the planted 党建孤岛 and groups cut off from the
axis), grids and temporary organizations, and their ties.

Examples
--------
>>> n_industry(30), n_industry(300), n_industry(10_000) == len(SYSTEMS)
(1, 5, True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.synth import names
from gongjian.synth.batch import Batch, dedupe, tie_frame

__all__ = ["SYSTEMS", "grids", "industry_committees", "n_industry", "sites", "temporary",
           "units"]

#: The systems (系统) of industry committees, in the order a district gets them.
SYSTEMS = ("教育", "卫生健康", "国资", "城管", "公安", "市场监管", "文化旅游", "交通运输")
# unit templates: (name pattern, field, system); {c} community stem, {s} street, {d} district
_UNITS = (("{c}小学党支部", "institution", "教育"),
          ("{c}幼儿园党支部", "institution", "教育"),
          ("{s}派出所党支部", "agency", "公安"),
          ("{s}社区卫生服务中心党支部", "institution", "卫生健康"),
          ("{d}{b}中学党总支", "institution", "教育"),
          ("{d}{b}医院党委", "institution", "卫生健康"),
          ("{d}{b}集团有限公司党委", "state_enterprise", "国资"),
          ("中国建设银行{s}支行党支部", "state_enterprise", ""),
          ("{s}市场监管所党支部", "agency", "市场监管"),
          ("{d}{b}公交公司党支部", "state_enterprise", "交通运输"),
          ("{s}城管中队党支部", "agency", "城管"),
          ("{d}{b}文化馆党支部", "institution", "文化旅游"))
_UNIT_SPELLING = {"agency": "机关党组织", "institution": "事业单位党组织",
                  "state_enterprise": "国有企业党组织"}
#: Chance that a dual report (双报到) of a unit in a border street goes to a community across
#: the border.
_ACROSS_DUAL = 0.15


def n_industry(n_orgs: int) -> int:
    """Industry committees of a district (or a city) with ``n_orgs`` other organizations.

    Examples
    --------
    >>> n_industry(120)
    2
    """
    return min(len(SYSTEMS), max(1, n_orgs // 60))


def industry_committees(batch: Batch, n_ind: int, street_ids: pd.Series
                        ) -> tuple[pd.DataFrame, list[pd.DataFrame], dict[str, str]]:
    """``n_ind`` industry committees: they guide the units of their system and agree with
    three streets. Returns their 党组织 rows, their ties and the id of each system's one.

    Examples
    --------
    >>> batch = Batch.made_up()
    >>> rows, ties, system_of = industry_committees(batch, 2, batch.street_ids(np.arange(2)))
    >>> rows["name"].tolist(), sorted(system_of.values())
    (['金陵区教育系统党委', '金陵区卫生健康系统党委'], ['I9900010000001', 'I9900010000002'])
    """
    rng = batch.rng
    ties = []
    ind_ids = batch.ids("industry", n_ind)
    systems = np.array(SYSTEMS[:n_ind])
    s0 = np.zeros(n_ind, dtype=int)
    frame = batch.org_frame("industry", ind_ids, batch.d.label + systems + "系统党委", s0,
                            np.full(n_ind, -1), members=rng.integers(150, 900, n_ind),
                            fld="agency", system=systems, spelling="系统党委")
    for k in range(min(3, len(batch.streets))):
        ties.append(tie_frame(ind_ids, street_ids[(np.arange(n_ind) + k) % len(street_ids)],
                              "agreement"))
    industry_of = dict(zip(systems, ind_ids, strict=True))
    return frame, ties, industry_of


def sites(batch: Batch, counts: dict[str, int], street_ids: pd.Series
          ) -> tuple[list[pd.DataFrame], list[pd.DataFrame], list[pd.DataFrame],
                     tuple[pd.Series, pd.Series, np.ndarray]]:
    """Buildings, parks and business districts (``counts`` of each) with their Party
    organizations, which meet with their street and pair with their community. Returns the
    党组织 rows, the 楼宇园区 rows, the ties, and the buildings' organization ids, names and
    street positions (where 两新组织 may be).

    Examples
    --------
    >>> batch = Batch.made_up()
    >>> counts = {"building": 2, "park": 1, "business_district": 0}
    >>> orgs, rows, ties, (ids, names_, s) = sites(batch, counts, batch.street_ids(np.arange(2)))
    >>> [r["kind"].iloc[0] for r in rows if len(r)], ids.tolist()
    (['楼宇', '园区'], ['B9900010000001', 'B9900010000002'])
    """
    rng = batch.rng
    frames, ties = [], []
    site_rows, site_orgs = [], {}
    for kind, words in (("building", names.BUILDING_WORDS), ("park", ("科技园", "产业园")),
                        ("business_district", ("商圈", "步行街商圈"))):
        n = counts[kind]
        s, c = batch.place(n)
        brand = np.array(names.BRANDS)[rng.integers(0, len(names.BRANDS), n)]
        word = np.array(words)[rng.integers(0, len(words), n)]
        site = pd.Series(batch.d.label + batch.streets["name"].to_numpy()[s] + brand + word,
                         dtype="str")
        site = site + dedupe(site, batch.part)
        ids = batch.ids(kind, n)
        members = rng.integers(100, 400, n)
        frames.append(batch.org_frame(kind, ids, site + "党委", s, c, members=members,
                                      fld="private_enterprise", site=site))
        site_rows.append(pd.DataFrame({
            "name": site, "kind": schema.SITE_KINDS[kind].zh, "district": batch.d.label,
            "street": batch.streets["name"].to_numpy()[s]}))
        ties.append(tie_frame(ids, street_ids[s], "joint_meeting"))
        ties.append(tie_frame(ids, batch.community_ids(s, c), "pairing"))
        site_orgs[kind] = (ids, site, s)
    return frames, site_rows, ties, site_orgs["building"]


def units(batch: Batch, n: int, industry_of: dict[str, str], street_ids: pd.Series
          ) -> tuple[pd.DataFrame, list[pd.DataFrame], pd.DataFrame]:
    """``n`` units of agencies, institutions and state enterprises under their system's
    committee, with pairings, dual reports (双报到) and committee seats; about 1% have no tie
    at all (党建孤岛) and one in 400 are in groups of three tied only among themselves (both
    kept in ``batch.apart``). Returns the 党组织 rows, the ties and a table of the units
    (``id, s, system, ok``: active and tied) for the cross-district parts.

    Examples
    --------
    >>> batch = Batch.made_up()
    >>> rows, ties, table = units(batch, 10, {}, batch.street_ids(np.arange(2)))
    >>> len(rows), len(batch.apart), list(table.columns)  # one island among ten
    (10, 1, ['id', 's', 'system', 'ok'])
    """
    rng = batch.rng
    ties = []
    s, c = batch.place(n)
    which = rng.integers(0, len(_UNITS), n)
    pattern = np.array([u[0] for u in _UNITS])[which]
    comm_stem = (pd.Series(batch.comms["name"].to_numpy()[np.maximum(c, 0)], dtype="str")
                 .str.replace(r"(社区|村)$", "", regex=True) if len(batch.comms)
                 else pd.Series(batch.streets["name"].to_numpy()[s], dtype="str"))
    street_stem = pd.Series(batch.streets["name"].to_numpy()[s], dtype="str").str.replace(
        r"(街道|镇|乡)$", "", regex=True)
    brand = pd.Series(np.array(names.BRANDS)[rng.integers(0, len(names.BRANDS), n)],
                      dtype="str")
    unit_names = _fill(pd.Series(pattern, dtype="str"), c=comm_stem, s=street_stem,
                       d=batch.d.label, b=brand)
    system = np.array([u[2] for u in _UNITS])[which]
    fld = np.array([schema.FIELDS[u[1]].zh for u in _UNITS])[which]
    spelling = np.array([_UNIT_SPELLING[u[1]] for u in _UNITS])[which]
    members = np.clip(rng.lognormal(2.6, 0.9, n).astype(int) + 3, 3, 400)
    u_ids = batch.ids("unit", n)
    parent = pd.Series(system).map(industry_of)
    unit_frame = batch.org_frame("unit", u_ids, unit_names, s, c, members=members,
                                 spelling=spelling, fld=fld,
                                 system=np.where(system == "", None, system),
                                 parent=parent.where(parent.notna(), None).to_numpy())
    island = np.zeros(n, dtype=bool)  # 党建孤岛: about 1% of units have no tie at all
    island[rng.choice(n, min(n, max(1, round(n * 0.01))), replace=False)] = True
    live = ~island
    # groups cut off from the axis: three units tied only among themselves
    n_groups = n // 400
    group = np.zeros(n, dtype=bool)
    if n_groups:
        members_idx = rng.choice(np.flatnonzero(live), 3 * n_groups, replace=False)
        group[members_idx] = True
        tri = members_idx.reshape(-1, 3)
        for a, b in ((0, 1), (1, 2), (0, 2)):
            ties.append(tie_frame(u_ids[tri[:, a]], u_ids[tri[:, b]], "agreement"))
    live &= ~group
    batch.apart = u_ids[~live].to_numpy()  # islands and cut-off groups get no other tie
    ties.append(tie_frame(u_ids[live], batch.community_ids(s, c)[live], "pairing"))
    dual = live & (rng.random(n) < 0.6)
    ties.append(tie_frame(u_ids[dual], batch.targets(s, _ACROSS_DUAL)[dual], "dual_reporting"))
    seat = live & (rng.random(n) < 0.15)
    ties.append(tie_frame(u_ids[seat], street_ids[s][seat], "committee_seat"))
    active = unit_frame["status"].to_numpy() == schema.STATUSES["active"].zh
    table = pd.DataFrame({"id": u_ids.to_numpy(), "s": s, "system": system,
                          "ok": live & active})
    return unit_frame, ties, table


def grids(batch: Batch, n: int) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """``n`` grid branches (网格党支部) under communities, meeting with them.

    Examples
    --------
    >>> rows, ties = grids(Batch.made_up(), 2)
    >>> rows["kind"].unique().tolist(), ties[0]["type"].unique().tolist()
    (['网格党支部'], ['joint_meeting'])
    """
    rng = batch.rng
    s, c = batch.place(n)
    g_ids = batch.ids("grid", n)
    seq = pd.Series(rng.integers(1, 20, n)).astype(str).astype("str")
    comm_ids = batch.community_ids(s, c)
    base = (pd.Series(batch.comms["name"].to_numpy()[np.maximum(c, 0)], dtype="str")
            if len(batch.comms) else pd.Series(batch.streets["name"].to_numpy()[s], dtype="str"))
    frame = batch.org_frame("grid", g_ids, base + "第" + seq + "网格党支部", s, c,
                            members=rng.integers(3, 15, n), spelling="网格党支部",
                            parent=comm_ids)
    return frame, [tie_frame(g_ids, comm_ids, "joint_meeting")]


def temporary(batch: Batch, n: int, street_ids: pd.Series
              ) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """``n`` temporary branches (临时党支部) of projects under streets, paired with them.

    Examples
    --------
    >>> batch = Batch.made_up()
    >>> rows, ties = temporary(batch, 1, batch.street_ids(np.arange(2)))
    >>> bool(rows["name"].str.endswith("临时党支部").all()), ties[0]["target_id"].str[0].tolist()
    (True, ['S'])
    """
    rng = batch.rng
    s, _ = batch.place(n)
    t_ids = batch.ids("temporary", n)
    projects = np.array(["老旧小区改造项目", "城市更新项目", "重点工程建设项目",
                         "大型活动保障"])
    project = projects[rng.integers(0, len(projects), n)]
    frame = batch.org_frame("temporary", t_ids,
                            batch.streets["name"].to_numpy()[s] + project + "临时党支部",
                            s, np.full(n, -1), members=rng.integers(3, 20, n),
                            fld="other", spelling="临时党支部", parent=street_ids[s])
    return frame, [tie_frame(t_ids, street_ids[s], "pairing")]


def _fill(pattern: pd.Series, **parts) -> pd.Series:
    """Fill ``{c}``, ``{s}``, ``{d}``, ``{b}`` in each pattern, vectorized."""
    out = pattern
    for key, value in parts.items():
        pieces = out.str.split("{" + key + "}", n=1, expand=True)
        if pieces.shape[1] < 2:
            continue
        has = pieces[1].notna()
        value = value if isinstance(value, pd.Series) else pd.Series(value, index=out.index)
        out = out.where(~has, pieces[0] + value.astype("str") + pieces[1].fillna(""))
    return out
