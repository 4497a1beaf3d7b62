"""``--help`` of every command and subcommand of the CLI works (no rich markup accident)."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from gongjian.cli import app

runner = CliRunner()


def _command_paths(group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in group.commands.items():
        paths.append((*prefix, name))
        if getattr(command, "commands", None):
            paths += _command_paths(command, (*prefix, name))
    return paths


def test_every_help_text_renders():
    root = typer.main.get_command(app)
    paths = _command_paths(root)
    assert ("cypher", "run") in paths and ("push",) in paths
    for path in [(), *paths]:
        result = runner.invoke(app, [*path, "--help"], terminal_width=100)
        assert result.exit_code == 0, (path, result.output)
        assert "internal error" not in result.output, (path, result.output)
        assert "Usage" in result.output, (path, result.output)


def test_store_uri_help_shows_the_graph_name_form():
    result = runner.invoke(app, ["push", "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "/图名" in result.output
