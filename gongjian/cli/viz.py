"""Commands of the viz group: ``viz`` (network pages) and ``report`` (the one-file report)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from gongjian.cli.common import (
    AsOfOpt,
    GraphArg,
    LangOpt,
    at_least,
    check_outputs,
    err_console,
    open_graph,
    parse_as_of,
)
from gongjian.errors import GongjianError
from gongjian.i18n import pick
from gongjian.schema import split_values

_PageOut = Annotated[Path, typer.Option(
    "--output", "-o", help="输出的 HTML 文件（--split-by 时为目录） The HTML file to write "
                           "(a folder with --split-by).", show_default=False)]
_CompareOpt = Annotated[Optional[Path], typer.Option(
    "--compare", help="与上期比较：图文件或台账目录 Compare with an earlier graph file or "
                      "ledger folder and show what changed.", show_default=False)]
_AsOfOldOpt = Annotated[Optional[str], typer.Option(
    "--as-of-old", help="上期的分析日期（默认同 --as-of） Analysis date of --compare "
                        "(default --as-of).", show_default=False)]
_ReportOut = Annotated[Path, typer.Option(
    "--output", "-o", help="输出的 HTML 报告 The HTML report to write.", show_default=False)]


def viz_command(
    graph: GraphArg,
    output: _PageOut,
    district: Annotated[Optional[str], typer.Option(help="只看一个区 Only this district.")] = None,
    street: Annotated[Optional[str], typer.Option(help="只看一个街道 Only this street.")] = None,
    cluster: Annotated[Optional[str], typer.Option(
        help="只看一个片区（gongjian clusters 的编号） Only this cluster.")] = None,
    around: Annotated[Optional[str], typer.Option(
        help="以某组织（编码或名称）为中心 Ego network of this organization (id or name).")] = None,
    depth: Annotated[int, typer.Option(
        callback=at_least("--depth", 1), help="--around 的层数 Ties away from --around.")] = 1,
    kinds: Annotated[Optional[str], typer.Option(
        help="只看这些类别，逗号分隔 Only these kinds, comma-separated.")] = None,
    as_of: AsOfOpt = None,
    color_by: Annotated[Literal["kind", "cluster", "district"], typer.Option(
        help="着色 Colour nodes by kind, cluster or district.")] = "kind",
    highlight: Annotated[str, typer.Option(
        help="标注 Mark islands,bridges,clusters (comma-separated) or none.")]
        = "islands,bridges,clusters",
    split_by: Annotated[Optional[Literal["district", "street"]], typer.Option(
        help="每个区/街道一页，外加 index.html One page per district or street, "
             "with an index.html.")] = None,
    include_personal: Annotated[bool, typer.Option(
        help="显示书记和电话（已打码） Show secretary and phone (masked).")] = False,
    unmasked: Annotated[bool, typer.Option(
        help="与 --include-personal 一起：不打码 With --include-personal: unmasked.")] = False,
    max_nodes: Annotated[int, typer.Option(
        callback=at_least("--max-nodes", 1),
        help="超过此数按街道汇总 Above this many organizations, group by street.")] = 3000,
    compare: _CompareOpt = None,
    as_of_old: _AsOfOldOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """画出共建关系网络（独立 HTML） Draw the co-building network as a self-contained page.

    With --compare, what is new since the earlier graph or ledger is marked (new
    organizations as stars, new ties as thick lines) with a "只看变化" filter.

    例 Example:  gongjian viz 图.gjg -o 网络.html --district 玄武区

    例 Example:  gongjian viz 2025年台账/ -o 网络.html --compare 2024年图谱.gjg
    """
    from gongjian.viz import render, write_split
    from gongjian.viz.page import PAGE_NEEDS

    marks = () if highlight.strip().lower() == "none" else tuple(split_values(highlight))
    common = dict(lang=lang, as_of=parse_as_of(as_of), highlight=marks, color_by=color_by,
                  kinds=split_values(kinds) or None, include_personal=include_personal,
                  unmasked=unmasked, max_nodes=max_nodes)
    inputs = [graph] + ([compare] if compare is not None else [])
    if split_by:
        check_outputs(folders=[output], inputs=inputs)
    else:
        check_outputs([output], inputs=inputs)
    kg = open_graph(graph, _needs(PAGE_NEEDS, compare))
    common["changes"] = _changes(kg, compare, as_of, as_of_old, lang)
    if split_by:
        target = write_split(kg, output, by=split_by, **common)
    else:
        target = render(kg, output, district=district, street=street, cluster=cluster,
                        around=around, depth=depth, **common)
    err_console.print(pick(lang, f"已写入 {target}", f"wrote {target}"))


def report_command(graph: GraphArg, output: _ReportOut, as_of: AsOfOpt = None,
                   compare: _CompareOpt = None, as_of_old: _AsOfOldOpt = None,
                   lang: LangOpt = "zh") -> None:
    """生成分析报告（HTML，可打印） Write the analysis report (HTML, printable on A4).

    With --compare, a 变化 section: the count per kind of change since the earlier graph
    or ledger, and the lists of each.

    例 Example:  gongjian report 图.gjg -o 报告.html --as-of 2025-06-30

    例 Example:  gongjian report 2025年台账/ -o 报告.html --compare 2024年台账/
    """
    from gongjian.queries.coverage import COVERAGE_NEEDS
    from gongjian.viz import write_report
    from gongjian.viz.report import REPORT_NEEDS, REPORT_NETWORK_NEEDS, report_coverage

    check_outputs([output], inputs=[graph] + ([compare] if compare is not None else []))
    coverage = None
    if graph.is_file():  # the 两新组织 first and alone, then the network without them
        coverage = report_coverage(open_graph(graph, COVERAGE_NEEDS), lang)
        kg = open_graph(graph, _needs(REPORT_NETWORK_NEEDS, compare))
    else:
        kg = open_graph(graph, _needs(REPORT_NEEDS, compare))
    target = write_report(kg, output, as_of=parse_as_of(as_of), lang=lang,
                          changes=_changes(kg, compare, as_of, as_of_old, lang),
                          coverage=coverage)
    err_console.print(pick(lang, f"已写入 {target}", f"wrote {target}"))


def _needs(needs: dict, compare: Path | None) -> dict:
    """What the command reads from its graph file: ``needs``, and with ``--compare`` what
    :func:`gongjian.diff` reads of the newer side too."""
    if compare is None:
        return needs
    from gongjian.graph.io import merge_needs
    from gongjian.queries.diff import DIFF_NEEDS

    return merge_needs(needs, DIFF_NEEDS)


def _changes(kg, compare: Path | None, as_of: str | None, as_of_old: str | None,
             lang: str):
    """What changed from ``compare`` (on ``as_of_old``, default ``as_of``) to ``kg`` (on
    ``as_of``), or None without ``compare``."""
    if compare is None:
        if as_of_old is not None:
            raise GongjianError(pick(lang, "--as-of-old 需与 --compare 一起使用",
                                     "--as-of-old needs --compare"))
        return None
    from gongjian.progress import progress
    from gongjian.queries import diff
    from gongjian.queries.diff import DIFF_NEEDS

    old = open_graph(compare, tables=DIFF_NEEDS)
    with progress(pick(lang, "比较变化", "comparing")):
        return diff(old, kg, as_of_old=parse_as_of(as_of_old or as_of),
                    as_of_new=parse_as_of(as_of), lang=lang)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("viz")(viz_command)
    app.command("report")(report_command)
