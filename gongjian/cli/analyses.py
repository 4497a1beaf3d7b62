"""Commands of the analyses group: islands, bridges, clusters, coverage, summary.

Each takes a graph file or a ledger folder, runs one function of :mod:`gongjian.queries`
and writes the rows: tables, CSV and XLSX with Chinese (or English) headers and labels,
JSON with the stable English keys and codes.
"""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import Annotated, Literal, Optional

import pandas as pd
import typer

from gongjian.cli.common import (
    AsOfOpt,
    FormatOpt,
    GraphArg,
    LangOpt,
    OutputOpt,
    at_least,
    check_outputs,
    emit,
    err_console,
    note_continued,
    open_graph,
    parse_as_of,
)
from gongjian.i18n import pick
from gongjian.progress import progress

_SeedOpt = Annotated[int, typer.Option(
    "--seed", help="随机种子 Seed: the same seed gives the same result.")]
_KindsOpt = Annotated[Optional[str], typer.Option(
    "--kinds", help="只列这些组织类别（逗号分隔，中英文均可）Kinds to list, comma-separated, "
                    "e.g. unit,industry (default: every kind expected to co-build).",
    show_default=False)]
_TopOpt = Annotated[Optional[int], typer.Option(
    "--top", callback=at_least("--top", 1),
    help="只显示前 N 个 Show the first N only.", show_default=False)]
_SamplesOpt = Annotated[Optional[int], typer.Option(
    "--samples", callback=at_least("--samples", 1),
    help="中介中心性抽样源点数 Sources sampled for betweenness "
         "(default min(n, 100); exact when ≥ n).", show_default=False)]
_MinDistrictsOpt = Annotated[int, typer.Option(
    "--min-districts", callback=at_least("--min-districts", 1),
    help="片区至少涉及的区数 Report clusters spanning at least N districts.")]
_ResolutionOpt = Annotated[float, typer.Option(
    "--resolution", callback=at_least("--resolution", 0, above=True),
    help="分辨率（大于 0）：越大片区越小 Modularity resolution (> 0): higher gives "
         "smaller clusters.")]
_ByOpt = Annotated[Optional[Literal["district", "street", "site", "overall"]], typer.Option(
    "--by", help="覆盖率统计口径 Coverage rates by district, street, site (楼宇园区) or overall; "
                 "without it, one row per organization (status, plan, proposal).",
    show_default=False)]
_PlanOpt = Annotated[bool, typer.Option(
    "--plan", help="列出覆盖建议（单独组建/联合组建/党建指导员）List the plan, most employees "
                   "first.")]
_UncoveredOpt = Annotated[bool, typer.Option(
    "--uncovered", help="列出未覆盖的两新组织及建议 List the uncovered organizations with "
                        "their plan.")]


def _show(df: pd.DataFrame, analysis: str, *, fmt: str, output: Path | None, lang: str,
          title: str | None = None) -> None:
    """Codes for JSON, labels for people; then the shared writer."""
    from gongjian.queries import LABELS, for_people

    # labels for people a chunk at a time, as the rows are written (no copy of the whole)
    convert = None if fmt == "json" else partial(for_people, analysis=analysis, lang=lang)
    emit(df, fmt=fmt, output=output, labels=LABELS[analysis], lang=lang, title=title,
         convert=convert)


_WindowOpt = Annotated[Optional[int], typer.Option(
    "--window", min=1, help="只计近 N 天内有共同活动或项目的共建关系；"
                            "关系均已休眠的组织列为 dormant "
                            "Count a tie only when evidenced by a shared activity or project in "
                            "the last N days.", show_default=False)]


