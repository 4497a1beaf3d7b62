"""The three lists and the activity record (三张清单与活动记录) of a batch: 需求清单, 资源清单,
项目清单 and 活动记录, in the format of the ledger contract.

In the proportions of regional joint building as it is run: every community (and, less
often, every street) raises a few needs a year; most resident units, site and new-economy
organizations offer one to three resources; a bit over half of the needs are answered by
projects, led by the community or one of its partners, with partners of the lead taking
part and their resources used; some projects answer no listed need. Activities are
recorded for most but not all ties (joint meetings of a street with two of its partners
at once, dual-report services …) and for the projects under way or done. At city scale
that is about 50,000 needs, 150,000 resources, 30,000 projects and 300,000 activities.

Every id an entry names is an id of the ledger (a 党组织 of some batch, a need, a resource
or a project of this batch); dates are ``YYYY-MM-DD``; lists of ids are separated by 、.

Examples
--------
>>> HEADERS["needs"]["org_id"], LIST_FILES["activities"]
('提出组织编码', '活动记录')
>>> sorted({s for texts in _NEED_TEXTS.values() for _, s in texts})[:3]
['专业人才', '人才', '其他']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.loaders.tables import TABLES
from gongjian.synth.batch import Batch

__all__ = ["AS_OF", "HEADERS", "LIST_FILES", "lists"]

#: Table → English columns written, in the order of the contract (the optional name ends
#: are left out: the generator gives every end by id).
_WRITTEN: dict[str, tuple[str, ...]] = {
    "needs": ("id", "org_id", "category", "description", "raised", "status"),
    "resources": ("id", "org_id", "category", "description", "quantity", "scope", "until"),
    "projects": ("id", "name", "lead_id", "participants", "need_ids", "resource_ids", "start",
                 "end", "status"),
    "activities": ("date", "name", "kind", "participants", "project_id", "attendees"),
}
#: Table → file name without extension (the contract's Chinese table name).
LIST_FILES = {table: TABLES[table].zh for table in _WRITTEN}
#: Table → English column → the contract's Chinese header, in the order written.
HEADERS: dict[str, dict[str, str]] = {
    table: {name: TABLES[table].column(name).zh for name in names}
    for table, names in _WRITTEN.items()}
#: The day the lists are as of: projects after it are planned, activities stop there.
AS_OF = "2025-06-30"

#: Needs, resources per Party organization of the batch; projects per need.
_NEEDS, _RESOURCES, _PROJECTS = 0.5, 1.5, 0.6
#: Share of needs answered by a project, of resource providers offering anything, of ties
#: with an activity on record.
_ANSWERED, _OFFERING, _EVIDENCED = 0.56, 0.88, 0.8
#: Share of needs raised by streets (the rest by communities).
_STREET_NEEDS = 0.15
#: Kinds of 党组织 that offer resources (resident units and the like).
_PROVIDERS = ("unit", "new_economy", "building", "park", "business_district", "industry",
              "joint")

_CATEGORIES = ("venue", "funding", "talent", "volunteering", "professional", "goods",
               "employment", "culture", "other")
_NEED_WEIGHTS = (0.12, 0.1, 0.08, 0.22, 0.18, 0.1, 0.06, 0.12, 0.02)
_RESOURCE_WEIGHTS = (0.15, 0.08, 0.12, 0.25, 0.2, 0.1, 0.05, 0.04, 0.01)
# (content, the category as spelled in the cell): three of each category
_NEED_TEXTS = {
    "venue": (("老年活动室改造期间缺少活动场地", "场地"), ("党员活动阵地需共享会议室", "阵地"),
              ("暑期托管需要教室等活动场地", "活动场地")),
    "funding": (("微心愿圆梦资金缺口", "资金"), ("老旧小区加装电梯补助经费不足", "经费"),
                ("困难家庭帮扶资金不足", "资金")),
    "talent": (("需要心理咨询专业人才", "专业人才"), ("社区规划需要设计人才", "人才"),
               ("青少年课外辅导需要教师", "人才")),
    "volunteering": (("独居老人定期探访需要志愿者", "志愿者"),
                     ("垃圾分类督导需要志愿服务", "志愿服务"),
                     ("文明城市创建需要志愿服务力量", "志愿服务")),
    "professional": (("居民法律咨询需要律师坐班", "法律服务"),
                     ("老年人慢病管理需要义诊", "医疗服务"),
                     ("老旧小区消防安全检查", "技术服务")),
    "goods": (("困难群众节日慰问物资", "物资"), ("防汛物资储备不足", "物资"),
              ("社区图书室需要补充图书", "物资")),
    "employment": (("失业人员再就业岗位", "就业"), ("高校毕业生见习岗位", "岗位"),
                   ("残疾人就业帮扶", "就业")),
    "culture": (("社区文艺队需要排练指导", "文化"), ("传统节日文化活动", "文化"),
                ("全民健身器材与场地", "文体")),
    "other": (("小区停车难协调", "其他"), ("物业矛盾调解", "其他"), ("社区治理议事", "其他")),
}
_RESOURCE_TEXTS = {
    "venue": (("会议室周末向社区开放", "场地"), ("职工活动中心可借用", "活动场地"),
              ("党员活动室共享", "阵地")),
    "funding": (("党建共建专项经费", "经费"), ("公益基金资助", "资金"),
                ("结对帮扶资金", "资金")),
    "talent": (("在职党员专业人才库", "专业人才"), ("教师志愿讲师", "人才"),
               ("工程技术骨干", "专业人才")),
    "volunteering": (("党员志愿服务队", "志愿服务"), ("青年志愿者队伍", "志愿者"),
                     ("在职党员志愿服务", "志愿服务")),
    "professional": (("法律顾问免费咨询", "法律服务"), ("医护人员义诊", "医疗服务"),
                     ("家电维修技术服务", "技术服务")),
    "goods": (("防汛物资", "物资"), ("图书捐赠", "物资"), ("办公设备捐赠", "物资")),
    "employment": (("见习岗位", "岗位"), ("招聘岗位优先面向社区居民", "岗位"),
                   ("技能培训名额", "就业")),
    "culture": (("文艺演出团队", "文化"), ("文体场馆开放", "文体"), ("非遗文化讲座", "文化")),
    "other": (("车位错时共享", "其他"), ("法治宣传展板", "其他"), ("其他支持", "其他")),
}
#: The unit of each category's quantity: (lowest, highest, rounded to).
_QUANTITY = {"venue": (50, 500, 10), "funding": (5_000, 200_000, 1_000), "talent": (1, 10, 1),
             "volunteering": (5, 50, 1), "professional": (1, 20, 1), "goods": (10, 500, 10),
             "employment": (1, 30, 1), "culture": (1, 20, 1), "other": (1, 10, 1)}
_PROJECT_WORDS = {"venue": "共享阵地", "funding": "微心愿圆梦", "talent": "人才结对帮扶",
                  "volunteering": "志愿服务", "professional": "专业服务进社区",
                  "goods": "爱心物资", "employment": "就业帮扶", "culture": "文化惠民",
                  "other": "共建共治"}
_SCOPES = ("本社区", "本街道", "本区", "全市", None)
_NEED_OPEN = ("待认领", "已关闭", None)
_ACTIVITY_NAMES = {"联席会议": ("党建联席会议", "区域化党建联席会", "季度共建协调会"),
                   "共建活动": ("主题党日共建活动", "共建签约推进会", "党课共学"),
                   "志愿服务": ("志愿服务进社区", "环境整治志愿活动", "关爱老人志愿服务"),
                   "报到服务": ("在职党员报到服务", "双报到为民服务", "报到党员认领微心愿"),
                   "其他": ("走访调研", "座谈交流", "工作对接")}
_MEETINGS = ("启动会", "推进会", "现场活动", "总结会")


def lists(batch: Batch, orgs: pd.DataFrame, relations: pd.DataFrame
          ) -> dict[str, pd.DataFrame]:
    """The four tables of one batch, from its 党组织 rows ``orgs`` and its 共建关系 rows
    ``relations`` (English column names), drawn from ``batch.rng`` after everything else.

    Examples
    --------
    >>> from gongjian.synth.divisions import synthetic_skeleton
    >>> sk = synthetic_skeleton(districts=1, streets=2, communities=3)
    >>> batch = Batch(np.random.default_rng(0), next(sk.districts.itertuples()), sk.streets,
    ...               sk.communities, part=0, parts=1)
    >>> orgs = pd.DataFrame({"id": ["U1", "U2"], "kind": ["机关党组织", "机关党组织"],
    ...                      "street": ["金陵路街道", "金陵路街道"], "status": ["正常", "正常"]})
    >>> rel = pd.DataFrame({"source_id": ["U1", "U2"], "target_id": ["C990001001001"] * 2,
    ...                     "type": ["结对共建", "双报到"], "start": ["2020-01-01"] * 2,
    ...                     "end": [None, None]})
    >>> out = lists(batch, orgs, rel)
    >>> [list(out[k].columns) == list(HEADERS[k]) for k in HEADERS]
    [True, True, True, True]
    """
    rng = batch.rng
    n_orgs = len(orgs) + (0 if batch.part else len(batch.streets) + len(batch.comms))
    needs, raiser_names = _needs(batch, round(_NEEDS * n_orgs))
    resources = _resources(batch, orgs, round(_RESOURCES * n_orgs))
    partners = _Partners(relations)
    projects, need_status = _projects(batch, needs, raiser_names, resources, orgs, partners)
    needs["status"] = need_status
    needs = needs[list(HEADERS["needs"])]
    activities = pd.concat([_tie_activities(rng, relations), _project_activities(rng, projects)],
                           ignore_index=True)
    return {"needs": needs, "resources": resources, "projects": projects,
            "activities": activities}


def _numbered(batch: Batch, prefix: str, n: int) -> np.ndarray:
    """Ids unique in the ledger: prefix, district code, part and a sequence number."""
    start = batch.part * 10_000_000
    seq = np.char.zfill(np.arange(start + 1, start + n + 1).astype(str), 7)
    return np.char.add(f"{prefix}{batch.d.code}", seq).astype(object)


def _texts(table: dict, category: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(content, spelled category) of each row, from ``table``'s entry ``j`` of its category."""
    content = np.array([[t for t, _ in table[c]] for c in _CATEGORIES], dtype=object)
    spelled = np.array([[s for _, s in table[c]] for c in _CATEGORIES], dtype=object)
    return content[category, j], spelled[category, j]


