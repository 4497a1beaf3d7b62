"""One home for labels: each layer's zh/en tables in one module, no two tables of one name.

A bilingual table is a dict literal (anywhere in a module, functions included) whose values
are ``(中文, English)`` pairs. They may live only in the homes below; a name is defined once.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gongjian"
CJK = re.compile(r"[\u4e00-\u9fff]")

#: Layer → the one module holding its zh/en tables.
HOMES: dict[str, str] = {
    "kinds, types, statuses, levels, coverage (every layer)": "gongjian/schema.py",
    "loaders: problem messages and headers, template notes": "gongjian/loaders/labels.py",
    "graph: gongjian info": "gongjian/graph/info.py",
    "queries: analysis columns, summary sections, workbook files": "gongjian/queries/labels.py",
    "viz: page and report words": "gongjian/viz/labels.py",
    "stores: push summary columns": "gongjian/stores/push.py",
    # stores has a second home until its owner gathers them (issue 10 item 6, stores part)
    "stores: report columns, report list": "gongjian/stores/reports.py",
    "demo: what the demo made": "gongjian/demo/run.py",
    "analyze: the files it writes and their sheets": "gongjian/analyze.py",
}


def _pair(node: ast.expr) -> bool | None:
    """True for ("中文", "English"), None for a 2-tuple of other expressions, else False."""
    if not (isinstance(node, ast.Tuple) and len(node.elts) == 2):
        return False
    zh, en = node.elts
    if isinstance(zh, ast.Constant) and isinstance(en, ast.Constant):
        return isinstance(zh.value, str) and isinstance(en.value, str) \
            and bool(CJK.search(zh.value)) and not CJK.search(en.value or "x")
    return None


def bilingual_tables(path: Path) -> list[tuple[str, int]]:
    """(name, line) of every bilingual dict literal in ``path`` (name "" when unnamed)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    names[id(node.value)] = t.id
    found = []
    for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Dict)),
                       key=lambda n: n.lineno):
        if len(node.values) >= 3:
            kinds = [_pair(v) for v in node.values]
            if all(k is not False for k in kinds) and sum(k is True for k in kinds) >= 3:
                found.append((names.get(id(node), ""), node.lineno))
    return found


def all_tables() -> dict[str, list[tuple[str, int]]]:
    return {str(p.relative_to(ROOT)): t for p in sorted(PACKAGE.rglob("*.py"))
            if (t := bilingual_tables(p))}


def test_bilingual_tables_live_only_in_their_homes():
    stray = {path: tables for path, tables in all_tables().items()
             if path not in HOMES.values()}
    assert stray == {}


def test_no_two_tables_share_a_name():
    where = defaultdict(list)
    for path, tables in all_tables().items():
        for name, line in tables:
            if name:  # unnamed: the per-analysis parts of queries.LABELS
                where[name].append(f"{path}:{line}")
    twice = {name: places for name, places in where.items() if len(places) > 1}
    assert twice == {}


def test_every_home_holds_tables():
    tables = all_tables()
    homes = set(HOMES.values()) - {"gongjian/schema.py"}  # schema builds Terms, not dicts
    assert homes - set(tables) == set()


def test_the_finder_finds_a_table(tmp_path):
    path = tmp_path / "m.py"
    path.write_text('def f():\n    words = {"a": ("甲", "A"), "b": ("乙", "B"), "c": ("丙", "C")}\n'
                    'X = {"a": ("甲", "A"), "b": (g(), "B"), "c": ("丙", "C"), "d": ("丁", "D")}\n'
                    'Y = {"a": ("a", "b"), "b": ("c", "d"), "c": ("e", "f")}\n',
                    encoding="utf-8")
    assert bilingual_tables(path) == [("words", 2), ("X", 3)]


def test_summary_and_plain_mean_one_thing_each():
    """``summary`` is the district overview analysis, ``_plain`` a database value made plain
    Python (FalkorDB and Neo4j results)."""
    defs = defaultdict(list)
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and \
                    node.name in ("summary", "_plain"):
                defs[node.name].append(str(path.relative_to(ROOT)))
    assert defs["summary"] == ["gongjian/queries/summary.py"]
    readers = {"gongjian/stores/store.py", "gongjian/stores/falkordb_store.py",
               "gongjian/stores/neo4j_store.py"}  # the modules that read query results
    assert set(defs["_plain"]) <= readers
