"""两新组织 (firms, social organizations, sole traders) with valid credit codes, employees
and Party members, every kind of coverage (own organization, host, joint branch, fallback,
instructor), and the new-economy Party organizations and joint branches that cover them.

Examples
--------
>>> _city_word("南京市"), _city_word("延边朝鲜族自治州")
('南京', '延边朝鲜族')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.synth import names
from gongjian.synth.batch import Batch, tie_frame

__all__ = ["firms"]


def firms(batch: Batch, n: int, n_ne: int, n_joint: int, serial: int, b_ids: pd.Series,
          b_site: pd.Series, b_street: np.ndarray
          ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[pd.DataFrame]]:
    """``n`` 两新组织 of the district, ``n_ne`` of them with their own Party organization,
    up to ``n_joint`` joint branches of small firms of one building, and the ties of those
    organizations. ``serial`` numbers the credit codes across batches; ``b_ids``,
    ``b_site``, ``b_street``: the organization, name and street of each building or site
    where firms may be.

    Returns the 两新组织 rows, the new-economy 党组织 rows, the joint-branch 党组织 rows and
    the ties.

    Examples
    --------
    >>> import pandas as pd
    >>> batch = Batch.made_up()
    >>> none = pd.Series([], dtype="str")
    >>> rows, ne, joint, ties = firms(batch, 20, 3, 0, 0, none, none, np.zeros(0, dtype=int))
    >>> len(rows), ne["id"].tolist()
    (20, ['N9900010000001', 'N9900010000002', 'N9900010000003'])
    >>> bool((rows["covering_org_id"][:3] == ne["id"]).all())  # the first three: their own
    True
    """
    rng = batch.rng
    n_ne = min(n_ne, n)
    s, c = batch.place(n)
    kind = rng.choice(3, n, p=[0.78, 0.14, 0.08])  # firm, social organization, sole trader
    has_b = len(b_ids) > 0
    at = (rng.random(n) < 0.35) & has_b
    bi = rng.integers(0, max(1, len(b_ids)), n)
    s = np.where(at, np.asarray(b_street)[bi] if has_b else s, s)
    site = np.where(at, b_site.to_numpy()[bi] if has_b else None, None)
    c = np.where(at, -1, c)
    employees = np.where(kind == 2, rng.integers(1, 9, n),
                         np.clip(rng.lognormal(2.4, 1.1, n).astype(int) + 1, 1, 5000))
    members = rng.binomial(employees, 0.035)
    members[:n_ne] = np.maximum(members[:n_ne], 3 + rng.integers(0, 6, n_ne))
    employees = np.maximum(employees, members * 3)
    codes = names.usccs(rng, np.full(n, batch.d.code[:6]), social=kind == 1,
                        trader=kind == 2, serial=serial + np.arange(n))
    firm_name, industry = names.firm_names(rng, n, _city_word(batch.d.city))
    social_name, social_ind = names.social_org_names(rng, np.full(n, batch.d.label))
    shop = np.array(["便利店", "小吃店", "理发店", "五金店", "快递驿站"])[rng.integers(0, 5, n)]
    shop_name = np.char.add(np.char.add(batch.d.label, np.array(names.BRANDS)[
        rng.integers(0, len(names.BRANDS), n)]), shop)
    name = np.where(kind == 0, firm_name, np.where(kind == 1, social_name, shop_name))
    industry = np.where(kind == 0, industry, np.where(kind == 1, social_ind, "批发和零售业"))
    org_type = np.array([schema.ORG_TYPES[k].zh for k in
                         ("private_firm", "social_org", "sole_trader")])[kind]
    comm_ids = batch.community_ids(s, c)
    site_org = pd.Series(np.asarray(b_ids)[bi] if has_b else np.full(n, ""), dtype="str")
    covering = pd.Series([None] * n, dtype="str")
    coverage = np.full(n, "none", dtype=object)
    r = rng.random(n)
    # own organizations for the first n_ne
    ne_ids = batch.ids("new_economy", n_ne)
    coverage[:n_ne] = "own"
    covering[:n_ne] = ne_ids.to_numpy()
    rest = np.arange(n) >= n_ne
    big = rest & (members >= 3)
    host = big & (r < 0.6)
    coverage[host] = "host"
    covering[host] = np.where(at[host], site_org[host], comm_ids[host])
    # joint branches: up to five small firms of one building
    small = np.flatnonzero(rest & (members >= 1) & (members <= 2) & at)
    n_joint = min(n_joint, len(small) // 3)
    take = small[: 5 * n_joint] if n_joint else small[:0]
    j_of = np.arange(len(take)) % max(n_joint, 1)  # 3 to 5 firms each, round robin
    j_ids = batch.ids("joint", n_joint)
    coverage[take] = "joint"
    covering[take] = j_ids.to_numpy()[j_of]
    j_site_idx = bi[take[:n_joint]] if n_joint else np.zeros(0, dtype=int)
    site[take] = (b_site.to_numpy()[j_site_idx][j_of] if n_joint else site[take])
    s[take] = (np.asarray(b_street)[j_site_idx][j_of] if n_joint else s[take])
    left = rest & (coverage == "none") & ~big
    fallback = left & (r < 0.45)
    coverage[fallback] = "fallback"
    covering[fallback] = comm_ids[fallback]
    instr = left & (r >= 0.45) & (r < 0.75)
    coverage[instr] = "instructor"
    covering[instr] = np.where(at[instr], site_org[instr], comm_ids[instr])
    cov_label = pd.Series(coverage).map(
        lambda k: None if k == "none" else schema.COVERAGE[k].zh)
    comm_names = (batch.comms["name"].to_numpy()[np.maximum(c, 0)] if len(batch.comms)
                  else np.full(n, ""))
    firms = pd.DataFrame({
        "uscc": codes, "name": name, "type": org_type, "industry": industry,
        "district": batch.d.label, "street": batch.streets["name"].to_numpy()[s],
        "community": np.where(c >= 0, comm_names, None), "site": site,
        "employees": employees, "party_members": members,
        "covering_org_id": covering, "coverage": cov_label})
    # the new-economy organizations of the first n_ne firms
    own = slice(0, n_ne)
    social = kind[own] == 1
    ne_parent = np.where(at[own], site_org[own], comm_ids[own])
    ne = batch.org_frame("new_economy", ne_ids, pd.Series(name[own], dtype="str") + "党支部",
                         s[own], c[own], members=members[own],
                         spelling=np.where(social, "社会组织党组织", "非公企业党组织"),
                         fld=np.where(social, schema.FIELDS["social_organization"].zh,
                                      schema.FIELDS["private_enterprise"].zh),
                         site=site[own], parent=ne_parent)
    ties = [tie_frame(ne_ids, pd.Series(ne_parent, dtype="str"),
                      np.where(at[own], "joint_meeting", "pairing"))]
    j_members = np.maximum(np.bincount(j_of, weights=members[take], minlength=n_joint), 3)
    j_site = b_site.to_numpy()[j_site_idx] if n_joint else np.zeros(0, dtype=object)
    j_street = np.asarray(b_street)[j_site_idx] if n_joint else np.zeros(0, dtype=int)
    joint = batch.org_frame("joint", j_ids, pd.Series(j_site, dtype="str") + "联合党支部",
                            j_street, np.full(n_joint, -1), members=j_members.astype(int),
                            fld="private_enterprise", site=j_site, spelling="联合党支部",
                            parent=np.asarray(b_ids)[j_site_idx] if n_joint else None)
    ties.append(tie_frame(j_ids, pd.Series(np.asarray(b_ids)[j_site_idx], dtype="str"),
                          "joint_meeting"))
    return firms, ne, joint, ties


def _city_word(city: str) -> str:
    """The city's name without 市, 地区, 自治州 or 盟 (for firm names)."""
    for ending in ("市", "地区", "自治州", "盟"):
        if city.endswith(ending) and len(city) > len(ending) + 1:
            return city[: -len(ending)]
    return city
