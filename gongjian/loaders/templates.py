"""Empty ledger templates a person fills in: one file per table, ready for Excel or WPS.

Headers are bold, required ones end in ``*``, the header row is frozen, every choice
column has a drop-down list of the accepted values (from :mod:`gongjian.schema`), and a
``说明`` sheet explains each column and carries the table's section of the ledger contract
(:func:`ledger_spec`, the ``ledgers.md`` shipped in the package and printed by ``gongjian
init --spec``). The templates read back with :func:`~gongjian.loaders.read.read_ledger`.

Examples
--------
>>> import tempfile, pathlib
>>> [p.name for p in write_templates(pathlib.Path(tempfile.mkdtemp()))][:2]
['党组织.xlsx', '共建关系.xlsx']
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from gongjian.errors import LedgerError
from gongjian.loaders.headers import ONE_OF
from gongjian.loaders.labels import TEMPLATE_NOTES, TYPE_NOTES
from gongjian.loaders.tables import CHOICES, TABLES, Column, Table

__all__ = ["SPEC_FILE", "ledger_spec", "spec_section", "template_header",
           "write_templates"]

#: The ledger contract shipped in the package (the same text as ``docs/ledgers.md``).
SPEC_FILE = "ledgers.md"


def ledger_spec() -> str:
    """The ledger contract (``ledgers.md``, shipped in the package): what ``init --spec`` prints.

    Examples
    --------
    >>> ledger_spec().splitlines()[0]
    '# Ledger format (数据台账格式) — the input contract'
    """
    return resources.files("gongjian.loaders").joinpath(SPEC_FILE).read_text(encoding="utf-8")


def spec_section(key: str) -> list[str]:
    """The lines of the contract's section for table ``key`` (heading first), or ``[]``.

    Examples
    --------
    >>> spec_section("sites")[0]
    '### 楼宇园区 / sites'
    >>> spec_section("nothing")
    []
    """
    lines = ledger_spec().splitlines()
    start = next((i for i, line in enumerate(lines)
                  if line.startswith("### ") and line.rstrip().endswith(f"/ {key}")), None)
    if start is None:
        return []
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(("## ", "### "))),
               len(lines))
    section = lines[start:end]
    while section and not section[-1].strip():
        section.pop()
    return section


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
    if col.name in TEMPLATE_NOTES:
        parts.append(TEMPLATE_NOTES[col.name][i])
    if col.type == "choice":
        parts.append(("one of: " if lang == "en" else "可选：")
                     + ("、".join(_choice_values(col, lang))))
    elif col.type in TYPE_NOTES[lang]:
        parts.append(TYPE_NOTES[lang][col.type])
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
    # The table's section of the contract, one line a row in column A (no row looks like a
    # header row: every cell of it is in one column).
    notes.append(())
    notes.append((("完整格式约定：运行 gongjian init --spec 查看，或 gongjian init --spec -o "
                   "台账格式.md 保存；以下为本表一节。") if lang != "en" else
                  ("The whole ledger contract: gongjian init --spec (or gongjian init --spec -o "
                   "ledgers.md). This table's section follows."),))
    notes.cell(row=notes.max_row, column=1).font = bold
    for line in spec_section(table.key):
        notes.append((line,) if line.strip() else ())
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
