"""Ties across district borders: the plan drawn before the first batch, and each
district's part of it.

Districts are taken as neighbours when they follow each other (or follow at one remove)
in code order within a city, as the divisions data has no geometry. On each border:

- 毗邻党建: several pairs of streets, one on each side, hold joint meetings, most with some
  of their communities (:func:`border_meetings`); units in those border streets pair with,
  report to (双报到) and sign agreements with communities across the border now and then
  (:meth:`gongjian.synth.batch.Batch.across`);
- business districts and parks lying across two or three districts (as 新街口 across 玄武,
  秦淮 and 鼓楼), listed with all their districts and streets in 楼宇园区: their Party
  organization holds a joint council (联席会) with a street, communities and units of each
  district (:func:`councils`), and 两新组织 of every district are located there
  (:func:`with_cross_sites`);
- city-level industry committees (南京市教育系统党委 …) of the first district of a city
  agree with a street of every district and lead an alliance (党建联盟) of the district
  committees and some units of their system (:func:`alliance`).

The plan is small and the same for a seed; it draws from a random stream of its own, so
the batches' streams are unchanged by it. Cross-district ties refer to street and
community ids (built from the division codes) and to the plan's own organizations, never
to rows of another batch, so each batch is written on its own.

Examples
--------
Three made-up districts of one city: every pair borders, one business district or park
lies across two or three of them, the city has an industry committee.

>>> from gongjian.synth.divisions import synthetic_skeleton
>>> sk = synthetic_skeleton(districts=3, streets=3, communities=2)
>>> streets = [g for _, g in sk.streets.groupby("district")]
>>> plan = plan_links(sk.districts, streets, np.array([1, 1, 1]), seed=0)
>>> sorted(set(zip(plan.pairs["a"].tolist(), plan.pairs["b"].tolist())))
[(0, 1), (0, 2), (1, 2)]
>>> plan.committees["name"].tolist()
['示例市教育系统党委']

The second district's share, and the joint meetings it writes across its borders:

>>> comms_of = dict(tuple(sk.communities.groupby("district")))
>>> d = next(sk.districts.iloc[1:].itertuples(index=False))
>>> batch = Batch(np.random.default_rng(0), d, streets[1], comms_of[d.code], 0, 1,
...               links_of(plan, 1, sk.districts, comms_of))
>>> border_meetings(batch).head(1).values.tolist()
[['S990002002', 'S990001001', 'joint_meeting']]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.synth import names
from gongjian.synth.batch import PREFIX, Batch, Links, dedupe, tie_frame
from gongjian.synth.party import SYSTEMS

__all__ = ["Plan", "alliance", "border_meetings", "councils", "links_of", "neighbours",
           "plan_links", "with_cross_sites"]

#: Street pairs agreeing 毗邻党建 on each district border (fewest, most).
_BORDER_PAIRS = (2, 5)
#: Chance that a cross-district business district or park takes in a third district.
_THIRD_DISTRICT = 0.4
#: Members of a cross-district joint council from each district: communities, units.
_COUNCIL = (2, 4)
#: Units of each district in the alliance of a city-level industry committee.
_ALLIANCE = 3
_CROSS_SITES = {"business_district": ("商圈", "步行街商圈", "商贸区"),
                "park": ("科技园", "产业园", "创新园")}


@dataclass(frozen=True)
class Plan:
    """The cross-district structure of the generated districts, drawn before any batch
    (by :func:`plan_links`; :func:`links_of` gives each district its share).

    ``pairs``: street pairs agreeing 毗邻党建 across a border (``a < b``: district positions;
    ``sa``, ``sb``: street codes). ``sites``: one row per cross-district business district or
    park and member district (``id, name, kind, pos, street, owner, owner_street, districts,
    streets``; the owner is the first member, which writes the site and its organization).
    ``committees``: city-level industry committees (``id, name, system, city, owner``).
    ``city``: the city of every district.
    """

    pairs: pd.DataFrame
    sites: pd.DataFrame
    committees: pd.DataFrame
    city: np.ndarray


def _city_keys(districts: pd.DataFrame) -> np.ndarray:
    """The city of every district: the first four digits of its code."""
    return districts["code"].astype(str).str[:4].to_numpy()


def neighbours(city: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """District pairs ``(a, b)``, ``a < b``, taken as neighbours: next and next but one in
    code order within a city (neighbouring districts mostly have close codes).

    Examples
    --------
    >>> a, b = neighbours(np.array(["3201"] * 4 + ["3202"] * 2))
    >>> list(zip(a.tolist(), b.tolist()))
    [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (4, 5)]
    """
    pos = np.arange(len(city))
    a = np.concatenate([pos[:len(city) - k][city[:len(city) - k] == city[k:]]
                        for k in (1, 2)]).astype(int)
    b = np.concatenate([pos[k:][city[:len(city) - k] == city[k:]] for k in (1, 2)]).astype(int)
    order = np.lexsort((b, a))
    return a[order], b[order]


def plan_links(districts: pd.DataFrame, streets: list[pd.DataFrame], n_ind: np.ndarray,
               seed: int) -> Plan:
    """Draw the cross-district structure: street pairs, shared sites, city committees."""
    rng = np.random.default_rng([seed, 2**31 - 1])  # a stream of its own: batches unchanged
    city = _city_keys(districts)
    a, b = neighbours(city)
    pairs = _street_pairs(rng, a, b, [s["code"].to_numpy(dtype=str) for s in streets])
    return Plan(pairs, _cross_sites(rng, pairs, districts, city, streets),
                _city_committees(districts, city, n_ind), city)


def _street_pairs(rng, a: np.ndarray, b: np.ndarray, codes: list[np.ndarray]) -> pd.DataFrame:
    """A few streets on each side of every border, paired in order."""
    lo, hi = _BORDER_PAIRS
    k = np.array([min(len(codes[x]), len(codes[y])) for x, y in zip(a, b, strict=True)],
                 dtype=int)
    k = np.minimum(k, rng.integers(lo, hi + 1, len(a)))
    sa = [rng.choice(codes[x], n, replace=False) for x, n in zip(a, k, strict=True)]
    sb = [rng.choice(codes[y], n, replace=False) for y, n in zip(b, k, strict=True)]
    return pd.DataFrame({"a": np.repeat(a, k), "b": np.repeat(b, k),
                         "sa": np.concatenate(sa) if sa else np.zeros(0, dtype=str),
                         "sb": np.concatenate(sb) if sb else np.zeros(0, dtype=str)})


def _cross_sites(rng, pairs: pd.DataFrame, districts: pd.DataFrame, city: np.ndarray,
                 streets: list[pd.DataFrame]) -> pd.DataFrame:
    """Business districts and parks across two or three districts, about one for every two
    borders of a city, each at the first street pair of its border (and a street of a third
    district that borders both, now and then)."""
    columns = ["id", "name", "kind", "pos", "street", "owner", "owner_street", "districts",
               "streets"]
    first = pairs.drop_duplicates(["a", "b"]).reset_index(drop=True)
    if len(first) == 0:
        return pd.DataFrame(columns=columns)
    n = len(districts)
    key = pd.Series(city[first["a"].to_numpy()])
    shuffled = first.assign(city=key, r=rng.random(len(first))).sort_values(["city", "r"])
    by_city = shuffled.groupby("city")
    take = by_city.cumcount().to_numpy() < np.maximum(1, by_city["r"].transform("size") // 2)
    chosen = shuffled[take].sort_values(["a", "b"]).reset_index(drop=True)
    x, y = chosen["a"].to_numpy(), chosen["b"].to_numpy()
    # a third district bordering both: between them, else the one after or before them
    after = np.where((x + 2 < n) & (city[np.minimum(x + 2, n - 1)] == city[x]), x + 2, x - 1)
    z = np.where(y == x + 2, x + 1, after)
    z_ok = ((z >= 0) & (city[np.clip(z, 0, n - 1)] == city[x])
            & (rng.random(len(x)) < _THIRD_DISTRICT))
    members = pd.DataFrame({
        "site": np.concatenate([np.arange(len(x))] * 3),
        "pos": np.concatenate([x, y, z]),
        "street": np.concatenate([chosen["sa"], chosen["sb"],
                                  [rng.choice(streets[p]["code"].to_numpy(dtype=str))
                                   if ok else "" for p, ok in zip(z, z_ok, strict=True)]]),
        "keep": np.concatenate([np.ones(2 * len(x), dtype=bool), z_ok])})
    members = members[members["keep"]].sort_values(["site", "pos"]).reset_index(drop=True)
    street_name = {c: nm for s in streets for c, nm in zip(s["code"], s["name"], strict=True)}
    members["street_name"] = members["street"].map(street_name)
    members["label"] = districts["label"].to_numpy()[members["pos"].to_numpy()]
    owner = members.groupby("site").first()
    kind = np.where(rng.random(len(owner)) < 0.7, "business_district", "park")
    words = [np.array(_CROSS_SITES[k]) for k in kind]
    word = [w[rng.integers(0, len(w))] for w in words]
    street = owner["street_name"].astype(str)
    brand = np.array(names.BRANDS)[rng.integers(0, len(names.BRANDS), len(owner))]
    stem = street.str.replace(r"(街道|镇|乡)$", "", regex=True).where(
        street.str.contains(r"(?:街道|镇|乡)$"), brand)  # named after the street, if a real one
    name = stem + pd.Series(word, index=owner.index, dtype="str")
    name = name + dedupe(name, 0)
    codes = districts["code"].to_numpy()[owner["pos"].to_numpy()]
    site = pd.DataFrame({
        "id": [f"{PREFIX[k]}{c}X{j + 1:05d}" for j, (k, c) in enumerate(zip(kind, codes,
                                                                              strict=True))],
        "name": name.to_numpy(), "kind": kind, "owner": owner["pos"].to_numpy(),
        "owner_street": owner["street"].to_numpy(),
        "districts": members.groupby("site")["label"].agg("、".join).to_numpy(),
        "streets": members.groupby("site")["street_name"].agg("、".join).to_numpy()},
        index=owner.index)
    return members[["site", "pos", "street"]].join(site, on="site")[columns]


def _city_committees(districts: pd.DataFrame, city: np.ndarray,
                     n_ind: np.ndarray) -> pd.DataFrame:
    """Industry committees of every city with two districts or more, in its first district
    and as many as that district has of its own."""
    pos = np.arange(len(city))
    first = pd.Series(pos).groupby(city).transform("min").to_numpy()
    size = pd.Series(pos).groupby(city).transform("size").to_numpy()
    owners = np.unique(first[size >= 2])
    k = n_ind[owners]
    owner = np.repeat(owners, k)
    system = np.array(SYSTEMS)[np.concatenate([np.arange(n) for n in k])] if len(k) else []
    number = np.concatenate([np.arange(1, n + 1) for n in k]) if len(k) else []
    code = districts["code"].to_numpy()[owner]
    return pd.DataFrame({
        "id": [f"I{c}X{j:02d}" for c, j in zip(code, number, strict=True)],
        "name": districts["city"].to_numpy()[owner].astype(str) + np.asarray(system, dtype=str)
        + "系统党委",
        "system": np.asarray(system, dtype=str), "city": city[owner], "owner": owner})


def links_of(plan: Plan, i: int, districts: pd.DataFrame,
             comms_of: dict[str, pd.DataFrame]) -> Links:
    """District ``i``'s share of the plan, with the ids of the communities over its border."""
    a, b = plan.pairs["a"].to_numpy(), plan.pairs["b"].to_numpy()
    sa, sb = plan.pairs["sa"].to_numpy(), plan.pairs["sb"].to_numpy()
    at_a, at_b = a == i, b == i
    mine = pd.DataFrame({"street": np.concatenate([sa[at_a], sb[at_b]]),
                         "partner_street": np.concatenate([sb[at_a], sa[at_b]]),
                         "writes": np.repeat([False, True], [at_a.sum(), at_b.sum()])})
    codes = districts["code"].to_numpy()[np.unique(np.concatenate([b[at_a], a[at_b]]))]
    others = [comms_of[c] for c in codes if c in comms_of]
    comms = (pd.concat(others, ignore_index=True)[["code", "street"]] if others
             else pd.DataFrame(columns=["code", "street"]))
    across = mine.merge(comms.rename(columns={"street": "partner_street"}), how="left",
                        on="partner_street")
    across["partner"] = np.where(across["code"].notna(), "C" + across["code"].astype(str),
                                 "S" + across["partner_street"].astype(str))
    return Links(across[["street", "partner_street", "partner", "writes"]],
                 plan.sites[(plan.sites["pos"] == i).to_numpy()].reset_index(drop=True),
                 plan.committees[(plan.committees["city"] == plan.city[i]).to_numpy()]
                 .reset_index(drop=True), i)


