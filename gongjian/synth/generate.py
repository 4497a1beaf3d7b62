"""Synthetic ledgers at any scale, streamed to disk district by district.

Built on real districts, streets and communities (see :mod:`gongjian.synth.divisions`):
a street organization for every street, a community organization for every community or
village, and, in the proportions of ``domain.md``, unit organizations, industry
committees, buildings, parks, business districts, grids, temporary organizations, 两新组织
(valid credit codes, employees, Party members, every kind of coverage) and co-building ties
of every type with dates, some expired, some islands (党建孤岛) and some groups cut off from
the axis. Ties are local: most of an organization's ties go to communities of its own street.

Ties across district borders (about 2% of them at city scale) come from a plan drawn
before the first batch, small and the same for a seed. Districts are taken as neighbours
when they follow each other (or follow at one remove) in code order within a city, as the
divisions data has no geometry. On each border:

- 毗邻党建: several pairs of streets, one on each side, hold joint meetings, most with some
  of their communities; units in those border streets pair with, report to (双报到) and sign
  agreements with communities across the border now and then;
- business districts and parks lying across two or three districts (as 新街口 across 玄武,
  秦淮 and 鼓楼), listed with all their districts and streets in 楼宇园区: their Party
  organization holds a joint council (联席会) with a street, communities and units of each
  district, and 两新组织 of every district are located there;
- city-level industry committees (南京市教育系统党委 …) of the first district of a city
  agree with a street of every district and lead an alliance (党建联盟) of the district
  committees and some units of their system.

Every batch is generated with numpy and appended to the CSV files, so memory stays flat at
any scale: the cross-district ties refer to street and community ids (built from the
division codes) and to the plan's own organizations, never to rows of another batch. The
same seed writes the same files.

Examples
--------
>>> SCALES["city"].party_orgs
100000
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.errors import GongjianError
from gongjian.i18n import pick
from gongjian.loaders.tables import TABLES
from gongjian.progress import progress
from gongjian.synth import names
from gongjian.synth.divisions import (
    DEFAULT_REGIONS,
    Skeleton,
    find_divisions,
    load_skeleton,
)
from gongjian.synth.writer import EXCEL_MAX_ROWS, TableSink, check_folder

__all__ = ["SCALES", "Scale", "Target", "synthesize"]

Scale = Literal["district", "city", "province", "nation"]


@dataclass(frozen=True)
class Target:
    """Approximate totals of a scale: Party organizations, 两新组织, co-building relations."""

    party_orgs: int
    organizations: int
    relations: int


SCALES: dict[str, Target] = {
    "district": Target(2_000, 20_000, 10_000),
    "city": Target(100_000, 1_000_000, 500_000),
    "province": Target(600_000, 6_000_000, 3_000_000),
    "nation": Target(5_000_000, 30_000_000, 20_000_000),
}
#: Ledger table → file name without extension.
FILES: dict[str, str] = {key: TABLES[key].zh for key in TABLES}
#: Rows (party organizations and 两新组织) per generated batch.
BATCH_ROWS = 200_000

#: Shares of the Party organizations that are not street or community ones.
_SHARES = {"unit": 0.40, "grid": 0.22, "new_economy": 0.22, "joint": 0.04, "temporary": 0.03,
           "building": 0.05, "park": 0.01, "business_district": 0.01}
_SYSTEMS = ("教育", "卫生健康", "国资", "城管", "公安", "市场监管", "文化旅游", "交通运输")
_PREFIX = {"unit": "U", "grid": "G", "new_economy": "N", "joint": "J", "temporary": "T",
           "building": "B", "park": "P", "business_district": "D", "industry": "I"}
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
_PROJECTS = np.array(["红色物业共建", "社区志愿服务", "关爱老人结对", "文明城市创建", "义诊进社区",
                      "四点半课堂", "法律服务进社区", "垃圾分类宣传", "新就业群体服务站"])
#: Share of an organization's ties to communities that stay in its own street.
_LOCAL = 0.9
#: Street pairs agreeing 毗邻党建 on each district border (fewest, most).
_BORDER_PAIRS = (2, 5)
#: Chance that a dual report (双报到) or another tie of an organization in a border street
#: goes to a community across the border.
_ACROSS_DUAL, _ACROSS_EXTRA = 0.15, 0.03
#: Chance that a cross-district business district or park takes in a third district.
_THIRD_DISTRICT = 0.4
#: Members of a cross-district joint council from each district: communities, units.
_COUNCIL = (2, 4)
#: Units of each district in the alliance of a city-level industry committee.
_ALLIANCE = 3
_CROSS_SITES = {"business_district": ("商圈", "步行街商圈", "商贸区"),
                "park": ("科技园", "产业园", "创新园")}


def synthesize(folder: str | Path, *, scale: Scale, seed: int = 0, region: str | None = None,
               divisions: str | Path | None = None, fmt: Literal["csv", "xlsx"] = "csv",
               limit: int | None = None, lang: str = "zh") -> dict:
    """Write a synthetic ledger folder of the given ``scale`` and return what was written.

    ``region`` names the province, city or district whose real streets and communities to
    use (default per scale: 玄武区, 南京市, 江苏省, the whole country; an unknown one is a
    :class:`~gongjian.errors.GongjianError`); ``divisions`` is a folder of divisions files
    other than the package's own (see :func:`~gongjian.synth.divisions.find_divisions`).
    ``limit`` keeps only the first ``limit`` districts (with
    their share of the totals), for tests. ``fmt="xlsx"`` writes Excel files (write-only,
    for what fits in a sheet); CSV is the format for large scales. ``lang`` is the
    language of the progress bar.

    Returns a dict with ``folder``, ``scale``, ``seed``, ``region``, ``divisions`` (the
    divisions folder used), ``counts`` (rows per table), ``files`` and ``seconds``.

    Examples
    --------
    >>> import tempfile
    >>> info = synthesize(tempfile.mkdtemp(), scale="district")
    >>> info["region"], 1_500 < info["counts"]["party_orgs"] < 2_500
    ('玄武区', True)
    """
    if scale not in SCALES:
        raise GongjianError(f"未知规模 {scale}：可选 {'、'.join(SCALES)} (unknown scale)")
    if fmt not in ("csv", "xlsx"):
        raise GongjianError(f"不支持的格式 {fmt}：可选 csv、xlsx (unsupported format)")
    started = time.perf_counter()
    target = SCALES[scale]
    found = find_divisions(divisions)
    skeleton = load_skeleton(region if region is not None else DEFAULT_REGIONS[scale], found)
    folder = Path(folder)
    check_folder(folder, {f"{stem}.{fmt}" for stem in FILES.values()}, lang)
    folder.mkdir(parents=True, exist_ok=True)
    sink = TableSink(folder, fmt, FILES)
    counts = _stream(sink, skeleton, target, seed, limit, lang)
    return {"folder": folder, "scale": scale, "seed": seed, "region": skeleton.name,
            "divisions": found, "counts": counts,
            "files": sink.close(),
            "seconds": round(time.perf_counter() - started, 2)}


def _stream(sink: TableSink, sk: Skeleton, target: Target, seed: int, limit: int | None,
            lang: str) -> dict[str, int]:
    """Generate batch after batch and append them to the table files."""
    n_streets = sk.streets.groupby("district").size()
    n_comms = sk.communities.groupby("district").size()
    weight = (sk.districts["code"].map(n_streets).fillna(0)
              + sk.districts["code"].map(n_comms).fillna(0)).to_numpy(dtype=float) + 1
    share = weight / weight.sum()
    axis_total = len(sk.streets) + len(sk.communities)
    rest = max(target.party_orgs - axis_total, target.party_orgs // 5)
    districts = (sk.districts if limit is None else sk.districts.head(limit)).reset_index(
        drop=True)
    streets_of = dict(tuple(sk.streets.groupby("district", sort=False)))
    comms_of = dict(tuple(sk.communities.groupby("district", sort=False)))
    streets = [_district_streets(d, streets_of) for d in districts.itertuples(index=False)]
    counts = dict.fromkeys(FILES, 0)
    serial = 0
    plan = []
    for i, d in enumerate(districts.itertuples(index=False)):
        orgs_d = round(rest * share[i])
        firms_d = round(target.organizations * share[i])
        rel_d = round(target.relations * share[i])
        parts = max(1, math.ceil((orgs_d + firms_d) / BATCH_ROWS))
        plan += [(i, d, part, parts, orgs_d, firms_d, rel_d) for part in range(parts)]
    if sink.fmt == "xlsx":
        biggest = max(sum(p[5] // p[3] for p in plan), sum(p[6] // p[3] for p in plan))
        if biggest > EXCEL_MAX_ROWS:
            raise GongjianError(
                f"约 {biggest} 行，超过 Excel 一个工作表的上限 {EXCEL_MAX_ROWS} 行；请用 CSV "
                "(too many rows for an Excel sheet: use CSV)")
    n_ind = np.array([_n_industry(p[4] // p[3]) for p in plan if p[2] == 0], dtype=int)
    cross = _plan_links(districts, streets, n_ind, seed)
    links = None
    with progress(pick(lang, "生成合成台账", "synthesizing"), total=len(plan)) as advance:
        for i, d, part, parts, orgs_d, firms_d, rel_d in plan:
            rng = np.random.default_rng([seed, i, part])
            comms = comms_of.get(d.code, pd.DataFrame(columns=["code", "name", "street",
                                                               "district"]))
            if part == 0:
                links = _links_of(cross, i, districts, comms_of)
            batch = _Batch(rng, d, streets[i], comms, part, parts, links)
            tables = batch.generate(orgs_d // parts, firms_d // parts, rel_d // parts, serial)
            serial += len(tables["organizations"])
            for key in FILES:
                df = tables[key].reindex(columns=[c.name for c in TABLES[key].columns])
                if len(df) or key not in sink.started:
                    sink.write(key, df)
                    counts[key] += len(df)
            advance(1)
    return counts


def _district_streets(d, streets_of: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The streets of district ``d``; one made up when the data has none."""
    streets = streets_of.get(d.code)
    if streets is None or len(streets) == 0:
        return pd.DataFrame({"code": [f"{d.code}999"], "name": [f"{d.name}直属街道"],
                             "district": [d.code]})
    return streets


