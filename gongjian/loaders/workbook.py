"""Look inside an ``.xlsx`` package before calamine reads it: sheets, limits, formula cells.

calamine (under fastexcel) builds every sheet as a dense block from its first to its last
cell, and copies a shared string into every cell that refers to it. A file can abuse both:
one stray cell at ``XFD1048576`` asks for 16,384 × 1,048,576 cells (the process aborts), a
cell at ``XFD20`` builds 16,384 columns, and an 8 MiB shared string referenced 60 times
takes gigabytes. So before a sheet is handed over, this module

- checks every part of the package against its declared size and compression ratio
  (:data:`PART_LIMIT`, :data:`RATIO_LIMIT`), and refuses a bomb with one clear message;
- reads the sheet's XML once (bounded by the declared size; a part over
  :data:`GUARD_LIMIT` streamed in windows of 1 MiB, and read whole only when something in
  it must be acted on), takes the used range from the cells it really has (the ``r``
  references of rows and cells, never ``<dimension>``, which may lie), and when a few cells
  lie far away from the rest (a stray cell), hands calamine a copy of the package without
  them, each named in a warning;
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

import functools
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
#: Sheet XML up to this size (bytes) is read whole to be checked; a larger part (only from
#: a file of over 320 KB, see :data:`RATIO_LIMIT`) is checked streamed, window by window,
#: and read whole only when something in it must be acted on (stray cells, formulas).
GUARD_LIMIT = RATIO_PART_LIMIT
#: Columns a ledger sheet may span before far-away cells are looked for.
WIDE = 256
#: A gap of this many empty columns (rows) cuts the cells after it off as stray.
COLUMN_GAP = 64
ROW_GAP = 10_000

_SI_END = np.array([9, 10, 11, 12, 13, 32, 47, 62], np.uint8)
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_WINDOW = 1 << 20  # numpy work on a window stays in the CPU caches


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
            a = np.frombuffer(data + b"\0\0\0", np.uint8)  # "<si" then white space, ">", "/"
            lt = np.flatnonzero(a[:len(data)] == 60)
            starts = lt[(a[lt + 1] == 115) & (a[lt + 2] == 105) & np.isin(a[lt + 3], _SI_END)]
            self._strings = np.diff(np.append(starts, len(data))) if len(starts) else starts
        return self._strings

    # --- one sheet -------------------------------------------------------------------------

    def prepare(self, sheet: SheetInfo) -> Prepared:
        """Check sheet ``sheet`` before calamine reads it; see the module's description."""
        if sheet.part is None:  # not found through the workbook's relations: check them all
            for info in self.archive.infolist():
                if info.filename.startswith("xl/worksheets/") and \
                        info.filename.endswith(".xml") and "/_rels/" not in info.filename:
                    scan = self._scan_part(info.filename, sheet, values=False)
                    if scan.suspect or scan.max_row * scan.max_col > max(CELL_LIMIT,
                                                                         8 * scan.cells):
                        raise _refuse(self.name, f"的工作表「{sheet.name}」范围异常",
                                      f"sheet {sheet.name} spans far more cells than it has")
            return Prepared(str(self.path))
        shared = self._shared_part()
        size = self.archive.getinfo(sheet.part).file_size
        data = None
        if size > GUARD_LIMIT:  # streamed, in bounded memory; read whole only to act on it
            scan = self._scan_part(sheet.part, sheet, values=shared is not None)
        else:
            data = self.read(sheet.part)
            _check_utf8(self.name, sheet, data)
            scan = _scan(data, values=shared is not None)
        self._check_text(sheet, size, data, scan)
        out = Prepared(str(self.path))
        wide = scan.suspect or scan.max_col > WIDE or scan.max_row * scan.max_col > max(
            CELL_LIMIT, 8 * scan.cells)
        if (wide or scan.formulas) and data is None:
            data = self.read(sheet.part)
        if wide:
            data, out.stray = _drop_stray(data)
            if out.stray:
                out.source = self._with_part(sheet.part, data)
            scan = _scan(data, values=False)
            if scan.suspect:  # references written otherwise: read as calamine reads them
                scan = _exact_scan(self.name, sheet, data)
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

    def _scan_part(self, part: str, sheet: SheetInfo, values: bool) -> _Scan:
        """:func:`_scan` of a part streamed in windows: memory stays at a few windows.

        (Decompressing the next window in a second thread was slower: the two threads
        hand the GIL to each other at every window.)
        """
        scanner = _Scanner(values)
        try:
            with self.archive.open(part) as fh:
                first = True
                while chunk := fh.read(_WINDOW):
                    if first:
                        _check_utf8(self.name, sheet, chunk)
                        first = False
                    scanner.feed(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as err:
            raise _refuse(self.name, f"已损坏（{part} 无法解压）",
                          f"{part} cannot be decompressed: {err}") from err
        return scanner.close()

    def _check_text(self, sheet: SheetInfo, size: int, data: bytes | None, scan: _Scan) -> None:
        info = self._shared_part()
        limit = max(TEXT_LIMIT, 4 * size)
        if info is None or scan.values * info.file_size <= limit:
            return
        lengths = self._shared_lengths()
        if not len(lengths) or scan.values * int(lengths.max()) <= limit:
            return
        if data is None:
            data = self.read(sheet.part)
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


_ANY_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")


def _exact_scan(name: str, sheet: SheetInfo, data: bytes) -> _Scan:
    """The extents of the cells of ``data`` read one by one (:func:`_cells`, slow): for
    references the numpy scan does not read. A reference beyond ``XFD1048576`` (more
    than 3 letters or 7 digits) is refused.

    Examples
    --------
    >>> s = _exact_scan("t.xlsx", SheetInfo("甲", None), b'<row r="2"><c r = "C02"/><c/></row>')
    >>> s.max_row, s.max_col, s.cells
    (2, 4, 2)
    """
    for m in _ANY_REF.finditer(data):
        if len(m[1]) > 3 or len(m[2]) > 7:
            raise _refuse(name, f"的工作表「{sheet.name}」有超出表格范围的单元格引用",
                          f"sheet {sheet.name} refers to a cell beyond XFD1048576")
    out = _Scan()
    for row, col, _ in _cells(data):
        out.max_row, out.max_col = max(out.max_row, row), max(out.max_col, col)
        out.cells += 1
    return out


def _check_utf8(name: str, sheet: SheetInfo, head: bytes) -> None:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise _refuse(name, f"的工作表「{sheet.name}」不是 UTF-8 编码",
                      f"sheet {sheet.name} is not UTF-8 XML")


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


#: Bytes looked at after a position (a reference: 3 letters, 7 digits, a quote).
_PAD = 32


class _Scanner:
    """:func:`_scan` fed chunk by chunk: the sheet XML streamed, in bounded memory.

    ``values`` (cells that may hold a value) is counted only with ``values`` (it bounds the
    shared strings a sheet refers to; without shared strings it is not needed).
    Call :meth:`feed` with consecutive chunks, then :meth:`close` for the result.
    """

    def __init__(self, values: bool = True) -> None:
        self.out = _Scan()
        self._values = values
        self._carry = b" " * 8  # room before a first reference

    def feed(self, chunk: bytes) -> None:
        """Scan the next ``chunk`` of the XML (a reference cut in two is seen whole)."""
        buf = self._carry + chunk
        if len(buf) > _PAD + 1:
            self._examine(buf, len(buf) - _PAD)
            self._carry = buf[len(buf) - _PAD - 1:]
        else:
            self._carry = buf

    def close(self) -> _Scan:
        """The extents of the whole XML fed."""
        buf = self._carry + b"\0" * _PAD
        self._examine(buf, len(buf) - _PAD)
        self._carry = b" " * 8  # room before a first reference
        return self.out

    def _examine(self, buf: bytes, stop: int) -> None:
        """Positions ``1 .. stop - 1`` of ``buf`` (byte 0 was seen; ``_PAD`` bytes follow)."""
        out = self.out
        if not out.formulas:
            out.formulas = _has_issues(buf)
        a = np.frombuffer(buf, np.uint8)
        if self._values:  # "<c" then white space, ">" or "/": a cell element
            c = np.flatnonzero(a[1:stop] == 99) + 1
            c = c[a[c - 1] == 60]
            nxt = a[c + 1]
            out.values += int(np.count_nonzero((nxt == 62) | (nxt == 47) | (nxt <= 32)))
        p = np.flatnonzero(a[1:stop] == 114) + 1  # "r" after white space: an attribute r…
        p = p[a[p - 1] <= 32]
        if not len(p):
            return
        exact = (a[p + 1] == 61) & (a[p + 2] == 34)
        odd = p[~exact]
        if len(odd) and not out.suspect:  # "r =", "r= ", "r='": references read otherwise
            after = a[odd[:, None] + np.arange(1, _PAD)]
            first = np.argmax(after > 32, axis=1)
            if (after[np.arange(len(odd)), first] == 61).any() or (after <= 32).all(1).any():
                out.suspect = True
        s = p[exact] + 3
        if len(s):
            self._references(a, s)

    def _references(self, a: np.ndarray, s: np.ndarray) -> None:
        """Read the references starting at ``s``: up to 3 letters, 1 to 7 digits, a quote.

        Only the largest row and column are wanted: each reference becomes a key of its
        digit count then its digits (its letter count then its letters), compared as one
        big-endian number; the bytes after them only break ties between equal rows
        (columns). The winning row is exact unless it starts with ``0`` (``A0001``), then
        the scan is ``suspect``.
        """
        out = self.out
        w = _windows(a, 12)[s]
        letter = ((w | 32) - 97) < 26
        end = np.argmax(w == 34, axis=1)  # the closing quote (0: none)
        letters = letter[:, 0] * (1 + letter[:, 1] * (1 + letter[:, 2] * (
            1 + letter[:, 3].astype(np.intp))))
        digits = end - letters
        if (letters > 3).any() or (digits < 1).any() or (digits > 7).any():
            out.suspect = True  # not letters then digits then the quote: read otherwise
            keep = (letters <= 3) & (digits >= 1) & (digits <= 7)
            s, w, letters, digits = s[keep], w[keep], letters[keep], digits[keep]
            if not len(s):
                return
        key = _windows(a, 8)[s + letters - 1]
        key[:, 0] = digits
        top = int(key.view(">u8").max()).to_bytes(8, "big")
        number = top[1:1 + top[0]]
        if number.isdigit() and number[:1] != b"0":
            out.max_row = max(out.max_row, int(number))
        else:  # a leading 0 or a stray character: every row read, as calamine reads it
            out.suspect = True
            digit = ((w - 48) < 10) & (np.arange(12) >= letters[:, None]) & (
                np.arange(12) < (letters + digits)[:, None])
            fine = digit.sum(1) == digits
            if fine.any():
                rows, _ = _positions(w[fine], letters[fine], (letters + digits)[fine])
                out.max_row = max(out.max_row, int(rows.max()))
        key = np.empty((len(s), 4), np.uint8)
        key[:, 0] = letters
        key[:, 1:] = w[:, :3] & 0xDF
        top = int(key.view(">u4").max()).to_bytes(4, "big")
        out.max_col = max(out.max_col, _column_number(top[1:1 + top[0]]))
        out.cells += int(np.count_nonzero(letters))


#: ``_BEFORE[n]``: the first ``n`` of 12 bytes.
_BEFORE = np.arange(12) < np.arange(13)[:, None]


def _windows(a: np.ndarray, n: int) -> np.ndarray:
    from numpy.lib.stride_tricks import sliding_window_view

    return sliding_window_view(a, n)


def _scan(data: bytes, values: bool = True) -> _Scan:
    """Extents of the explicit references (``r="…"``) of rows and cells, in C-speed passes.

    Every ``r`` attribute of the sheet is read, in windows of 1 MiB, with numpy: the
    letters give the column, the digits the row. A reference written otherwise (spaces
    around ``=``, more than 3 letters or 7 digits) makes the scan ``suspect``.

    Examples
    --------
    >>> s = _scan(b'<row r="1"><c r="B1" t="s"><v>0</v></c><c r="XFD1048576"/></row>')
    >>> s.max_row, s.max_col, s.cells, s.values, s.suspect
    (1048576, 16384, 2, 2, False)
    >>> _scan(b'<c r = "A1"/>').suspect, _scan(b"<c r='A1'/>").suspect
    (True, True)
    """
    scanner = _Scanner(values)
    view = memoryview(data)
    for lo in range(0, len(data), _WINDOW):
        scanner.feed(bytes(view[lo:lo + _WINDOW]))
    return scanner.close()


def _has_issues(data: bytes) -> bool:
    """True when the sheet XML ``data`` may hold a formula or an error value.

    Examples
    --------
    >>> _has_issues(b'<c r="A1" t="e"><v>#N/A</v></c>'), _has_issues(b"<c><f>1+1</f></c>")
    (True, True)
    >>> _has_issues(b'<c r="A1" t="s"><v>0</v></c>')
    False
    """
    return _formula_tag(data) or _error_value(data)


def _error_value(data: bytes) -> bool:
    """True when ``data`` may hold an error cell (``t="e"``, its value ``#REF!``, ``#N/A`` …).

    Every error value starts with ``#``, rare in sheet XML: each ``#`` is looked for
    (``memchr``) and taken for an error when it opens a ``<v>``; text full of ``#`` falls
    back to looking for ``t="e"``. An error cell without its value (``<c t="e"/>``, never
    written by Excel or WPS) reads as the empty cell calamine makes of it.

    Examples
    --------
    >>> _error_value(b'<c r="A1" t="e"><v>#N/A</v></c>'), _error_value("<t>3#楼</t>".encode())
    (True, False)
    """
    at = data.find(b"#")
    for _ in range(64):
        if at < 0:
            return False
        if data[max(at - 3, 0):at] == b"<v>":
            return True
        at = data.find(b"#", at + 1)
    return b't="e"' in data or b"t='e'" in data


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
            row, col = int(r[2]), _column_number(r[1])
        else:
            col += 1
        yield row, col, m


@functools.lru_cache(maxsize=4096)
def _column_number(letters: bytes) -> int:
    """The number of column ``letters`` (``b"A"`` = 1, ``b"xfd"`` = 16384)."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + ch - 64
    return col


def _has_value(m: re.Match) -> bool:
    inner = m.group(3)
    return bool(inner) and (b"<v" in inner or b"<is" in inner)


def _drop_stray(data: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    """``data`` without the cells far from the others (a gap of :data:`COLUMN_GAP` empty
    columns or :data:`ROW_GAP` empty rows), and those cells as ``(reference, value)``."""
    found = _value_cells(data)
    if found is not None:  # numpy: every cell at once; only the stray ones matched one by one
        starts, rows, cols = found
        if not len(starts):
            return data, []
        c_lo, c_hi = _core(_counts(cols), COLUMN_GAP)
        r_lo, r_hi = _core(_counts(rows), ROW_GAP)
        far = np.flatnonzero((cols < c_lo) | (cols > c_hi) | (rows < r_lo) | (rows > r_hi))
        stray = [(int(rows[i]), int(cols[i]), _CELLS.match(data, int(starts[i]))) for i in far]
        if any(m is None or m.group(2) is None for _, _, m in stray):
            found = None
    if found is None:
        from collections import Counter

        cells = [(r, c, m) for r, c, m in _cells(data) if _has_value(m)]
        if not cells:
            return data, []
        c_lo, c_hi = _core(Counter(c for _, c, _ in cells), COLUMN_GAP)
        r_lo, r_hi = _core(Counter(r for r, _, _ in cells), ROW_GAP)
        stray = [(r, c, m) for r, c, m in cells
                 if not (c_lo <= c <= c_hi and r_lo <= r <= r_hi)]
    if not stray:
        return data, []
    parts, at = [], 0
    for _, _, m in stray:
        parts.append(data[at:m.start()])
        at = m.end()
    parts.append(data[at:])
    named = [(f"{column_letters(c)}{r}", _shown(m.group(3) or b"")) for r, c, m in stray]
    return _EMPTY_ROW.sub(b"", b"".join(parts)), named


def _value_cells(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Start, row and column of every cell holding a value (``<v>`` or ``<is>``), found with
    numpy; None when a cell has no plain reference (``r="B7"``: :func:`_cells` then reads
    the cells one by one, placing those without one as calamine does).

    Examples
    --------
    >>> xml = b'<row r="2"><c r="B2"><v>1</v></c><c r="C2"/><c r="AA9" t="s"><v>0</v></c></row>'
    >>> [x.tolist() for x in _value_cells(xml)]
    [[11, 44], [2, 9], [2, 27]]
    >>> _value_cells(b'<row><c><v>1</v></c></row>') is None
    True
    """
    table = _cell_table(data)
    if table is None:
        return None
    starts, rows, cols, held = table
    return starts[held], rows[held], cols[held]


def _cell_table(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Start, row, column and whether it holds a value, of every cell (see
    :func:`_value_cells`)."""
    n = len(data)
    a = np.frombuffer(data + b"\0" * _PAD, np.uint8)
    lt = np.flatnonzero(a[:n] == 60)
    after, then = a[lt + 1], a[lt + 2]
    starts = lt[(after == 99) & ((then <= 32) | (then == 62) | (then == 47))]  # "<c"
    values = lt[(after == 118) | ((after == 105) & (then == 115))]  # "<v", "<is"
    p = np.flatnonzero(a[:n] == 114)
    p = p[(p > 0) & (a[p - 1] <= 32) & (a[p + 1] == 61) & (a[p + 2] == 34)]  # ' r="'
    ends = np.flatnonzero(a[:n] == 62)
    at = np.searchsorted(p, starts)  # the first reference after each cell's "<c" …
    if len(starts) and (at.max() >= len(p) or (
            p[np.minimum(at, len(p) - 1)] > ends[np.searchsorted(ends, starts)]).any()):
        return None  # … is not in its start tag
    s = p[at] + 3
    w = _windows(a, 12)[s]
    letter = ((w | 32) - 97) < 26
    end = np.argmax(w == 34, axis=1)
    letters = letter[:, 0] * (1 + letter[:, 1] * (1 + letter[:, 2] * (
        1 + letter[:, 3].astype(np.intp))))
    digits = end - letters
    if len(s) and (np.count_nonzero(((w - 48) < 10) & _BEFORE[end]) != digits.sum() or (
            letters < 1).any() or (letters > 3).any() or (digits < 1).any() or (
            digits > 7).any()):
        return None
    rows, cols = _positions(w, letters, end)
    follows = np.append(starts[1:], n)
    k = np.searchsorted(values, starts)
    held = np.zeros(len(starts), bool)
    if len(values):
        held = (k < len(values)) & (values[np.minimum(k, len(values) - 1)] < follows)
    return starts, rows, cols, held


def _positions(w: np.ndarray, letters: np.ndarray, end: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each reference: ``w`` its first 12 bytes, ``letters`` the number of
    its letters, ``end`` the place of its closing quote (checked by the caller)."""
    cols = np.zeros(len(w), np.int64)
    rows = np.zeros(len(w), np.int64)
    for j in range(10):
        x = w[:, j].astype(np.int64)
        cols = np.where(j < letters, cols * 26 + (x | 32) - 96, cols)
        rows = np.where((j >= letters) & (j < end), rows * 10 + x - 48, rows)
    return rows, cols


def _counts(x: np.ndarray) -> dict[int, int]:
    keys, counts = np.unique(x, return_counts=True)
    return dict(zip(keys.tolist(), counts.tolist(), strict=True))


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
    """Formula cells with no cached value and cells holding an error value.

    In a large sheet whose cells all have a plain reference, only the cells holding a
    formula or an error are matched (numpy finds them); otherwise every cell is.

    Examples
    --------
    >>> xml = (b'<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    ...        b'<c r="C1"><f>A1&amp;"x"</f></c></row>')
    >>> [(i.ref, i.code, i.value) for i in _formula_issues(xml)]
    [('B1', 'formula_error', '#DIV/0!'), ('C1', 'formula_no_value', '=A1&"x"')]
    >>> _formula_issues(xml * 20_000)[-1].ref
    'C1'
    """
    table = _cell_table(data) if len(data) > _WINDOW else None
    if table is None:
        return [issue for r, c, m in _cells(data) if (issue := _cell_issue(r, c, m))]
    starts, rows, cols, _ = table
    a = np.frombuffer(data + b"\0", np.uint8)
    f = np.flatnonzero(a[1:-1] == 102) + 1  # "<f" then ">", "/" or white space
    after = a[f + 1]
    marks = [f[(a[f - 1] == 60) & ((after == 62) | (after == 47) | (after <= 32))]]
    for tag in (b't="e"', b"t='e'"):
        at = data.find(tag)
        found = []
        while at >= 0:
            found.append(at)
            at = data.find(tag, at + 1)
        marks.append(np.array(found, np.int64))
    cells = np.unique(np.searchsorted(starts, np.concatenate(marks), side="right") - 1)
    out = []
    for i in cells[cells >= 0].tolist():
        m = _CELLS.match(data, int(starts[i]))
        if m is not None and m.group(2) is not None and (
                issue := _cell_issue(int(rows[i]), int(cols[i]), m)):
            out.append(issue)
    return out


def _cell_issue(r: int, c: int, m: re.Match) -> CellIssue | None:
    """The issue of one cell element ``m`` at row ``r``, column ``c``, if any."""
    from html import unescape

    inner = m.group(3) or b""
    t = _ATTR_T.search(m.group(2))
    kind = t[1] if t else b"n"
    ref = f"{column_letters(c)}{r}"
    v = re.search(rb"<v>(.*?)</v>", inner, re.S)
    if kind == b"e":
        value = unescape(v[1].decode("utf-8", "replace")) if v else "#N/A"
        return CellIssue(r - 1, c - 1, ref, "formula_error", value)
    f = re.search(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", inner, re.S)
    if f is not None and (v is None or (not v[1] and kind != b"str")):
        formula = unescape((f[1] or b"").decode("utf-8", "replace"))
        return CellIssue(r - 1, c - 1, ref, "formula_no_value", "=" + formula)
    return None