# --- each district's part ---------------------------------------------------------

def border_meetings(batch: Batch) -> pd.DataFrame:
    """毗邻党建 over the borders this district writes: each street pair meets, and most
    pairs bring one or two communities of each side (paired one to one)."""
    rng = batch.rng
    across = batch.links.across[batch.links.across["writes"].astype(bool).to_numpy()]
    across = across[across["street"].isin(batch.street_index).to_numpy()]
    pairs = across.drop_duplicates(["street", "partner_street"])
    ties = [tie_frame("S" + pairs["street"].astype(str), "S" + pairs["partner_street"].astype(str),
                      "joint_meeting")]
    comm = across[across["partner"].str.startswith("C").to_numpy()]
    size = comm.groupby(["street", "partner_street"])["partner"].transform("size").to_numpy()
    pick = rng.random(len(comm)) < np.minimum(1.0, 1.5 / np.maximum(size, 1))
    comm = comm[pick]
    s = comm["street"].map(batch.street_index).astype(int).to_numpy()
    c = batch.in_street(s)
    ties.append(tie_frame(batch.community_ids(s, c)[c >= 0], comm["partner"][c >= 0],
                          "joint_meeting"))
    return pd.concat(ties, ignore_index=True)


def alliance(batch: Batch, units: pd.DataFrame, industry_of: dict[str, str],
             street_ids: pd.Series) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """City-level industry committees: the first district of the city writes them; each
    agrees with a street of every district (条块结合) and leads an alliance (党建联盟) of
    the district committee and a few units of its system in every district."""
    com = batch.links.committees
    if batch.part or len(com) == 0:
        return [], []
    rng = batch.rng
    n = len(com)
    own = (com["owner"] == batch.links.pos).to_numpy()
    frames = [batch.org_frame(
        "industry", com["id"][own], com["name"][own], np.zeros(own.sum(), dtype=int),
        np.full(own.sum(), -1), members=rng.integers(300, 1500, own.sum()), fld="agency",
        system=com["system"][own].to_numpy(), spelling="系统党委")] if own.any() else []
    ties = [tie_frame(com["id"], street_ids.to_numpy()[rng.integers(0, len(street_ids), n)],
                      "agreement")]
    district = com["system"].map(industry_of)
    ties.append(tie_frame(com["id"][district.notna()], district.dropna(), "joint_meeting"))
    ok = units[units["ok"].to_numpy()]
    ok = ok.iloc[rng.permutation(len(ok))]
    ok = ok[(ok.groupby("system").cumcount() < _ALLIANCE).to_numpy()]
    of_system = dict(zip(com["system"], com["id"], strict=True))
    hub = ok["system"].map(of_system)
    ties.append(tie_frame(ok["id"][hub.notna()], hub.dropna(), "joint_meeting"))
    return frames, ties


