"""Reading the four optional tables: every rule broken by a real file, encodings, workbooks,
rejects, strict mode, ends by id or by name, list cells."""

from __future__ import annotations

import pandas as pd
import pytest

import gongjian
from gongjian.errors import LedgerError
from gongjian.loaders import read_ledger
from gongjian.loaders.problems import write_rejects

from .conftest import (
    ACT_HEADER,
    ACTIVITIES,
    NEEDS,
    NEEDS_HEADER,
    PROJ_HEADER,
    PROJECTS,
    RES_HEADER,
    RESOURCES,
)


def _problems(ledger, code):
    return [p for p in ledger.problems if p.code == code]


def _with(rows, index, column, value):
    """``rows`` with one cell replaced."""
    rows = [list(r) for r in rows]
    rows[index][column] = value
    return rows


def test_scenario_reads_clean(make_ledger):
    ledger = read_ledger(make_ledger())
    assert [p.text() for p in ledger.problems] == []
    assert ledger.needs["id"].tolist() == ["N1", "N2", "N3", "N4", "N5"]
    # an end given by name is resolved to its id; an empty status stays empty in the ledger
    assert ledger.needs.loc[1, "org_id"] == "C1"
    assert pd.isna(ledger.needs.loc[0, "status"])
    assert ledger.needs["status"].tolist()[1:3] == ["open", "claimed"]
    assert ledger.resources["category"].tolist() == ["venue"] * 3 + ["volunteering",
                                                                      "professional", "venue"]
    assert ledger.resources["quantity"].iloc[0] == 200
    assert ledger.resources.loc[4, "org_id"] == "U6"
    assert ledger.projects.loc[1, "lead_id"] == "C3"
    assert ledger.projects.loc[1, "participants"] == ["U6"]  # a name in a list, resolved
    # list cells split at 、 ; and ；, names resolved, in the order written
    assert ledger.activities["participants"].tolist()[:3] == [["S1", "C1", "C2"], ["U2", "C1"],
                                                               ["U4", "U5"]]
    assert ledger.activities["kind"].tolist() == ["joint_meeting", "joint_activity",
                                                  "volunteering"]


def test_english_headers_and_values(make_ledger):
    header = ["id", "org_id", "org_name", "category", "description", "raised", "status"]
    rows = [("N1", "C2", "", "venue", "room", "2025-01-05", "open")]
    ledger = read_ledger(make_ledger(needs=(header, rows), projects=None))
    assert ledger.errors == []
    assert ledger.needs.loc[0, "category"] == "venue"


def test_gb18030_and_workbook(make_ledger, tmp_path):
    """CSV as Excel writes it on Chinese Windows, and an .xlsx workbook with a title row
    above the header and typed cells (numbers, dates): both read whole."""
    folder = make_ledger(encoding="gb18030")
    assert read_ledger(folder).errors == []
    from openpyxl import Workbook

    (folder / "资源清单.csv").unlink()
    book = Workbook()
    import datetime as dt

    sheet = book.active
    sheet.title = "资源清单"
    sheet.append(["玄武区驻区单位资源清单（2025年）"])
    sheet.append(RES_HEADER)
    for row in RESOURCES:
        cells = list(row)
        cells[5] = float(cells[5]) if cells[5] else None
        cells[7] = dt.datetime.fromisoformat(cells[7]) if cells[7] else None
        sheet.append(cells)
    book.save(folder / "资源清单.xlsx")
    ledger = read_ledger(folder)
    assert ledger.errors == []
    assert ledger.resources["id"].tolist() == ["R1", "R2", "R3", "R4", "R5", "R6"]
    assert ledger.resources["quantity"].iloc[0] == 200
    assert str(ledger.resources["until"].iloc[4].date()) == "2026-12-31"


