"""Write one ledger table in the exact format of the spec: Chinese headers, CSV or Excel.

The demo and the synthetic generator both write through here. Frames use the English
column names of :mod:`gongjian.loaders.tables`; files get the canonical Chinese headers.
Excel files are made byte-reproducible (fixed zip timestamps and document times).

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> df = pd.DataFrame({"code": ["320102"], "name": ["玄武区"], "level": ["区"]})
>>> write_table(df, "regions", folder / "区域.csv").read_text("utf-8-sig").splitlines()[0]
'区划代码,名称,层级'
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from gongjian.loaders.tables import TABLES

__all__ = ["EXCEL_MAX_ROWS", "FIXED_TIME", "TableSink", "append_csv", "check_folder", "headers",
           "write_table"]

#: Data rows an Excel sheet can hold (1,048,576 rows less the header).
EXCEL_MAX_ROWS = 1_048_575

#: The time stamped into Excel files, so that the same data gives the same bytes.
FIXED_TIME = dt.datetime(2025, 6, 30, 0, 0, 0)


def headers(table: str, columns: list[str]) -> list[str]:
    """Chinese headers of the ledger table ``table`` for English ``columns``.

    Examples
    --------
    >>> headers("relations", ["source_id", "type"])
    ['甲方编码', '关系类型']
    """
    spec = TABLES[table]
    return [spec.column(c).zh for c in columns]


def check_folder(folder: Path, ours: set[str], lang: str = "zh") -> None:
    """Refuse a folder holding ledger files other than ``ours`` (they would mix with ours).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> check_folder(pathlib.Path(tempfile.mkdtemp()), {"党组织.csv"})
    """
    from gongjian.errors import GongjianError
    from gongjian.i18n import pick
    from gongjian.loaders.discovery import SUFFIXES, table_for_name

    if not folder.is_dir():
        return
    others = sorted(p.name for p in folder.iterdir()
                    if p.suffix.lower() in SUFFIXES and table_for_name(p.stem)
                    and p.name not in ours)
    if others:
        raise GongjianError(pick(
            lang, f"目录 {folder} 中已有其他台账文件：{'、'.join(others)}；请换一个空目录",
            f"{folder} already holds other ledger files: {', '.join(others)}; "
            "use an empty folder"))


def write_table(df: pd.DataFrame, table: str, path: Path, *, encoding: str = "utf-8-sig") -> Path:
    """Write ``df`` (English column names) as ledger table ``table`` to ``path``.

    ``.csv`` is written in ``encoding`` (``gbk`` for what Chinese Windows writes);
    ``.xlsx`` through openpyxl with date cells and a sheet named after the table.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = df.copy()
    out.columns = headers(table, list(df.columns))
    if path.suffix.lower() == ".csv":
        out.to_csv(path, index=False, encoding=encoding, lineterminator="\r\n",
                   date_format="%Y-%m-%d")
    elif path.suffix.lower() == ".xlsx":
        path.write_bytes(_xlsx_bytes(out, TABLES[table].zh))
    else:
        raise ValueError(f"unsupported ledger file type: {path.suffix}")
    return path


def append_csv(df: pd.DataFrame, table: str, path: Path, *, first: bool,
               encoding: str = "utf-8-sig", names: list[str] | None = None) -> None:
    """Write one chunk of a streamed CSV table: with the header when ``first``.

    ``names`` are the headers to write (default: the ledger table's Chinese headers).
    """
    out = df.copy(deep=False)
    out.columns = names if names is not None else headers(table, list(df.columns))
    if first:
        out.to_csv(path, index=False, encoding=encoding, lineterminator="\r\n")
    else:
        with open(path, "a", encoding=encoding.replace("-sig", ""), newline="") as fh:
            out.to_csv(fh, index=False, header=False, lineterminator="\r\n")


class TableSink:
    """Chunks of ledger tables appended to files as they come: CSV, or write-only Excel.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> sink = TableSink(folder, "xlsx", {"regions": "区域"})
    >>> sink.write("regions", pd.DataFrame({"code": ["320102"], "name": ["玄武区"],
    ...                                     "level": ["区"]}))
    >>> [p.name for p in sink.close().values()]
    ['区域.xlsx']

    ``extra`` gives the headers (English column → Chinese header) and sheet name of tables
    that are not ledger tables of :mod:`gongjian.loaders.tables`.
    """

    def __init__(self, folder: Path, fmt: str, stems: dict[str, str],
                 extra: dict[str, dict[str, str]] | None = None) -> None:
        if fmt not in ("csv", "xlsx"):
            raise ValueError(f"unsupported format {fmt}")
        self.fmt = fmt
        self.extra = extra or {}
        self.stems = stems
        self.paths = {key: Path(folder) / f"{stem}.{fmt}" for key, stem in stems.items()}
        self.started: set[str] = set()
        self.books: dict = {}

    def write(self, table: str, df: pd.DataFrame) -> None:
        """Append ``df`` (English column names) to the file of ``table``."""
        first = table not in self.started
        self.started.add(table)
        if table in self.extra:
            names = [self.extra[table][c] for c in df.columns]
            title = self.stems[table]
        else:
            names, title = headers(table, list(df.columns)), TABLES[table].zh
        if self.fmt == "csv":
            append_csv(df, table, self.paths[table], first=first, names=names)
            return
        if first:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet(title)
            sheet.append(names)
            self.books[table] = (book, sheet)
        sheet = self.books[table][1]
        for row in df.astype(object).where(df.notna(), None).itertuples(index=False, name=None):
            sheet.append(row)

    def close(self) -> dict[str, Path]:
        """Finish the files; return table → path."""
        for table, (book, _) in self.books.items():
            buf = io.BytesIO()
            book.save(buf)
            self.paths[table].write_bytes(_freeze_zip(buf.getvalue()))
        self.books.clear()
        return {k: p for k, p in self.paths.items() if k in self.started}


def _xlsx_bytes(df: pd.DataFrame, sheet: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(df.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in df.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "A2"
    wb.properties.created = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return _freeze_zip(buf.getvalue())


def _cell(value):
    if value is None or (not isinstance(value, (list, str)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _freeze_zip(data: bytes) -> bytes:
    """Rewrite an xlsx zip with fixed entry times and document times."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                                 rb"\g<1>" + stamp.encode(), content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, content)
    return out.getvalue()
