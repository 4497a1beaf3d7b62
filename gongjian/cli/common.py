"""Options and helpers every command shares: output format, language, analysis date, graph input.

Commands stay thin: parse options, call one library function, hand the result to
:func:`emit`. Errors are the library's :class:`~gongjian.errors.GongjianError`; the app
turns them into one message and exit code 1.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

import typer
from rich.console import Console

from gongjian.errors import GongjianError
from gongjian.output import check_output_path, write_frame

if TYPE_CHECKING:
    from gongjian.graph.io import TableSelection

__all__ = [
    "AsOfOpt",
    "FormatOpt",
    "GraphArg",
    "LangOpt",
    "OutputOpt",
    "add_inputs",
    "at_least",
    "check_outputs",
    "emit",
    "err_console",
    "note_continued",
    "open_graph",
    "out_console",
    "parse_as_of",
    "reset_inputs",
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


def at_least(option: str, minimum: float, *, above: bool = False) -> Callable[[Any], Any]:
    """A typer callback refusing a number below ``minimum`` (``above``: not above it).

    The refusal is one clear message and exit code 1, like every other CLI failure.

    Examples
    --------
    >>> at_least("--depth", 1)(2)
    2
    >>> at_least("--depth", 1)(-3)
    Traceback (most recent call last):
    ...
    gongjian.errors.GongjianError: --depth 应不小于 1，收到 -3 (--depth must be at least 1, got -3)
    """
    def check(value):
        if value is None:
            return value
        if value < minimum or (above and value == minimum):
            if above:
                raise GongjianError(f"{option} 应大于 {minimum}，收到 {value} "
                                    f"({option} must be greater than {minimum}, got {value})")
            raise GongjianError(f"{option} 应不小于 {minimum}，收到 {value} "
                                f"({option} must be at least {minimum}, got {value})")
        return value

    return check


# --- inputs and outputs: no command writes over what it reads -------------------------

#: The files and folders the running command reads (see :func:`add_inputs`).
_INPUTS: list[Path] = []


def reset_inputs() -> None:
    """Forget the inputs of the previous command (the app calls this before each one)."""
    _INPUTS.clear()


def add_inputs(*paths: Path | str | None) -> None:
    """Record what the running command reads; :func:`check_outputs` refuses to write over it."""
    _INPUTS.extend(Path(p) for p in paths if p is not None and str(p) != "")


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return _real(a) == _real(b)


def _input_files(path: Path) -> Iterable[Path]:
    """An input and, for a folder (a ledger), every file in it."""
    yield path
    if path.is_dir():
        try:
            yield from (p for p in path.rglob("*") if p.is_file())
        except OSError:
            return


def check_outputs(files: Iterable[Path | None] = (), folders: Iterable[Path | None] = (), *,
                  inputs: Iterable[Path | str | None] = ()) -> None:
    """Refuse, with one clear message, an output that would write over an input or is unusable.

    ``files`` are files to write (not empty, not a folder), ``folders`` folders to write
    into (not a file). Inputs are ``inputs`` plus those recorded by :func:`add_inputs`;
    an input folder (a ledger) counts with every file in it. Paths are compared as real
    paths (symbolic links and ``..`` resolved), so no spelling of an input gets through;
    two outputs naming the same file are refused too.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "党组织.csv").write_text("组织编码\\n", encoding="utf-8")
    >>> check_outputs([folder / "问题清单.csv"], inputs=[folder])
    >>> check_outputs([folder / ".." / folder.name / "党组织.csv"], inputs=[folder])
    Traceback (most recent call last):
    ...
    gongjian.errors.GongjianError: 不能写入 ...
    """
    add_inputs(*inputs)
    files = [Path(p) if str(p).strip() else p for p in files if p is not None]
    folders = [Path(p) if str(p).strip() else p for p in folders if p is not None]
    for path in files:
        check_output_path(path)
    for path in folders:
        if str(path).strip() == "":
            raise GongjianError("输出目录名为空：请给出目录 (the output folder name is empty)")
        if path.exists() and not path.is_dir():
            raise GongjianError(f"{path} 是文件，这里要的是目录：请给出目录名 "
                                f"(is a file: give a folder)")
    every = [*files, *folders]
    for i, path in enumerate(every):
        if any(_same(path, other) for other in every[:i]):
            raise GongjianError(f"两个输出都指向 {path}：请给出不同的文件名 "
                                f"(two outputs name the same file: give different names)")
    for source in _INPUTS:
        for found in _input_files(source):
            for path in every:
                if _same(path, found):
                    what = "输入" if found == source else f"输入 {source} 中的文件"
                    raise GongjianError(
                        f"不能写入 {path}：它是本命令的{what}，写入会毁掉它；请换一个输出位置 "
                        f"(cannot write {path}: it is an input of this command and would "
                        f"be destroyed; choose another output)")


def open_graph(path: Path, tables: TableSelection | None = None):
    """Load a graph file or build from a ledger folder (with a progress bar).

    ``tables``: the only tables (and columns) the command needs from a graph file, as
    :data:`gongjian.queries.NEEDS` gives them (faster to open). The path is recorded as
    an input: no output of the command may write over it.
    """
    import gongjian

    add_inputs(path)
    return gongjian.load(path, tables=tables)


def emit(df, *, fmt: str, output: Path | None, labels=None, lang: str = "zh",
         title: str | None = None, convert=None) -> None:
    """Write a result frame with the shared output options; say where a file went.

    The output is checked against the command's inputs first (:func:`check_outputs`). An
    XLSX result continued on further sheets (past Excel's row limit) says so. ``convert``
    is applied to each chunk of rows as it is written (:data:`gongjian.output.Convert`).
    """
    check_outputs([output])
    sheets = write_frame(df, fmt=fmt, output=output, labels=labels, lang=lang, title=title,
                         convert=convert)
    if output is not None:
        err_console.print(f"已写入 {output}" if lang != "en" else f"wrote {output}",
                          markup=False)
    note_continued(sheets, lang)


def note_continued(sheets: list[str] | None, lang: str = "zh") -> None:
    """Say on stderr that a result ran past Excel's row limit and continues on more sheets."""
    if sheets and len(sheets) > 1:
        from gongjian.output import XLSX_MAX_ROWS

        err_console.print(
            f"结果超过 Excel 每张工作表 {XLSX_MAX_ROWS:,} 行的上限，已续写到工作表："
            f"{'、'.join(sheets)}" if lang != "en" else
            f"the result is longer than Excel's {XLSX_MAX_ROWS:,} rows a sheet; it continues "
            f"on the sheets {', '.join(sheets)}", markup=False)
