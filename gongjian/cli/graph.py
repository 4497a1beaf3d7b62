"""Commands of the graph group: ``build`` (ledger → graph file), ``info`` (what a graph holds)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from gongjian.cli.common import (
    FormatOpt,
    GraphArg,
    LangOpt,
    OutputOpt,
    check_outputs,
    emit,
    err_console,
    open_graph,
    out_console,
)
from gongjian.i18n import pick

_LedgerArg = Annotated[Path, typer.Argument(
    help="台账目录（或已有的图文件）A ledger folder (or an existing graph file).",
    show_default=False)]
_GraphOut = Annotated[Optional[Path], typer.Option(
    "--output", "-o", help="图文件 The graph file to write (default: LEDGER.gjg beside it).",
    show_default=False)]
_StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="严格模式：台账有任何错误则不生成 Build nothing if the ledger has any error.")]
_ConfigOpt = Annotated[Optional[Path], typer.Option(
    "--config", help="配置文件 A gongjian.toml (e.g. other header names) to use.",
    show_default=False)]


def build_command(ledger: _LedgerArg, output: _GraphOut = None, strict: _StrictOpt = False,
                  config: _ConfigOpt = None, lang: LangOpt = "zh") -> None:
    """读取台账并生成图文件 Read a ledger folder and write the knowledge graph file.

    例 Example:  gongjian build 台账/ -o 图.gjg
    """
    from gongjian.graph.info import INFO_LABELS, table_rows
    from gongjian.graph.io import GRAPH_SUFFIX, load, save
    from gongjian.graph.stream import build_file

    resolved = ledger.resolve()
    target = output if output is not None else resolved.with_name(resolved.name + GRAPH_SUFFIX)
    check_outputs([target], inputs=[ledger, config])
    if ledger.is_dir():  # read in chunks, written as it is made
        built = build_file(ledger, target, config=config, strict=strict)
        target, counts, meta = built.path, built.counts, built.meta
    else:
        kg = load(ledger, config=config, strict=strict)
        target = save(kg, target)
        counts, meta = kg.counts(), kg.meta
    emit(table_rows(counts, lang=lang), fmt="table", output=None, labels=INFO_LABELS,
         lang=lang)
    err_console.print(pick(lang, f"已写入 {target}", f"wrote {target}"))
    rejected, problems = meta.get("rejected_rows", 0), meta.get("problems", {})
    warnings = problems.get("warnings", 0)
    if rejected:
        err_console.print(pick(
            lang, f"台账有 {rejected} 行因错误未纳入图谱（另有 {warnings} 条提醒）；"
                  f"运行 gongjian check {ledger} 查看问题清单",
            f"{rejected} ledger rows were left out because of errors ({warnings} warnings); "
            f"run `gongjian check {ledger}` to see them"))
    elif warnings:
        err_console.print(pick(
            lang, f"台账没有错误，有 {warnings} 条提醒；运行 gongjian check {ledger} 查看",
            f"no errors in the ledger, {warnings} warnings; run `gongjian check {ledger}`"))


def info_command(graph: GraphArg, fmt: FormatOpt = "table", output: OutputOpt = None,
                 lang: LangOpt = "zh") -> None:
    """图谱概况：按类别、关系类型、区统计 Counts by kind, relation type and district.

    例 Example:  gongjian info 图.gjg   ·   gongjian info 台账/ -f xlsx -o 概况.xlsx
    """
    from gongjian.graph.info import (
        INFO_LABELS,
        INFO_NEEDS,
        INFO_SECTIONS,
        OPTIONAL_SECTIONS,
        TITLE,
        flatten,
        summarize,
    )

    check_outputs([output], inputs=[graph])
    kg = open_graph(graph, INFO_NEEDS)
    parts = summarize(kg, lang=lang)
    if fmt != "table" or output is not None:
        emit(flatten(parts, lang=lang), fmt=fmt, output=output, labels=INFO_LABELS, lang=lang,
             title=pick(lang, *TITLE))
        return
    meta = kg.meta
    if meta.get("source") or meta.get("built"):
        out_console.print(pick(lang, f"来源 {meta.get('source', '?')} · 生成于 "
                                     f"{meta.get('built', '?')}",
                               f"source {meta.get('source', '?')} · built "
                               f"{meta.get('built', '?')}"), markup=False)
    for name, df in parts.items():
        if name in OPTIONAL_SECTIONS and df.empty:
            continue
        emit(df, fmt="table", output=None, labels=INFO_LABELS, lang=lang,
             title=pick(lang, *INFO_SECTIONS[name]))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("build")(build_command)
    app.command("info")(info_command)
