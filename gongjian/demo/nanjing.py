"""The demo ledgers: three real districts of 南京市 with made-up organizations and planted truth.

玄武区, 秦淮区 and 鼓楼区 with their real streets and communities (official codes, from
``data/nanjing.csv``); street and community Party organizations for all of them, unit
organizations of agencies, hospitals, schools and state enterprises, industry committees,
buildings, parks, the 新街口 business district across the three districts, grids, temporary
organizations, 两新组织 with valid credit codes, and co-building ties of every type.

Known structures are planted and written to ``ground_truth.json``: isolated organizations,
a group cut off from the axis, an expired agreement, a bridging unit, a dense cluster across
two districts and uncovered firms. Everything else is tied to its street or community, so
nothing else is an island. The three lists and the activity record (需求清单, 资源清单,
项目清单, 活动记录) come in realistic proportions — every community raises a few needs, most
resident units offer one to three resources, a bit over half of the needs are answered by
projects, most ties show activities in the last year — with their own planted truth: a need
whose only fitting resource would end an island, a dormant agreement, a stale need and an
idle resource. The same seed writes the same bytes.

Examples
--------
>>> import tempfile
>>> folder = write_demo(tempfile.mkdtemp())
>>> sorted(p.name for p in folder.iterdir())  # doctest: +NORMALIZE_WHITESPACE
['ground_truth.json', '两新组织.csv', '党组织.xlsx', '共建关系.csv', '区域.csv', '楼宇园区.xlsx',
 '活动记录.csv', '资源清单.xlsx', '需求清单.csv', '项目清单.xlsx']
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from itertools import combinations, pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.loaders.tables import TABLES
from gongjian.synth import names
from gongjian.synth.writer import write_table

__all__ = ["DEMO_AS_OF", "DEMO_FILES", "DISTRICTS", "read_extract", "write_demo"]

#: The analysis date the ground truth holds for (every other tie is open or ends in 2035+).
DEMO_AS_OF = dt.date(2025, 6, 30)
#: Ledger table → file name (and so format) in the demo folder.
DEMO_FILES: dict[str, str] = {
    "regions": "区域.csv",
    "party_orgs": "党组织.xlsx",
    "relations": "共建关系.csv",
    "organizations": "两新组织.csv",
    "sites": "楼宇园区.xlsx",
    "needs": "需求清单.csv",
    "resources": "资源清单.xlsx",
    "projects": "项目清单.xlsx",
    "activities": "活动记录.csv",
}
#: The one file written as GBK (what Excel and WPS write on Chinese Windows).
GBK_FILE = "两新组织.csv"
#: District name → short code used in 组织编码.
DISTRICTS: dict[str, str] = {"玄武区": "XW", "秦淮区": "QH", "鼓楼区": "GL"}

_PREFIX = {"street": "S", "community": "C", "grid": "G", "unit": "U", "industry": "I",
           "building": "B", "park": "P", "business_district": "D", "new_economy": "N",
           "joint": "J", "temporary": "T"}
_OPEN_ENDS = (dt.date(2035, 12, 31), dt.date(2036, 12, 31), dt.date(2038, 6, 30))
_SYSTEMS = ("教育", "卫生健康", "国资", "城管")
#: District-level units: (name after the district, industry system, field).
_DISTRICT_UNITS = (
    ("教育局机关党委", "教育", "agency"), ("卫生健康委员会机关党委", "卫生健康", "agency"),
    ("城市管理局机关党委", "城管", "agency"), ("民政局机关党支部", None, "agency"),
    ("市场监督管理局机关党委", None, "agency"), ("人民医院党委", "卫生健康", "institution"),
    ("中医院党委", "卫生健康", "institution"), ("妇幼保健院党总支", "卫生健康", "institution"),
    ("城市建设集团有限公司党委", "国资", "state_enterprise"),
    ("国有资产投资集团有限公司党委", "国资", "state_enterprise"),
)


def read_extract() -> pd.DataFrame:
    """The committed divisions extract: ``code, name, level, parent_code`` (all text).

    Examples
    --------
    >>> df = read_extract()
    >>> df["level"].value_counts().to_dict()
    {'社区': 284, '街道': 32, '区': 3}
    """
    with resources.files("gongjian.demo").joinpath("data/nanjing.csv").open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def _kind_value(kind: str, spelling: str | None = None) -> str:
    """The 组织类别 cell for ``kind``: ``spelling`` if the schema accepts it for ``kind``."""
    value = spelling or schema.PARTY_KINDS[kind].zh
    if schema.canonical(schema.PARTY_KIND_ALIASES, value) != kind:
        raise ValueError(f"{value} is not a spelling of {kind}")
    return value


def _level(members: int) -> str:
    if members >= 100:
        return "committee"
    if members >= 50:
        return "general_branch"
    return "branch"


def _stem(name: str, ending: str) -> str:
    return name[: -len(ending)] if name.endswith(ending) else name


@dataclass
class _Demo:
    """Accumulates the rows of every table while the demo is planned."""

    seed: int
    rnd: random.Random = field(init=False)
    rng: np.random.Generator = field(init=False)
    orgs: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    organizations: list[dict] = field(default_factory=list)
    sites: list[dict] = field(default_factory=list)
    counters: dict = field(default_factory=lambda: defaultdict(int))
    by_id: dict = field(default_factory=dict)
    names_used: set = field(default_factory=set)
    uncovered: dict = field(default_factory=dict)
    lists: dict = field(default_factory=dict)
    district_codes: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rnd = random.Random(self.seed)
        self.rng = np.random.default_rng(self.seed)

    # --- rows --------------------------------------------------------------------------

    def org(self, kind: str, name: str, district: str, *, street=None, community=None,
            site=None, parent=None, system=None, fld="street_community", members=None,
            level=None, status="active", spelling=None) -> dict:
        if name in self.names_used and not name.startswith(district):
            name = district + name
        if name in self.names_used:
            raise ValueError(f"duplicate organization name {name}")
        self.names_used.add(name)
        self.counters[(district, kind)] += 1
        oid = f"{DISTRICTS[district]}-{_PREFIX[kind]}{self.counters[(district, kind)]:03d}"
        members = self.rnd.randint(8, 40) if members is None else members
        level = level or _level(members)
        row = {"id": oid, "name": name, "kind": _kind_value(kind, spelling),
               "level": schema.LEVELS[level].zh, "field": schema.FIELDS[fld].zh,
               "district": district, "street": street, "community": community, "site": site,
               "parent_id": parent, "system": system, "members": members,
               "secretary": None, "phone": None,
               "founded": self.date(1990, 2022), "status": schema.STATUSES[status].zh,
               "_kind": kind}
        self.orgs.append(row)
        self.by_id[oid] = row
        return row

    def tie(self, a: dict, b: dict, type_: str, *, start=None, end=None, members=None,
            projects=None, note=None) -> None:
        if a["id"] == b["id"]:
            raise ValueError(f"self tie {a['id']}")
        start = start or self.date(2019, 2024)
        if end is None and type_ == "agreement" and self.rnd.random() < 0.4:
            end = self.rnd.choice(_OPEN_ENDS)
        self.relations.append({"source_id": a["id"], "source_name": a["name"],
                               "target_id": b["id"], "target_name": b["name"],
                               "type": schema.RELATION_TYPES[type_].zh, "start": start,
                               "end": end, "reporting_members": members,
                               "projects": projects, "note": note})

    def firm(self, district: str, *, street=None, community=None, site=None, members=0,
             social=False, coverage="none", covering=None, employees=None) -> dict:
        region = self.district_codes[district]
        serial = np.array([len(self.organizations)])
        code = names.usccs(self.rng, np.array([region]), social=np.array([social]),
                           serial=serial)[0]
        while True:
            if social:
                name, industry = names.social_org_names(self.rng, np.array([district]))
            else:
                name, industry = names.firm_names(self.rng, 1)
            if name[0] not in self.names_used:
                break
        self.names_used.add(str(name[0]))
        employees = employees if employees is not None else max(
            members * 8, int(self.rng.lognormal(2.8, 0.9)) + 2)
        row = {"uscc": str(code), "name": str(name[0]),
               "type": schema.ORG_TYPES["social_org" if social else "private_firm"].zh,
               "industry": str(industry[0]), "district": district, "street": street,
               "community": community, "site": site, "employees": employees,
               "party_members": members,
               "covering_org_id": covering["id"] if covering else None,
               "coverage": schema.COVERAGE[coverage].zh if coverage != "none" else None}
        self.organizations.append(row)
        return row

    def date(self, first_year: int, last_year: int) -> dt.date:
        start = dt.date(first_year, 1, 1).toordinal()
        end = min(dt.date(last_year, 12, 31), dt.date(2025, 3, 31)).toordinal()
        return dt.date.fromordinal(self.rnd.randint(start, end))


def _plan(seed: int) -> tuple[_Demo, dict]:
    """Plan every row of the demo and the ground truth."""
    d = _Demo(seed)
    rnd = d.rnd
    extract = read_extract()
    streets = extract[extract["level"] == "街道"]
    communities = extract[extract["level"] == "社区"]
    district_of = dict(zip(extract["code"], extract["name"], strict=True))
    top = extract[extract["level"] == "区"]
    d.district_codes = dict(zip(top["name"], top["code"], strict=True))
    truth: dict = {}

    street_org: dict[str, dict] = {}
    comm_orgs: dict[str, list[dict]] = defaultdict(list)
    units_by_street: dict[str, list[dict]] = defaultdict(list)
    axis_streets: dict[str, list[str]] = defaultdict(list)

    # --- the axis: street and community organizations ---------------------------------
    for s in streets.itertuples():
        district = district_of[s.parent_code]
        axis_streets[district].append(s.name)
        street_org[s.name] = d.org("street", f"{district}{s.name}党工委", district,
                                   street=s.name, members=rnd.randint(120, 400),
                                   level="committee")
        for c in communities[communities["parent_code"] == s.code].itertuples():
            members = rnd.randint(40, 260)
            level = _level(members)
            spelling = {"committee": "社区党委", "general_branch": "社区党总支",
                        "branch": "社区党支部"}[level]
            if level == "committee" and rnd.random() < 0.15:
                spelling = "社区大党委"
            comm_orgs[s.name].append(d.org(
                "community", f"{s.name}{c.name}{spelling[2:]}", district, street=s.name,
                community=c.name, parent=street_org[s.name]["id"], members=members,
                level=level, spelling=spelling))
    for s_name, s_org in street_org.items():
        for c_org in comm_orgs[s_name]:
            d.tie(c_org, s_org, "joint_meeting", note="街道党建联席会议成员单位")
    for names_ in axis_streets.values():  # 毗邻党建 between neighbouring streets
        for a, b in pairwise(names_):
            d.tie(street_org[a], street_org[b], "joint_meeting", projects="毗邻党建、联合志愿服务")

    def communities_of(street: str) -> list[dict]:
        return comm_orgs[street]

    # --- industry committees and district-level units ---------------------------------
    industry: dict[tuple[str, str], dict] = {}
    for district, s_names in axis_streets.items():
        for system in _SYSTEMS:
            org = d.org("industry", f"{district}{system}系统党委", district,
                        street=s_names[0], system=system, fld="agency",
                        members=rnd.randint(150, 900), level="committee",
                        spelling="系统党委" if rnd.random() < 0.5 else None)
            industry[(district, system)] = org
            for s_name in rnd.sample(s_names, 3):
                d.tie(org, street_org[s_name], "agreement",
                      projects=f"{system}资源进社区、结对共建")
        for suffix, system, fld in _DISTRICT_UNITS:
            s_name = rnd.choice(s_names)
            level = _unit_level(suffix)
            members = {"committee": rnd.randint(100, 300), "general_branch": rnd.randint(50, 99),
                       "branch": rnd.randint(15, 49)}[level]
            org = d.org("unit", f"{district}{suffix}", district, street=s_name, system=system,
                        fld=fld, members=members, level=level,
                        parent=industry[(district, system)]["id"] if system else None,
                        spelling=_unit_spelling(fld))
            for c_org in rnd.sample([c for s in s_names for c in communities_of(s)], 2):
                d.tie(org, c_org, "dual_reporting", members=rnd.randint(20, 120),
                      note="在职党员到社区报到")
            d.tie(org, street_org[s_name], "agreement", projects="区域化党建共建协议")

    # --- street-level units --------------------------------------------------------------
    for s_name, s_org in street_org.items():
        district = s_org["district"]
        comms = communities_of(s_name)
        stem = s_name[:-2]
        templates = [(f"{district}公安分局{stem}派出所党支部", "公安", "agency"),
                     (f"{stem}社区卫生服务中心党支部", "卫生健康", "institution"),
                     (f"{_stem(comms[0]['community'], '社区')}小学党支部", "教育", "institution"),
                     (f"中国工商银行南京{stem}支行党支部", "金融", "state_enterprise")]
        if len(comms) > 6:
            templates.append((f"{_stem(comms[-1]['community'], '社区')}幼儿园党支部", "教育",
                              "institution"))
        if rnd.random() < 0.5:
            templates.append((f"国网南京供电公司{stem}供电所党支部", "国资", "state_enterprise"))
        seats = 0
        for name, system, fld in templates:
            home = rnd.choice(comms)
            parent = industry.get((district, system))
            org = d.org("unit", name, district, street=s_name, community=home["community"],
                        system=system, fld=fld, members=rnd.randint(6, 45),
                        parent=parent["id"] if parent else None, spelling=_unit_spelling(fld))
            units_by_street[s_name].append(org)
            d.tie(org, home, "pairing", projects=rnd.choice(_PROJECTS))
            other = rnd.choice(comms)
            d.tie(org, other, "dual_reporting", members=rnd.randint(5, 40),
                  note="在职党员到社区报到")
            if seats < 5 and rnd.random() < 0.5:
                seats += 1
                d.tie(org, s_org, "committee_seat", note="街道大工委兼职委员")

    # --- grids and temporary organizations -----------------------------------------------
    for s_name, comms in comm_orgs.items():
        for c_org in comms:
            if rnd.random() < 0.45:
                kind_spelling = rnd.choice(["网格党支部", "小区党支部", "楼栋党小组"])
                label = {"网格党支部": "第一网格党支部",
                         "小区党支部": f"{rnd.choice(names.BRANDS)}苑小区党支部",
                         "楼栋党小组": f"{rnd.randint(1, 30)}号楼栋党小组"}[kind_spelling]
                members = rnd.randint(3, 12) if kind_spelling != "楼栋党小组" else rnd.randint(3, 6)
                grid = d.org("grid", f"{s_name}{c_org['community']}{label}",
                             c_org["district"], street=s_name, community=c_org["community"],
                             parent=c_org["id"], members=members,
                             level="group" if kind_spelling == "楼栋党小组" else "branch",
                             spelling=kind_spelling)
                d.tie(grid, c_org, "joint_meeting", note="社区大党委网格联席会")
    for district, s_names in axis_streets.items():
        for i, s_name in enumerate(rnd.sample(s_names, 4)):
            project = ("老旧小区改造项目", "城市更新项目", "马拉松赛事保障", "重点工程建设项目")[i]
            temp = d.org("temporary", f"{s_name}{project}临时党支部", district, street=s_name,
                         parent=street_org[s_name]["id"], members=rnd.randint(3, 15),
                         fld="other", spelling="临时党支部")
            d.tie(temp, street_org[s_name], "pairing", start=dt.date(2024, rnd.randint(1, 12), 1),
                  projects=project)

    # --- sites: buildings, parks, business districts ------------------------------------
    site_orgs: dict[str, dict] = {}
    buildings_by_district: dict[str, list[str]] = defaultdict(list)
    brands = list(names.BRANDS)
    rnd.shuffle(brands)
    for district, s_names in axis_streets.items():
        for s_name in rnd.sample(s_names, 5):
            site = f"{brands.pop()}{rnd.choice(names.BUILDING_WORDS)}"
            d.sites.append(_site(site, "building", [district], [s_name]))
            home = rnd.choice(communities_of(s_name))
            org = d.org("building", f"{site}楼宇党委", district, street=s_name,
                        community=home["community"], site=site, members=rnd.randint(50, 160),
                        fld="private_enterprise", spelling="楼宇党委")
            site_orgs[site] = org
            buildings_by_district[district].append(site)
            d.tie(org, home, "pairing", projects="楼宇社区共建、白领志愿服务")
            d.tie(org, street_org[s_name], "joint_meeting", note="街道楼宇党建联盟")
    parks = {"秦淮区": ("白下高新技术产业园区", "光华路街道"),
             "鼓楼区": ("鼓楼高新技术产业开发区", "江东街道")}
    for district, (site, s_name) in parks.items():
        d.sites.append(_site(site, "park", [district], [s_name]))
        org = d.org("park", f"{site}党委", district, street=s_name, site=site,
                    members=rnd.randint(100, 300), level="committee", fld="private_enterprise",
                    spelling="园区党委")
        site_orgs[site] = org
        d.tie(org, street_org[s_name], "agreement", projects="园区街道共建")
        d.tie(org, rnd.choice(communities_of(s_name)), "pairing")
    xjk_streets = {"玄武区": "新街口街道", "秦淮区": "洪武路街道", "鼓楼区": "华侨路街道"}
    d.sites.append(_site("新街口商圈", "business_district", list(xjk_streets),
                         list(xjk_streets.values())))
    xjk = d.org("business_district", "新街口商圈党委", "玄武区", street="新街口街道",
                site="新街口商圈", members=rnd.randint(300, 600), level="committee",
                fld="private_enterprise", spelling="商圈党委")
    site_orgs["新街口商圈"] = xjk
    for s_name in xjk_streets.values():
        d.tie(xjk, street_org[s_name], "joint_meeting", start=dt.date(2019, 6, 28),
              projects="新街口商圈党建联席会、商户服务", note="玄武、秦淮、鼓楼三区联席会")
    for district, site, s_name in (("秦淮区", "夫子庙商圈", "夫子庙街道"),
                                   ("鼓楼区", "湖南路商圈", "湖南路街道")):
        d.sites.append(_site(site, "business_district", [district], [s_name]))
        org = d.org("business_district", f"{site}党委", district, street=s_name, site=site,
                    members=rnd.randint(100, 250), level="committee", fld="private_enterprise",
                    spelling="商圈党委")
        site_orgs[site] = org
        d.tie(org, street_org[s_name], "joint_meeting", projects="商圈党建联盟")
    d.sites.append(_site("白云亭农贸市场", "market", ["鼓楼区"], ["宁海路街道"]))

    # --- planted: the bridging unit and what only it holds ------------------------------
    xuzhuang = "徐庄软件园"
    d.sites.append(_site(xuzhuang, "park", ["玄武区"], ["孝陵卫街道"]))
    home = communities_of("孝陵卫街道")[0]
    bridge = d.org("unit", "玄武区科技创新投资集团有限公司党委", "玄武区", street="孝陵卫街道",
                   community=home["community"], system="国资", fld="state_enterprise",
                   members=120, level="committee", parent=industry[("玄武区", "国资")]["id"],
                   spelling="国有企业党组织")
    d.tie(bridge, home, "pairing", projects="国企社区结对、党员志愿服务")
    d.tie(bridge, street_org["孝陵卫街道"], "committee_seat", note="街道大工委兼职委员")
    park = d.org("park", f"{xuzhuang}党委", "玄武区", street="孝陵卫街道", site=xuzhuang,
                 members=110, level="committee", fld="private_enterprise", spelling="园区党委",
                 parent=bridge["id"])
    behind = [park]
    for members in (6, 9):
        firm = d.firm("玄武区", street="孝陵卫街道", site=xuzhuang, members=members,
                      coverage="own")
        org = d.org("new_economy", f"{firm['name']}党支部", "玄武区", street="孝陵卫街道",
                    site=xuzhuang, members=members, fld="private_enterprise",
                    parent=park["id"], spelling="非公企业党组织")
        firm["covering_org_id"] = org["id"]
        behind.append(org)
    for a, b in combinations([bridge, *behind], 2):
        d.tie(a, b, "agreement", start=dt.date(2021, 9, 1), projects="园区党建联建、人才共育")
    truth["articulation"] = {"id": bridge["id"], "name": bridge["name"],
                             "cut_off": sorted(o["id"] for o in behind)}

    # --- 两新组织 with their coverage ----------------------------------------------------
    _firms(d, axis_streets, comm_orgs, street_org, site_orgs, buildings_by_district,
           list(parks.values()))

    # --- planted: isolated units, the expired agreement, the detached group ------------
    isolated = [d.org("unit", "玄武区档案馆党支部", "玄武区", street="玄武门街道",
                      fld="institution", members=9, spelling="事业单位党组织"),
                d.org("unit", "秦淮区统计局机关党支部", "秦淮区", street="双塘街道", fld="agency",
                      members=12, spelling="机关党组织"),
                d.org("unit", "鼓楼区供销合作总社党支部", "鼓楼区", street="挹江门街道",
                      fld="institution", members=7, spelling="驻区单位党组织")]
    expired_unit = d.org("unit", "秦淮区科学技术协会党支部", "秦淮区", street="大光路街道",
                         fld="other", members=8, spelling="单位党组织")
    partner = communities_of("大光路街道")[0]
    d.tie(expired_unit, partner, "agreement", start=dt.date(2021, 7, 1), end=dt.date(2024, 6, 30),
          projects="科普进社区", note="协议到期未续签")
    detached = [d.org("unit", f"鼓楼区{n}党支部", "鼓楼区", street="宁海路街道", system="文化旅游",
                      fld="institution", members=rnd.randint(8, 20), spelling="事业单位党组织")
                for n in ("图书馆", "文化馆", "博物馆", "美术馆")]
    for a, b in combinations(detached, 2):
        d.tie(a, b, "joint_meeting", start=dt.date(2022, 4, 23), projects="公共文化场馆党建联盟")
    dissolved = d.org("unit", "鼓楼区第二轻工业公司党支部", "鼓楼区", street="下关街道",
                      fld="state_enterprise", members=4, status="dissolved",
                      spelling="国有企业党组织")
    d.tie(dissolved, communities_of("下关街道")[0], "pairing", start=dt.date(2015, 3, 1))
    for c_org in rnd.sample([c for cs in comm_orgs.values() for c in cs[1:]], 3):
        c_org["status"] = schema.STATUSES["weak"].zh
        c_org["_weak"] = True

    # --- planted: a dense cluster across 秦淮区 and 鼓楼区 ---------------------------------
    cluster = []
    for s_name in ("朝天宫街道", "华侨路街道"):
        cluster += communities_of(s_name)[:2] + units_by_street[s_name][:2]
    for a, b in combinations(cluster, 2):
        d.tie(a, b, "joint_meeting", start=dt.date(2023, 3, 1),
              projects="朝天宫—华侨路毗邻党建联盟、联合志愿服务")

    truth["lists"] = _lists(d, isolated[0])

    # --- a few ends given by name only (the spec allows it) -----------------------------
    for rel in d.relations[:: 97]:
        rel["target_id"] = None

    truth.update(
        isolated=sorted(o["id"] for o in isolated),
        expired_agreement={"source_id": expired_unit["id"], "target_id": partner["id"],
                           "end": "2024-06-30", "isolated_after": expired_unit["id"]},
        islands_as_of=sorted([*(o["id"] for o in isolated), expired_unit["id"]]),
        detached_group=sorted(o["id"] for o in detached),
        cross_district_cluster={"ids": sorted(o["id"] for o in cluster),
                                "districts": ["秦淮区", "鼓楼区"]},
        dissolved=[dissolved["id"]],
        weak=sorted(o["id"] for o in d.orgs if o.pop("_weak", False)),
    )
    return d, truth


#: What resident units offer, by field: (category spelling, description, quantity).
_OFFERS: dict[str, tuple[tuple[str, str, int | None], ...]] = {
    "agency": (("专业人才", "机关党员业务骨干下沉指导", 6), ("志愿服务", "在职党员志愿服务队", 30),
               ("法律服务", "政策法规宣讲", None)),
    "institution": (("活动场地", "单位会议室周末开放", 80), ("医疗服务", "健康讲座与义诊", None),
                    ("志愿者", "青年党员志愿者", 20), ("人才", "专业技术人员结对帮扶", 4)),
    "state_enterprise": (("经费", "共建项目专项经费（元）", 50000),
                         ("岗位", "社区居民就业岗位", 10), ("物资", "困难群众慰问物资", 100),
                         ("志愿服务", "党员先锋志愿服务", 25)),
    "private_enterprise": (("场地", "楼宇共享会议室", 120), ("岗位", "灵活就业岗位", 15),
                           ("物资", "节日慰问物资", 60), ("文体", "白领文体活动", None)),
    "other": (("志愿服务", "志愿服务", 10),),
}
#: What communities ask for: (category spelling, description).
_ASKS = (("场地", "党员活动阵地改造"), ("活动场地", "老年活动室场地"), ("资金", "小区微更新经费"),
         ("人才", "社区规划师"), ("志愿者", "独居老人助餐志愿者"), ("医疗服务", "家门口义诊"),
         ("法律服务", "物业纠纷法律咨询"), ("物资", "防汛物资"), ("就业", "困难家庭就业岗位"),
         ("文化", "四点半课堂文化辅导"), ("文体", "社区运动会"), ("技术服务", "老旧小区电路检测"))
_WINDOW_START = dt.date(2024, 7, 1)  # activities from here to DEMO_AS_OF fall in the last year


def _lists(d: _Demo, archive: dict) -> dict:
    """Plan the needs, resources, projects and activities; return their planted truth.

    Uses its own random generator, so the older tables keep their bytes. ``archive`` is an
    isolated unit whose one resource is the only fit of a planted need.
    """
    rnd = random.Random(d.seed * 7919 + 12)
    cat = lambda v: schema.canonical(schema.CATEGORY_ALIASES, v)  # noqa: E731
    needs, resources, projects, activities = [], [], [], []
    orgs = [o for o in d.orgs if o["status"] != schema.STATUSES["dissolved"].zh]
    communities = [o for o in orgs if o["_kind"] == "community"]
    isolated = {o["id"] for o in d.orgs if o["name"] in
                {"玄武区档案馆党支部", "秦淮区统计局机关党支部", "鼓楼区供销合作总社党支部"}}
    offering = [o for o in orgs if o["_kind"] in ("unit", "building", "park", "business_district")
                and o["id"] not in isolated]

    def day(first: dt.date, last: dt.date) -> dt.date:
        return dt.date.fromordinal(rnd.randint(first.toordinal(), last.toordinal()))

    # resources: most resident units offer one to three
    by_street: dict[str, list[dict]] = defaultdict(list)
    for o in offering:
        if rnd.random() < 0.15:
            continue
        fld = schema.canonical(schema.FIELD_ALIASES, o["field"]) or "other"
        choices = _OFFERS.get(fld, _OFFERS["other"])
        for spelling, text, qty in rnd.sample(choices, min(len(choices), rnd.randint(1, 3))):
            scope = rnd.choices(list(schema.SCOPES), weights=(20, 45, 30, 5))[0]
            if cat(spelling) == "culture":  # culture is offered close by, never in 玄武区
                if o["district"] == "玄武区":
                    continue
                scope = "street" if scope == "city" else scope
            until = rnd.choices([None, dt.date(2026, 12, 31), dt.date(2024, 12, 31)],
                                weights=(80, 15, 5))[0]
            row = {"id": f"ZY{len(resources) + 1:04d}", "org_id": o["id"],
                   "org_name": o["name"], "category": spelling, "description": text,
                   "quantity": qty, "scope": schema.SCOPES[scope].zh, "until": until}
            resources.append(row)
            if until is None or until >= DEMO_AS_OF:
                by_street[o["street"]].append(row)

    # needs: every community raises a few; a bit over half are answered by projects
    done_statuses = ("claimed", "done")
    for c in communities:
        for _ in range(rnd.randint(1, 3)):
            spelling, text = rnd.choice(_ASKS)
            raised = day(dt.date(2024, 1, 8), dt.date(2025, 6, 20))
            old = raised < dt.date(2025, 3, 1)
            status = rnd.choices(list(schema.NEED_STATUSES),
                                 weights=(8, 15, 45, 32) if old else (45, 40, 15, 0))[0]
            need = {"id": f"XQ{len(needs) + 1:04d}", "org_id": c["id"], "org_name": c["name"],
                    "category": spelling, "description": f"{c['community']}{text}",
                    "raised": raised,
                    "status": None if status == "open" and rnd.random() < 0.5
                    else schema.NEED_STATUSES[status].zh}
            needs.append(need)
            if status not in done_statuses:
                continue
            fits = [r for r in by_street[c["street"]] if cat(r["category"]) == cat(spelling)]
            units = [o for o in offering if o["street"] == c["street"]]
            res = rnd.choice(fits) if fits else None
            lead = d.by_id[res["org_id"]] if res else rnd.choice(units or [c])
            start = raised + dt.timedelta(days=rnd.randint(7, 45))
            finished = status == "done"
            end = start + dt.timedelta(days=rnd.randint(30, 120)) if finished else None
            if end is not None and end > DEMO_AS_OF:
                end, finished = None, False
            projects.append({
                "id": f"XM{len(projects) + 1:04d}", "name": f"{c['community']}{text}项目",
                "lead_id": lead["id"], "lead_name": lead["name"],
                "participants": c["id"] if lead is not c else None, "need_ids": need["id"],
                "resource_ids": res["id"] if res else None, "start": start, "end": end,
                "status": schema.PROJECT_STATUSES["done" if finished else "active"].zh})

    # planted: a need whose only fitting resource is the isolated archive's
    home = next(c for c in communities if c["street"] == archive["street"])
    resources.append({"id": f"ZY{len(resources) + 1:04d}", "org_id": archive["id"],
                      "org_name": archive["name"], "category": "文化",
                      "description": "档案文化展览进社区", "quantity": 2, "scope": "本街道",
                      "until": None})
    island_res = resources[-1]
    needs.append({"id": f"XQ{len(needs) + 1:04d}", "org_id": home["id"], "org_name": home["name"],
                  "category": "文化", "description": f"{home['community']}社区史展览",
                  "raised": dt.date(2025, 6, 10), "status": "待认领"})
    island_need = needs[-1]
    # planted: a stale need, open since January, no project answers it
    stale_home = next(c for c in communities if c["street"] == "夫子庙街道")
    needs.append({"id": f"XQ{len(needs) + 1:04d}", "org_id": stale_home["id"],
                  "org_name": stale_home["name"], "category": "技术服务",
                  "description": "老旧小区加装电梯技术咨询", "raised": dt.date(2025, 1, 15),
                  "status": "待认领"})
    stale_need = needs[-1]
    # planted: an idle resource, offered and used by no project
    hospital = next(o for o in offering if o["name"] == "鼓楼区人民医院党委")
    resources.append({"id": f"ZY{len(resources) + 1:04d}", "org_id": hospital["id"],
                      "org_name": hospital["name"], "category": "医疗服务",
                      "description": "专家团队每季度进社区义诊", "quantity": 12, "scope": "本区",
                      "until": dt.date(2026, 12, 31)})
    idle_res = resources[-1]

    # activities: street joint meetings; most ties show one in the last year, some never
    planted = next(r for r in d.relations if r["type"] == schema.RELATION_TYPES["agreement"].zh
                   and r["source_name"] == "玄武区教育局机关党委"
                   and d.by_id[r["target_id"]]["_kind"] == "street")
    kinds = schema.ACTIVITY_KINDS

    def act(date: dt.date, name: str, kind: str, ids: list[str], project=None) -> None:
        activities.append({"date": date, "name": name, "kind": kinds[kind].zh,
                           "participants": "、".join(ids), "project_id": project,
                           "attendees": rnd.randint(8, 60)})

    streets = [o for o in orgs if o["_kind"] == "street"]
    for s in streets:
        if rnd.random() < 0.9:
            members = [s["id"], *(c["id"] for c in communities if c["street"] == s["street"])]
            for q in (dt.date(2024, 9, 20), dt.date(2024, 12, 18), dt.date(2025, 3, 26)):
                act(q + dt.timedelta(days=rnd.randint(0, 6)), f"{s['street']}党建联席会议",
                    "joint_meeting", members)
    live = {o["id"] for o in orgs}
    text = {"joint_meeting": "党建联盟例会", "dual_reporting": "在职党员报到服务",
            "pairing": "结对共建活动", "agreement": "共建协议推进会",
            "committee_seat": "大工委会议"}
    kind_of = {"joint_meeting": "joint_meeting", "dual_reporting": "reporting_service",
               "pairing": "joint_activity", "agreement": "joint_activity",
               "committee_seat": "joint_meeting"}
    for r in d.relations:
        type_ = schema.canonical(schema.RELATION_TYPE_ALIASES, r["type"])
        a, b = r["source_id"], r["target_id"]
        if r is planted or a not in live or b not in live or (r["end"] and r["end"] < DEMO_AS_OF):
            continue
        draw = rnd.random()
        if draw < 0.8:
            for _ in range(rnd.randint(1, 3)):
                act(day(_WINDOW_START, DEMO_AS_OF), text[type_],
                    rnd.choice([kind_of[type_], "volunteering"]), [a, b])
        elif draw < 0.88:
            act(day(dt.date(2022, 1, 1), dt.date(2024, 3, 31)), text[type_], kind_of[type_],
                [a, b])
    for p in projects:
        if p["participants"] and p["status"] == "实施中" and rnd.random() < 0.6:
            act(day(p["start"], DEMO_AS_OF) if p["start"] <= DEMO_AS_OF else p["start"],
                p["name"], "volunteering", [p["lead_id"], p["participants"]], p["id"])
    signed = dt.date(2023, 11, 15)
    act(signed, "区域化党建共建协议签约仪式", "joint_activity",
        [planted["source_id"], planted["target_id"]])
    activities.sort(key=lambda a: a["date"])
    d.lists = {"needs": needs, "resources": resources, "projects": projects,
               "activities": activities}
    return {
        "island_need": {"need_id": island_need["id"], "resource_id": island_res["id"],
                        "resource_org": archive["id"], "mends": "island"},
        "dormant_agreement": {"source_id": planted["source_id"],
                              "target_id": planted["target_id"],
                              "last_evidence": signed.isoformat()},
        "stale_need": {"need_id": stale_need["id"], "org_id": stale_home["id"],
                       "raised": stale_need["raised"].isoformat()},
        "idle_resource": {"resource_id": idle_res["id"], "org_id": hospital["id"]},
    }


_PROJECTS = ("红色物业共建", "社区志愿服务", "关爱老人结对", "文明城市创建", "义诊进社区",
             "四点半课堂", "法律服务进社区", "垃圾分类宣传")


def _unit_level(suffix: str) -> str:
    return "committee" if suffix.endswith("党委") else (
        "general_branch" if suffix.endswith("党总支") else "branch")


def _unit_spelling(fld: str) -> str:
    return {"agency": "机关党组织", "institution": "事业单位党组织",
            "state_enterprise": "国有企业党组织"}.get(fld, "单位党组织")


def _site(name: str, kind: str, districts: list[str], streets: list[str]) -> dict:
    return {"name": name, "kind": schema.SITE_KINDS[kind].zh, "district": "、".join(districts),
            "street": "、".join(streets)}


def _firms(d: _Demo, axis_streets, comm_orgs, street_org, site_orgs, buildings_by_district,
           parks) -> None:
    """Firms and social organizations, covered in every way; the planted uncovered ones."""
    rnd = d.rnd
    joint_site = buildings_by_district["鼓楼区"][0]
    for district, s_names in axis_streets.items():
        for _ in range(110):
            s_name = rnd.choice(s_names)
            c_org = rnd.choice(comm_orgs[s_name])
            site = None
            r = rnd.random()
            in_street = [b for b in buildings_by_district[district]
                         if site_orgs[b]["street"] == s_name]
            if r < 0.45 and in_street:
                site = rnd.choice(in_street)
            elif r < 0.6:
                park_site = [p for p, s in parks if site_orgs[p]["district"] == district]
                site = park_site[0] if park_site else None
            members = rnd.choice([0, 0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 7, 12])
            social = rnd.random() < 0.2
            place = {"street": site_orgs[site]["street"] if site else s_name,
                     "community": None if site else c_org["community"], "site": site}
            if members >= 3:
                firm = d.firm(district, members=members, social=social, coverage="own", **place)
                org = d.org("new_economy", f"{firm['name']}党支部", district, members=members,
                            fld="social_organization" if social else "private_enterprise",
                            parent=site_orgs[site]["id"] if site else c_org["id"],
                            spelling="社会组织党组织" if social else "非公企业党组织", **place)
                firm["covering_org_id"] = org["id"]
                if site:
                    d.tie(org, site_orgs[site], "joint_meeting", note="楼宇园区党建联盟")
                else:
                    d.tie(org, c_org, "pairing", projects=rnd.choice(_PROJECTS))
            elif site and members > 0:
                d.firm(district, members=members, social=social, coverage="host",
                       covering=site_orgs[site], **place)
            elif site:
                d.firm(district, members=0, social=social,
                       coverage=rnd.choice(["host", "instructor"]), covering=site_orgs[site],
                       **place)
            else:
                d.firm(district, members=members, social=social,
                       coverage=rnd.choice(["fallback", "fallback", "instructor"]),
                       covering=c_org, **place)
    # joint branches: small firms of a building together (at most 5, at least 3 members)
    for district, sites in buildings_by_district.items():
        for site in sites[1:3]:
            b_org = site_orgs[site]
            members = [1, 2, 1, 1]
            org = d.org("joint", f"{site}第一联合党支部", district, street=b_org["street"],
                        site=site, members=sum(members), parent=b_org["id"],
                        fld="private_enterprise", spelling="联合党支部")
            for m in members:
                d.firm(district, street=b_org["street"], site=site, members=m, coverage="joint",
                       covering=org)
            d.tie(org, b_org, "joint_meeting", note="楼宇党建联盟")
    # planted: uncovered firms
    own = d.firm("秦淮区", street="夫子庙街道", community=comm_orgs["夫子庙街道"][0]["community"],
                 members=5, employees=46)
    none = [d.firm(district, street=s, community=comm_orgs[s][1]["community"], members=0,
                   social=i == 3)
            for i, (district, s) in enumerate((("玄武区", "红山街道"), ("秦淮区", "月牙湖街道"),
                                               ("鼓楼区", "凤凰街道"), ("鼓楼区", "小市街道")))]
    b_org = site_orgs[joint_site]
    small = [d.firm("鼓楼区", street=b_org["street"], site=joint_site, members=m,
                    employees=rnd.randint(6, 20)) for m in (1, 2, 1, 2)]
    d.uncovered = {
        "own_branch": [own["uscc"]],
        "no_members": sorted(f["uscc"] for f in none),
        "joint_branch": {"site": joint_site, "usccs": sorted(f["uscc"] for f in small),
                         "party_members": sum(f["party_members"] for f in small)},
    }


def _frame(rows: list[dict], table: str) -> pd.DataFrame:
    df = pd.DataFrame(rows).reindex(columns=[c.name for c in TABLES[table].columns])
    return df.astype(object).where(df.notna(), None)


def write_demo(folder: str | Path, *, seed: int = 2024) -> Path:
    """Write the demo ledgers of 玄武区, 秦淮区 and 鼓楼区 and ``ground_truth.json`` to ``folder``.

    Party organizations and sites are Excel files, relations and regions UTF-8 CSV, and
    两新组织 a GBK CSV. The same ``seed`` gives byte-identical files. The ground truth holds
    for :data:`DEMO_AS_OF` and any later date.

    Examples
    --------
    >>> import json, tempfile
    >>> folder = write_demo(tempfile.mkdtemp(), seed=7)
    >>> truth = json.loads((folder / "ground_truth.json").read_text("utf-8"))
    >>> len(truth["isolated"]), len(truth["detached_group"])
    (3, 4)
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    d, truth = _plan(seed)
    # people: secretaries and phones, seeded
    n = len(d.orgs)
    secretaries = names.person_names(d.rng, n)
    phones = names.phones(d.rng, n)
    for row, sec, ph in zip(d.orgs, secretaries, phones, strict=True):
        row["secretary"], row["phone"] = str(sec), str(ph)
    kinds = pd.Series([o.pop("_kind") for o in d.orgs])
    extract = read_extract()
    regions = extract.assign(
        level=extract["level"].map(lambda v: schema.REGION_LEVELS[
            schema.canonical(schema.REGION_LEVEL_ALIASES, v)].zh),
        parent_code=extract["parent_code"].where(extract["level"] != "区", None))
    frames = {"regions": regions, "party_orgs": _frame(d.orgs, "party_orgs"),
              "relations": _frame(d.relations, "relations"),
              "organizations": _frame(d.organizations, "organizations"),
              "sites": _frame(d.sites, "sites"),
              **{t: _frame(rows, t) for t, rows in d.lists.items()}}
    for table, name in DEMO_FILES.items():
        write_table(frames[table], table, folder / name,
                    encoding="gbk" if name == GBK_FILE else "utf-8-sig")
    orgs = d.organizations
    truth = {
        "seed": seed,
        "as_of": DEMO_AS_OF.isoformat(),
        "files": DEMO_FILES,
        **truth,
        "uncovered": d.uncovered,
        "counts": {
            "party_orgs": n,
            "party_orgs_by_kind": {k: int(v) for k, v in kinds.value_counts().sort_index().items()},
            "relations": len(d.relations),
            "relations_by_type": {schema.canonical(schema.RELATION_TYPE_ALIASES, k): int(v)
                                  for k, v in pd.Series([r["type"] for r in d.relations])
                                  .value_counts().sort_index().items()},
            "organizations": len(orgs),
            "uncovered": sum(1 for o in orgs if o["coverage"] is None),
            "sites": len(d.sites),
            "regions": len(regions),
            "islands_as_of": len(truth["islands_as_of"]),
            **{t: len(rows) for t, rows in d.lists.items()},
        },
    }
    (folder / "ground_truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return folder
