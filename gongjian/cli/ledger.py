"""Commands of the ledger group: ``check`` (validate a ledger folder) and ``init`` (templates)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from gongjian.cli.common import (
    FormatOpt,
    LangOpt,
    OutputOpt,
    check_outputs,
    emit,
    err_console,
    out_console,
)
from gongjian.i18n import pick

__all__ = ["check", "init", "register"]

LedgerArg = Annotated[Path, typer.Argument(help="台账目录 The ledger folder.",
                                           show_default=False)]
ConfigOpt = Annotated[Optional[Path], typer.Option(
    "--config", help="配置文件 gongjian.toml (表头映射 header mapping, max_file_size); "
                     "默认用台账目录中的 default: the one in the ledger folder.")]


def check(
    ledger: LedgerArg,
    strict: Annotated[bool, typer.Option(
        "--strict", help="严格模式：有任何错误都不载入 Strict: any error means nothing loads.")
    ] = False,
    problems: Annotated[Optional[Path], typer.Option(
        "--problems", help="写出问题清单 Write the problem list, e.g. 问题清单.xlsx.")] = None,
    rejects: Annotated[Optional[Path], typer.Option(
        "--rejects", help="把被拒绝的行写入此目录 Write rejected rows to this folder.")] = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = "zh",
    config: ConfigOpt = None,
) -> None:
    """检查台账：列出错误和警告，每张表一行汇总；有错误时退出码为 1。

    Check a ledger folder: list errors and warnings and a summary per table; exit 1 on errors.

    例 Example: gongjian check 台账/ --problems 问题清单.xlsx --rejects rejects/
    """
    from gongjian.graph.stream import check_file
    from gongjian.loaders import write_problems
    from gongjian.loaders.labels import PROBLEM_COLUMNS
    from gongjian.loaders.problems import localized, problems_frame

    check_outputs([output, problems], [rejects], inputs=[ledger, config])
    # read in chunks (the largest tables are never whole in memory); the same problems,
    # counts and rejected rows as read_ledger gives
    book = check_file(ledger, config=config, strict=strict, rejects=rejects)
    frame = localized(problems_frame(book.problems), lang).drop(
        columns=["message_en" if lang != "en" else "message"])
    if not frame.empty or output is not None:
        emit(frame, fmt=fmt, output=output, labels=PROBLEM_COLUMNS, lang=lang,
             title=pick(lang, "问题清单", "problems"))
    if problems is not None:
        write_problems(book.problems, problems, lang=lang)
        err_console.print(pick(lang, f"已写入 {problems}", f"wrote {problems}"))
    for path in book.rejects:
        err_console.print(pick(lang, f"已写入 {path}", f"wrote {path}"))
    table = book.counts(lang=lang)
    console = err_console if (fmt != "table" and output is None) else out_console
    for row in table.itertuples(index=False):
        console.print(pick(
            lang,
            f"{row.table}（{row.file}）：读取 {row.read} 行，载入 {row.loaded}，"
            f"拒绝 {row.rejected}，错误 {row.errors}，警告 {row.warnings}",
            f"{row.table} ({row.file}): {row.read} rows read, {row.loaded} loaded, "
            f"{row.rejected} rejected, {row.errors} errors, {row.warnings} warnings"),
            markup=False)
    if book.errors:
        raise typer.Exit(1)


def init(
    folder: Annotated[Optional[Path], typer.Argument(
        help="写入模板的目录 Folder for the templates.", show_default=False)] = None,
    lang: LangOpt = "zh",
    fmt: Annotated[Literal["xlsx", "csv"], typer.Option(
        "--format", "-f", help="模板格式 Template format: xlsx or csv.")] = "xlsx",
    force: Annotated[bool, typer.Option(
        "--force", help="覆盖已有文件 Overwrite existing files.")] = False,
    spec: Annotated[bool, typer.Option(
        "--spec", help="打印台账格式约定（ledgers.md）Print the ledger contract.")] = False,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="与 --spec 合用：写入此文件 With --spec: write it to this file.")
    ] = None,
) -> None:
    """生成空白台账模板（每张表一个文件，带下拉列表和说明）；--spec 打印台账格式约定。

    Write empty ledger templates, one file per table, with drop-down lists and notes; with
    --spec, print the ledger contract (or write it with -o).

    例 Example: gongjian init 台账/ ; gongjian init --spec -o 台账格式.md
    """
    from gongjian.errors import LedgerError
    from gongjian.loaders.templates import ledger_spec, write_templates

    if spec:
        if folder is not None:
            raise LedgerError(pick(lang, f"--spec 不生成模板，请去掉目录 {folder}",
                                   f"--spec writes no templates; leave out {folder}"))
        text = ledger_spec()
        if output is None:
            typer.echo(text, nl=False)
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as err:
            raise LedgerError(pick(lang, f"无法写入 {output}：{err.strerror}",
                                   f"cannot write {output}: {err.strerror}")) from err
        out_console.print(pick(lang, f"已写入 {output}", f"wrote {output}"), markup=False)
        return
    if output is not None:
        raise LedgerError(pick(lang, "-o 只能与 --spec 合用；模板写入目录参数",
                               "-o goes with --spec; templates go to the folder argument"))
    if folder is None:
        raise LedgerError(pick(lang, "请给出写入模板的目录，例如 gongjian init 台账/",
                               "give a folder for the templates, e.g. gongjian init 台账/"))
    for path in write_templates(folder, lang=lang, fmt=fmt, force=force):
        out_console.print(pick(lang, f"已写入 {path}", f"wrote {path}"), markup=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("check")(check)
    app.command("init")(init)