def councils(batch: Batch, units: pd.DataFrame, street_ids: pd.Series
              ) -> tuple[list[pd.DataFrame], list[pd.DataFrame], list[pd.DataFrame]]:
    """Business districts and parks across districts: the first member district writes the
    site (with all its districts and streets) and its organization; the joint council
    (联席会) takes in the member street, communities and units of every district."""
    sites = batch.links.sites
    if batch.part or len(sites) == 0:
        return [], [], []
    rng = batch.rng
    s = sites["street"].map(batch.street_index).astype(int).to_numpy()
    own = (sites["owner"] == batch.links.pos).to_numpy()
    frames, rows = [], []
    for kind in _CROSS_SITES:
        mine = own & (sites["kind"] == kind).to_numpy()
        if not mine.any():
            continue
        frames.append(batch.org_frame(
            kind, sites["id"][mine], sites["name"][mine] + "党委", s[mine],
            np.full(mine.sum(), -1), members=rng.integers(150, 600, mine.sum()),
            fld="private_enterprise", site=sites["name"][mine].to_numpy()))
        rows.append(pd.DataFrame({"name": sites["name"][mine].to_numpy(),
                                  "kind": schema.SITE_KINDS[kind].zh,
                                  "district": sites["districts"][mine].to_numpy(),
                                  "street": sites["streets"][mine].to_numpy()}))
    ties = [tie_frame(street_ids.to_numpy()[s], sites["id"], "joint_meeting"),
            tie_frame(street_ids.to_numpy()[s][~own], "S" + sites["owner_street"][~own],
                      "joint_meeting")]
    k = _COUNCIL[0]
    c = batch.in_street(np.repeat(s, k))
    ids = np.repeat(sites["id"].to_numpy(dtype=object), k)
    comm = pd.DataFrame({"source_id": batch.community_ids(np.repeat(s, k), c).to_numpy(),
                         "target_id": ids})[c >= 0].drop_duplicates()
    ties.append(comm.assign(type="joint_meeting"))
    ok = units[units["ok"].to_numpy()]
    ok = ok.iloc[rng.permutation(len(ok))]
    ok = ok[(ok.groupby("s").cumcount() < _COUNCIL[1]).to_numpy()]
    at = ok.merge(pd.DataFrame({"s": s, "site": sites["id"].to_numpy()}), on="s")
    ties.append(tie_frame(at["id"], at["site"], "joint_meeting"))
    return frames, ties, rows


def with_cross_sites(batch: Batch, b_ids: pd.Series, b_site: pd.Series, b_street: np.ndarray
                      ) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """The buildings where 两新组织 may be, with the cross-district sites of this district
    (at its member street): their firms come from every member district."""
    sites = batch.links.sites
    if len(sites) == 0:
        return b_ids, b_site, b_street
    s = sites["street"].map(batch.street_index).astype(int).to_numpy()
    return (pd.concat([b_ids, sites["id"]], ignore_index=True).astype("str"),
            pd.concat([b_site, sites["name"]], ignore_index=True).astype("str"),
            np.concatenate([np.asarray(b_street, dtype=int), s]))
