"""Options and helpers every command shares: output format, language, analysis date, graph input.

Commands stay thin: parse options, call one library function, hand the result to
:func:`emit`. Errors are the library's :class:`~gongjian.errors.GongjianError`; the app
turns them into one message and exit code 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, Optional

import typer
from rich.console import Console

from gongjian.output import write_frame

if TYPE_CHECKING:
    from gongjian.graph.io import TableSelection

__all__ = [
    "AsOfOpt",
    "FormatOpt",
    "GraphArg",
    "LangOpt",
    "OutputOpt",
    "emit",
    "err_console",
    "open_graph",
    "out_console",
    "parse_as_of",
]

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False)

FormatOpt = Annotated[Literal["table", "csv", "json", "xlsx"], typer.Option(
    "--format", "-f",
    help="输出格式 Output format: table (终端), csv (UTF-8 BOM, Excel 可直接打开), json, xlsx.")]
OutputOpt = Annotated[Optional[Path], typer.Option(
    "--output", "-o", help="写入文件 Write to this file instead of the terminal.")]
LangOpt = Annotated[Literal["zh", "en"], typer.Option(
    "--lang", help="语言 Language for people: zh or en.")]
AsOfOpt = Annotated[Optional[str], typer.Option(
    "--as-of", help="分析日期 Analysis date (default today), e.g. 2025-06-30 or 2025/6/30; "
                    "ties ended before it are inactive.")]
GraphArg = Annotated[Path, typer.Argument(
    help="图文件或台账目录 A graph file (from `gongjian build`) or a ledger folder.",
    show_default=False)]


def parse_as_of(text: str | None) -> dt.date | None:
    """Parse ``--as-of`` in any date form the ledgers accept; ``None`` means today."""
    if text is None:
        return None
    from gongjian.loaders.values import parse_date

    day = parse_date(text)
    if day is None:
        raise typer.BadParameter(f"不是日期 not a date: {text!r} (例 e.g. 2025-06-30)")
    return day


def open_graph(path: Path, tables: TableSelection | None = None):
    """Load a graph file or build from a ledger folder (with a progress bar).

    ``tables``: the only tables (and columns) the command needs from a graph file, as
    :data:`gongjian.queries.NEEDS` gives them (faster to open).
    """
    import gongjian

    return gongjian.load(path, tables=tables)


def emit(df, *, fmt: str, output: Path | None, labels=None, lang: str = "zh",
         title: str | None = None) -> None:
    """Write a result frame with the shared output options; say where a file went."""
    write_frame(df, fmt=fmt, output=output, labels=labels, lang=lang, title=title)
    if output is not None:
        err_console.print(f"已写入 {output}" if lang != "en" else f"wrote {output}")
