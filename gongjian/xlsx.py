"""Write an ``.xlsx`` workbook sheet by sheet, row by row, straight into the zip.

openpyxl builds an object and an XML element for every cell; for the large results (a
coverage plan of 100,000 rows, a problem list of a province) that is most of the time an
``analyze`` takes. This writer knows only what the result workbooks use — text, numbers,
booleans, a bold shaded header row, percentage cells, column widths, a frozen header and
filters — and writes each row as one string, streamed into the zip entry of its sheet
(one sheet at a time, so memory does not grow with the rows). Text goes in inline
(``inlineStr``), so no table of shared strings is held; characters XML cannot carry are
dropped. Excel, WPS, LibreOffice, openpyxl and calamine read the result.

Examples
--------
>>> import tempfile, pathlib
>>> from openpyxl import load_workbook
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
>>> with XlsxBook(path) as book:
...     sheet = book.sheet("孤岛", widths=[10, 8], percent=[False, True])
...     sheet.header(["名称", "覆盖率"])
...     sheet.rows([["甲 & 乙", 0.5], ["<丙>", None]])
...     sheet.close()
>>> ws = load_workbook(path)["孤岛"]
>>> [[c.value for c in row] for row in ws.iter_rows()]
[['名称', '覆盖率'], ['甲 & 乙', 0.5], ['<丙>', None]]
>>> ws.freeze_panes, ws.auto_filter.ref, ws["B2"].number_format, ws["A1"].font.b
('A2', 'A1:B3', '0.0%', True)
"""

from __future__ import annotations

import math
import numbers
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

__all__ = ["XlsxBook", "XlsxSheet", "column_letter"]

_NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
#: Styles: 0 plain, 1 header (bold, shaded), 2 percentage (one decimal).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet {_NS}>'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFCE4D6"/></patternFill></fill>'
    '</fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" '
    'applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
# Characters XML 1.0 cannot carry (C0 controls but tab and line breaks, lone surrogates,
# U+FFFE/U+FFFF): dropped from text.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def column_letter(col: int) -> str:
    """The letters of column ``col`` (1 = ``A``).

    Examples
    --------
    >>> column_letter(1), column_letter(28), column_letter(16384)
    ('A', 'AB', 'XFD')
    """
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text


def _attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


class XlsxSheet:
    """One sheet being written (from :meth:`XlsxBook.sheet`); rows go straight to the file."""

    def __init__(self, stream: IO[bytes], widths: Sequence[float],
                 percent: Sequence[bool]) -> None:
        self._stream = stream
        self._percent = list(percent)
        self._letters = [column_letter(i + 1) for i in range(len(widths))]
        self.rows_written = 0
        cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                       for i, w in enumerate(widths, start=1))
        self._write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet {_NS}><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")

    def _write(self, text: str) -> None:
        self._stream.write(text.encode("utf-8"))

    def header(self, cells: Sequence[Any]) -> None:
        """Write the header row: bold, shaded."""
        self._row(cells, header=True)

    def rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Write rows of cells: ``str``, ``int``, ``float``, ``bool`` or ``None`` (empty)."""
        parts = []
        for cells in rows:
            parts.append(self._row_xml(cells, False))
            if len(parts) >= 1000:
                self._write("".join(parts))
                parts.clear()
        if parts:
            self._write("".join(parts))

    def _row(self, cells: Sequence[Any], header: bool) -> None:
        self._write(self._row_xml(cells, header))

    def _row_xml(self, cells: Sequence[Any], header: bool) -> str:
        self.rows_written += 1
        r = self.rows_written
        out = [f'<row r="{r}">']
        for i, value in enumerate(cells):
            if value is None or value == "":
                continue
            ref = f"{self._letters[i]}{r}"
            style = ' s="1"' if header else ""
            if isinstance(value, bool):
                out.append(f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>')
            elif (type(value) in (int, float) or isinstance(value, numbers.Real)) \
                    and math.isfinite(value):
                if not header and self._percent[i]:
                    style = ' s="2"'
                if type(value) not in (int, float):
                    value = int(value) if isinstance(value, numbers.Integral) else float(value)
                out.append(f'<c r="{ref}"{style}><v>{value!r}</v></c>')
            else:
                text = _escape(value if isinstance(value, str) else str(value))
                out.append(f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">'
                           f'{text}</t></is></c>')
        out.append("</row>")
        return "".join(out)

    @property
    def last_column(self) -> str:
        """Letters of the last column ('' for a sheet without columns)."""
        return self._letters[-1] if self._letters else ""

    def close(self) -> None:
        """End the sheet: filters over the rows written."""
        rows = max(self.rows_written, 1)
        filters = f'<autoFilter ref="A1:{self.last_column}{rows}"/>' if self._letters else ""
        self._write(f"</sheetData>{filters}"
                    '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
                    'footer="0.5"/></worksheet>')
        self._stream.close()


class XlsxBook:
    """A workbook written to ``path``: :meth:`sheet` after :meth:`sheet`, then :meth:`close`.

    Only one sheet is open at a time; a sheet must be closed before the next is opened.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[tuple[str, XlsxSheet]] = []

    def __enter__(self) -> XlsxBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sheet(self, title: str, *, widths: Sequence[float],
              percent: Sequence[bool] | None = None) -> XlsxSheet:
        """Open sheet ``title`` (a valid, unique Excel sheet name) with column ``widths``."""
        n = len(self._sheets) + 1
        stream = self._zip.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True)
        sheet = XlsxSheet(stream, widths, percent or [False] * len(widths))
        self._sheets.append((title, sheet))
        return sheet

    def close(self) -> None:
        """Write the workbook's parts and close the file."""
        if self._zip.fp is None:
            return
        n = len(self._sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            f'ContentType="{_CT}.worksheet+xml"/>' for i in range(1, n + 1))
        self._zip.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            f"{overrides}</Types>"))
        self._zip.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        sheets = "".join(f'<sheet name="{_attr(t)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, (t, _) in enumerate(self._sheets, start=1))
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"'{_attr(t).replace(chr(39), chr(39) * 2)}'!$A$1:"
            f"${s.last_column}${max(s.rows_written, 1)}</definedName>"
            for i, (t, s) in enumerate(self._sheets) if s.last_column)
        self._zip.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook {_NS}><bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>'
            + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>"))
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
                       f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
        rels += (f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" '
                 'Target="styles.xml"/>')
        self._zip.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>'))
        self._zip.writestr("xl/styles.xml", _STYLES)
        self._zip.close()
