"""The ``gongjian`` command line: a thin shell over the library.

Each module of this package registers one group of commands on :data:`app`. A command
parses options, calls one library function and formats the result; the app turns the
library's :class:`~gongjian.errors.GongjianError` into one message and exit code 1.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import Annotated

import typer
from rich.markup import escape
from typer.core import TyperGroup

from gongjian import __version__
from gongjian.cli.common import err_console, reset_inputs
from gongjian.errors import GongjianError

__all__ = ["app", "main"]

#: Command modules, in the order their commands appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = ("demo", "change", "ledger", "graph", "analyses", "lists",
                                     "viz", "store", "synth")


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter exits quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class _Group(TyperGroup):
    """Turn the library's errors into one actionable line and exit code 1."""

    def invoke(self, ctx: typer.Context):
        reset_inputs()  # each command's outputs are checked against its own inputs
        try:
            return super().invoke(ctx)
        except GongjianError as err:
            err_console.print(f"[bold red]错误 error:[/] {escape(str(err))}", markup=True,
                              highlight=False)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err_console.print("已中断 interrupted")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.TyperException, BrokenPipeError):
            raise
        except Exception as err:  # a bug: say so in one line unless debugging
            if os.environ.get("GONGJIAN_DEBUG"):
                raise
            err_console.print(
                f"[bold red]内部错误 internal error:[/] {type(err).__name__}: {escape(str(err))}\n"
                "设置 GONGJIAN_DEBUG=1 可看到详细信息 (set GONGJIAN_DEBUG=1 for details); "
                "请报告此问题 please report it.", markup=True, highlight=False)
            raise typer.Exit(1) from None


app = typer.Typer(
    name="gongjian",
    cls=_Group,
    help=(
        "共建：把组织部的党建台账变成区域化党建共建关系知识图谱，找出党建孤岛、关键联结单位、"
        "跨区片区和两新组织覆盖空白。\n\n"
        "gongjian turns Party-building ledgers into a knowledge graph of regional joint-building "
        "relationships.\n\n"
        "例 Example:  gongjian demo   ·   gongjian check 台账/   ·   gongjian build 台账/ -o 图.gjg"
    ),
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gongjian {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="显示版本 Show the version and exit.")] = False,
) -> None:
    """共建 gongjian."""


for _name in COMMAND_MODULES:
    import_module(f"gongjian.cli.{_name}").register(app)


def main() -> None:
    """Entry point of the ``gongjian`` command."""
    try:
        app()
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        _silence_stdout()
        sys.exit(0)