def _days(rng, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A day drawn between ``lo`` and ``hi`` (``datetime64[D]``; ``lo`` where ``hi < lo``)."""
    span = np.maximum((hi - lo).astype(int), 0)
    return lo + (rng.random(len(lo)) * (span + 1)).astype(int)


def _iso(days: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` text of days."""
    return np.datetime_as_string(days, unit="D").astype(object)


def _needs(batch: Batch, n: int) -> tuple[pd.DataFrame, np.ndarray]:
    """``n`` needs raised by the district's communities (and streets); with the name of the
    place that raised each."""
    rng = batch.rng
    ns, nc = len(batch.streets), len(batch.comms)
    raisers = np.concatenate([
        batch.community_ids(batch.c_street, np.arange(nc)).to_numpy(dtype=object),
        batch.street_ids(np.arange(ns)).to_numpy(dtype=object)])
    places = np.concatenate([batch.comms["name"].to_numpy(dtype=object),
                             batch.streets["name"].to_numpy(dtype=object)])
    weight = np.concatenate([np.full(nc, (1 - _STREET_NEEDS) / max(nc, 1)),
                             np.full(ns, (_STREET_NEEDS if nc else 1.0) / ns)])
    who = rng.choice(len(raisers), n, p=weight / weight.sum())
    category = rng.choice(len(_CATEGORIES), n, p=_NEED_WEIGHTS)
    content, spelled = _texts(_NEED_TEXTS, category, rng.integers(0, 3, n))
    raised = batch.dates(n, "2018-01-01", AS_OF).to_numpy(dtype=object)
    needs = pd.DataFrame({"id": _numbered(batch, "XQ", n), "org_id": raisers[who],
                          "category": spelled, "description": content, "raised": raised,
                          "status": None})
    needs["_category"] = category
    return needs, places[who]


def _resources(batch: Batch, orgs: pd.DataFrame, n: int) -> pd.DataFrame:
    """About ``n`` resources: most providers offer one to three."""
    rng = batch.rng
    kinds = orgs["kind"].map({v: schema.canonical(schema.PARTY_KIND_ALIASES, v)
                              for v in orgs["kind"].unique()})
    live = orgs["status"].to_numpy() != schema.STATUSES["dissolved"].zh
    providers = orgs["id"].to_numpy(dtype=object)[kinds.isin(_PROVIDERS).to_numpy() & live]
    offering = providers[rng.random(len(providers)) < _OFFERING]
    p = np.clip((n / max(len(offering), 1) - 1) / 2, 0, 1)  # 1 + Binomial(2, p) each
    each = 1 + rng.binomial(2, p, len(offering))
    m = int(each.sum())
    category = rng.choice(len(_CATEGORIES), m, p=_RESOURCE_WEIGHTS)
    content, spelled = _texts(_RESOURCE_TEXTS, category, rng.integers(0, 3, m))
    lo, hi, step = (np.array([_QUANTITY[c][k] for c in _CATEGORIES]) for k in range(3))
    quantity = (lo[category] + rng.random(m) * (hi - lo)[category]) // step[category] * step[
        category]
    quantity = pd.Series(quantity.astype(int), dtype="Int64").where(rng.random(m) >= 0.1)
    scope = np.array(_SCOPES, dtype=object)[rng.choice(len(_SCOPES), m,
                                                       p=(0.3, 0.4, 0.2, 0.05, 0.05))]
    r = rng.random(m)
    until = np.full(m, None, dtype=object)
    later, past = r < 0.3, (r >= 0.3) & (r < 0.4)
    until[later] = batch.dates(int(later.sum()), "2025-07-01", "2027-12-31").to_numpy()
    until[past] = batch.dates(int(past.sum()), "2022-01-01", "2025-05-31").to_numpy()
    return pd.DataFrame({"id": _numbered(batch, "ZY", m), "org_id": np.repeat(offering, each),
                         "category": spelled, "description": content,
                         "quantity": quantity, "scope": scope, "until": until})