@pytest.mark.parametrize(("table", "header", "rows", "index", "column", "value", "code", "head"), [
    ("needs", NEEDS_HEADER, NEEDS, 1, 0, "N1", "duplicate", "需求编号"),
    ("needs", NEEDS_HEADER, NEEDS, 0, 3, "房子", "bad_choice", "类别"),
    ("needs", NEEDS_HEADER, NEEDS, 0, 6, "办理中", "bad_choice", "状态"),
    ("needs", NEEDS_HEADER, NEEDS, 0, 5, "2025-13-01", "bad_date", "提出日期"),
    ("needs", NEEDS_HEADER, NEEDS, 0, 4, "", "missing_value", "需求内容"),
    ("needs", NEEDS_HEADER, NEEDS, 0, 1, "X9", "unknown_id", "提出组织编码"),
    ("needs", NEEDS_HEADER, NEEDS, 1, 2, "丹凤社区党委", "unknown_name", "提出组织名称"),
    ("resources", RES_HEADER, RESOURCES, 2, 0, "R1", "duplicate", "资源编号"),
    ("resources", RES_HEADER, RESOURCES, 0, 5, "-3", "bad_number", "数量"),
    ("resources", RES_HEADER, RESOURCES, 0, 5, "很多", "bad_number", "数量"),
    ("resources", RES_HEADER, RESOURCES, 0, 6, "全省", "bad_choice", "服务范围"),
    ("resources", RES_HEADER, RESOURCES, 0, 7, "明年", "bad_date", "有效期至"),
    ("resources", RES_HEADER, RESOURCES, 0, 3, "", "missing_value", "类别"),
    ("projects", PROJ_HEADER, PROJECTS, 1, 0, "P1", "duplicate", "项目编号"),
    ("projects", PROJ_HEADER, PROJECTS, 0, 1, "", "missing_value", "项目名称"),
    ("projects", PROJ_HEADER, PROJECTS, 0, 5, "N1、N99", "unknown_need", "对应需求"),
    ("projects", PROJ_HEADER, PROJECTS, 0, 6, "R99", "unknown_resource", "使用资源"),
    ("projects", PROJ_HEADER, PROJECTS, 0, 4, "U1、不存在的单位", "unknown_participant",
     "参与组织"),
    ("projects", PROJ_HEADER, PROJECTS, 0, 9, "进行了", "bad_choice", "状态"),
    ("projects", PROJ_HEADER, PROJECTS, 0, 8, "2024-01-01", "end_before_start", "结束日期"),
    ("projects", PROJ_HEADER, PROJECTS, 0, 2, "X9", "unknown_id", "牵头组织编码"),
    ("activities", ACT_HEADER, ACTIVITIES, 0, 0, "", "missing_value", "活动日期"),
    ("activities", ACT_HEADER, ACTIVITIES, 0, 0, "三月", "bad_date", "活动日期"),
    ("activities", ACT_HEADER, ACTIVITIES, 0, 3, "S1", "few_participants", "参与组织"),
    ("activities", ACT_HEADER, ACTIVITIES, 0, 3, "S1、S1", "few_participants", "参与组织"),
    ("activities", ACT_HEADER, ACTIVITIES, 0, 3, "S1、Q7", "unknown_participant", "参与组织"),
    ("activities", ACT_HEADER, ACTIVITIES, 0, 3, "", "missing_value", "参与组织"),
    ("activities", ACT_HEADER, ACTIVITIES, 0, 5, "-8", "bad_int", "参与人数"),
    ("activities", ACT_HEADER, ACTIVITIES, 0, 2, "茶话会", "bad_choice", "活动类型"),
])
def test_every_rule_has_a_breaking_file(make_ledger, tmp_path, table, header, rows, index,
                                        column, value, code, head):
    folder = make_ledger(**{table: (header, _with(rows, index, column, value))})
    ledger = read_ledger(folder)
    found = _problems(ledger, code)
    assert found, [p.text() for p in ledger.problems]
    p = found[0]
    assert p.is_error
    assert p.row == index + 2 and p.column == head
    assert p.file.endswith(".csv") and p.file.split(".")[0] == {
        "needs": "需求清单", "resources": "资源清单", "projects": "项目清单",
        "activities": "活动记录"}[table]
    if value:
        assert p.value == value
    assert p.message and p.message_en
    # the row is rejected, the others are kept, and the rejects file names the reason
    kept = getattr(ledger, table)
    assert len(kept) == len(rows) - 1
    written = write_rejects(ledger, tmp_path / "rejects")
    rejects = pd.read_csv(written[0], dtype=str)
    assert rejects["行号"].astype(int).tolist() == [index + 2]
    assert p.message in rejects["原因"].iloc[0]
    with pytest.raises(LedgerError):
        read_ledger(folder, strict=True)


