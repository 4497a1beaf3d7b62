"""Helpers of the loader tests: write real workbooks and patch their XML by hand."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path


def rewrite_part(path: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """Rewrite the XML part ``part`` of the ``.xlsx`` at ``path`` with ``change``."""
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info.filename, change(data) if info.filename == part else data)
    return path


def set_cell_xml(path: Path, ref: str, xml: bytes, part: str = "xl/worksheets/sheet1.xml"
                 ) -> Path:
    """Replace the whole ``<c r="ref" …>…</c>`` element of cell ``ref`` with ``xml``."""
    import re

    def change(data: bytes) -> bytes:
        pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
        new, n = pattern.subn(xml, data, count=1)
        assert n == 1, f"cell {ref} not found"
        return new

    return rewrite_part(path, part, change)


def share_strings(path: Path, strings: list[str], part: str = "xl/worksheets/sheet1.xml"
                  ) -> Path:
    """Turn the inline text cells holding ``strings`` into shared-string cells, as Excel
    writes them (openpyxl writes inline strings): one ``xl/sharedStrings.xml`` entry each."""
    import re
    from xml.sax.saxutils import escape

    index = {s: i for i, s in enumerate(strings)}

    def cells(data: bytes) -> bytes:
        def shared(m: re.Match) -> bytes:
            text = m.group(2).decode()
            if text not in index:
                return m.group(0)
            return m.group(1) + b' t="s"><v>' + str(index[text]).encode() + b"</v></c>"

        return re.sub(rb'(<c r="[A-Z]+[0-9]+"[^>]*?) t="inlineStr"><is><t>(.*?)</t></is></c>',
                      shared, data)

    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
           f'spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'
           + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>").encode()
    rewrite_part(path, part, cells)
    rewrite_part(path, "xl/_rels/workbook.xml.rels", lambda d: d.replace(
        b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>"))
    rewrite_part(path, "[Content_Types].xml", lambda d: d.replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as out:
        out.writestr("xl/sharedStrings.xml", sst)
    return path
