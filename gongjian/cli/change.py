"""Commands of change and of the whole job: ``diff`` and ``analyze``.

``diff`` lists what changed between two graphs (or ledger folders), or in one graph between
two dates; ``analyze`` runs check, build, every analysis, the report and the pages in one
process and prints the files it wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from gongjian.cli.common import (
    AsOfOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    emit,
    err_console,
    out_console,
    parse_as_of,
)
from gongjian.errors import GongjianError
from gongjian.i18n import pick

_SeedOpt = Annotated[int, typer.Option(
    "--seed", help="随机种子 Seed: the same seed gives the same result.")]


def diff_command(
    old: Annotated[Path, typer.Argument(
        help="上期：图文件或台账目录（只给一个时用 --from/--to 比较两个日期）"
             "The earlier graph file or ledger folder (alone: one graph at two dates).",
        show_default=False)],
    new: Annotated[Optional[Path], typer.Argument(
        help="本期：图文件或台账目录 The later graph file or ledger folder.",
        show_default=False)] = None,
    as_of: AsOfOpt = None,
    as_of_old: Annotated[Optional[str], typer.Option(
        "--as-of-old", help="上期的分析日期 Analysis date of OLD (default --as-of).",
        show_default=False)] = None,
    as_of_new: Annotated[Optional[str], typer.Option(
        "--as-of-new", help="本期的分析日期 Analysis date of NEW (default --as-of).",
        show_default=False)] = None,
    date_from: Annotated[Optional[str], typer.Option(
        "--from", help="同一图谱：起始日期 One graph: the earlier date.",
        show_default=False)] = None,
    date_to: Annotated[Optional[str], typer.Option(
        "--to", help="同一图谱：结束日期（默认今天）One graph: the later date (default today).",
        show_default=False)] = None,
    seed: _SeedOpt = 0,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """变化：新增/撤销组织、新增/终止共建关系、孤岛、关键节点、跨区片区、各区覆盖率 What changed.

    Two graphs (or ledger folders), both analysed on --as-of (default today), or one graph
    at two dates with --from and --to. Each change is one row; JSON rows have the keys
    change, id, name, district, detail.

    例 Example:  gongjian diff 2024年台账/ 2025年台账/ --as-of 2025-06-30

    例 Example:  gongjian diff 图.gjg --from 2024-12-31 --to 2025-06-30 -f json
    """
    from gongjian.queries import LABELS, diff, for_people
    from gongjian.queries.diff import DIFF_NEEDS

    if new is None:
        if date_from is None:
            raise GongjianError(pick(
                lang, "只给一个图谱时需要 --from（和 --to）：比较同一图谱的两个日期",
                "with one graph, give --from (and --to): it is compared at two dates"))
        if as_of_old or as_of_new or as_of:
            raise GongjianError(pick(
                lang, "同一图谱用 --from/--to，不用 --as-of", "one graph: use --from/--to"))
        day_old, day_new = parse_as_of(date_from), parse_as_of(date_to)
    else:
        if date_from or date_to:
            raise GongjianError(pick(
                lang, "两个图谱用 --as-of（或 --as-of-old/--as-of-new），--from/--to 用于同一图谱",
                "two graphs: use --as-of (or --as-of-old/--as-of-new); --from/--to are for "
                "one graph"))
        day_old = parse_as_of(as_of_old or as_of)
        day_new = parse_as_of(as_of_new or as_of)
    import gongjian

    old_kg = gongjian.load(old, tables=DIFF_NEEDS)
    new_kg = old_kg if new is None else gongjian.load(new, tables=DIFF_NEEDS)
    from gongjian.progress import progress

    with progress(pick(lang, "比较变化", "comparing")):
        df = diff(old_kg, new_kg, as_of_old=day_old, as_of_new=day_new, seed=seed, lang=lang)
    counts = df["change"].value_counts()
    from gongjian import schema

    parts = "、".join(f"{schema.label(schema.CHANGES, c, lang)} {int(counts[c])}"
                     for c in schema.CHANGES if c in counts.index)
    title = pick(lang, f"变化 {len(df)} 项" + (f"：{parts}" if parts else ""),
                 f"{len(df)} changes" + (f": {parts}" if parts else ""))
    people = df if fmt == "json" else for_people(df, "diff", lang)
    emit(people, fmt=fmt, output=output, labels=LABELS["diff"], lang=lang, title=title)


def analyze_command(
    source: Annotated[Path, typer.Argument(
        help="台账目录或图文件 A ledger folder or a graph file.", show_default=False)],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="输出目录 Folder to write everything to.",
        show_default=False)],
    as_of: AsOfOpt = None,
    compare: Annotated[Optional[Path], typer.Option(
        "--compare", help="与上期比较：图文件或台账目录 Compare with an earlier graph or "
                          "ledger (a 变化 sheet).", show_default=False)] = None,
    seed: _SeedOpt = 0,
    lang: LangOpt = "zh",
) -> None:
    """一条命令完成全部工作：问题清单、图谱、全部分析、分析报告、网络页面 The whole job.

    Check the ledger, build and save the graph, run every analysis into one workbook (a
    sheet each), write the report and the pages (split by street when large) and, with
    --compare, what changed. Never writes over its inputs.

    例 Example:  gongjian analyze 台账/ -o 结果/ --as-of 2025-06-30

    例 Example:  gongjian analyze 2025年台账/ -o 结果/ --compare 2024年图谱.gjg
    """
    from rich.table import Table

    from gongjian.analyze import analyze

    day = parse_as_of(as_of)
    result = analyze(source, output, as_of=day, compare=compare, lang=lang, seed=seed)
    table = Table(title=pick(lang, f"已写入 {output}（分析日期 {result.as_of}）",
                             f"written to {output} (as of {result.as_of})"),
                  header_style="bold")
    for header in (pick(lang, "内容", "what"), pick(lang, "文件", "file"),
                   pick(lang, "大小", "size")):
        table.add_column(header, overflow="fold")
    for row in result.frame(lang).itertuples(index=False):
        table.add_row(*row)
    out_console.print(table)
    if "problems" in result.files:
        err_console.print(pick(
            lang, f"台账问题：错误 {result.errors} 个，提醒 {result.warnings} 个",
            f"ledger problems: {result.errors} errors, {result.warnings} warnings"))
    if result.changes is not None:
        err_console.print(pick(lang, f"与 {compare} 相比变化 {len(result.changes)} 项",
                               f"{len(result.changes)} changes since {compare}"))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("analyze")(analyze_command)
    app.command("diff")(diff_command)
