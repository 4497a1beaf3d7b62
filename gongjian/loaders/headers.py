"""Match the header cells of a table file to the columns of the spec.

A header matches after width-folding, dropping every space and line break inside it
(``组织\\n编码``), a trailing ``*`` (``＊``) and notes in brackets after the name
(``组织编码（必填）``, ``党员数(人)``, ``名称【必填】``); either the canonical Chinese
header or the English alias is accepted (case-insensitive), and ``gongjian.toml`` may map
other names (``"单位名称" = "组织名称"``). Unknown columns are ignored.

The header row is the first of the top 20 rows that names the most columns, so title rows
and blank rows above it do no harm. A two-row header is read as one: a cell of the row
above (a header merged down over two rows, beside a group header such as 基本信息) or of
the row below (the real headers under a merged group header) fills a column the header
row does not name.

Examples
--------
>>> header_key(" 组织名称＊", "party_orgs"), header_key("组织\\n编码*（必填）", "party_orgs")
('name', 'id')
>>> header_key("党员数(人)", "party_orgs"), header_key("Parent ID", "party_orgs")
('members', 'parent_id')
>>> header_key("Source_ID", "relations"), header_key("单位名称", "party_orgs")
('source_id', None)
>>> header_key("单位名称", "party_orgs", {"单位名称": "组织名称"})
'name'
"""

from __future__ import annotations

import re
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
_SCAN_ROWS = 20
_SPACE = re.compile(r"\s+")
_NOTE = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕)$")


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
    return _SPACE.sub("", fold(text)).rstrip("*").casefold()


def _bare(text: str) -> str:
    """``text`` (normalized) without notes in brackets and ``*`` at its end."""
    while True:
        cut = _NOTE.sub("", text).rstrip("*")
        if cut == text or not cut:
            return text
        text = cut


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
    if not cell:
        return None
    text = _norm(cell)
    for name in (text, _bare(text)):
        if mapping:
            folded = {_norm(k): v for k, v in mapping.items()}
            if name in folded:
                name = _norm(folded[name])
        if name in _LOOKUP[table]:
            return _LOOKUP[table][name]
    return None


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
    top = [[str(v) for v in row] for row in
           sheet.grid.iloc[:_SCAN_ROWS].itertuples(index=False, name=None)]
    keys = [[header_key(v, table, mapping) for v in row] for row in top]
    scores = [sum(k is not None for k in row) for row in keys]
    best = max(scores, default=0)
    index = scores.index(best) if best else 0
    cells = list(top[index]) if top else [str(c) for c in sheet.grid.iloc[index]]
    named = list(keys[index]) if top else [None] * len(cells)
    if best:
        below = index + 1
        if below < len(top) and _completes(keys[below], top[below], named):
            for pos, key in enumerate(keys[below]):
                if key is not None:
                    cells[pos], named[pos] = top[below][pos], key
            index = below
        elif index > 0:
            for pos, key in enumerate(keys[index - 1]):
                if key is not None and named[pos] is None and not cells[pos].strip():
                    cells[pos], named[pos] = top[index - 1][pos], key
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for pos, (cell, name) in enumerate(zip(cells, named, strict=True)):
        if name is None:
            continue
        if name in positions:
            raise LedgerError(
                f"{sheet.where(index)}：表头「{headers[name]}」和「{cell.strip()}」"
                f"都表示「{canonical_header(table, name)}」列；请删除或改名其中一个 "
                f"(two header cells name column {name})")
        positions[name] = pos
        headers[name] = _SPACE.sub("", cell)
    spec = TABLES[table]
    missing = [(c.name,) for c in spec.columns if c.required and c.name not in positions]
    missing += [pair for pair in ONE_OF.get(table, ())
                if not any(n in positions for n in pair)]
    if missing:
        want = "、".join("或".join(f"「{spec.column(n).zh}」" for n in names)
                        for names in missing)
        en = ", ".join(" or ".join(names) for names in missing)
        raise LedgerError(
            f"{sheet.where()} 缺少必需的列 {want}；表头在第{sheet.rows[index]}行，可用中文表头或"
            f"英文别名，或在 gongjian.toml 的 [columns] 中映射 "
            f"({sheet.file}: missing required column(s) {en})")
    return Located(index, positions, headers, tuple(_SPACE.sub("", c) for c in cells), table)


def _completes(keys: list[str | None], cells: list[str], named: list[str | None]) -> bool:
    """True when a row holds only headers, each in a column the header row does not name
    (the real headers under a merged group header)."""
    filled = [pos for pos, c in enumerate(cells) if c.strip()]
    return bool(filled) and all(keys[p] is not None and named[p] is None for p in filled)
