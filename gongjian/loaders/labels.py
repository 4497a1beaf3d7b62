"""Every zh/en text of the loaders in one place: problem messages, the problem list's and the
per-table counts' headers, and the notes of the templates' 说明 sheet.

Each table maps a stable English key to ``(中文, English)``; :func:`gongjian.i18n.pick` (or
``lang == "en"``) chooses. Choice values (kinds, types, statuses) are labelled in
:mod:`gongjian.schema`, not here.

Examples
--------
>>> PROBLEM_COLUMNS["row"]
('行号', 'row')
>>> MESSAGES["duplicate"][0]
'与{where}第{first}行重复'
"""

from __future__ import annotations

__all__ = ["MESSAGES", "PROBLEM_COLUMNS", "TABLE_COUNT_LABELS", "TEMPLATE_NOTES", "TYPE_NOTES"]

#: Column order (and Chinese / English headers) of the problem list people work through.
PROBLEM_COLUMNS: dict[str, tuple[str, str]] = {
    "severity": ("级别", "severity"),
    "file": ("文件", "file"),
    "row": ("行号", "row"),
    "column": ("列", "column"),
    "value": ("值", "value"),
    "code": ("原因代码", "reason code"),
    "message": ("说明", "message"),
    "message_en": ("说明（英文）", "message (English)"),
    "sheet": ("工作表", "sheet"),
}


#: Headers of :func:`gongjian.loaders.problems.table_counts` (one line per table read).
TABLE_COUNT_LABELS: dict[str, tuple[str, str]] = {
    "table": ("台账表", "table"),
    "file": ("文件", "file"),
    "read": ("读取行数", "rows read"),
    "loaded": ("载入", "loaded"),
    "rejected": ("拒绝", "rejected"),
    "errors": ("错误", "errors"),
    "warnings": ("警告", "warnings"),
}


#: Reason code → (Chinese message, English message); ``{name}`` fields come from ``make``.
MESSAGES: dict[str, tuple[str, str]] = {
    "missing_value": ("必填项为空", "a required value is missing"),
    "missing_end": ("{side}方编码和{side}方名称都为空", "both {side_en} id and name are empty"),
    "control_char": ("含有不可见的控制字符（如 NUL），请删除后重新保存",
                     "contains control characters (such as NUL)"),
    "extra_cells": ("这一行的单元格比表头多，可能多了逗号",
                    "the row has more cells than the header"),
    "bad_int": ("不是非负整数（应填写如 12）", "not a non-negative integer (e.g. 12)"),
    "bad_date": ("不是日期（可写 2023-05-01、2023/5/1、2023年5月1日 或 20230501）",
                 "not a date (e.g. 2023-05-01, 2023/5/1, 2023年5月1日, 20230501)"),
    "bad_choice": ("不是可选值，应为：{choices}", "not an accepted value; one of: {choices_en}"),
    "bad_uscc": ("统一社会信用代码应为18位数字或大写字母（不含 I、O、S、V、Z）",
                 "a credit code has 18 digits or capital letters (no I, O, S, V, Z)"),
    "bad_uscc_check": ("统一社会信用代码校验位不对（按 GB 32100-2015 应为「{expected}」），请核对",
                       "the check character is wrong (GB 32100-2015 gives '{expected}')"),
    "duplicate": ("与{where}第{first}行重复", "duplicates row {first}{where_en}"),
    "end_before_start": ("结束日期早于开始日期（{start}）", "ends before it starts ({start})"),
    "unknown_id": ("党组织表中没有这个组织编码", "no Party organization has this id"),
    "rejected_end": ("这个组织在党组织表第{org_row}行，但该行有错误未载入；请先改正那一行",
                     "this organization is on row {org_row} of the Party organizations, "
                     "which was rejected; fix that row first"),
    "unknown_name": ("党组织表中没有这个名称；最接近的：{suggest}",
                     "no Party organization has this name; closest: {suggest}"),
    "ambiguous_name": ("有多个党组织叫这个名称（{candidates}），请改填组织编码",
                       "several Party organizations have this name ({candidates}); give the id"),
    # warnings
    "name_mismatch": ("编码对应的党组织名称是「{actual}」，与所填名称不同；按编码处理",
                      "the id belongs to '{actual}'; the id is used"),
    "self_relation": ("甲乙双方是同一个组织", "both ends are the same organization"),
    "level_members": ("{level}只有{members}名党员，{advice}",
                      "a {level_en} with {members} members: {advice_en}"),
    "uncovered_members": ("有{members}名党员（3名以上）但未被覆盖，应单独组建党组织",
                          "{members} Party members (3 or more) but not covered: "
                          "it should form its own organization"),
    "coverage_host": ("覆盖方式为空但填写了覆盖党组织，按「依托组建」计",
                      "coverage is empty but a covering organization is given: counted as host"),
    "unknown_covering_org": ("党组织表中没有这个覆盖党组织编码，不建立覆盖关系",
                             "no Party organization has this id; the coverage link is dropped"),
    "rejected_covering_org": ("覆盖党组织在党组织表第{org_row}行，但该行有错误未载入，"
                              "暂不建立覆盖关系；请先改正那一行",
                              "the covering organization is on row {org_row} of the Party "
                              "organizations, which was rejected; the link is dropped"),
    "rejected_parent": ("上级组织在党组织表第{org_row}行，但该行有错误未载入，暂不建立隶属关系；"
                        "请先改正那一行",
                        "the superior is on row {org_row} of the Party organizations, which "
                        "was rejected; the link is dropped"),
    "unknown_parent": ("党组织表中没有这个上级组织编码，不建立隶属关系",
                       "no Party organization has this id; the link is dropped"),
    "self_parent": ("上级组织是它自己，不建立隶属关系",
                    "the organization is its own superior; the link is dropped"),
    "unknown_parent_code": ("区域表中没有这个上级代码", "no region has this code"),
    "too_long": ("文字太长（{length:,} 个字符，上限 {limit:,}），请核对",
                 "the text is too long ({length:,} characters, at most {limit:,})"),
    "formula_no_value": ("单元格 {cell} 是公式，但文件中没有计算结果；请在 Excel 或 WPS 中打开、"
                         "重新计算后保存，或改填数值",
                         "cell {cell} holds a formula with no saved result; open the file "
                         "in Excel or WPS, recalculate and save, or type the value"),
    "formula_error": ("单元格 {cell} 的公式结果是错误值 {error}，请改正公式或改填数值",
                      "cell {cell} holds the error value {error}; fix the formula or type "
                      "the value"),
    # rows and sheets that are not data (warnings)
    "skipped_total": ("合计行，不是数据，已跳过", "a totals row, not data: skipped"),
    "skipped_note": ("说明或签名行（如填表说明、制表人），不是数据，已跳过",
                     "a note or signature row (填表说明, 制表人 …), not data: skipped"),
    "skipped_unit": ("表头下的单位行，不是数据，已跳过", "a unit row under the header: skipped"),
    "skipped_eof": ("文件末尾的结束符（Ctrl-Z），已跳过",
                    "an end-of-file mark (Ctrl-Z) at the end: skipped"),
    "hidden_sheet": ("隐藏的工作表，未读取", "a hidden sheet: not read"),
    "foreign_sheet": ("这个工作表没有「{table_zh}」表的表头（如说明页），未读取",
                      "the sheet has no header of table {table_en} (e.g. instructions): "
                      "not read"),
    "other_sheet": ("已读取与表同名的工作表「{named}」，这个工作表未读取",
                    "the sheet named like the table ({named}) was read instead: not read"),
    "stray_cell": ("单元格 {cell} 远在表格之外，已忽略",
                   "cell {cell} lies far outside the table: ignored"),
    # the three lists and the activity record
    "bad_number": ("不是非负数（应填写如 12 或 12.5）",
                   "not a non-negative number (e.g. 12 or 12.5)"),
    "missing_org": ("{side}编码和{side}名称都为空", "both the {side_en} id and name are empty"),
    "few_participants": ("参与组织少于两个（去重后只有{count}个），活动记录需要至少两个组织",
                         "fewer than two participating organizations ({count} after removing "
                         "repeats); an activity needs at least two"),
    "unknown_participant": ("参与组织「{entry}」在党组织表中既不是组织编码也不是组织名称；"
                            "最接近的：{suggest}",
                            "participant '{entry}' is neither an id nor a name of a Party "
                            "organization; closest: {suggest}"),
    "ambiguous_participant": ("有多个党组织叫「{entry}」（{candidates}），请改填组织编码",
                              "several Party organizations are named '{entry}' ({candidates}); "
                              "give the id"),
    "rejected_participant": ("参与组织「{entry}」在党组织表第{org_row}行，但该行有错误未载入；"
                             "请先改正那一行",
                             "participant '{entry}' is on row {org_row} of the Party "
                             "organizations, which was rejected; fix that row first"),
    "unknown_need": ("需求清单中没有需求编号「{entry}」", "no need has the id '{entry}'"),
    "unknown_resource": ("资源清单中没有资源编号「{entry}」", "no resource has the id '{entry}'"),
    "unknown_project": ("项目清单中没有这个项目编号，活动仍记录，但不关联项目",
                        "no project has this id; the activity is kept without its project"),
}


