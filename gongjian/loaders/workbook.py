"""Look inside an ``.xlsx`` package before calamine reads it: sheets, limits, formula cells.

calamine (under fastexcel) builds every sheet as a dense block from its first to its last
cell, and copies a shared string into every cell that refers to it. A file can abuse both:
one stray cell at ``XFD1048576`` asks for 16,384 × 1,048,576 cells (the process aborts), a
cell at ``XFD20`` builds 16,384 columns, and an 8 MiB shared string referenced 60 times
takes gigabytes. So before a sheet is handed over, this module

- checks every part of the package against its declared size and compression ratio
  (:data:`PART_LIMIT`, :data:`RATIO_LIMIT`), and refuses a bomb with one clear message;
- reads the sheet's XML once (bounded by the declared size), takes the used range from the
  cells it really has (the ``r`` references of rows and cells, never ``<dimension>``, which
  may lie), and when a few cells lie far away from the rest (a stray cell), hands calamine a
  copy of the package without them, each named in a warning;
- bounds the text the cells would hold once shared strings are copied out
  (:data:`TEXT_LIMIT`, or four times the XML when larger);
- finds the cells whose value is not a value: a formula with no cached value (written by a
  script, never computed) and error values (``#REF!``, ``#N/A`` …). fastexcel reads both as
  empty cells; the loader reports them as errors naming the cell.

Examples
--------
>>> column_letters(1), column_letters(28), column_letters(16384)
('A', 'AB', 'XFD')
>>> split_ref("XFD1048576")
(1048576, 16384)
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gongjian.errors import LedgerError

__all__ = [
    "CELL_LIMIT",
    "PART_LIMIT",
    "RATIO_LIMIT",
    "TEXT_LIMIT",
    "CellIssue",
    "Package",
    "Prepared",
    "SheetInfo",
    "column_letters",
    "open_package",
    "split_ref",
]

#: Largest decompressed size of one part of a package (bytes).
PART_LIMIT = 1 << 30
#: A part that expands more than this many times its compressed size …
RATIO_LIMIT = 100
#: … is refused when it would also be larger than this (bytes).
RATIO_PART_LIMIT = 32 << 20
#: Text (bytes) the cells of one sheet may hold once shared strings are copied into them,
#: unless the sheet's own XML is larger (then four times that).
TEXT_LIMIT = 64 << 20
#: Cells calamine may build for one sheet (its dense block), unless the sheet really has
#: more cells than an eighth of this (then eight times its cells).
CELL_LIMIT = 4_000_000
#: Sheet XML up to this size (bytes) is checked cell by cell before calamine reads it. A
#: larger part (only from a file of over 320 KB, see :data:`RATIO_LIMIT`) is a large real
#: ledger: checking it first would cost a third of the reading time, so only its formula
#: cells are looked for, while calamine reads it.
GUARD_LIMIT = RATIO_PART_LIMIT
#: Columns a ledger sheet may span before far-away cells are looked for.
WIDE = 256
#: A gap of this many empty columns (rows) cuts the cells after it off as stray.
COLUMN_GAP = 64
ROW_GAP = 10_000

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_WINDOW = 8 << 20


def column_letters(col: int) -> str:
    """The letters of column ``col`` (1 = ``A``)."""
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def split_ref(ref: str) -> tuple[int, int]:
    """``(row, column)`` of a cell reference such as ``B7`` (both from 1)."""
    m = re.fullmatch(r"([A-Za-z]{1,3})([0-9]{1,7})", ref)
    if not m:
        raise ValueError(ref)
    col = 0
    for ch in m[1].upper():
        col = col * 26 + ord(ch) - 64
    return int(m[2]), col


@dataclass(frozen=True)
class SheetInfo:
    """One sheet of a workbook: its name, XML part and whether people see it."""

    name: str
    part: str | None
    visible: bool = True


@dataclass(frozen=True)
class CellIssue:
    """A cell whose value is not a value: grid row and column (from 0), reference, reason.

    ``code`` is ``formula_no_value`` (``value`` holds the formula text) or ``formula_error``
    (``value`` holds the error, e.g. ``#REF!``).
    """

    row: int
    col: int
    ref: str
    code: str
    value: str


@dataclass
class Prepared:
    """What fastexcel should open for one sheet, and what was found on the way."""

    source: str | bytes
    issues: list[CellIssue] = field(default_factory=list)
    stray: list[tuple[str, str]] = field(default_factory=list)
    deferred: bool = False


def _refuse(name: str, zh: str, en: str) -> LedgerError:
    return LedgerError(f"{name} {zh}，已拒绝读取；请用 Excel 或 WPS 打开检查后另存 ({name}: {en})")


class Package:
    """An ``.xlsx`` file opened for inspection (use :func:`open_package`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.archive = zipfile.ZipFile(path)
        self._check_parts()
        self.sheets = self._sheets()
        self._strings: np.ndarray | None = None

    def close(self) -> None:
        """Close the archive."""
        self.archive.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the package ---------------------------------------------------------------------

    def _check_parts(self) -> None:
        total = 0
        for info in self.archive.infolist():
            size, packed = info.file_size, max(info.compress_size, 1)
            total += size
            if size > PART_LIMIT or (size > RATIO_PART_LIMIT and size / packed > RATIO_LIMIT):
                raise _refuse(
                    self.name,
                    f"中的 {info.filename} 解压后有 {size / 2**20:,.0f} MB"
                    f"（压缩了 {size / packed:,.0f} 倍），超过读取上限",
                    f"part {info.filename} expands to {size:,} bytes, over the limit")
        if total > 2 * PART_LIMIT:
            raise _refuse(self.name, f"解压后共有 {total / 2**20:,.0f} MB，超过读取上限",
                          f"the package expands to {total:,} bytes, over the limit")

    def read(self, part: str) -> bytes:
        """A part's bytes (never more than its declared size; a lie is a damaged file)."""
        try:
            return self.archive.read(part)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as err:
            raise _refuse(self.name, f"已损坏（{part} 无法解压）",
                          f"{part} cannot be decompressed: {err}") from err

    def _sheets(self) -> list[SheetInfo]:
        import xml.etree.ElementTree as ET

        try:
            book = ET.fromstring(self.read("xl/workbook.xml"))
            rels = ET.fromstring(self.read("xl/_rels/workbook.xml.rels"))
        except (KeyError, ET.ParseError):
            return []
        targets = {r.get("Id"): r.get("Target") or "" for r in rels}
        names = set(self.archive.namelist())
        out = []
        for s in book.iter(f"{_MAIN}sheet"):
            target = targets.get(s.get(_REL), "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target)) if target else None
            out.append(SheetInfo(s.get("name") or "", part if part in names else None,
                                 s.get("state", "visible") == "visible"))
        return out

    def _shared_part(self) -> zipfile.ZipInfo | None:
        return next((i for i in self.archive.infolist()
                     if i.filename.lower() == "xl/sharedstrings.xml"), None)

    def _shared_lengths(self) -> np.ndarray:
        """Byte length of every shared string's XML (an upper bound of its text)."""
        if self._strings is None:
            info = self._shared_part()
            data = self.read(info.filename) if info else b""
            starts = np.array([m.start() for m in re.finditer(rb"<si[\s>/]", data)],
                              dtype=np.int64)
            self._strings = np.diff(np.append(starts, len(data))) if len(starts) else starts
        return self._strings

    # --- one sheet -------------------------------------------------------------------------

    def prepare(self, sheet: SheetInfo) -> Prepared:
        """Check sheet ``sheet`` before calamine reads it; see the module's description."""
        if sheet.part is None:  # not found through the workbook's relations: check them all
            for info in self.archive.infolist():
                if info.filename.startswith("xl/worksheets/") and info.file_size <= GUARD_LIMIT:
                    scan = _scan(self.read(info.filename))
                    if scan.suspect or scan.max_row * scan.max_col > max(CELL_LIMIT,
                                                                         8 * scan.cells):
                        raise _refuse(self.name, f"的工作表「{sheet.name}」范围异常",
                                      f"sheet {sheet.name} spans far more cells than it has")
            return Prepared(str(self.path))
        if self.archive.getinfo(sheet.part).file_size > GUARD_LIMIT:
            return Prepared(str(self.path), deferred=True)
        data = self.read(sheet.part)
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise _refuse(self.name, f"的工作表「{sheet.name}」不是 UTF-8 编码",
                          f"sheet {sheet.name} is not UTF-8 XML")
        scan = _scan(data)
        self._check_text(sheet, data, scan)
        out = Prepared(str(self.path))
        if scan.suspect or scan.max_col > WIDE or scan.max_row * scan.max_col > max(
                CELL_LIMIT, 8 * scan.cells):
            data, out.stray = _drop_stray(data)
            if out.stray:
                out.source = self._with_part(sheet.part, data)
            scan = _scan(data)
            if scan.max_row * scan.max_col > max(CELL_LIMIT, 8 * scan.cells) or \
                    scan.max_col > 4 * WIDE:
                raise _refuse(
                    self.name,
                    f"的工作表「{sheet.name}」用到 {column_letters(scan.max_col)}{scan.max_row}，"
                    f"范围远大于其中的 {scan.cells:,} 个单元格",
                    f"sheet {sheet.name} spans far more cells than it has")
        if scan.formulas:
            out.issues = _formula_issues(data)
        return out

    def formula_issues(self, sheet: SheetInfo) -> list[CellIssue]:
        """The formula and error cells of a sheet (for a :attr:`Prepared.deferred` one)."""
        if sheet.part is None:
            return []
        tail = b""
        try:
            with self.archive.open(sheet.part) as fh:
                while chunk := fh.read(1 << 20):
                    if _has_issues(chunk) or _has_issues(tail + chunk[:8]):  # or cut in two
                        return _formula_issues(self.read(sheet.part))
                    tail = chunk[-8:]
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            raise _refuse(self.name, f"已损坏（{sheet.part} 无法解压）",
                          f"{sheet.part} cannot be decompressed: {err}") from err
        return []

    def _check_text(self, sheet: SheetInfo, data: bytes, scan: _Scan) -> None:
        info = self._shared_part()
        limit = max(TEXT_LIMIT, 4 * len(data))
        if info is None or scan.values * info.file_size <= limit:
            return
        lengths = self._shared_lengths()
        if not len(lengths) or scan.values * int(lengths.max()) <= limit:
            return
        refs = np.array(re.findall(rb"<c\b[^>]*?\bt\s*=\s*[\"']s[\"'][^>]*>\s*<v>\s*([0-9]{1,10})"
                                   rb"\s*</v>", data), dtype=np.int64)
        refs = refs[refs < len(lengths)]
        total = int(lengths[refs].sum())
        if total > limit:
            raise _refuse(
                self.name,
                f"的工作表「{sheet.name}」引用的共享文本展开后约有 {total / 2**20:,.0f} MB"
                f"（文件本身只有 {self.path.stat().st_size / 1024:,.0f} KB），超过读取上限",
                f"sheet {sheet.name} expands to about {total:,} bytes of text, over the limit")

    def _with_part(self, part: str, data: bytes) -> bytes:
        """The package as bytes, with ``part`` replaced by ``data``."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in self.archive.infolist():
                out.writestr(info.filename, data if info.filename == part
                             else self.read(info.filename))
        return buf.getvalue()


def open_package(path: Path) -> Package:
    """Open ``path`` for inspection; :class:`LedgerError` for a bomb, ``BadZipFile`` if not a zip.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from openpyxl import Workbook
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> book = Workbook(); book.active.title = "甲"; book.create_sheet("乙").sheet_state = "hidden"
    >>> book.save(p)
    >>> with open_package(p) as pkg:
    ...     [(s.name, s.visible) for s in pkg.sheets]
    [('甲', True), ('乙', False)]
    """
    return Package(Path(path))


# --- scanning the sheet XML ------------------------------------------------------------------

@dataclass
class _Scan:
    max_row: int = 0
    max_col: int = 0
    cells: int = 0
    values: int = 0
    formulas: bool = False
    suspect: bool = False


def _letter(x: np.ndarray) -> np.ndarray:
    return ((x | 32) - 97).astype(np.uint8) < 26


def _digit(x: np.ndarray) -> np.ndarray:
    return (x - 48).astype(np.uint8) < 10


def _scan(data: bytes) -> _Scan:
    """Extents of the explicit references (``r="…"``) of rows and cells, in C-speed passes.

    Every ``r`` attribute of the sheet is read, in windows of 8 MiB, with numpy: the
    letters give the column, the digits the row. A reference written otherwise (spaces
    around ``=``, more than 3 letters or 7 digits) makes the scan ``suspect``.
    """
    out = _Scan()
    out.values = data.count(b"<v") + data.count(b"<is")
    out.formulas = _has_issues(data)
    out.suspect = b"r='" in data
    n = len(data)
    for lo in range(0, n, _WINDOW):
        start, hi = max(0, lo - 3), min(n, lo + _WINDOW + 16)
        a = np.frombuffer(data, np.uint8, hi - start, start)
        eq = np.flatnonzero(a[1:-1] == 61) + 1  # "r = …": references the scan would miss
        if ((a[eq - 1] <= 32) | (a[eq + 1] <= 32)).any():
            out.suspect = True
        q = np.flatnonzero(a == 34)
        q = q[(q >= 3) & (q < len(a) - 12) & (q + start >= lo) & (q + start < lo + _WINDOW)]
        q = q[(a[q - 1] == 61) & (a[q - 2] == 114) & (a[q - 3] <= 32)]
        if not len(q):
            continue
        s = q + 1
        letters = np.zeros(len(s), np.int64)
        col = np.zeros(len(s), np.int64)
        going = np.ones(len(s), bool)
        for j in range(4):
            x = a[s + j]
            going &= _letter(x)
            letters += going
            col = np.where(going, col * 26 + ((x | 32).astype(np.int64) - 96), col)
        if (letters > 3).any():
            out.suspect = True
        row = np.zeros(len(s), np.int64)
        going = np.ones(len(s), bool)
        digits = np.zeros(len(s), np.int64)
        for j in range(8):
            x = a[np.minimum(s + letters + j, len(a) - 1)]
            going &= _digit(x)
            digits += going
            row = np.where(going, row * 10 + (x.astype(np.int64) - 48), row)
        if (digits > 7).any():
            out.suspect = True
        out.max_row = max(out.max_row, int(row.max()))
        out.max_col = max(out.max_col, int(col.max()))
        out.cells += int((letters > 0).sum())
    return out


def _has_issues(data: bytes) -> bool:
    """True when the sheet XML ``data`` may hold a formula or an error value."""
    return _formula_tag(data) or b't="e"' in data or b"t='e'" in data


def _formula_tag(data: bytes) -> bool:
    """True when ``data`` holds ``<f>``, ``<f …`` or ``<f/>`` (a formula element).

    ``f`` is rare in sheet XML, so it is looked for alone (``memchr``, far faster than
    ``<f``, ``<`` being everywhere), then what stands around it; text full of ``f`` falls
    back to looking for the tags.

    Examples
    --------
    >>> _formula_tag(b'<c r="A1"><f>1+1</f></c>'), _formula_tag(b"<formula1>x</formula1>")
    (True, False)
    """
    at = data.find(b"f")
    for _ in range(64):
        if at < 0:
            return False
        if at and data[at - 1:at] == b"<" and data[at + 1:at + 2] in (b">", b" ", b"/"):
            return True
        at = data.find(b"f", at + 1)
    return b"<f>" in data or b"<f " in data or b"<f/" in data


_CELLS = re.compile(rb"<row\b([^>]*)>|<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR_R = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{0,3})([0-9]{1,7})["']""")
_EMPTY_ROW = re.compile(rb"<row\b[^>]*?(?:/>|>\s*</row>)")
_ATTR_T = re.compile(rb"""\bt\s*=\s*["']([A-Za-z]+)["']""")


def _cells(data: bytes):
    """Every cell element: ``(row, col, match)`` with row and column from 1."""
    row, col = 0, 0
    for m in _CELLS.finditer(data):
        if m.group(1) is not None:
            r = _ATTR_R.search(m.group(1))
            row = int(r[2]) if r else row + 1
            col = 0
            continue
        r = _ATTR_R.search(m.group(2))
        if r and r[1]:
            row, col = split_ref((r[1] + r[2]).decode())
        else:
            col += 1
        yield row, col, m


def _has_value(m: re.Match) -> bool:
    inner = m.group(3)
    return bool(inner) and (b"<v" in inner or b"<is" in inner)


def _drop_stray(data: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    """``data`` without the cells far from the others (a gap of :data:`COLUMN_GAP` empty
    columns or :data:`ROW_GAP` empty rows), and those cells as ``(reference, value)``."""
    cells = [(r, c, m) for r, c, m in _cells(data) if _has_value(m)]
    if not cells:
        return data, []
    from collections import Counter

    c_lo, c_hi = _core(Counter(c for _, c, _ in cells), COLUMN_GAP)
    r_lo, r_hi = _core(Counter(r for r, _, _ in cells), ROW_GAP)
    stray = [(r, c, m) for r, c, m in cells if not (c_lo <= c <= c_hi and r_lo <= r <= r_hi)]
    if not stray:
        return data, []
    parts, at = [], 0
    for _, _, m in stray:
        parts.append(data[at:m.start()])
        at = m.end()
    parts.append(data[at:])
    named = [(f"{column_letters(c)}{r}", _shown(m.group(3) or b"")) for r, c, m in stray]
    return _EMPTY_ROW.sub(b"", b"".join(parts)), named


def _core(counts: dict[int, int], gap: int) -> tuple[int, int]:
    """The span of the sorted keys of ``counts`` that holds the most cells, where a gap
    wider than ``gap`` starts a new span.

    Examples
    --------
    >>> _core({1: 5, 2: 5, 16384: 1}, 64), _core({1: 1, 50000: 9, 50001: 9}, 10_000)
    ((1, 2), (50000, 50001))
    """
    spans, keys = [], sorted(counts)
    lo = last = keys[0]
    total = 0
    for k in keys:
        if k - last > gap:
            spans.append((total, lo, last))
            lo, total = k, 0
        total += counts[k]
        last = k
    spans.append((total, lo, last))
    best = max(spans, key=lambda s: s[0])
    return best[1], best[2]


def _shown(inner: bytes) -> str:
    """The value of a cell as written in its XML (text of ``<t>`` or ``<v>``), shortened."""
    from html import unescape

    texts = re.findall(rb"<t\b[^>]*>(.*?)</t>", inner, re.S) or \
        re.findall(rb"<v>(.*?)</v>", inner, re.S)
    text = unescape(b"".join(texts).decode("utf-8", "replace"))
    return text if len(text) <= 50 else text[:50] + "…"


def _formula_issues(data: bytes) -> list[CellIssue]:
    """Formula cells with no cached value and cells holding an error value."""
    from html import unescape

    out = []
    for r, c, m in _cells(data):
        inner = m.group(3) or b""
        t = _ATTR_T.search(m.group(2))
        kind = t[1] if t else b"n"
        f = re.search(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", inner, re.S)
        v = re.search(rb"<v>(.*?)</v>", inner, re.S)
        ref = f"{column_letters(c)}{r}"
        if kind == b"e":
            value = unescape(v[1].decode("utf-8", "replace")) if v else "#N/A"
            out.append(CellIssue(r - 1, c - 1, ref, "formula_error", value))
        elif f is not None and (v is None or (not v[1] and kind != b"str")):
            formula = unescape((f[1] or b"").decode("utf-8", "replace"))
            out.append(CellIssue(r - 1, c - 1, ref, "formula_no_value", "=" + formula))
    return out