class _Partners:
    """The partners of each organization through the batch's ties, for random picks."""

    def __init__(self, relations: pd.DataFrame) -> None:
        a = np.concatenate([relations["source_id"].to_numpy(dtype=str),
                            relations["target_id"].to_numpy(dtype=str)])
        b = np.concatenate([relations["target_id"].to_numpy(dtype=str),
                            relations["source_id"].to_numpy(dtype=str)])
        order = np.argsort(a, kind="stable")
        self.a, self.b = a[order], b[order].astype(object)

    def pick(self, rng, who: np.ndarray, k: int) -> np.ndarray:
        """``k`` random partners (with repeats) of each of ``who``; ``None`` for none."""
        who = np.asarray(who, dtype=str)
        lo = np.searchsorted(self.a, who, "left")
        count = np.searchsorted(self.a, who, "right") - lo
        at = lo[:, None] + (rng.random((len(who), k)) * count[:, None]).astype(int)
        out = self.b[np.minimum(at, max(len(self.b) - 1, 0))] if len(self.b) else np.full(
            (len(who), k), None, dtype=object)
        return np.where(count[:, None] > 0, out, None)


def _projects(batch: Batch, needs: pd.DataFrame, places: np.ndarray, resources: pd.DataFrame,
              orgs: pd.DataFrame, partners: _Partners) -> tuple[pd.DataFrame, np.ndarray]:
    """Projects answering a bit over half of the needs, and some answering none; with the
    status each need gets from its project."""
    rng = batch.rng
    n = len(needs)
    answered = np.flatnonzero((rng.random(n) < _ANSWERED)
                              & (needs["raised"].to_numpy(dtype=str) <= "2025-05-31"))
    # now and then one project answers two or three needs of the same place
    by_place = answered[np.lexsort((needs["raised"].to_numpy(dtype=str)[answered],
                                    needs["org_id"].to_numpy(dtype=str)[answered]))]
    raiser = needs["org_id"].to_numpy(dtype=str)[by_place]
    join = np.r_[False, raiser[1:] == raiser[:-1]] & (rng.random(len(by_place)) < 0.1)
    group = np.cumsum(~join) - 1
    first = by_place[~join]
    n_from_needs = len(first)
    n_free = max(0, round(_PROJECTS * n) - n_from_needs)
    need_ids = pd.Series(needs["id"].to_numpy(dtype=object)[by_place]).groupby(group).agg(
        "、".join).to_numpy(dtype=object)
    # leads: the place itself, or one of its partners; free projects: a provider
    lead = needs["org_id"].to_numpy(dtype=object)[first]
    partner = partners.pick(rng, lead, 1)[:, 0]
    by_partner = (rng.random(n_from_needs) < 0.3) & pd.notna(partner)
    lead = np.where(by_partner, partner, lead)
    category = needs["_category"].to_numpy()[first]
    place = places[first]
    providers = resources["org_id"].drop_duplicates().to_numpy(dtype=object)
    if n_free and len(providers):
        free_lead = providers[rng.integers(0, len(providers), n_free)]
        street = dict(zip(orgs["id"], orgs["street"], strict=True))
        lead = np.concatenate([lead, free_lead])
        category = np.concatenate([category, rng.choice(len(_CATEGORIES), n_free,
                                                        p=_RESOURCE_WEIGHTS)])
        place = np.concatenate([place, [street.get(x) or batch.d.label for x in free_lead]])
        need_ids = np.concatenate([need_ids, np.full(n_free, None, dtype=object)])
    m = len(lead)
    others = partners.pick(rng, lead, 3)
    k = rng.integers(1, 4, m)
    raised_by = np.concatenate([needs["org_id"].to_numpy(dtype=object)[first],
                                np.full(m - n_from_needs, None, dtype=object)])
    own = resources.groupby("org_id").indices
    res_ids = resources["id"].to_numpy(dtype=object)
    n_res = rng.integers(0, 3, m)
    res_pick = rng.random((m, 2))
    participants, used = [], []
    for i in range(m):
        seen = dict.fromkeys([raised_by[i], *others[i, :k[i]]])
        seen.pop(None, None)
        seen.pop(lead[i], None)
        names = list(seen)
        if not names and len(providers):  # a lead without partners: a provider joins
            extra = providers[int(res_pick[i, 0] * len(providers))]
            names = [extra] if extra != lead[i] else []
        participants.append("、".join(names) or None)
        pool = [j for who in (lead[i], *names) for j in own.get(who, ())]
        take = sorted({pool[int(x * len(pool))] for x in res_pick[i, :n_res[i]]}) if pool else []
        used.append("、".join(res_ids[take]) or None)
    raised = np.concatenate([needs["raised"].to_numpy(dtype="datetime64[D]")[first],
                             batch.dates(m - n_from_needs, "2018-01-01", "2025-03-31")
                             .to_numpy(dtype="datetime64[D]")])
    start = raised + rng.integers(7, 120, m)
    end = start + rng.integers(30, 540, m)
    open_ended = rng.random(m) < 0.15
    as_of = np.datetime64(AS_OF)
    status = np.where(start > as_of, "计划", np.where(
        open_ended | (end >= as_of), "实施中",
        np.where(rng.random(m) < 0.92, "已完成", "已终止"))).astype(object)
    word = np.array([_PROJECT_WORDS[c] for c in _CATEGORIES], dtype=object)[category]
    projects = pd.DataFrame({
        "id": _numbered(batch, "XM", m),
        "name": pd.Series(place, dtype="str").str.replace(r"(社区|村)$", "", regex=True)
        .to_numpy(dtype=object) + word + "项目",
        "lead_id": lead, "participants": participants, "need_ids": need_ids,
        "resource_ids": used, "start": _iso(start),
        "end": np.where(open_ended, None, _iso(end)), "status": status})
    # the needs' status: from their project, or still open (a few closed, some left empty)
    need_status = np.array(_NEED_OPEN, dtype=object)[rng.choice(3, n, p=(0.75, 0.1, 0.15))]
    of_need = {"计划": "已认领", "实施中": "已认领", "已完成": "已完成", "已终止": "已关闭"}
    need_status[by_place] = pd.Series(status[:n_from_needs][group]).map(of_need).to_numpy()
    return projects, need_status


