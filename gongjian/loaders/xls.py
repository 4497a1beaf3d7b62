"""Check an ``.xls`` (BIFF8 in a compound file) before calamine reads it: the used range.

calamine builds each sheet as a dense block from its first to its last cell: one stray
cell at ``IV65536`` of a 6 KB file asks for 16.7 million cells (1.7 GB). The cell records
of the workbook stream are walked here (row and column of every value cell, a few bytes
each, no values decoded) and a sheet whose block would be far larger than its cells is
refused with a clear message naming the far cell.

Examples
--------
>>> import tempfile, pathlib, xlwt
>>> book = xlwt.Workbook()
>>> sheet = book.add_sheet("党组织")
>>> sheet.write(0, 0, "组织编码"); sheet.write(1, 0, "A1")
>>> p = pathlib.Path(tempfile.mkdtemp()) / "党组织.xls"
>>> book.save(str(p))
>>> used_ranges(p.read_bytes())
{'党组织': (2, 1, 2)}
"""

from __future__ import annotations

import struct
from pathlib import Path

from gongjian.errors import LedgerError

__all__ = ["check_xls", "used_ranges"]

_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFE
# Value cell records: NUMBER, RK, LABELSST, LABEL, BOOLERR, FORMULA, RSTRING (row, column
# first) and MULRK (row, first column, …, last column at the end).
_CELLS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6}
_MULRK = 0x00BD
_BOF, _EOF, _SHEET = 0x0809, 0x000A, 0x0085


def _stream(data: bytes, names: tuple[str, ...] = ("Workbook", "Book")) -> bytes | None:
    """The bytes of stream ``Workbook`` of a compound file (None if not found)."""
    if not data.startswith(_MAGIC) or len(data) < 512:
        return None
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    size = 1 << shift
    mini = 1 << mini_shift
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_minifat, _, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)

    def sector(i: int) -> bytes:
        return data[(i + 1) * size:(i + 2) * size]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    at = first_difat
    for _ in range(min(n_difat, len(data) // size + 1)):
        if at >= _END:
            break
        entries = struct.unpack(f"<{size // 4}I", sector(at))
        difat += entries[:-1]
        at = entries[-1]
    fat: list[int] = []
    for s in difat[:n_fat]:
        fat += struct.unpack(f"<{size // 4}I", sector(s))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out, at = [], start
        while at < _END and at < len(table) and len(out) < limit:
            out.append(at)
            at = table[at]
        return out

    limit = len(data) // size + 1
    directory = b"".join(sector(s) for s in chain(first_dir, fat, limit))
    entries = []
    for off in range(0, len(directory) - 127, 128):
        n = struct.unpack_from("<H", directory, off + 0x40)[0]
        name = directory[off:off + max(0, n - 2)].decode("utf-16-le", "replace")
        kind = directory[off + 0x42]
        start, length = struct.unpack_from("<II", directory, off + 0x74)
        entries.append((name, kind, start, length))
    if not entries:
        return None
    root = entries[0]
    for name, kind, start, length in entries:
        if kind != 2 or name not in names:
            continue
        if length >= cutoff:
            return b"".join(sector(s) for s in chain(start, fat, limit))[:length]
        ministream = b"".join(sector(s) for s in chain(root[2], fat, limit))
        minifat: list[int] = []
        for s in chain(first_minifat, fat, limit):
            minifat += struct.unpack(f"<{size // 4}I", sector(s))
        parts = [ministream[i * mini:(i + 1) * mini]
                 for i in chain(start, minifat, len(ministream) // mini + 1)]
        return b"".join(parts)[:length]
    return None


def used_ranges(data: bytes) -> dict[str, tuple[int, int, int]]:
    """Per sheet: ``(last row, last column, value cells)`` (row and column from 1).

    Raises ``struct.error`` or ``ValueError`` for a stream that is not BIFF.
    """
    stream = _stream(data)
    if stream is None:
        return {}
    names: dict[int, str] = {}
    out: dict[str, tuple[int, int, int]] = {}
    pos, n = 0, len(stream)
    sheet: str | None = None
    rows = cols = cells = 0
    while pos + 4 <= n:
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        if kind == _SHEET and length >= 8:
            offset = struct.unpack_from("<I", stream, body)[0]
            chars, flags = stream[body + 6], stream[body + 7]
            raw = stream[body + 8:body + 8 + chars * (2 if flags & 1 else 1)]
            names[offset] = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
        elif kind == _BOF:
            sheet = names.get(pos)
            rows = cols = cells = 0
        elif kind == _EOF:
            if sheet is not None:
                out[sheet] = (rows, cols, cells)
            sheet = None
        elif sheet is not None and length >= 4 and kind in _CELLS | {_MULRK}:
            row, col = struct.unpack_from("<HH", stream, body)
            if kind == _MULRK and length >= 6:
                last = struct.unpack_from("<H", stream, body + length - 2)[0]
                cells += max(1, last - col + 1)
                col = last
            else:
                cells += 1
            rows, cols = max(rows, row + 1), max(cols, col + 1)
        pos = body + length
    return out


def check_xls(path: Path, cell_limit: int) -> None:
    """Refuse ``path`` when a sheet's used range is far larger than its cells.

    A block of more than ``cell_limit`` cells (or eight times the sheet's value cells, when
    more) is refused, naming the sheet and its last cell. A file that is not a compound
    file of BIFF records is left for calamine to judge.
    """
    from gongjian.xlsx import column_letter

    try:
        ranges = used_ranges(path.read_bytes())
    except (struct.error, ValueError, IndexError):
        return
    for name, (rows, cols, cells) in ranges.items():
        if rows * cols > max(cell_limit, 8 * cells):
            raise LedgerError(
                f"{path.name} 的工作表「{name}」用到 {column_letter(cols)}{rows}，"
                f"范围远大于其中的 {cells:,} 个单元格（可能有误输入的单元格远在表格之外），"
                f"已拒绝读取；请删除该单元格后另存 "
                f"({path.name}: sheet {name} spans far more cells than it has)")