def test_end_missing_both_id_and_name(make_ledger):
    ledger = read_ledger(make_ledger(needs=(NEEDS_HEADER, _with(NEEDS, 0, 1, ""))))
    (p,) = _problems(ledger, "missing_org")
    assert p.row == 2 and p.column == "提出组织编码" and "提出组织" in p.message


def test_missing_required_column_stops_reading(make_ledger):
    header = [h for h in NEEDS_HEADER if h != "类别"]
    rows = [[c for i, c in enumerate(r) if i != 3] for r in NEEDS]
    with pytest.raises(LedgerError, match="类别"):
        read_ledger(make_ledger(needs=(header, rows)))
    header = [h for h in PROJ_HEADER if h not in ("牵头组织编码", "牵头组织名称")]
    rows = [[c for i, c in enumerate(r) if i not in (2, 3)] for r in PROJECTS]
    with pytest.raises(LedgerError, match="牵头组织"):
        read_ledger(make_ledger(projects=(header, rows)))


def test_ambiguous_and_rejected_names(make_ledger):
    from .conftest import PARTY, PARTY_HEADER

    party = [list(r) for r in PARTY]
    # a repeated name, and a row rejected for its kind
    party.append(["U7", "玄武区图书馆党支部", "机关党组织", "秦淮区", "", "", ""])
    party.append(["U8", "坏行单位党支部", "不存在的类别", "玄武区", "", "", ""])
    acts = [("2025-03-15", "会", "", "S1、玄武区图书馆党支部", "", ""),
            ("2025-03-16", "会", "", "S1、坏行单位党支部", "", "")]
    ledger = read_ledger(make_ledger(party=(PARTY_HEADER, party), activities=(ACT_HEADER, acts)))
    (amb,) = _problems(ledger, "ambiguous_participant")
    assert amb.row == 2 and "U2" in amb.message and "U7" in amb.message
    (rej,) = _problems(ledger, "rejected_participant")
    assert rej.row == 3 and f"第{len(party) + 1}行" in rej.message
    assert ledger.activities.empty


def test_unknown_project_of_an_activity_is_a_warning(make_ledger):
    acts = [("2025-03-15", "会", "", "S1、C1", "P404", "")]
    ledger = read_ledger(make_ledger(activities=(ACT_HEADER, acts)))
    (p,) = _problems(ledger, "unknown_project")
    assert not p.is_error and p.value == "P404"
    assert len(ledger.activities) == 1 and pd.isna(ledger.activities.loc[0, "project_id"])


def test_project_referencing_a_rejected_need(make_ledger):
    needs = _with(NEEDS, 3, 3, "不存在")  # N4 rejected: bad category
    ledger = read_ledger(make_ledger(needs=(NEEDS_HEADER, needs)))
    (p,) = _problems(ledger, "unknown_need")
    assert p.row == 3 and "N4" in p.message


def test_ledger_without_the_four_tables_builds_as_before(make_ledger, tmp_path):
    """Same analyses with or without the lists (they never change the co-building layer),
    no list tables in info, and the graph file round-trips."""
    from gongjian.graph.info import summarize
    from gongjian.queries import bridges, islands

    plain = gongjian.load(make_ledger("plain", needs=None, resources=None, projects=None,
                                      activities=None))
    full = gongjian.load(make_ledger("full"))
    assert all(len(getattr(plain, t)) == 0 for t in
               ("needs", "resources", "projects", "activities", "list_links"))
    for fn in (islands, bridges):
        pd.testing.assert_frame_equal(fn(plain, as_of="2025-06-30"), fn(full, as_of="2025-06-30"))
    tables = summarize(plain)["tables"]["key"].tolist()
    assert tables == ["party_orgs", "organizations", "sites", "regions", "relations", "links"]
    assert "needs" in summarize(full)["tables"]["key"].tolist()
    assert len(summarize(plain)["list_link_types"]) == 0