_KIND_OF_TIE = {"联席会议": "联席会议", "兼职委员": "联席会议", "双报到": "报到服务",
                "共建协议": "共建活动", "结对共建": "共建活动"}


def _tie_activities(rng, relations: pd.DataFrame) -> pd.DataFrame:
    """Activities of most ties: one organization with one or two of its partners at once,
    on a day while the tie was in force."""
    keep = rng.random(len(relations)) < _EVIDENCED
    rel = relations[keep]
    src = rel["source_id"].to_numpy(dtype=str)
    order = np.argsort(src, kind="stable")
    src, tgt = src[order], rel["target_id"].to_numpy(dtype=str)[order]
    rank = pd.Series(src).groupby(src).cumcount().to_numpy()
    head = np.flatnonzero(rank % 2 == 0)
    nxt = np.minimum(head + 1, max(len(src) - 1, 0))
    pair = (head + 1 < len(src)) & (src[nxt] == src[head]) & (tgt[nxt] != tgt[head])
    participants = (pd.Series(src[head], dtype=object) + "、" + tgt[head]
                    + np.where(pair, np.char.add("、", tgt[nxt]), ""))
    as_of = np.datetime64(AS_OF)
    lo = rel["start"].to_numpy(dtype="datetime64[D]")[order][head]
    end = pd.to_datetime(rel["end"].to_numpy()[order][head]).to_numpy().astype("datetime64[D]")
    hi = np.where(np.isnat(end) | (end > as_of), as_of, end)
    n = len(head)
    kind = pd.Series(rel["type"].to_numpy()[order][head]).map(_KIND_OF_TIE).fillna("其他")
    kind = kind.to_numpy(dtype=object)
    r = rng.random(n)
    kind[(kind == "共建活动") & (r < 0.3)] = "志愿服务"
    kind[r > 0.96] = "其他"
    return pd.DataFrame({"date": _iso(_days(rng, lo, hi)), "name": _name(rng, kind),
                         "kind": kind, "participants": participants.to_numpy(),
                         "project_id": None, "attendees": _attendees(rng, n)})