def islands_command(graph: GraphArg, kinds: _KindsOpt = None, as_of: AsOfOpt = None,
                    window: _WindowOpt = None,
                    fmt: FormatOpt = "table", output: OutputOpt = None,
                    lang: LangOpt = "zh") -> None:
    """党建孤岛：无有效共建关系的组织、未连通街道社区的组织群 Party-building islands.

    例 Example:  gongjian islands 台账/ --as-of 2025-06-30

    例 Example:  gongjian islands 图.gjg --kinds unit,industry -f json

    例 Example:  gongjian islands 图.gjg --window 365   (休眠关系不计 dormant ties do not count)
    """
    from gongjian.queries import NEEDS, islands

    check_outputs([output], inputs=[graph])
    day = parse_as_of(as_of)
    kg = open_graph(graph, NEEDS["islands"] if window is None else NEEDS["dormant"])
    with progress(pick(lang, "查找党建孤岛", "finding islands")):
        df = islands(kg, as_of=day, kinds=kinds, window=window)
    _show(df, "islands", fmt=fmt, output=output, lang=lang,
          title=pick(lang, f"党建孤岛 {len(df)} 个", f"{len(df)} islands"))


def bridges_command(graph: GraphArg, top: _TopOpt = None, samples: _SamplesOpt = None,
                    seed: _SeedOpt = 0, as_of: AsOfOpt = None, fmt: FormatOpt = "table",
                    output: OutputOpt = None, lang: LangOpt = "zh") -> None:
    """关键联结单位：关键节点、跨区和条块结合的组织，按重要性排序 Bridging units, ranked.

    例 Example:  gongjian bridges 台账/ --top 20

    例 Example:  gongjian bridges 图.gjg --samples 1000 -f csv -o 联结单位.csv
    """
    from gongjian.queries import NEEDS, bridges

    check_outputs([output], inputs=[graph])
    day = parse_as_of(as_of)
    kg = open_graph(graph, NEEDS["bridges"])
    with progress(pick(lang, "查找关键联结单位", "finding bridging units")):
        df = bridges(kg, as_of=day, seed=seed, samples=samples)
    if top is not None:
        df = df.head(top)
    _show(df, "bridges", fmt=fmt, output=output, lang=lang,
          title=pick(lang, "关键联结单位", "bridging units"))


def clusters_command(graph: GraphArg, min_districts: _MinDistrictsOpt = 2,
                     resolution: _ResolutionOpt = 1.0, seed: _SeedOpt = 0,
                     as_of: AsOfOpt = None, fmt: FormatOpt = "table", output: OutputOpt = None,
                     lang: LangOpt = "zh") -> None:
    """跨区片区：成员分布在多个区的紧密共建群 Cross-district clusters.

    例 Example:  gongjian clusters 台账/ --min-districts 2 --seed 7 -f json
    """
    from gongjian.queries import NEEDS, clusters

    check_outputs([output], inputs=[graph])
    day = parse_as_of(as_of)
    kg = open_graph(graph, NEEDS["clusters"])
    with progress(pick(lang, "划分片区", "finding clusters")):
        df = clusters(kg, as_of=day, seed=seed, min_districts=min_districts,
                      resolution=resolution)
    _show(df, "clusters", fmt=fmt, output=output, lang=lang,
          title=pick(lang, f"跨区片区 {len(df)} 个", f"{len(df)} cross-district clusters"))


def coverage_command(graph: GraphArg, by: _ByOpt = None, plan: _PlanOpt = False,
                     uncovered: _UncoveredOpt = False, fmt: FormatOpt = "table",
                     output: OutputOpt = None, lang: LangOpt = "zh") -> None:
    """两新组织覆盖率、未覆盖清单和组建建议 Coverage of 两新组织, the uncovered, the plan.

    Without options: every 两新组织 with its coverage status, plan and proposal, under a
    line with the overall rates. `--by` gives the rates per district, street or site.

    例 Example:  gongjian coverage 台账/ --by street

    例 Example:  gongjian coverage 图.gjg --plan -f xlsx -o 组建建议.xlsx
    """
    from gongjian.queries import NEEDS, coverage, coverage_list, coverage_plan, uncovered_list
    from gongjian.queries.coverage import RATE_NEEDS

    check_outputs([output], inputs=[graph])
    kg = open_graph(graph, NEEDS["coverage"] if by is None else RATE_NEEDS)
    if by is not None and (plan or uncovered):
        raise typer.BadParameter("--by 与 --plan/--uncovered 不能同时使用 "
                                 "(--by gives rates; --plan and --uncovered give lists)")
    if by is None and not (plan or uncovered):
        df, analysis = coverage_list(kg), "coverage_list"
        if len(df):
            rates = coverage(kg, by="overall").iloc[0]
            org, work = rates["organizational_rate"], rates["work_rate"]
            title = pick(lang,
                         f"两新组织 {len(df)} 个：组织覆盖率 {org:.1%}，工作覆盖率 {work:.1%}",
                         f"{len(df)} organizations: organizational coverage {org:.1%}, "
                         f"work coverage {work:.1%}")
        else:
            title = pick(lang, "台账中没有两新组织", "no new-economy organizations in the ledger")
    elif plan:
        df, analysis = coverage_plan(kg), "coverage_list"
        title = pick(lang, "覆盖建议", "coverage plan")
    elif uncovered:
        df, analysis = uncovered_list(kg), "coverage_list"
        title = pick(lang, f"未覆盖的两新组织 {len(df)} 个", f"{len(df)} uncovered organizations")
    else:
        df, analysis = coverage(kg, by=by), "coverage"
        title = pick(lang, "两新组织覆盖率", "coverage of 两新组织")
    _show(df, analysis, fmt=fmt, output=output, lang=lang, title=title)


