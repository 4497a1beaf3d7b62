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
