"""Decode a CSV file whatever Excel or WPS saved it as, without asking.

Order: a byte-order mark (UTF-8, UTF-16 LE/BE), then strict UTF-8, then GB18030 (a
superset of GBK and GB2312). Bytes that are none of these, or that are plainly not text
(a picture, a zip or an Excel file renamed ``.csv``), give one :class:`LedgerError`.

Examples
--------
>>> to_utf8("组织编码\\n".encode("gbk"), "党组织.csv")
(b'\\xe7\\xbb\\x84\\xe7\\xbb\\x87\\xe7\\xbc\\x96\\xe7\\xa0\\x81\\n', 'gb18030')
>>> to_utf8(b"\\xef\\xbb\\xbfid\\n", "a.csv")
(b'id\\n', 'utf-8-sig')
"""

from __future__ import annotations

import codecs

from gongjian.errors import LedgerError

__all__ = ["sniff_binary", "to_utf8"]

_MAGIC = {
    b"\x89PNG": "PNG 图片 (PNG image)",
    b"\xff\xd8\xff": "JPEG 图片 (JPEG image)",
    b"GIF8": "GIF 图片 (GIF image)",
    b"%PDF": "PDF 文件 (PDF file)",
    b"PK\x03\x04": "ZIP 压缩包或 .xlsx 文件 (a zip or .xlsx file)",
    b"\xd0\xcf\x11\xe0": ".xls 或其他 Office 文件 (an .xls or other Office file)",
}
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 13))


def sniff_binary(head: bytes) -> str | None:
    """Name what ``head`` (the first bytes of a file) looks like when it is not text.

    Examples
    --------
    >>> sniff_binary(b"\\x89PNG\\r\\n")
    'PNG 图片 (PNG image)'
    >>> sniff_binary("组织编码,组织名称".encode()) is None
    True
    """
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            return what
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    sample = head[:4096]
    if sample and sum(sample.count(c) for c in _CONTROL) > max(8, len(sample) // 20):
        return "二进制数据 (binary data)"
    return None


def to_utf8(data: bytes, name: str) -> tuple[bytes, str]:
    """Return the CSV bytes re-encoded as UTF-8 (no BOM) and the encoding found.

    Raises :class:`LedgerError` naming ``name`` when the bytes are not text in any of
    the accepted encodings.
    """
    what = sniff_binary(data[:8192])
    if what:
        raise LedgerError(f"{name} 不是 CSV 文本文件，看起来是{what}；请另存为 CSV 或 Excel "
                          f"({name} is not a CSV text file)")
    try:
        for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                         (codecs.BOM_UTF16_BE, "utf-16")):
            if data.startswith(bom):
                if enc == "utf-8-sig":
                    data[3:].decode("utf-8")
                    return data[3:], enc
                return data.decode(enc).encode("utf-8"), enc
    except UnicodeDecodeError as err:
        raise LedgerError(f"{name} 有字节顺序标记（BOM）但内容不是该编码，位置 {err.start} "
                          f"({name} has a BOM but bytes at {err.start} do not decode)") from err
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030").encode("utf-8"), "gb18030"
    except UnicodeDecodeError as err:
        raise unknown_encoding(name, err.start) from err


def unknown_encoding(name: str, at: int | None = None) -> LedgerError:
    """The error for a file in none of the accepted encodings (``at``: first bad byte).

    Examples
    --------
    >>> "第 12 字节起" in str(unknown_encoding("党组织.csv", 12))
    True
    """
    where = f"第 {at} 字节起无法解码；" if at is not None else ""
    return LedgerError(
        f"{name} 的编码无法识别（不是 UTF-8、GB18030/GBK 或带 BOM 的 UTF-16），"
        f"{where}请在 Excel 中另存为「CSV UTF-8」 "
        f"({name}: unknown encoding, not UTF-8, GB18030/GBK or UTF-16 with BOM)")
