"""Synthetic ledgers at any scale, streamed to disk district by district.

Built on real districts, streets and communities (see :mod:`gongjian.demo.divisions`):
a street organization for every street, a community organization for every community or
village, and, in the proportions of ``domain.md``, unit organizations, industry
committees, buildings, parks, business districts, grids, temporary organizations, 两新组织
(valid credit codes, employees, Party members, every kind of coverage) and co-building ties
of every type with dates, some expired, some islands, some groups cut off from the axis and
ties across district borders. Every batch is generated with numpy and appended to the CSV
files, so memory stays flat at any scale; the same seed writes the same files.

Examples
--------
>>> import tempfile
>>> info = synthesize(tempfile.mkdtemp(), scale="district", limit=1)  # doctest: +SKIP
>>> info["counts"]["party_orgs"] > 1000                                # doctest: +SKIP
True
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
from gongjian.demo import names
from gongjian.demo.divisions import (
    DEFAULT_REGIONS,
    Skeleton,
    find_divisions,
    load_skeleton,
    synthetic_skeleton,
)
from gongjian.demo.writer import EXCEL_MAX_ROWS, TableSink, check_folder
from gongjian.errors import GongjianError
from gongjian.i18n import pick
from gongjian.loaders.tables import TABLES
from gongjian.progress import progress

__all__ = ["SCALES", "Scale", "Target", "synthesize"]

Scale = Literal["district", "city", "province", "nation"]


@dataclass(frozen=True)
class Target:
    """Approximate totals of a scale: Party organizations, 两新组织, co-building relations."""

    party_orgs: int
    organizations: int
    relations: int
    #: the made-up skeleton used without divisions data: districts, streets, communities
    shape: tuple[int, int, int]


SCALES: dict[str, Target] = {
    "district": Target(2_000, 20_000, 10_000, (1, 10, 12)),
    "city": Target(100_000, 1_000_000, 500_000, (11, 9, 12)),
    "province": Target(600_000, 6_000_000, 3_000_000, (95, 12, 15)),
    "nation": Target(5_000_000, 30_000_000, 20_000_000, (2800, 14, 15)),
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


def synthesize(folder: str | Path, *, scale: Scale, seed: int = 0, region: str | None = None,
               divisions: str | Path | None = None, fmt: Literal["csv", "xlsx"] = "csv",
               limit: int | None = None, lang: str = "zh") -> dict:
    """Write a synthetic ledger folder of the given ``scale`` and return what was written.

    ``region`` names the province, city or district whose real streets and communities to
    use (default per scale: 玄武区, 南京市, 江苏省, the whole country); ``divisions`` is the
    folder of the divisions files. ``limit`` keeps only the first ``limit`` districts (with
    their share of the totals), for tests. ``fmt="xlsx"`` writes Excel files (write-only,
    for what fits in a sheet); CSV is the format for large scales. ``lang`` is the
    language of the progress bar.

    Returns a dict with ``folder``, ``scale``, ``seed``, ``region``, ``skeleton``
    (``divisions`` or ``synthetic``), ``notice`` (a message when the divisions data was
    missing), ``counts`` (rows per table), ``files`` and ``seconds``.

    Examples
    --------
    >>> import tempfile
    >>> info = synthesize(tempfile.mkdtemp(), scale="district", divisions=None,
    ...                   limit=1)                                     # doctest: +SKIP
    """
    if scale not in SCALES:
        raise GongjianError(f"未知规模 {scale}：可选 {'、'.join(SCALES)} (unknown scale)")
    if fmt not in ("csv", "xlsx"):
        raise GongjianError(f"不支持的格式 {fmt}：可选 csv、xlsx (unsupported format)")
    started = time.perf_counter()
    target = SCALES[scale]
    found = find_divisions(divisions)
    notice = None
    if found is None:
        notice = ("没有找到区划数据（villages.csv.gz 等），改用虚构的区、街道、社区；"
                  "请用 --divisions DIR 或环境变量 GONGJIAN_DIVISIONS 指定 "
                  "(divisions data not found: using a made-up skeleton; "
                  "pass --divisions DIR or set GONGJIAN_DIVISIONS)")
        skeleton = synthetic_skeleton(districts=target.shape[0], streets=target.shape[1],
                                      communities=target.shape[2])
    else:
        default = DEFAULT_REGIONS[scale]
        skeleton = load_skeleton(region if region is not None else default, found)
    folder = Path(folder)
    check_folder(folder, {f"{stem}.{fmt}" for stem in FILES.values()}, lang)
    folder.mkdir(parents=True, exist_ok=True)
    sink = TableSink(folder, fmt, FILES)
    counts = _stream(sink, skeleton, target, seed, limit, lang)
    return {"folder": folder, "scale": scale, "seed": seed, "region": skeleton.name,
            "skeleton": skeleton.source, "notice": notice, "counts": counts,
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
    districts = sk.districts if limit is None else sk.districts.head(limit)
    streets_of = dict(tuple(sk.streets.groupby("district", sort=False)))
    comms_of = dict(tuple(sk.communities.groupby("district", sort=False)))
    counts = dict.fromkeys(FILES, 0)
    serial = 0
    previous_street: str | None = None
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
    with progress(pick(lang, "生成合成台账", "synthesizing"), total=len(plan)) as advance:
        for i, d, part, parts, orgs_d, firms_d, rel_d in plan:
            rng = np.random.default_rng([seed, i, part])
            streets = streets_of.get(d.code, pd.DataFrame(columns=["code", "name", "district"]))
            comms = comms_of.get(d.code, pd.DataFrame(columns=["code", "name", "street",
                                                               "district"]))
            if len(streets) == 0:  # a district without streets in the data: one made up
                streets = pd.DataFrame({"code": [f"{d.code}999"], "name": [f"{d.name}直属街道"],
                                        "district": [d.code]})
            batch = _Batch(rng, d, streets, comms, part, parts)
            tables = batch.generate(orgs_d // parts, firms_d // parts, rel_d // parts, serial,
                                    previous_street)
            serial += len(tables["organizations"])
            previous_street = f"S{streets['code'].iloc[0]}"
            for key in FILES:
                df = tables[key].reindex(columns=[c.name for c in TABLES[key].columns])
                if len(df) or key not in sink.started:
                    sink.write(key, df)
                    counts[key] += len(df)
            advance(1)
    return counts


class _Batch:
    """One district (or a part of a large one): every table's rows, vectorized."""

    def __init__(self, rng, district, streets: pd.DataFrame, comms: pd.DataFrame, part: int,
                 parts: int) -> None:
        self.rng = rng
        self.d = district
        self.streets = streets.reset_index(drop=True)
        self.comms = comms.reset_index(drop=True)
        self.part = part
        self.parts = parts
        self.street_index = {c: i for i, c in enumerate(self.streets["code"])}
        self.apart = np.zeros(0, dtype=object)

    # --- helpers ---------------------------------------------------------------------

    def _place(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Random (street index, community index or -1) for ``n`` rows."""
        if len(self.comms):
            c = self.rng.integers(0, len(self.comms), n)
            s = self.comms["street"].map(self.street_index).fillna(0).astype(int).to_numpy()[c]
            return s, c
        return self.rng.integers(0, len(self.streets), n), np.full(n, -1)

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

    def generate(self, n_orgs: int, n_firms: int, n_rel: int, serial: int,
                 previous_street: str | None) -> dict[str, pd.DataFrame]:
        frames: dict[str, list[pd.DataFrame]] = {k: [] for k in FILES}
        rels: list[pd.DataFrame] = []
        if self.part == 0:
            frames["regions"].append(self._regions())
            axis, axis_rel = self._axis(previous_street)
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

    def _axis(self, previous_street: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
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
        if previous_street is not None:  # across the district border
            ties.append(_ties(pd.Series([previous_street]), streets["id"][:1], "joint_meeting"))
        return pd.concat([streets, comms], ignore_index=True), pd.concat(ties, ignore_index=True)

    def _others(self, n_orgs: int, n_firms: int, serial: int):
        rng = self.rng
        n_ind = min(len(_SYSTEMS), max(1, n_orgs // 60)) if self.part == 0 else 0
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
        frames.append(self._org_frame("unit", u_ids, unit_names, s, c, members=members,
                                      spelling=spelling, fld=fld,
                                      system=np.where(system == "", None, system),
                                      parent=parent.where(parent.notna(), None).to_numpy()))
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
        s2, c2 = self._place(n)
        ties.append(_ties(u_ids[dual], self._community_ids(s2, c2)[dual], "dual_reporting"))
        seat = live & (rng.random(n) < 0.15)
        ties.append(_ties(u_ids[seat], street_ids[s][seat], "committee_seat"))

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
        pool = orgs["id"][kinds.isin(["unit", "building", "park", "business_district",
                                      "new_economy"]).to_numpy()].to_numpy()
        pool = pool[~np.isin(pool, self.apart)]
        if len(pool) == 0:
            return _ties(pd.Series([], dtype="str"), pd.Series([], dtype="str"), "pairing")
        src = pool[rng.integers(0, len(pool), n)]
        s, c = self._place(n)
        tgt = self._community_ids(s, c)
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
