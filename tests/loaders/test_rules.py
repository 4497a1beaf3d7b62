"""Every rule of the spec: a failing and a passing case; problems name file, row, column, value."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import PARTY_HEADER, PARTY_ROWS, REL_HEADER

from gongjian.errors import LedgerError
from gongjian.loaders import read_ledger, write_problems, write_rejects
from gongjian.loaders.values import uscc_check_char

ORG_HEADER = ["统一社会信用代码", "名称", "组织类型", "所属区", "党员数", "覆盖党组织编码",
              "覆盖方式"]
GOOD_USCC = "91320102MA1X7K2P0" + uscc_check_char("91320102MA1X7K2P0")


def codes(ledger, table=None, severity=None):
    return [(p.row, p.code) for p in ledger.problems
            if (table is None or p.table == table) and (severity is None or p.severity == severity)]


def party_with(*rows):
    return PARTY_HEADER, [*PARTY_ROWS, *rows]


def test_bad_values_are_errors_with_chinese_messages_and_good_rows_still_load(make_ledger):
    ledger = read_ledger(make_ledger(party=party_with(
        ["A4", "", "社区党委", "玄武区", "", "", ""],
        ["A5", "丙", "不知道", "玄武区", "十二", "大队", ""],
        ["A6", "丁", "unit", "", "-3", "", ""],
        ["A1", "重复", "unit", "玄武区", "12.5", "", ""],
    )))
    assert codes(ledger, "party_orgs", "error") == [
        (5, "missing_value"), (6, "bad_choice"), (6, "bad_int"), (6, "bad_choice"),
        (7, "missing_value"), (7, "bad_int"), (8, "duplicate"), (8, "bad_int")]
    dup = next(p for p in ledger.problems if p.code == "duplicate")
    assert (dup.file, dup.row, dup.column, dup.value) == ("党组织.csv", 8, "组织编码", "A1")
    assert "第2行" in dup.message and "row 2" in dup.message_en
    assert ledger.party_orgs["id"].tolist() == ["A1", "A2", "A3"]
    assert ledger.rejected["party_orgs"]["行号"].tolist() == [5, 6, 7, 8]
    assert "十二" in ledger.rejected["party_orgs"]["党员数"].tolist()


def test_level_member_warnings_do_not_reject(make_ledger):
    ledger = read_ledger(make_ledger(party=party_with(
        ["A4", "小党委", "unit", "玄武区", "12", "党委", ""],
        ["A5", "大支部", "unit", "玄武区", "80", "党支部", ""],
        ["A6", "联合支部", "联合党支部", "玄武区", "2", "党支部", ""],
        ["A7", "正常党委", "unit", "玄武区", "100", "committee", ""],
    )))
    assert codes(ledger, "party_orgs") == [(5, "level_members"), (6, "level_members")]
    assert len(ledger.party_orgs) == 7


def test_parent_unknown_or_self_is_dropped_with_warning(make_ledger):
    ledger = read_ledger(make_ledger(party=party_with(
        ["A4", "甲", "unit", "玄武区", "", "", "Z9"],
        ["A5", "乙", "unit", "玄武区", "", "", "A5"])))
    assert codes(ledger, "party_orgs") == [(5, "unknown_parent"), (6, "self_parent")]
    parents = ledger.party_orgs.set_index("id")["parent_id"]
    assert parents["A3"] == "A1" and pd.isna(parents["A4"]) and pd.isna(parents["A5"])


def test_a_link_to_a_rejected_row_names_that_row(make_ledger):
    party = party_with(["A4", "", "unit", "玄武区", "", "", ""],      # rejected: no name
                       ["A5", "乙", "unit", "玄武区", "", "", "A4"])
    org = ["91320106MA1N2P3Q5" + uscc_check_char("91320106MA1N2P3Q5"), "依托", "private_firm",
           "玄武区", "", "A4", "依托组建"]
    ledger = read_ledger(make_ledger(party=party, 两新组织=(ORG_HEADER, [org])))
    by_code = {p.code: p for p in ledger.problems}
    assert by_code["missing_value"].row == 5
    for code, table, column in [("rejected_parent", "party_orgs", "上级组织编码"),
                                ("rejected_covering_org", "organizations", "覆盖党组织编码")]:
        p = by_code[code]
        assert (p.table, p.column, p.value, p.severity) == (table, column, "A4", "warning")
        assert "第5行" in p.message
    assert pd.isna(ledger.party_orgs.set_index("id").loc["A5", "parent_id"])


def test_relation_ends_by_id_and_name(make_ledger):
    rows = [
        ["A1", "", "", "玄武区教育局机关党委", "共建协议", "2023-01-01", "2024/12/31"],
        ["", "长江路社区党委", "A3", "", "pairing", "", ""],
        ["A1", "", "Z9", "", "双报到", "", ""],
        ["", "玄武区教育局党委", "A1", "", "结对共建", "", ""],
        ["A1", "", "A2", "", "互助", "", ""],
        ["A1", "", "A2", "", "agreement", "2024-01-01", "2023-01-01"],
        ["A1", "", "A1", "", "联席会议", "", ""],
        ["", "", "A1", "", "结对共建", "", ""],
    ]
    ledger = read_ledger(make_ledger(relations=(REL_HEADER, rows)))
    assert codes(ledger, "relations") == [
        (4, "unknown_id"), (5, "unknown_name"), (6, "bad_choice"), (7, "end_before_start"),
        (8, "self_relation"), (9, "missing_end")]
    suggestion = next(p for p in ledger.problems if p.code == "unknown_name")
    assert "玄武区教育局机关党委" in suggestion.message
    rel = ledger.relations
    assert rel[["source_id", "target_id"]].values.tolist() == [["A1", "A2"], ["A1", "A3"],
                                                              ["A1", "A1"]]
    assert rel["end"].iloc[0] == pd.Timestamp("2024-12-31")


def test_ambiguous_name_and_end_on_rejected_row(make_ledger):
    party = party_with(["A4", "长江路社区党委", "社区党委", "秦淮区", "", "", ""],
                       ["A5", "坏行", "不知道", "玄武区", "", "", ""])
    rows = [["", "长江路社区党委", "A2", "", "pairing", "", ""],
            ["A5", "", "A2", "", "pairing", "", ""],
            ["", "坏行", "A2", "", "pairing", "", ""]]
    ledger = read_ledger(make_ledger(party=party, relations=(REL_HEADER, rows)))
    assert codes(ledger, "relations") == [(2, "ambiguous_name"), (3, "rejected_end"),
                                          (4, "rejected_end")]
    assert "第6行" in ledger.problems[-1].message
    assert len(ledger.relations) == 0


def test_organizations_uscc_and_coverage(make_ledger):
    bad_check = GOOD_USCC[:17] + ("0" if GOOD_USCC[17] != "0" else "1")
    rows = [
        [GOOD_USCC.lower(), "好企业", "非公企业", "玄武区", "5", "A3", "单独组建"],
        [GOOD_USCC, "重复", "非公企业", "玄武区", "", "", ""],
        [bad_check, "校验错", "社会组织", "玄武区", "", "", ""],
        ["12345", "太短", "个体工商户", "玄武区", "", "", ""],
        ["92320104MA1K8L9M4" + uscc_check_char("92320104MA1K8L9M4"), "未覆盖", "sole_trader",
         "玄武区", "4", "", ""],
        ["91320106MA1N2P3Q5" + uscc_check_char("91320106MA1N2P3Q5"), "依托", "private_firm",
         "玄武区", "", "A1", ""],
        ["91320106MA1N2P3Q6" + uscc_check_char("91320106MA1N2P3Q6"), "找不到", "private_firm",
         "玄武区", "", "Z9", "依托组建"],
    ]
    ledger = read_ledger(make_ledger(两新组织=(ORG_HEADER, rows)))
    assert codes(ledger, "organizations") == [
        (3, "duplicate"), (4, "bad_uscc_check"), (5, "bad_uscc"), (6, "uncovered_members"),
        (7, "coverage_host"), (8, "unknown_covering_org")]
    orgs = ledger.organizations.set_index("name")
    assert orgs.loc["好企业", "uscc"] == GOOD_USCC
    assert orgs["coverage"].tolist() == ["own", "none", "host", "host"]
    assert pd.isna(orgs.loc["找不到", "covering_org_id"])


def test_sites_lists_unique_names_and_regions(make_ledger):
    ledger = read_ledger(make_ledger(
        楼宇园区=(["名称", "类型", "所属区", "所属街道"],
              [["新街口商圈", "商圈", "玄武区、秦淮区；鼓楼区", "新街口街道,华侨路街道"],
               ["新街口商圈", "园区", "玄武区", ""], ["某园区", "工地", "玄武区", ""]]),
        区域=(["区划代码", "名称", "层级", "上级代码"],
            [["320102", "玄武区", "区", "3201"], ["320102003", "新街口街道", "街道", "320102"],
             ["320102003001", "香铺营社区", "社区", "999"], ["320102", "又一个", "district", ""],
             ["1", "村", "村子", ""]])))
    assert codes(ledger, "sites") == [(3, "duplicate"), (4, "bad_choice")]
    assert ledger.sites["district"].iloc[0] == ["玄武区", "秦淮区", "鼓楼区"]
    assert ledger.sites["street"].iloc[0] == ["新街口街道", "华侨路街道"]
    assert codes(ledger, "regions") == [(4, "unknown_parent_code"), (5, "duplicate"),
                                        (6, "bad_choice")]


def test_strict_mode_loads_nothing(make_ledger):
    folder = make_ledger(party=party_with(["A4", "", "unit", "玄武区", "", "", ""]))
    with pytest.raises(LedgerError, match="严格模式"):
        read_ledger(folder, strict=True)
    assert len(read_ledger(make_ledger(), strict=True).party_orgs) == 3


def test_problem_list_and_rejects_files(make_ledger, tmp_path):
    bad = ["A4", "=cmd|' /C calc'!A0", "坏", "玄武区", "", "", ""]
    ledger = read_ledger(make_ledger(party=party_with(bad)))
    out = write_problems(ledger.problems, tmp_path / "问题清单.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][:4] == ["级别", "文件", "行号", "列"]
    assert sheet["A2"].value == "错误" and sheet["C2"].value == 5
    files = write_rejects(ledger, tmp_path / "rejects")
    assert [f.name for f in files] == ["党组织_rejects.csv"]
    raw = files[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "行号" in text and "不是可选值" in text and "'=cmd" in text