def _project_activities(rng, projects: pd.DataFrame) -> pd.DataFrame:
    """One to three activities of every project under way or done, of its lead and
    participants, between its start and its end (or today)."""
    going = projects[projects["status"].isin(["实施中", "已完成", "已终止"]).to_numpy()
                     & projects["participants"].notna().to_numpy()]
    times = rng.integers(1, 4, len(going))
    rows = going.loc[going.index.repeat(times)]
    n = len(rows)
    as_of = np.datetime64(AS_OF)
    lo = rows["start"].to_numpy(dtype="datetime64[D]")
    end = pd.to_datetime(rows["end"].to_numpy()).to_numpy().astype("datetime64[D]")
    hi = np.where(np.isnat(end) | (end > as_of), as_of, end)
    volunteer = rows["name"].str.contains("志愿").to_numpy()
    meeting = np.array(_MEETINGS, dtype=object)[rng.integers(0, len(_MEETINGS), n)]
    return pd.DataFrame({"date": _iso(_days(rng, lo, hi)),
                         "name": rows["name"].to_numpy(dtype=object) + meeting,
                         "kind": np.where(volunteer, "志愿服务", "共建活动").astype(object),
                         "participants": (rows["lead_id"] + "、" + rows["participants"])
                         .to_numpy(), "project_id": rows["id"].to_numpy(),
                         "attendees": _attendees(rng, n)})


def _name(rng, kind: np.ndarray) -> np.ndarray:
    """A usual name for an activity of each kind."""
    out = np.empty(len(kind), dtype=object)
    pick = rng.integers(0, 3, len(kind))
    for k, names in _ACTIVITY_NAMES.items():
        at = kind == k
        out[at] = np.array(names, dtype=object)[pick[at]]
    return out


def _attendees(rng, n: int) -> pd.Series:
    """Attendance: 5 to 79, not written down for one activity in twelve."""
    return pd.Series(rng.integers(5, 80, n), dtype="Int64").where(rng.random(n) >= 0.08)
