"""Match the header cells of a table file to the columns of the spec.

A header matches after trimming, width-folding and dropping a trailing ``*`` (``＊``);
either the canonical Chinese header or the English alias is accepted (case-insensitive),
and ``gongjian.toml`` may map other names (``"单位名称" = "组织名称"``). Unknown columns
are ignored. The header row is the first of the top rows that names the most columns, so a
title row above the header (common in printed ledgers) does no harm.

Examples
--------
>>> header_key(" 组织名称＊", "party_orgs")
'name'
>>> header_key("Source_ID", "relations"), header_key("单位名称", "party_orgs")
('source_id', None)
>>> header_key("单位名称", "party_orgs", {"单位名称": "组织名称"})
'name'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gongjian.errors import LedgerError
from gongjian.loaders.sheet import RawSheet
from gongjian.loaders.tables import TABLES
from gongjian.schema import fold

__all__ = ["ONE_OF", "Located", "header_key", "locate_columns"]

#: Columns of which at least one must be present (relations: an end by id or by name).
ONE_OF: dict[str, tuple[tuple[str, str], ...]] = {
    "relations": (("source_id", "source_name"), ("target_id", "target_name")),
    "needs": (("org_id", "org_name"),),
    "resources": (("org_id", "org_name"),),
    "projects": (("lead_id", "lead_name"),),
}
_SCAN_ROWS = 10


def canonical_header(table: str, name: str) -> str:
    """The spec's Chinese header of column ``name`` of ``table`` (the name itself if unknown).

    Examples
    --------
    >>> canonical_header("relations", "type"), canonical_header("party_orgs", "name")
    ('关系类型', '组织名称')
    """
    try:
        return TABLES[table].column(name).zh
    except KeyError:
        return name


def _norm(text: str) -> str:
    text = fold(text)
    while text.endswith("*"):
        text = text[:-1].rstrip()
    return text.casefold()


def _lookup(table: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for col in TABLES[table].columns:
        for spelling in (col.zh, col.name, col.en, col.en.replace(" ", "_")):
            if spelling:
                out[_norm(spelling)] = col.name
    return out


_LOOKUP = {key: _lookup(key) for key in TABLES}


def header_key(cell: str, table: str, mapping: Mapping[str, str] | None = None) -> str | None:
    """The column name (English alias) a header cell stands for in ``table``, or ``None``."""
    text = _norm(cell)
    if mapping:
        folded = {_norm(k): v for k, v in mapping.items()}
        if text in folded:
            text = _norm(folded[text])
    return _LOOKUP[table].get(text)


@dataclass(frozen=True)
class Located:
    """Where the header row is and which grid column holds each spec column."""

    header_index: int
    positions: dict[str, int]
    headers: dict[str, str]
    cells: tuple[str, ...] = ()
    table: str = ""

    def header(self, name: str) -> str:
        """The header of column ``name`` as written in the file (else the spec's)."""
        return self.headers.get(name, canonical_header(self.table, name))


def locate_columns(sheet: RawSheet, table: str,
                   mapping: Mapping[str, str] | None = None) -> Located:
    """Find the header row of ``sheet`` and the position of each column of ``table``.

    Raises :class:`LedgerError` naming the file and column when a required column is
    missing or two header cells name the same column.
    """
    top = sheet.grid.iloc[:_SCAN_ROWS]
    scores = [sum(header_key(str(v), table, mapping) is not None for v in row)
              for row in top.itertuples(index=False, name=None)]
    best = max(scores, default=0)
    index = scores.index(best) if best else 0
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for pos, cell in enumerate(sheet.grid.iloc[index]):
        name = header_key(str(cell), table, mapping)
        if name is None:
            continue
        if name in positions:
            raise LedgerError(
                f"{sheet.file} 第{sheet.rows[index]}行：表头「{headers[name]}」和「{cell.strip()}」"
                f"都表示「{canonical_header(table, name)}」列；请删除或改名其中一个 "
                f"(two header cells name column {name})")
        positions[name] = pos
        headers[name] = str(cell).strip()
    spec = TABLES[table]
    missing = [(c.name,) for c in spec.columns if c.required and c.name not in positions]
    missing += [pair for pair in ONE_OF.get(table, ())
                if not any(n in positions for n in pair)]
    if missing:
        want = "、".join("或".join(f"「{spec.column(n).zh}」" for n in names)
                        for names in missing)
        en = ", ".join(" or ".join(names) for names in missing)
        raise LedgerError(
            f"{sheet.file} 缺少必需的列 {want}；表头在第{sheet.rows[index]}行，可用中文表头或英文"
            f"别名，或在 gongjian.toml 的 [columns] 中映射 "
            f"({sheet.file}: missing required column(s) {en})")
    cells = tuple(str(c).strip() for c in sheet.grid.iloc[index])
    return Located(index, positions, headers, cells, table)
