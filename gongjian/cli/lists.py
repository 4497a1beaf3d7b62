"""Commands of the three lists and living ties: match, dormant, lists.

Each takes a graph file or a ledger folder, runs one function of :mod:`gongjian.queries`
and writes the rows with the shared output options (tables, CSV and XLSX with Chinese or
English headers and labels, JSON with the stable English keys and codes).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
import typer

from gongjian.cli.common import (
    AsOfOpt,
    FormatOpt,
    GraphArg,
    LangOpt,
    OutputOpt,
    emit,
    open_graph,
    parse_as_of,
)
from gongjian.i18n import pick
from gongjian.progress import progress

_TopOpt = Annotated[int, typer.Option(
    "--top", min=1, help="每个需求推荐的资源数 Resources suggested per need.")]
_WindowOpt = Annotated[int, typer.Option(
    "--window", min=1, help="回看天数：此期间内没有共同活动或项目的共建关系视为休眠 Days looked "
                            "back: a tie with no shared activity or project in them is dormant.")]
_ByOpt = Annotated[Literal["district", "street"], typer.Option(
    "--by", help="统计口径 One row per district or per street.")]
_StaleOpt = Annotated[int, typer.Option(
    "--stale-days", min=0, help="需求提出超过这么多天仍待认领，计为长期未认领 "
                                "A need open this many "
                                "days or more is stale.")]


def _show(df: pd.DataFrame, analysis: str, *, fmt: str, output: Path | None, lang: str,
          title: str) -> None:
    from gongjian.queries import LABELS, for_people

    # labels for people a chunk at a time, as the rows are written (no copy of the whole)
    convert = None if fmt == "json" else partial(for_people, analysis=analysis, lang=lang)
    emit(df, fmt=fmt, output=output, labels=LABELS[analysis], lang=lang, title=title,
         convert=convert)


def match_command(graph: GraphArg, as_of: AsOfOpt = None, top: _TopOpt = 3,
                  fmt: FormatOpt = "table", output: OutputOpt = None,
                  lang: LangOpt = "zh") -> None:
    """需求与资源对接：每个待认领需求的最佳资源，优先能改善共建网络的 Match needs to resources.

    Same category, within the resource's service scope, nearest first; then matches that end an
    island, reconnect a group cut off from the street/community axis, or join two districts.

    例 Example:  gongjian match 台账/ --as-of 2025-06-30

    例 Example:  gongjian match 图.gjg --top 5 -f xlsx -o 对接建议.xlsx
    """
    from gongjian.queries.match import MATCH_NEEDS, match

    day = parse_as_of(as_of)
    kg = open_graph(graph, MATCH_NEEDS)
    with progress(pick(lang, "对接需求与资源", "matching needs and resources")):
        df = match(kg, as_of=day, top=top)
    needs = df["need_id"].nunique()
    _show(df, "match", fmt=fmt, output=output, lang=lang,
          title=pick(lang, f"{needs} 个待认领需求的对接建议",
                     f"suggestions for {needs} open needs"))


def dormant_command(graph: GraphArg, as_of: AsOfOpt = None, window: _WindowOpt = 365,
                    fmt: FormatOpt = "table", output: OutputOpt = None,
                    lang: LangOpt = "zh") -> None:
    """休眠的共建关系（签而不建）：期限内没有共同活动或项目的有效关系 Dormant ties.

    例 Example:  gongjian dormant 台账/ --as-of 2025-06-30

    例 Example:  gongjian dormant 图.gjg --window 180 -f csv -o 休眠关系.csv
    """
    from gongjian.queries.dormant import DORMANT_NEEDS, dormant

    day = parse_as_of(as_of)
    kg = open_graph(graph, DORMANT_NEEDS)
    with progress(pick(lang, "查找休眠关系", "finding dormant ties")):
        df = dormant(kg, as_of=day, window=window)
    _show(df, "dormant", fmt=fmt, output=output, lang=lang,
          title=pick(lang, f"近{window}天无共同活动或项目的共建关系 {len(df)} 条",
                     f"{len(df)} ties with no shared activity or project in {window} days"))


def lists_command(graph: GraphArg, as_of: AsOfOpt = None, by: _ByOpt = "district",
                  stale_days: _StaleOpt = 90, fmt: FormatOpt = "table",
                  output: OutputOpt = None, lang: LangOpt = "zh") -> None:
    """三张清单概况：待认领与长期未认领需求、在供与闲置资源、实施中项目、无项目的社区.

    The three lists per district or street.

    例 Example:  gongjian lists 台账/ --by street

    例 Example:  gongjian lists 图.gjg --stale-days 180 -f json
    """
    from gongjian.queries.lists import LISTS_NEEDS, lists

    day = parse_as_of(as_of)
    kg = open_graph(graph, LISTS_NEEDS)
    df = lists(kg, as_of=day, by=by, stale_days=stale_days)
    _show(df, "lists", fmt=fmt, output=output, lang=lang,
          title=pick(lang, "三张清单概况", "the three lists"))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("match")(match_command)
    app.command("dormant")(dormant_command)
    app.command("lists")(lists_command)