def _n_industry(n_orgs: int) -> int:
    """Industry committees of a district (or a city) with ``n_orgs`` other organizations."""
    return min(len(_SYSTEMS), max(1, n_orgs // 60))


# --- ties across district borders: the plan, then each district's share of it -----------

@dataclass(frozen=True)
class _Plan:
    """The cross-district structure of the generated districts, drawn before any batch.

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


@dataclass(frozen=True)
class _Links:
    """One district's share of the plan.

    ``across``: its border streets, one row per community over the border (``street``: own
    street code, ``partner_street``, ``partner``: the community's id, or the street's when
    it has no community; ``writes``: this district writes the street pair's joint meeting).
    ``sites`` and ``committees``: the plan's rows of this district and of its city;
    ``pos``: the district's position.
    """

    across: pd.DataFrame
    sites: pd.DataFrame
    committees: pd.DataFrame
    pos: int = -1


def _city_keys(districts: pd.DataFrame) -> np.ndarray:
    """The city of every district: the first four digits of its code."""
    return districts["code"].astype(str).str[:4].to_numpy()


def _neighbours(city: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """District pairs ``(a, b)``, ``a < b``, taken as neighbours: next and next but one in
    code order within a city (neighbouring districts mostly have close codes).

    Examples
    --------
    >>> a, b = _neighbours(np.array(["3201"] * 4 + ["3202"] * 2))
    >>> list(zip(a.tolist(), b.tolist()))
    [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (4, 5)]
    """
    pos = np.arange(len(city))
    a = np.concatenate([pos[:len(city) - k][city[:len(city) - k] == city[k:]]
                        for k in (1, 2)]).astype(int)
    b = np.concatenate([pos[k:][city[:len(city) - k] == city[k:]] for k in (1, 2)]).astype(int)
    order = np.lexsort((b, a))
    return a[order], b[order]


def _plan_links(districts: pd.DataFrame, streets: list[pd.DataFrame], n_ind: np.ndarray,
                seed: int) -> _Plan:
    """Draw the cross-district structure: street pairs, shared sites, city committees."""
    rng = np.random.default_rng([seed, 2**31 - 1])  # a stream of its own: batches unchanged
    city = _city_keys(districts)
    a, b = _neighbours(city)
    pairs = _street_pairs(rng, a, b, [s["code"].to_numpy(dtype=str) for s in streets])
    return _Plan(pairs, _cross_sites(rng, pairs, districts, city, streets),
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
    name = name + _dedupe(name, 0)
    codes = districts["code"].to_numpy()[owner["pos"].to_numpy()]
    site = pd.DataFrame({
        "id": [f"{_PREFIX[k]}{c}X{j + 1:05d}" for j, (k, c) in enumerate(zip(kind, codes,
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
    system = np.array(_SYSTEMS)[np.concatenate([np.arange(n) for n in k])] if len(k) else []
    number = np.concatenate([np.arange(1, n + 1) for n in k]) if len(k) else []
    code = districts["code"].to_numpy()[owner]
    return pd.DataFrame({
        "id": [f"I{c}X{j:02d}" for c, j in zip(code, number, strict=True)],
        "name": districts["city"].to_numpy()[owner].astype(str) + np.asarray(system, dtype=str)
        + "系统党委",
        "system": np.asarray(system, dtype=str), "city": city[owner], "owner": owner})


def _links_of(plan: _Plan, i: int, districts: pd.DataFrame,
              comms_of: dict[str, pd.DataFrame]) -> _Links:
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
    return _Links(across[["street", "partner_street", "partner", "writes"]],
                  plan.sites[(plan.sites["pos"] == i).to_numpy()].reset_index(drop=True),
                  plan.committees[(plan.committees["city"] == plan.city[i]).to_numpy()]
                  .reset_index(drop=True), i)


class _Batch:
    """One district (or a part of a large one): every table's rows, vectorized."""

    def __init__(self, rng, district, streets: pd.DataFrame, comms: pd.DataFrame, part: int,
                 parts: int, links: _Links | None = None) -> None:
        self.rng = rng
        self.d = district
        self.streets = streets.reset_index(drop=True)
        self.comms = comms.reset_index(drop=True)
        self.part = part
        self.parts = parts
        self.street_index = {c: i for i, c in enumerate(self.streets["code"])}
        self.apart = np.zeros(0, dtype=object)
        self.links = links if links is not None else _Links(
            pd.DataFrame(columns=["street", "partner_street", "partner", "writes"]),
            pd.DataFrame(columns=["id", "name", "kind", "street", "owner", "owner_street",
                                  "districts", "streets"]),
            pd.DataFrame(columns=["id", "name", "system", "owner"]))
        ns = len(self.streets)
        self.c_street = (self.comms["street"].map(self.street_index).fillna(0).astype(int)
                         .to_numpy() if len(self.comms) else np.zeros(0, dtype=int))
        self.by_street, self.street_start, self.street_count = _groups(self.c_street, ns)
        own = self.links.across["street"].map(self.street_index)
        known = own.notna().to_numpy()
        self.pool = self.links.across["partner"].to_numpy(dtype=object)[known]
        order, self.pool_start, self.pool_count = _groups(own[known].astype(int).to_numpy(), ns)
        self.pool = self.pool[order]

    # --- helpers ---------------------------------------------------------------------

    def _place(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Random (street index, community index or -1) for ``n`` rows."""
        if len(self.comms):
            c = self.rng.integers(0, len(self.comms), n)
            s = self.comms["street"].map(self.street_index).fillna(0).astype(int).to_numpy()[c]
            return s, c
        return self.rng.integers(0, len(self.streets), n), np.full(n, -1)

    def _in_street(self, s: np.ndarray) -> np.ndarray:
        """A random community of each street in ``s`` (-1 for a street without any)."""
        count = self.street_count[s]
        k = self.street_start[s] + (self.rng.random(len(s)) * count).astype(int)
        return np.where(count > 0, self.by_street[np.minimum(k, max(len(self.by_street) - 1, 0))]
                        if len(self.by_street) else -1, -1)

    def _targets(self, s: np.ndarray, across: float) -> pd.Series:
        """Community ids for one tie of each organization in streets ``s``: in its own street
        with probability ``_LOCAL``, else anywhere in the district; from a border street,
        over the border with probability ``across``."""
        n = len(s)
        s2, c2 = self._place(n)
        c = self._in_street(s)
        local = (self.rng.random(n) < _LOCAL) & (c >= 0)
        ids = self._community_ids(np.where(local, s, s2), np.where(local, c, c2))
        return self._across(s, ids, across)

    def _across(self, s: np.ndarray, ids: pd.Series, p: float) -> pd.Series:
        """``ids`` with each one from a border street in ``s`` replaced, with probability
        ``p``, by a random community over the border (毗邻党建)."""
        if len(self.pool) == 0 or len(s) == 0:
            return ids
        count = self.pool_count[s]
        go = (self.rng.random(len(s)) < p) & (count > 0)
        k = np.minimum(self.pool_start[s] + (self.rng.random(len(s)) * count).astype(int),
                       len(self.pool) - 1)
        return pd.Series(np.where(go, self.pool[k], ids.to_numpy(dtype=object)), dtype="str")

    def _dates(self, n: int, first: str = "2016-01-01", last: str = "2025-03-31") -> pd.Series:
        lo, hi = np.datetime64(first), np.datetime64(last)
        days = self.rng.integers(0, int((hi - lo).astype(int)) + 1, n)
        return pd.Series(np.datetime_as_string(lo + days, unit="D"), dtype="str")

    def _ids(self, kind: str, n: int) -> pd.Series:
        start = self.part * 10_000_000
        seq = pd.Series(np.arange(start + 1, start + n + 1)).astype(str).str.zfill(7)
        return f"{_PREFIX[kind]}{self.d.code}" + seq.astype("str")

    def _street_ids(self, s: np.ndarray) -> pd.Series:
        return "S" + pd.Series(self.streets["code"].to_numpy()[s], dtype="str")

    def _community_ids(self, s: np.ndarray, c: np.ndarray) -> pd.Series:
        codes = np.where(c >= 0, "C" + self.comms["code"].to_numpy()[np.maximum(c, 0)]
                         if len(self.comms) else "", "S" + self.streets["code"].to_numpy()[s])
        return pd.Series(codes, dtype="str")

    # --- the batch -------------------------------------------------------------------

    def generate(self, n_orgs: int, n_firms: int, n_rel: int,
                 serial: int) -> dict[str, pd.DataFrame]:
        frames: dict[str, list[pd.DataFrame]] = {k: [] for k in FILES}
        rels: list[pd.DataFrame] = []
        if self.part == 0:
            frames["regions"].append(self._regions())
            axis, axis_rel = self._axis()
            frames["party_orgs"].append(axis)
            rels.append(axis_rel)
        orgs, org_rels, sites, firms = self._others(n_orgs, n_firms, serial)
        frames["party_orgs"] += orgs
        frames["sites"].append(sites)
        frames["organizations"].append(firms)
        rels += org_rels
        base = sum(len(r) for r in rels)
        rels.append(self._extra(max(0, n_rel - base), pd.concat(orgs, ignore_index=True)))
        out = {k: pd.concat(v, ignore_index=True) if v else pd.DataFrame() for k, v in
               frames.items() if k != "relations"}
        out["relations"] = self._finish_relations(pd.concat(rels, ignore_index=True))
        return out

    def _regions(self) -> pd.DataFrame:
        level = {k: schema.REGION_LEVELS[k].zh for k in schema.REGION_LEVELS}
        return pd.concat([
            pd.DataFrame({"code": [self.d.code], "name": [self.d.label],
                          "level": [level["district"]], "parent_code": [None]}),
            pd.DataFrame({"code": self.streets["code"], "name": self.streets["name"],
                          "level": level["street"], "parent_code": self.d.code}),
            pd.DataFrame({"code": self.comms["code"], "name": self.comms["name"],
                          "level": level["community"], "parent_code": self.comms["street"]}),
        ], ignore_index=True)

    def _org_frame(self, kind: str, ids, names_, s, c, *, members, spelling=None, fld=None,
                   site=None, parent=None, system=None) -> pd.DataFrame:
        n = len(ids)
        rng = self.rng
        members = np.asarray(members)
        level = np.where(members >= 100, schema.LEVELS["committee"].zh,
                         np.where(members >= 50, schema.LEVELS["general_branch"].zh,
                                  schema.LEVELS["branch"].zh))
        status = rng.choice([schema.STATUSES["active"].zh, schema.STATUSES["weak"].zh,
                             schema.STATUSES["dissolved"].zh], n, p=[0.985, 0.01, 0.005])
        comm_names = (self.comms["name"].to_numpy()[np.maximum(c, 0)] if len(self.comms)
                      else np.full(n, ""))
        return pd.DataFrame({key: _values(v) for key, v in {
            "id": ids, "name": names_,
            "kind": _spelling(kind, spelling), "level": level,
            "field": schema.FIELDS[fld or "street_community"].zh if isinstance(fld, str | None)
            else fld,
            "district": self.d.label, "street": self.streets["name"].to_numpy()[s],
            "community": np.where(c >= 0, comm_names, None), "site": site, "parent_id": parent,
            "system": system, "members": members,
            "secretary": names.person_names(rng, n), "phone": names.phones(rng, n),
            "founded": self._dates(n, "1985-01-01", "2024-12-31"), "status": status,
        }.items()})

    def _axis(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        rng = self.rng
        ns, nc = len(self.streets), len(self.comms)
        s_idx = np.arange(ns)
        streets = self._org_frame(
            "street", self._street_ids(s_idx), self.d.label + self.streets["name"] + "党工委",
            s_idx, np.full(ns, -1), members=rng.integers(100, 600, ns), spelling="街道党工委")
        streets["status"] = schema.STATUSES["active"].zh
        c_idx = np.arange(nc)
        c_street = self.comms["street"].map(self.street_index).fillna(0).astype(int).to_numpy()
        members = rng.integers(20, 300, nc)
        spelling = np.where(members >= 100, "社区党委",
                            np.where(members >= 50, "社区党总支", "社区党支部"))
        comms = self._org_frame(
            "community", self._community_ids(c_street, c_idx),
            self.streets["name"].to_numpy()[c_street] + self.comms["name"] + "党组织",
            c_street, c_idx, members=members, spelling=spelling,
            parent=self._street_ids(c_street))
        comms["name"] = comms["name"].str.replace("党组织", "", regex=False) + _suffix(spelling)
        comms["status"] = np.where(rng.random(nc) < 0.01, schema.STATUSES["weak"].zh,
                                   schema.STATUSES["active"].zh)
        ties = [_ties(comms["id"], comms["parent_id"], "joint_meeting")]
        if ns > 1:  # 毗邻党建 between neighbouring streets
            ties.append(_ties(streets["id"][:-1], streets["id"][1:], "joint_meeting"))
        ties.append(self._border_meetings())
        return pd.concat([streets, comms], ignore_index=True), pd.concat(ties, ignore_index=True)

    def _border_meetings(self) -> pd.DataFrame:
        """毗邻党建 over the borders this district writes: each street pair meets, and most
        pairs bring one or two communities of each side (paired one to one)."""
        rng = self.rng
        across = self.links.across[self.links.across["writes"].astype(bool).to_numpy()]
        across = across[across["street"].isin(self.street_index).to_numpy()]
        pairs = across.drop_duplicates(["street", "partner_street"])
        ties = [_ties("S" + pairs["street"].astype(str), "S" + pairs["partner_street"].astype(str),
                      "joint_meeting")]
        comm = across[across["partner"].str.startswith("C").to_numpy()]
        size = comm.groupby(["street", "partner_street"])["partner"].transform("size").to_numpy()
        pick = rng.random(len(comm)) < np.minimum(1.0, 1.5 / np.maximum(size, 1))
        comm = comm[pick]
        s = comm["street"].map(self.street_index).astype(int).to_numpy()
        c = self._in_street(s)
        ties.append(_ties(self._community_ids(s, c)[c >= 0], comm["partner"][c >= 0],
                          "joint_meeting"))
        return pd.concat(ties, ignore_index=True)

    def _others(self, n_orgs: int, n_firms: int, serial: int):
        rng = self.rng
        n_ind = _n_industry(n_orgs) if self.part == 0 else 0
        counts = {k: round((n_orgs - n_ind) * v) for k, v in _SHARES.items()}
        frames, ties = [], []
        street_ids = self._street_ids(np.arange(len(self.streets)))

        # industry committees: guide the units of their system, agree with three streets
        ind_ids = self._ids("industry", n_ind)
        systems = np.array(_SYSTEMS[:n_ind])
        s0 = np.zeros(n_ind, dtype=int)
        frames.append(self._org_frame("industry", ind_ids, self.d.label + systems + "系统党委", s0,
                                      np.full(n_ind, -1), members=rng.integers(150, 900, n_ind),
                                      fld="agency", system=systems, spelling="系统党委"))
        for k in range(min(3, len(self.streets))):
            ties.append(_ties(ind_ids, street_ids[(np.arange(n_ind) + k) % len(street_ids)],
                              "agreement"))
        industry_of = dict(zip(systems, ind_ids, strict=True))

        # sites with their organizations: buildings, parks, business districts
        site_rows, site_orgs = [], {}
        for kind, words in (("building", names.BUILDING_WORDS), ("park", ("科技园", "产业园")),
                            ("business_district", ("商圈", "步行街商圈"))):
            n = counts[kind]
            s, c = self._place(n)
            brand = np.array(names.BRANDS)[rng.integers(0, len(names.BRANDS), n)]
            word = np.array(words)[rng.integers(0, len(words), n)]
            site = pd.Series(self.d.label + self.streets["name"].to_numpy()[s] + brand + word,
                             dtype="str")
            site = site + _dedupe(site, self.part)
            ids = self._ids(kind, n)
            members = rng.integers(100, 400, n)
            frames.append(self._org_frame(kind, ids, site + "党委", s, c, members=members,
                                          fld="private_enterprise", site=site))
            site_rows.append(pd.DataFrame({
                "name": site, "kind": schema.SITE_KINDS[kind].zh, "district": self.d.label,
                "street": self.streets["name"].to_numpy()[s]}))
            ties.append(_ties(ids, street_ids[s], "joint_meeting"))
            ties.append(_ties(ids, self._community_ids(s, c), "pairing"))
            site_orgs[kind] = (ids, site, s)
        b_ids, b_site, b_street = site_orgs["building"]

        # units of agencies, institutions and state enterprises
        n = counts["unit"]
        s, c = self._place(n)
        which = rng.integers(0, len(_UNITS), n)
        pattern = np.array([u[0] for u in _UNITS])[which]
        comm_stem = (pd.Series(self.comms["name"].to_numpy()[np.maximum(c, 0)], dtype="str")
                     .str.replace(r"(社区|村)$", "", regex=True) if len(self.comms)
                     else pd.Series(self.streets["name"].to_numpy()[s], dtype="str"))
        street_stem = pd.Series(self.streets["name"].to_numpy()[s], dtype="str").str.replace(
            r"(街道|镇|乡)$", "", regex=True)
        brand = pd.Series(np.array(names.BRANDS)[rng.integers(0, len(names.BRANDS), n)],
                          dtype="str")
        unit_names = _fill(pd.Series(pattern, dtype="str"), c=comm_stem, s=street_stem,
                           d=self.d.label, b=brand)
        system = np.array([u[2] for u in _UNITS])[which]
        fld = np.array([schema.FIELDS[u[1]].zh for u in _UNITS])[which]
        spelling = np.array([_UNIT_SPELLING[u[1]] for u in _UNITS])[which]
        members = np.clip(rng.lognormal(2.6, 0.9, n).astype(int) + 3, 3, 400)
        u_ids = self._ids("unit", n)
        parent = pd.Series(system).map(industry_of)
        unit_frame = self._org_frame("unit", u_ids, unit_names, s, c, members=members,
                                     spelling=spelling, fld=fld,
                                     system=np.where(system == "", None, system),
                                     parent=parent.where(parent.notna(), None).to_numpy())
        frames.append(unit_frame)
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
                ties.append(_ties(u_ids[tri[:, a]], u_ids[tri[:, b]], "agreement"))
        live &= ~group
        self.apart = u_ids[~live].to_numpy()  # islands and cut-off groups get no other tie
        ties.append(_ties(u_ids[live], self._community_ids(s, c)[live], "pairing"))
        dual = live & (rng.random(n) < 0.6)
        ties.append(_ties(u_ids[dual], self._targets(s, _ACROSS_DUAL)[dual], "dual_reporting"))
        seat = live & (rng.random(n) < 0.15)
        ties.append(_ties(u_ids[seat], street_ids[s][seat], "committee_seat"))

        # across district borders: city industry committees, cross-district sites
        active = unit_frame["status"].to_numpy() == schema.STATUSES["active"].zh
        units = pd.DataFrame({"id": u_ids.to_numpy(), "s": s, "system": system,
                              "ok": live & active})
        c_frames, c_ties = self._alliance(units, industry_of, street_ids)
        x_frames, x_ties, x_sites = self._councils(units, street_ids)
        frames += c_frames + x_frames
        ties += c_ties + x_ties
        site_rows += x_sites
        b_ids, b_site, b_street = self._with_cross_sites(b_ids, b_site, b_street)

        # grids under communities, temporary organizations under streets
        n = counts["grid"]
        s, c = self._place(n)
        g_ids = self._ids("grid", n)
        seq = pd.Series(rng.integers(1, 20, n)).astype(str).astype("str")
        comm_ids = self._community_ids(s, c)
        base = (pd.Series(self.comms["name"].to_numpy()[np.maximum(c, 0)], dtype="str")
                if len(self.comms) else pd.Series(self.streets["name"].to_numpy()[s], dtype="str"))
        frames.append(self._org_frame("grid", g_ids, base + "第" + seq + "网格党支部", s, c,
                                      members=rng.integers(3, 15, n), spelling="网格党支部",
                                      parent=comm_ids))
        ties.append(_ties(g_ids, comm_ids, "joint_meeting"))
        n = counts["temporary"]
        s, _ = self._place(n)
        t_ids = self._ids("temporary", n)
        projects = np.array(["老旧小区改造项目", "城市更新项目", "重点工程建设项目",
                             "大型活动保障"])
        project = projects[rng.integers(0, len(projects), n)]
        frames.append(self._org_frame("temporary", t_ids,
                                      self.streets["name"].to_numpy()[s] + project + "临时党支部",
                                      s, np.full(n, -1), members=rng.integers(3, 20, n),
                                      fld="other", spelling="临时党支部", parent=street_ids[s]))
        ties.append(_ties(t_ids, street_ids[s], "pairing"))

        # 两新组织, the new-economy Party organizations and joint branches that cover them
        firms, ne, joint, fties = self._firms(n_firms, counts["new_economy"], counts["joint"],
                                              serial, b_ids, b_site, b_street)
        frames += [ne, joint]
        ties += fties
        sites = pd.concat(site_rows, ignore_index=True)
        return frames, ties, sites, firms

    def _alliance(self, units: pd.DataFrame, industry_of: dict[str, str],
                  street_ids: pd.Series) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
        """City-level industry committees: the first district of the city writes them; each
        agrees with a street of every district (条块结合) and leads an alliance (党建联盟) of
        the district committee and a few units of its system in every district."""
        com = self.links.committees
        if self.part or len(com) == 0:
            return [], []
        rng = self.rng
        n = len(com)
        own = (com["owner"] == self.links.pos).to_numpy()
        frames = [self._org_frame(
            "industry", com["id"][own], com["name"][own], np.zeros(own.sum(), dtype=int),
            np.full(own.sum(), -1), members=rng.integers(300, 1500, own.sum()), fld="agency",
            system=com["system"][own].to_numpy(), spelling="系统党委")] if own.any() else []
        ties = [_ties(com["id"], street_ids.to_numpy()[rng.integers(0, len(street_ids), n)],
                      "agreement")]
        district = com["system"].map(industry_of)
        ties.append(_ties(com["id"][district.notna()], district.dropna(), "joint_meeting"))
        ok = units[units["ok"].to_numpy()]
        ok = ok.iloc[rng.permutation(len(ok))]
        ok = ok[(ok.groupby("system").cumcount() < _ALLIANCE).to_numpy()]
        of_system = dict(zip(com["system"], com["id"], strict=True))
        hub = ok["system"].map(of_system)
        ties.append(_ties(ok["id"][hub.notna()], hub.dropna(), "joint_meeting"))
        return frames, ties

    def _councils(self, units: pd.DataFrame, street_ids: pd.Series
                  ) -> tuple[list[pd.DataFrame], list[pd.DataFrame], list[pd.DataFrame]]:
        """Business districts and parks across districts: the first member district writes the
        site (with all its districts and streets) and its organization; the joint council
        (联席会) takes in the member street, communities and units of every district."""
        sites = self.links.sites
        if self.part or len(sites) == 0:
            return [], [], []
        rng = self.rng
        s = sites["street"].map(self.street_index).astype(int).to_numpy()
        own = (sites["owner"] == self.links.pos).to_numpy()
        frames, rows = [], []
        for kind in _CROSS_SITES:
            mine = own & (sites["kind"] == kind).to_numpy()
            if not mine.any():
                continue
            frames.append(self._org_frame(
                kind, sites["id"][mine], sites["name"][mine] + "党委", s[mine],
                np.full(mine.sum(), -1), members=rng.integers(150, 600, mine.sum()),
                fld="private_enterprise", site=sites["name"][mine].to_numpy()))
            rows.append(pd.DataFrame({"name": sites["name"][mine].to_numpy(),
                                      "kind": schema.SITE_KINDS[kind].zh,
                                      "district": sites["districts"][mine].to_numpy(),
                                      "street": sites["streets"][mine].to_numpy()}))
        ties = [_ties(street_ids.to_numpy()[s], sites["id"], "joint_meeting"),
                _ties(street_ids.to_numpy()[s][~own], "S" + sites["owner_street"][~own],
                      "joint_meeting")]
        k = _COUNCIL[0]
        c = self._in_street(np.repeat(s, k))
        ids = np.repeat(sites["id"].to_numpy(dtype=object), k)
        comm = pd.DataFrame({"source_id": self._community_ids(np.repeat(s, k), c).to_numpy(),
                             "target_id": ids})[c >= 0].drop_duplicates()
        ties.append(comm.assign(type="joint_meeting"))
        ok = units[units["ok"].to_numpy()]
        ok = ok.iloc[rng.permutation(len(ok))]
        ok = ok[(ok.groupby("s").cumcount() < _COUNCIL[1]).to_numpy()]
        at = ok.merge(pd.DataFrame({"s": s, "site": sites["id"].to_numpy()}), on="s")
        ties.append(_ties(at["id"], at["site"], "joint_meeting"))
        return frames, ties, rows

    def _with_cross_sites(self, b_ids: pd.Series, b_site: pd.Series, b_street: np.ndarray
                          ) -> tuple[pd.Series, pd.Series, np.ndarray]:
        """The buildings where 两新组织 may be, with the cross-district sites of this district
        (at its member street): their firms come from every member district."""
        sites = self.links.sites
        if len(sites) == 0:
            return b_ids, b_site, b_street
        s = sites["street"].map(self.street_index).astype(int).to_numpy()
        return (pd.concat([b_ids, sites["id"]], ignore_index=True).astype("str"),
                pd.concat([b_site, sites["name"]], ignore_index=True).astype("str"),
                np.concatenate([np.asarray(b_street, dtype=int), s]))

    def _firms(self, n: int, n_ne: int, n_joint: int, serial: int, b_ids, b_site, b_street):
        rng = self.rng
        n_ne = min(n_ne, n)
        s, c = self._place(n)
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
        codes = names.usccs(rng, np.full(n, self.d.code[:6]), social=kind == 1,
                            trader=kind == 2, serial=serial + np.arange(n))
        firm_name, industry = names.firm_names(rng, n, _city_word(self.d.city))
        social_name, social_ind = names.social_org_names(rng, np.full(n, self.d.label))
        shop = np.array(["便利店", "小吃店", "理发店", "五金店", "快递驿站"])[rng.integers(0, 5, n)]
        shop_name = np.char.add(np.char.add(self.d.label, np.array(names.BRANDS)[
            rng.integers(0, len(names.BRANDS), n)]), shop)
        name = np.where(kind == 0, firm_name, np.where(kind == 1, social_name, shop_name))
        industry = np.where(kind == 0, industry, np.where(kind == 1, social_ind, "批发和零售业"))
        org_type = np.array([schema.ORG_TYPES[k].zh for k in
                             ("private_firm", "social_org", "sole_trader")])[kind]
        comm_ids = self._community_ids(s, c)
        site_org = pd.Series(np.asarray(b_ids)[bi] if has_b else np.full(n, ""), dtype="str")
        covering = pd.Series([None] * n, dtype="str")
        coverage = np.full(n, "none", dtype=object)
        r = rng.random(n)
        # own organizations for the first n_ne
        ne_ids = self._ids("new_economy", n_ne)
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
        j_ids = self._ids("joint", n_joint)
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
        comm_names = (self.comms["name"].to_numpy()[np.maximum(c, 0)] if len(self.comms)
                      else np.full(n, ""))
        firms = pd.DataFrame({
            "uscc": codes, "name": name, "type": org_type, "industry": industry,
            "district": self.d.label, "street": self.streets["name"].to_numpy()[s],
            "community": np.where(c >= 0, comm_names, None), "site": site,
            "employees": employees, "party_members": members,
            "covering_org_id": covering, "coverage": cov_label})
        # the new-economy organizations of the first n_ne firms
        own = slice(0, n_ne)
        social = kind[own] == 1
        ne_parent = np.where(at[own], site_org[own], comm_ids[own])
        ne = self._org_frame("new_economy", ne_ids, pd.Series(name[own], dtype="str") + "党支部",
                             s[own], c[own], members=members[own],
                             spelling=np.where(social, "社会组织党组织", "非公企业党组织"),
                             fld=np.where(social, schema.FIELDS["social_organization"].zh,
                                          schema.FIELDS["private_enterprise"].zh),
                             site=site[own], parent=ne_parent)
        ties = [_ties(ne_ids, pd.Series(ne_parent, dtype="str"),
                      np.where(at[own], "joint_meeting", "pairing"))]
        j_members = np.maximum(np.bincount(j_of, weights=members[take], minlength=n_joint), 3)
        j_site = b_site.to_numpy()[j_site_idx] if n_joint else np.zeros(0, dtype=object)
        j_street = np.asarray(b_street)[j_site_idx] if n_joint else np.zeros(0, dtype=int)
        joint = self._org_frame("joint", j_ids, pd.Series(j_site, dtype="str") + "联合党支部",
                                j_street, np.full(n_joint, -1), members=j_members.astype(int),
                                fld="private_enterprise", site=j_site, spelling="联合党支部",
                                parent=np.asarray(b_ids)[j_site_idx] if n_joint else None)
        ties.append(_ties(j_ids, pd.Series(np.asarray(b_ids)[j_site_idx], dtype="str"),
                          "joint_meeting"))
        return firms, ne, joint, ties

    def _extra(self, n: int, orgs: pd.DataFrame) -> pd.DataFrame:
        """More ties between the batch's organizations and the axis, up to the target."""
        if n == 0 or len(orgs) == 0:
            return _ties(pd.Series([], dtype="str"), pd.Series([], dtype="str"), "pairing")
        rng = self.rng
        kinds = orgs["kind"].map(lambda v: schema.canonical(schema.PARTY_KIND_ALIASES, v))
        take = (kinds.isin(["unit", "building", "park", "business_district",
                            "new_economy"]).to_numpy()
                & ~np.isin(orgs["id"].to_numpy(dtype=object), self.apart))
        pool = orgs["id"].to_numpy(dtype=object)[take]
        index = dict(zip(self.streets["name"], range(len(self.streets)), strict=True))
        street = orgs["street"].map(index).fillna(0).astype(int).to_numpy()[take]
        if len(pool) == 0:
            return _ties(pd.Series([], dtype="str"), pd.Series([], dtype="str"), "pairing")
        pick = rng.integers(0, len(pool), n)
        src = pool[pick]
        tgt = self._targets(street[pick], _ACROSS_EXTRA)
        types = np.array(["agreement", "pairing", "dual_reporting", "joint_meeting"])[
            rng.choice(4, n, p=[0.35, 0.3, 0.25, 0.1])]
        return _ties(pd.Series(src, dtype="str"), tgt, types)

    def _finish_relations(self, rel: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        n = len(rel)
        code = rel["type"].to_numpy()
        start = self._dates(n)
        end = pd.Series([None] * n, dtype="str")
        agreement = code == "agreement"
        ends = agreement & (rng.random(n) < 0.5)
        expired = ends & (rng.random(n) < 0.2)
        end[expired] = self._dates(int(expired.sum()), "2021-01-01", "2024-12-31")[:].to_numpy()
        later = ends & ~expired
        end[later] = self._dates(int(later.sum()), "2026-01-01", "2030-12-31").to_numpy()
        # an expired tie starts before it ends
        start[expired] = self._dates(int(expired.sum()), "2016-01-01", "2020-12-31").to_numpy()
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


_UNIT_SPELLING = {"agency": "机关党组织", "institution": "事业单位党组织",
                  "state_enterprise": "国有企业党组织"}


def _spelling(kind: str, spelling) -> object:
    """The 组织类别 cells: given spellings, checked against the schema once."""
    values = np.atleast_1d(np.asarray(spelling if spelling is not None
                                      else schema.PARTY_KINDS[kind].zh))
    for value in set(values.tolist()):
        if schema.canonical(schema.PARTY_KIND_ALIASES, value) != kind:
            raise ValueError(f"{value} is not a spelling of {kind}")
    return spelling if spelling is not None else schema.PARTY_KINDS[kind].zh


def _suffix(spelling: np.ndarray) -> np.ndarray:
    return pd.Series(spelling, dtype="str").str.replace("社区", "", regex=False).to_numpy()


def _groups(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions sorted by ``keys`` (in ``0 … n-1``), and where each key starts among them
    and how many there are.

    Examples
    --------
    >>> [x.tolist() for x in _groups(np.array([2, 0, 2]), 4)]
    [[1, 0, 2], [0, 1, 1, 3], [1, 0, 2, 0]]
    """
    keys = np.asarray(keys, dtype=int)
    order = np.argsort(keys, kind="stable")
    count = np.bincount(keys, minlength=n)
    return order, np.cumsum(count) - count, count


def _values(v):
    """A column for a new frame: Series lose their index (rows line up by position)."""
    return v.to_numpy() if isinstance(v, pd.Series) else v


def _ties(source, target, type_) -> pd.DataFrame:
    return pd.DataFrame({"source_id": np.asarray(source, dtype=object),
                         "target_id": np.asarray(target, dtype=object), "type": type_})


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


def _dedupe(names_: pd.Series, part: int) -> pd.Series:
    """Suffixes that make names unique in the ledger: none, then 2号, 3号 … (and the part)."""
    k = names_.groupby(names_).cumcount().to_numpy()
    suffix = np.where(k == 0, "", np.char.add((k + 1).astype(str), "号"))
    if part:
        suffix = np.char.add(f"{part + 1}期", suffix)
    return pd.Series(suffix, index=names_.index, dtype="str")


def _city_word(city: str) -> str:
    for ending in ("市", "地区", "自治州", "盟"):
        if city.endswith(ending) and len(city) > len(ending) + 1:
            return city[: -len(ending)]
    return city
