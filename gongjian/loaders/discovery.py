"""Find the table files of a ledger folder by their Chinese or English file names.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> for n in ("党组织.csv", "relations.xlsx", "说明.txt"):
...     _ = (d / n).write_text("x")
>>> {k: p.name for k, p in find_tables(d).items()}
{'party_orgs': '党组织.csv', 'relations': 'relations.xlsx'}
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from gongjian.errors import LedgerError
from gongjian.loaders.tables import TABLES
from gongjian.schema import fold

__all__ = ["SUFFIXES", "find_tables", "table_for_name"]

SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".xls")
_NAMES = {fold(n).casefold(): key for key, t in TABLES.items() for n in t.file_names}


def table_for_name(stem: str) -> str | None:
    """The table key a file name (without extension) stands for, or ``None``.

    Examples
    --------
    >>> table_for_name("党组织"), table_for_name("Party_Orgs"), table_for_name("名单")
    ('party_orgs', 'party_orgs', None)
    """
    return _NAMES.get(fold(unicodedata.normalize("NFC", stem)).casefold())


def find_tables(folder: Path | str) -> dict[str, Path]:
    """Map each table key to its file in ``folder`` (in the order of the spec).

    Raises :class:`LedgerError` when the folder is missing or empty, when a table has
    two files (e.g. ``党组织.csv`` and ``party_orgs.xlsx``), or when a required table
    has none. Other files (and Excel's ``~$`` lock files) are ignored.
    """
    folder = Path(folder)
    if not folder.exists():
        raise LedgerError(f"找不到台账目录：{folder} (ledger folder not found)")
    if not folder.is_dir():
        raise LedgerError(f"台账应是一个目录，而 {folder} 是文件 (a ledger is a folder, "
                          f"{folder} is a file)")
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if (path.is_file() and path.suffix.lower() in SUFFIXES
                and not path.name.startswith(("~$", "."))):
            key = table_for_name(path.stem)
            if key:
                found.setdefault(key, []).append(path)
    if not found:
        expected = "、".join(f"{t.zh}.xlsx" for t in TABLES.values() if t.required)
        raise LedgerError(f"台账目录中没有台账表：{folder}（至少需要 {expected}，也可用 .csv/.xls "
                          f"或英文文件名） (no ledger tables in the folder)")
    for key, paths in found.items():
        if len(paths) > 1:
            names = "、".join(p.name for p in paths)
            raise LedgerError(f"「{TABLES[key].zh}」表有多个文件：{names}；请只保留一个 "
                              f"(table {key} has several files: keep one)")
    for key, table in TABLES.items():
        if table.required and key not in found:
            raise LedgerError(
                f"缺少必需的台账表「{table.zh}」：请在 {folder} 中放入 {table.zh}.xlsx、"
                f"{table.zh}.csv 或 {key}.csv（可以只有表头） (missing required table {key})")
    return {key: found[key][0] for key in TABLES if key in found}
