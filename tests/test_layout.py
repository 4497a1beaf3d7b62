"""The package's layout holds: imports go one way, and no module imports another's private name.

Every module of ``gongjian/`` is parsed with :mod:`ast` (imports inside functions and under
``TYPE_CHECKING`` count too). The order is the one of ``docs/design.md``:

    base (schema, errors, i18n, output, overlap, progress) ← loaders ← graph ← {queries, viz, stores}
    ← {synth, demo} ← cli ← the package root (the lazy public API) and ``__main__``

A module may import its own part, any base module, and any part of a lower rank; parts of
the same rank are independent except for the few edges of :data:`SIBLING_EDGES`, each with
its reason. Nothing imports upward. ``from x import _name`` across modules is refused except
for the entries of :data:`ALLOWED_PRIVATE`, a list that only shrinks: an entry whose import
is gone fails too, so that it is struck off when the code is mended.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gongjian"

BASE = frozenset({"schema", "errors", "i18n", "output", "overlap", "progress", "xlsx"})
#: Part → rank in the one-way order (base modules are rank 0).
RANK: dict[str, int] = {
    "loaders": 1,
    "graph": 2,
    "queries": 3, "viz": 3, "stores": 3,
    "analyze": 4,  # the whole job in one process: loaders, graph, queries, viz
    "synth": 4, "demo": 4,
    "cli": 5,
    "__main__": 6, "": 6,  # "" is the package root, gongjian/__init__.py (lazy public API)
}
#: Imports between parts of the same rank, each with its reason. Nothing else crosses.
SIBLING_EDGES: dict[tuple[str, str], str] = {
    ("demo", "analyze"): "the demo is analyze run on the demo ledger",
    ("viz", "queries"): "pages and the report mark the analyses' answers (islands, bridging "
                        "units, clusters, coverage) and show their column labels",
    ("demo", "synth"): "the demo writes its ledgers with the generator's CSV/XLSX writer and "
                       "its folder check",
}
#: (importing module, imported module, name): private imports still in the tree, with the
#: work that removes them. Shrinks only; a stale entry fails the test.
ALLOWED_PRIVATE: dict[tuple[str, str, str], str] = {}


@dataclass(frozen=True)
class Import:
    module: str    # the importing module, e.g. gongjian.viz.page
    target: str    # the imported module, e.g. gongjian.queries.islands
    name: str      # the imported name ("" for ``import x``)
    line: int

    def __str__(self) -> str:
        what = f"from {self.target} import {self.name}" if self.name else f"import {self.target}"
        return f"{self.module}:{self.line}: {what}"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(module: str, path: Path, known: set[str]) -> list[Import]:
    """Every import of a ``gongjian`` module in ``path``, resolved to the module it reads."""
    out = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [Import(module, a.name, "", node.lineno) for a in node.names
                    if a.name == "gongjian" or a.name.startswith("gongjian.")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source != "gongjian" and not source.startswith("gongjian."):
                continue
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                if sub in known:  # ``from gongjian import queries``: the submodule itself
                    out.append(Import(module, sub, "", node.lineno))
                else:
                    out.append(Import(module, source, alias.name, node.lineno))
    return out


def part(module: str) -> str:
    """``gongjian.viz.page`` → ``viz``; ``gongjian.schema`` → ``schema``; root → ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def order_problem(imp: Import) -> str | None:
    """Why ``imp`` goes against the one-way order, or None."""
    src, dst = part(imp.module), part(imp.target)
    if src == dst:
        return None
    if dst == "" and not imp.name:  # ``import gongjian``: the lazy root, for __version__
        return None
    if dst == "" and imp.name == "__version__":
        return None
    if dst in BASE:  # every part, and the base modules among themselves
        return None
    if src in BASE:
        return f"base module {src} imports the {dst} part"
    if dst not in RANK or src not in RANK:
        return f"unknown part {dst if dst not in RANK else src}: add it to RANK"
    if RANK[dst] < RANK[src]:
        return None
    if RANK[dst] == RANK[src] and (src, dst) in SIBLING_EDGES:
        return None
    return f"{src} (rank {RANK[src]}) imports {dst} (rank {RANK[dst]})"


@pytest.fixture(scope="module")
def all_imports() -> list[Import]:
    known = set(modules())
    return [imp for name, path in modules().items() for imp in imports(name, path, known)]


def test_every_part_has_a_rank():
    parts = {part(m) for m in modules()}
    assert parts - BASE - set(RANK) == set()


def test_imports_go_one_way(all_imports):
    wrong = [f"{imp}  ({why})" for imp in all_imports if (why := order_problem(imp))]
    assert wrong == [], "imports against the order:\n" + "\n".join(wrong)


def test_no_private_name_is_imported_across_modules(all_imports):
    private = {(imp.module, imp.target, imp.name): imp for imp in all_imports
               if imp.name.startswith("_") and not imp.name.startswith("__")
               and imp.module != imp.target}
    new = [str(imp) for key, imp in private.items() if key not in ALLOWED_PRIVATE]
    assert new == [], ("private names imported across modules (make them public where they "
                       "live):\n" + "\n".join(new))
    stale = [" ".join(key) for key in ALLOWED_PRIVATE if key not in private]
    assert stale == [], "gone from the code, strike off ALLOWED_PRIVATE:\n" + "\n".join(stale)


def test_the_checker_sees_what_it_must():
    """The rules refuse what they are meant to refuse (so the tests above can fail)."""
    assert order_problem(Import("gongjian.graph.model", "gongjian.queries.layer", "x", 1))
    assert order_problem(Import("gongjian.loaders.read", "gongjian.graph.model", "x", 1))
    assert order_problem(Import("gongjian.queries.islands", "gongjian.viz.page", "x", 1))
    assert order_problem(Import("gongjian.synth.writer", "gongjian.demo.nanjing", "x", 1))
    assert order_problem(Import("gongjian.schema", "gongjian.loaders.tables", "x", 1))
    assert order_problem(Import("gongjian.viz.page", "gongjian.cli.common", "x", 1))
    assert order_problem(Import("gongjian.stores.push", "gongjian.viz.page", "x", 1))
    assert not order_problem(Import("gongjian.viz.page", "gongjian.queries.islands", "x", 1))
    assert not order_problem(Import("gongjian.cli.store", "gongjian.stores.push", "x", 1))
    known = set(modules())
    found = imports("gongjian.viz.page", PACKAGE / "viz" / "page.py", known)
    assert any(i.target == "gongjian.viz.assets" and i.name == "vis_network_js" for i in found)
    found = imports("gongjian.viz.context", PACKAGE / "viz" / "context.py", known)
    assert any(i.target == "gongjian.queries" and i.name == "" for i in found)


def test_graph_holds_no_database_code():
    for path in (PACKAGE / "graph").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for word in ("import neo4j", "import falkordb", "redis", "neo4j_admin"):
            assert word not in text, f"{path.name}: {word}"


def private_attributes(source: str, name: str) -> list[str]:
    """``x._name`` where ``x`` is not ``self`` or ``cls``: another object's private part."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__") \
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            out.append(f"{name}:{node.lineno}: .{node.attr}")
    return out


def test_no_module_reads_or_writes_another_objects_private_attribute():
    found = [hit for name, path in modules().items()
             for hit in private_attributes(path.read_text(encoding="utf-8"), name)]
    assert found == [], "use the owner's public method (e.g. kg.cached):\n" + "\n".join(found)
    probe = "def f(kg):\n    kg._cache[1] = 2\n    self._ok = 1\n    return kg.__class__\n"
    assert private_attributes(probe, "probe") == ["probe:2: ._cache"]
