"""Empty ledger templates a person fills in: one file per table, ready for Excel or WPS.

Headers are bold, required ones end in ``*``, the header row is frozen, every choice
column has a drop-down list of the accepted values (from :mod:`gongjian.schema`), and a
``说明`` sheet explains each column. The templates read back with
:func:`~gongjian.loaders.read.read_ledger`.

Examples
--------
>>> import tempfile, pathlib
>>> [p.name for p in write_templates(pathlib.Path(tempfile.mkdtemp()))][:2]
['党组织.xlsx', '共建关系.xlsx']
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from gongjian.errors import LedgerError
from gongjian.loaders.headers import ONE_OF
from gongjian.loaders.tables import CHOICES, TABLES, Column, Table

__all__ = ["NOTES", "template_header", "write_templates"]

_TYPE_NOTES = {
    "zh": {"number": "非负数，可有小数",
           "int": "非负整数", "date": "日期，如 2023-05-01", "list": "可填多个，用 、 分隔",
           "uscc": "18位统一社会信用代码", "personal": "个人信息，默认不公开显示"},
    "en": {"number": "non-negative number",
           "int": "non-negative integer", "date": "date, e.g. 2023-05-01",
           "list": "several values separated by 、", "uscc": "18-character credit code",
           "personal": "personal data, masked by default"},
}
#: Notes on single columns for the 说明 sheet.
NOTES = {
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


def _required(table: Table, col: Column) -> bool:
    return col.required or any(col.name == pair[0] for pair in ONE_OF.get(table.key, ()))


def template_header(table: Table, col: Column, lang: str = "zh") -> str:
    """The header written in a template: Chinese header (or English alias), ``*`` if required.

    Examples
    --------
    >>> template_header(TABLES["party_orgs"], TABLES["party_orgs"].column("id"))
    '组织编码*'
    """
    text = col.name if lang == "en" else col.zh
    return text + "*" if _required(table, col) else text


def _choice_values(col: Column, lang: str) -> list[str]:
    return [t.code if lang == "en" else t.zh for t in CHOICES[col.choices].values()]


def _note(table: Table, col: Column, lang: str) -> str:
    i = 1 if lang == "en" else 0
    parts = []
    if col.name in NOTES:
        parts.append(NOTES[col.name][i])
    if col.type == "choice":
        parts.append(("one of: " if lang == "en" else "可选：")
                     + ("、".join(_choice_values(col, lang))))
    elif col.type in _TYPE_NOTES[lang]:
        parts.append(_TYPE_NOTES[lang][col.type])
    pair = next((p for p in ONE_OF.get(table.key, ()) if col.name in p), None)
    if pair:
        parts.append("编码与名称至少填一个" if lang != "en" else "give the id or the name")
    return "；".join(parts) if lang != "en" else "; ".join(parts)


def _xlsx(table: Table, path: Path, lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from gongjian.output import display_width

    book = Workbook()
    sheet = book.active
    sheet.title = table.key if lang == "en" else table.zh
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FCE4D6")
    for i, col in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=i, value=template_header(table, col, lang))
        cell.font = bold
        if _required(table, col):
            cell.fill = fill
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(12, display_width(str(cell.value)) + 4)
        if col.type == "choice":
            rule = DataValidation(type="list", allow_blank=True,
                                  formula1='"' + ",".join(_choice_values(col, lang)) + '"')
            rule.showErrorMessage = False  # English and other accepted spellings are fine too
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}10000")
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("说明" if lang != "en" else "notes")
    heads = ("列", "必填", "说明") if lang != "en" else ("column", "required", "notes")
    notes.append(heads)
    for cell in notes[1]:
        cell.font = bold
    for col in table.columns:
        yes = ("是" if lang != "en" else "yes") if _required(table, col) else ""
        notes.append((template_header(table, col, lang), yes, _note(table, col, lang)))
    for letter, width in (("A", 18), ("B", 8), ("C", 90)):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    tmp = path.with_name(path.name + ".part")
    book.save(tmp)
    tmp.replace(path)


def _csv(table: Table, path: Path, lang: str) -> None:
    import csv

    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerow([template_header(table, c, lang) for c in table.columns])


def write_templates(folder: Path | str, *, lang: str = "zh",
                    fmt: Literal["xlsx", "csv"] = "xlsx", force: bool = False) -> list[Path]:
    """Write an empty template for every ledger table into ``folder``; return the files.

    Chinese file names (``党组织.xlsx`` …) or, with ``lang="en"``, English ones
    (``party_orgs.xlsx`` …). Existing files are not overwritten unless ``force``.
    """
    folder = Path(folder)
    if fmt not in ("xlsx", "csv"):
        raise LedgerError(f"模板格式只能是 xlsx 或 csv：{fmt} (template format is xlsx or csv)")
    paths = [folder / f"{t.key if lang == 'en' else t.zh}.{fmt}" for t in TABLES.values()]
    existing = [p.name for p in paths if p.exists()]
    if existing and not force:
        raise LedgerError(f"{folder} 中已有 {'、'.join(existing)}，未覆盖；确需覆盖请加 --force "
                          f"(files exist; use --force to overwrite)")
    folder.mkdir(parents=True, exist_ok=True)
    for table, path in zip(TABLES.values(), paths, strict=True):
        (_xlsx if fmt == "xlsx" else _csv)(table, path, lang)
    return paths
