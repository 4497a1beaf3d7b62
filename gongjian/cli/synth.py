"""The ``synth`` command: synthetic ledgers at district, city, province or nation scale."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from gongjian.cli.common import LangOpt, out_console
from gongjian.i18n import pick


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("synth")(synth)


def synth(
    scale: Annotated[Literal["district", "city", "province", "nation"], typer.Option(
        "--scale", help="规模 Scale: district (≈2千党组织), city (≈10万党组织、100万两新组织、"
                        "50万关系), province, nation.")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="写入的台账目录 Ledger folder to write.")],
    seed: Annotated[int, typer.Option("--seed", help="随机种子 Seed.")] = 0,
    region: Annotated[Optional[str], typer.Option(
        "--region",
        help="区划名称或代码 Region name or code, e.g. 南京市, 江苏省, 320102.")] = None,
    divisions: Annotated[Optional[Path], typer.Option(
        "--divisions", help="区划数据目录 Folder of the divisions files (villages.csv.gz …); "
                            "default $GONGJIAN_DIVISIONS, else the copy in the package.")] = None,
    fmt: Annotated[Literal["csv", "xlsx"], typer.Option(
        "--format", "-f", help="文件格式 File format: csv (any scale) or xlsx (small scales).")
    ] = "csv",
    limit: Annotated[Optional[int], typer.Option(
        "--limit", help="只生成前 N 个区县 Only the first N districts (with their share).")] = None,
    with_lists: Annotated[bool, typer.Option(
        "--lists/--no-lists", help="同时生成需求清单、资源清单、项目清单和活动记录 Also write "
                                   "the three lists and the activity record.")] = True,
    lang: LangOpt = "zh",
) -> None:
    """生成合成台账（真实的区县、街道、社区；按规模生成党组织、两新组织、共建关系，以及需求、
    资源、项目三张清单和活动记录），分块写入 CSV。

    Write synthetic ledgers on real districts, streets and communities (with the three
    lists and the activity record), streamed to CSV.

    例 Example:  gongjian synth --scale city --region 南京市 -o 合成台账/
    """
    from gongjian.synth.generate import synthesize

    info = synthesize(output, scale=scale, seed=seed, region=region, divisions=divisions,
                      fmt=fmt, limit=limit, lang=lang, with_lists=with_lists)
    c = info["counts"]
    lists_zh = lists_en = ""
    if with_lists:
        lists_zh = (f"，需求 {c['needs']} 条，资源 {c['resources']} 条，项目 {c['projects']} 个，"
                    f"活动记录 {c['activities']} 条")
        lists_en = (f", {c['needs']} needs, {c['resources']} resources, {c['projects']} "
                    f"projects, {c['activities']} activities")
    out_console.print(pick(
        lang,
        f"合成台账已写入 {info['folder']}（{info['region']}，规模 {scale}，"
        f"用时 {info['seconds']} 秒）：党组织 {c['party_orgs']} 个，"
        f"共建关系 {c['relations']} 条，两新组织 {c['organizations']} 个，"
        f"楼宇园区 {c['sites']} 个，区域 {c['regions']} 个{lists_zh}",
        f"Synthetic ledgers written to {info['folder']} ({info['region']}, scale {scale}, "
        f"{info['seconds']} s): {c['party_orgs']} Party organizations, {c['relations']} relations, "
        f"{c['organizations']} new-economy organizations, {c['sites']} sites, "
        f"{c['regions']} regions{lists_en}"), markup=False, highlight=False, soft_wrap=True)
