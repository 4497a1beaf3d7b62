"""The ``demo`` command: write the Nanjing demo ledgers and run ``analyze`` on them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gongjian.cli.common import LangOpt, check_outputs, out_console


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("demo")(demo)


def demo(
    folder: Annotated[Path, typer.Argument(
        help="写入演示台账的目录 Folder to write the demo ledgers to.")] = Path("gongjian-demo"),
    seed: Annotated[int, typer.Option(
        "--seed", help="随机种子 Seed (same seed, same files).")] = 2024,
    lang: LangOpt = "zh",
) -> None:
    """生成南京市玄武、秦淮、鼓楼三区的演示台账（含预置答案），并运行 analyze。

    Write demo ledgers of three Nanjing districts, with planted answers, and run
    `gongjian analyze` on them in place: graph file, analyses, report and pages.

    例 Example:  gongjian demo 演示/ --seed 2024
    """
    from gongjian.demo import run_demo

    check_outputs(folders=[folder])
    result = run_demo(folder, seed=seed, lang=lang)
    for line in result.lines(lang):
        out_console.print(line, markup=False, highlight=False, soft_wrap=True)