#: Notes on column types for the templates' 说明 sheet, per language.
TYPE_NOTES: dict[str, dict[str, str]] = {
    "zh": {"number": "非负数，可有小数", "int": "非负整数", "date": "日期，如 2023-05-01",
           "list": "可填多个，用 、 分隔",
           "uscc": "18位统一社会信用代码", "personal": "个人信息，默认不公开显示"},
    "en": {"number": "non-negative number", "int": "non-negative integer",
           "date": "date, e.g. 2023-05-01",
           "list": "several values separated by 、", "uscc": "18-character credit code",
           "personal": "personal data, masked by default"},
}

#: Notes on single columns for the templates' 说明 sheet: (中文, English).
TEMPLATE_NOTES: dict[str, tuple[str, str]] = {
    "id": ("本表内唯一的组织编码", "unique in this file"),
    "source_id": ("甲方组织编码；为空时按甲方名称查找",
                  "first end's id; when empty, its name is used"),
    "target_id": ("乙方组织编码；为空时按乙方名称查找",
                  "second end's id; when empty, its name is used"),
    "parent_id": ("上级党组织的组织编码", "id of the superior organization"),
    "covering_org_id": ("覆盖该组织的党组织编码", "id of the covering Party organization"),
    "end": ("结束日期早于分析日期的关系视为已结束", "a tie that ended is inactive"),
    "org_id": ("组织编码；为空时按组织名称查找",
               "the organization's id; when empty, its name is used"),
    "lead_id": ("牵头组织编码；为空时按牵头组织名称查找",
                "the lead organization's id; when empty, its name is used"),
    "participants": ("组织编码或名称，多个用 、 分隔", "ids or names, separated by 、"),
    "need_ids": ("需求清单中的需求编号，多个用 、 分隔", "需求编号 values, separated by 、"),
    "resource_ids": ("资源清单中的资源编号，多个用 、 分隔", "资源编号 values, separated by 、"),
    "scope": ("单位愿意服务的范围；为空按本街道", "how far the unit will serve; empty = street"),
    "until": ("过了这一天资源不再提供", "the resource is not offered after this day"),
    "project_id": ("项目清单中的项目编号", "a 项目编号"),
}