def summary_command(graph: GraphArg, seed: _SeedOpt = 0, as_of: AsOfOpt = None,
                    fmt: FormatOpt = "table", output: OutputOpt = None,
                    lang: LangOpt = "zh") -> None:
    """分析概览：按区统计组织、关系、孤岛、联结单位、片区和覆盖率 The analyses at a glance.

    JSON is one object with a list of rows per part; XLSX is one workbook with a sheet per
    part; CSV to a file writes one file per part (NAME-overview.csv …).

    例 Example:  gongjian summary 台账/ --as-of 2025-06-30

    例 Example:  gongjian summary 图.gjg -f xlsx -o 概览.xlsx
    """
    from gongjian.output import Sheet, atomic_file, write_workbook
    from gongjian.queries import LABELS, NEEDS, for_people, summary
    from gongjian.queries.labels import SUMMARY_SECTIONS

    check_outputs([output], inputs=[graph])
    day = parse_as_of(as_of)
    kg = open_graph(graph, NEEDS["summary"])
    with progress(pick(lang, "汇总分析", "summarizing")):
        parts = summary(kg, as_of=day, seed=seed)
    if fmt == "json":
        if output is None:
            _summary_json(parts, sys.stdout)
        else:
            with atomic_file(output) as tmp, tmp.open("w", encoding="utf-8") as fh:
                _summary_json(parts, fh)
            err_console.print(pick(lang, f"已写入 {output}", f"wrote {output}"), markup=False)
        return
    parts = {name: df.assign(district=df["district"].fillna(pick(lang, "合计", "total")))
             if "district" in df.columns else df for name, df in parts.items()}
    if fmt == "xlsx" and output is not None:  # one workbook, a sheet per part
        sheets = [Sheet(pick(lang, *SUMMARY_SECTIONS[name]), for_people(df, name, lang),
                        LABELS[name])
                  for name, df in parts.items()]
        written = write_workbook(sheets, output, lang=lang)
        err_console.print(pick(lang, f"已写入 {output}", f"wrote {output}"), markup=False)
        for names in written:
            note_continued(names, lang)
        return
    for name, df in parts.items():
        target = None if output is None else output.with_name(
            f"{output.stem}-{name}{output.suffix}")
        _show(df, name, fmt=fmt, output=target, lang=lang,
              title=pick(lang, *SUMMARY_SECTIONS[name]))


def _summary_json(parts: dict[str, pd.DataFrame], fh) -> None:
    """The summary as one JSON object, a list of rows per part, written row by row."""
    from gongjian.output import write_json_rows

    fh.write("{")
    for i, (name, df) in enumerate(parts.items()):
        fh.write(("" if i == 0 else ", ") + json.dumps(name, ensure_ascii=False) + ": ")
        write_json_rows(df, fh)
    fh.write("}\n")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("islands")(islands_command)
    app.command("bridges")(bridges_command)
    app.command("clusters")(clusters_command)
    app.command("coverage")(coverage_command)
    app.command("summary")(summary_command)
