"""Every command opens only the tables and columns it declares, and says the same as with all.

Each command runs twice on the demo's graph file through the real command line: once as it
is (it decodes only what its module declares: ``PAGE_NEEDS``, ``REPORT_NEEDS``,
``INFO_NEEDS`` …) and once with every table decoded. The outputs must be identical.

An undeclared table is left empty (the output changes) and an undeclared column is absent
from its frame (the command fails): the second group of tests takes something away from a
declaration and checks that the comparison notices.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gongjian
from gongjian.cli import app
from gongjian.graph import io

AS_OF = "2025-06-30"
runner = CliRunner()


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory) -> Path:
    """The demo ledger (real files through the loaders) saved as a graph file."""
    from gongjian.demo import write_demo

    folder = write_demo(tmp_path_factory.mktemp("demo") / "台账")
    kg = gongjian.load(folder)
    assert all(len(df) for _, df in kg.tables()), "the demo must fill every table"
    return io.save(kg, tmp_path_factory.mktemp("graph") / "demo.gjg")


def _run(args: list[str], monkeypatch, *, whole: bool) -> tuple[object, list]:
    """Run the command; its outputs (stdout, or the files it wrote) and the selections it
    asked for. ``whole``: decode every table whatever the command asks."""
    asked: list = []
    real = io.load

    def load(path, **kwargs):
        asked.append(kwargs.get("tables"))
        if whole:
            kwargs["tables"] = None
        return real(path, **kwargs)

    monkeypatch.setattr(gongjian, "load", load)
    result = runner.invoke(app, args)
    if result.exit_code != 0:
        return ("failed", result.exit_code, result.stderr), asked
    if "-o" not in args:
        return result.stdout, asked
    target = Path(args[args.index("-o") + 1])
    files = sorted(target.rglob("*")) if target.is_dir() else [target]
    written = {str(f.relative_to(target.parent)): f.read_bytes() for f in files if f.is_file()}
    return written, asked


#: name → the command line after the graph file; {out} is a fresh output path.
COMMANDS: dict[str, list[str]] = {
    "info": ["info", "{graph}", "-f", "json"],
    "summary": ["summary", "{graph}", "--as-of", AS_OF, "-f", "json"],
    "lists": ["lists", "{graph}", "--as-of", AS_OF, "--by", "street", "-f", "json"],
    "match": ["match", "{graph}", "--as-of", AS_OF, "-f", "json"],
    "dormant": ["dormant", "{graph}", "--as-of", AS_OF, "-f", "json"],
    "islands --window": ["islands", "{graph}", "--as-of", AS_OF, "--window", "180", "-f", "json"],
    "coverage --plan": ["coverage", "{graph}", "--plan", "-f", "json"],
    "coverage --by site": ["coverage", "{graph}", "--by", "site", "-f", "json"],
    "coverage --by street": ["coverage", "{graph}", "--by", "street", "-f", "json"],
    "viz": ["viz", "{graph}", "--as-of", AS_OF, "-o", "{out}/网络.html"],
    "viz --split-by street": ["viz", "{graph}", "--as-of", AS_OF, "--split-by", "street",
                              "-o", "{out}/街道"],
    "viz --compare": ["viz", "{graph}", "--as-of", AS_OF, "--compare", "{graph}",
                      "--as-of-old", "2024-06-30", "--district", "玄武区",
                      "-o", "{out}/变化.html"],
    "report": ["report", "{graph}", "--as-of", AS_OF, "-o", "{out}/报告.html"],
    "report --compare": ["report", "{graph}", "--as-of", AS_OF, "--compare", "{graph}",
                         "--as-of-old", "2024-06-30", "-o", "{out}/报告.html"],
    "export gexf": ["export", "{graph}", "--format", "gexf", "--as-of", AS_OF,
                    "-o", "{out}/网络.gexf"],
    "export graphml": ["export", "{graph}", "--format", "graphml", "--as-of", AS_OF,
                       "-o", "{out}/网络.graphml"],
}


def _args(name: str, graph: Path, out: Path) -> list[str]:
    return [a.format(graph=graph, out=out) for a in COMMANDS[name]]


def _both(name: str, graph: Path, tmp_path: Path, monkeypatch) -> tuple[object, object, list]:
    (tmp_path / "part").mkdir()
    (tmp_path / "whole").mkdir()
    part, asked = _run(_args(name, graph, tmp_path / "part"), monkeypatch, whole=False)
    whole, _ = _run(_args(name, graph, tmp_path / "whole"), monkeypatch, whole=True)
    return part, whole, asked


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_command_says_the_same_from_only_what_it_declares(name, graph_file, tmp_path,
                                                           monkeypatch):
    part, whole, asked = _both(name, graph_file, tmp_path, monkeypatch)
    assert not (isinstance(whole, tuple) and whole[0] == "failed"), whole
    assert asked and all(a is not None for a in asked), f"{name} opened the whole graph"
    # it really leaves something out
    assert any(set(io.TABLE_NAMES) - set(a) or any(c is not None for c in a.values())
               for a in asked)
    assert part == whole
    if isinstance(whole, str):
        assert json.loads(whole), "an empty answer proves nothing"
    else:
        assert whole and all(len(v) for v in whole.values())


def _without(needs: dict, table: str, column: str | None = None) -> dict:
    if column is None:
        return {k: v for k, v in needs.items() if k != table}
    return {**needs, table: tuple(c for c in needs[table] if c != column)}


#: (command, module holding the declaration, its name, table taken away, column or None).
BROKEN: list[tuple[str, str, str, str, str | None]] = [
    ("viz", "gongjian.viz.page", "PAGE_NEEDS", "activities", None),
    ("viz", "gongjian.viz.page", "PAGE_NEEDS", "relations", "start"),
    # report opens a graph file in two steps: the 两新组织 for coverage, then the network
    ("report", "gongjian.queries.coverage", "COVERAGE_NEEDS", "organizations", "party_members"),
    ("report", "gongjian.viz.report", "REPORT_NETWORK_NEEDS", "needs", None),
    ("report", "gongjian.viz.report", "REPORT_NETWORK_NEEDS", "activities", None),
    ("info", "gongjian.graph.info", "INFO_NEEDS", "links", None),
    ("info", "gongjian.graph.info", "INFO_NEEDS", "party_orgs", "status"),
    ("summary", "gongjian.queries", "NEEDS", "organizations", None),
    ("summary", "gongjian.queries", "NEEDS", "organizations", "employees"),
    ("coverage --by site", "gongjian.queries.coverage", "RATE_NEEDS", "sites", "kind"),
    ("lists", "gongjian.queries.lists", "LISTS_NEEDS", "projects", None),
    ("export gexf", "gongjian.viz.export", "EXPORT_NEEDS", "list_links", None),
]


@pytest.mark.parametrize(("name", "module", "constant", "table", "column"), BROKEN,
                         ids=[f"{b[0]}-{b[3]}{'.' + b[4] if b[4] else ''}" for b in BROKEN])
def test_a_use_left_undeclared_is_caught(name, module, constant, table, column, graph_file,
                                         tmp_path, monkeypatch):
    import importlib

    holder = importlib.import_module(module)
    declared = getattr(holder, constant)
    if constant == "NEEDS":  # the analyses' mapping: break the entry of this command
        broken: object = {**declared, name: _without(declared[name], table, column)}
    else:
        broken = _without(declared, table, column)
    monkeypatch.setattr(holder, constant, broken)
    part, whole, _ = _both(name, graph_file, tmp_path, monkeypatch)
    failed = isinstance(part, tuple) and part[0] == "failed"
    assert failed or part != whole
    if column is not None:  # an absent column fails loudly: exit 1, one message
        assert failed and part[1] == 1, part


def test_every_declaration_names_real_tables_and_columns():
    from gongjian import queries
    from gongjian.graph.info import INFO_NEEDS
    from gongjian.queries.coverage import RATE_NEEDS
    from gongjian.viz.export import EXPORT_NEEDS
    from gongjian.viz.page import PAGE_NEEDS
    from gongjian.viz.report import REPORT_NEEDS, REPORT_NETWORK_NEEDS

    declared: list[dict] = [INFO_NEEDS, EXPORT_NEEDS, PAGE_NEEDS, REPORT_NEEDS,
                            REPORT_NETWORK_NEEDS, RATE_NEEDS, *queries.NEEDS.values()]
    template = gongjian.KnowledgeGraph()
    for needs in declared:
        for table, columns in needs.items():
            assert table in io.TABLE_NAMES
            assert columns is None or set(columns) <= set(getattr(template, table).columns)
    # the pages do not open the big tables of the 两新组织 and the vertical links
    assert not {"organizations", "links"} & set(PAGE_NEEDS)
    assert "links" not in REPORT_NEEDS and "links" not in EXPORT_NEEDS
    # the report's network step does without the 两新组织 (read alone, for coverage, first)
    assert "organizations" not in REPORT_NETWORK_NEEDS
