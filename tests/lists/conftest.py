"""Fixtures of the three lists' tests: a small district ledger written as real files.

The scenario (as of 2025-06-30), in 玄武区 and 秦淮区:

- 玄武门街道: street S1, communities C1 (丹凤街社区) and C2 (湖南路社区); units U1 (tied to
  C1, with a living agreement), U2 (tied to C1 by a dormant pairing), U3 (an island), U4 and
  U5 (tied only to each other: cut off from the axis).
- 秦淮区: street S2, community C3, unit U6 (tied to S2, offers a city-wide resource).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

AS_OF = "2025-06-30"

PARTY = [
    # id, name, kind, district, street, community, status
    ("S1", "玄武门街道党工委", "街道党工委", "玄武区", "玄武门街道", "", ""),
    ("C1", "丹凤街社区党委", "社区党委", "玄武区", "玄武门街道", "丹凤街社区", ""),
    ("C2", "湖南路社区党委", "社区党委", "玄武区", "玄武门街道", "湖南路社区", ""),
    ("U1", "玄武区档案馆党支部", "机关党组织", "玄武区", "玄武门街道", "丹凤街社区", ""),
    ("U2", "玄武区图书馆党支部", "事业单位党组织", "玄武区", "玄武门街道", "", ""),
    ("U3", "南京星河软件有限公司党支部", "非公企业党组织", "玄武区", "玄武门街道", "湖南路社区",
     ""),
    ("U4", "玄武区供电所党支部", "国有企业党组织", "玄武区", "玄武门街道", "", ""),
    ("U5", "玄武区自来水所党支部", "国有企业党组织", "玄武区", "玄武门街道", "", ""),
    ("S2", "夫子庙街道党工委", "街道党工委", "秦淮区", "夫子庙街道", "", ""),
    ("C3", "大石坝街社区党委", "社区党委", "秦淮区", "夫子庙街道", "大石坝街社区", ""),
    ("U6", "秦淮区人民医院党委", "事业单位党组织", "秦淮区", "夫子庙街道", "", ""),
]
PARTY_HEADER = ["组织编码", "组织名称", "组织类别", "所属区", "所属街道", "所属社区", "状态"]

RELATIONS = [
    ("S1", "C1", "结对共建", "2020-01-01", ""),
    ("S1", "C2", "结对共建", "2020-01-01", ""),
    ("U1", "C1", "共建协议", "2023-01-01", "2026-12-31"),
    ("U2", "C1", "结对共建", "2021-03-01", ""),
    ("U4", "U5", "联席会议", "2022-01-01", ""),
    ("U6", "S2", "共建协议", "2022-01-01", ""),
    ("S2", "C3", "结对共建", "2020-01-01", ""),
]
REL_HEADER = ["甲方编码", "乙方编码", "关系类型", "开始日期", "结束日期"]

NEEDS = [
    # id, org id, org name, category, description, raised, status
    ("N1", "C2", "", "场地", "老年活动室改造", "2025-01-05", ""),
    ("N2", "", "丹凤街社区党委", "志愿者", "暑期托管志愿者", "2025-06-01", "待认领"),
    ("N3", "C1", "", "医疗服务", "义诊", "2024-10-01", "已认领"),
    ("N4", "C3", "", "医疗服务", "家庭医生签约", "2025-05-01", ""),
    ("N5", "C1", "", "资金", "楼道改造经费", "2025-08-01", ""),
]
NEEDS_HEADER = ["需求编号", "提出组织编码", "提出组织名称", "类别", "需求内容", "提出日期", "状态"]

RESOURCES = [
    # id, org id, org name, category, description, quantity, scope, until
    ("R1", "U1", "", "场地", "档案馆报告厅", "200", "本街道", ""),
    ("R2", "U3", "", "活动场地", "公司会议室", "60", "本街道", ""),
    ("R3", "U4", "", "阵地", "供电所党员活动室", "40", "本区", ""),
    ("R4", "U2", "", "志愿服务", "图书馆志愿者", "10", "", ""),
    ("R5", "", "秦淮区人民医院党委", "医疗服务", "专家义诊", "", "全市", "2026-12-31"),
    ("R6", "U1", "", "场地", "档案馆展厅", "", "本社区", "2024-12-31"),
]
RES_HEADER = ["资源编号", "提供组织编码", "提供组织名称", "类别", "资源内容", "数量", "服务范围",
              "有效期至"]

PROJECTS = [
    # id, name, lead id, lead name, participants, need ids, resource ids, start, end, status
    ("P1", "四点半课堂", "C1", "", "U1", "", "R1", "2024-09-01", "", "实施中"),
    ("P2", "健康义诊", "", "大石坝街社区党委", "秦淮区人民医院党委", "N4", "", "2023-01-01",
     "2023-12-31", "已完成"),
]
PROJ_HEADER = ["项目编号", "项目名称", "牵头组织编码", "牵头组织名称", "参与组织", "对应需求",
               "使用资源", "开始日期", "结束日期", "状态"]

ACTIVITIES = [
    # date, name, kind, participants, project id, attendees
    ("2025-03-15", "党建联席会", "联席会议", "S1、C1；C2", "", "20"),
    ("2024-01-10", "图书漂流", "共建活动", "U2;C1", "", "12"),
    ("2025-05-20", "学雷锋志愿服务", "志愿服务", "U4、玄武区自来水所党支部", "", "8"),
]
ACT_HEADER = ["活动日期", "活动名称", "活动类型", "参与组织", "项目编号", "参与人数"]


def write_csv(path: Path, header: list[str], rows, encoding: str = "utf-8-sig") -> Path:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([header, *[list(r) for r in rows]])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


@pytest.fixture
def make_ledger(tmp_path: Path):
    """Write the scenario ledger (any table replaced by keyword: ``needs=(header, rows)``;
    ``None`` leaves the table out)."""

    def make(name: str = "台账", encoding: str = "utf-8-sig", **tables) -> Path:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        defaults = {
            "党组织": (PARTY_HEADER, PARTY), "共建关系": (REL_HEADER, RELATIONS),
            "需求清单": (NEEDS_HEADER, NEEDS), "资源清单": (RES_HEADER, RESOURCES),
            "项目清单": (PROJ_HEADER, PROJECTS), "活动记录": (ACT_HEADER, ACTIVITIES),
        }
        keys = {"needs": "需求清单", "resources": "资源清单", "projects": "项目清单",
                "activities": "活动记录", "party": "党组织", "relations": "共建关系"}
        for key, value in tables.items():
            defaults[keys[key]] = value
        for file, value in defaults.items():
            if value is not None:
                write_csv(folder / f"{file}.csv", *value, encoding=encoding)
        return folder

    return make


@pytest.fixture
def scenario(make_ledger):
    """The scenario's knowledge graph."""
    import gongjian

    return gongjian.load(make_ledger())
