"""The benchmark inputs: synthetic ledgers per scale, generated once and cached.

Everything is made by the project's own synthetic generator
(:func:`gongjian.synth.generate.synthesize`) into ``benchmarks/.data/<scale>-seed<seed>/`` (or
``$GONGJIAN_BENCH_DATA``), and reused while the scale and seed match. Derived inputs (the
graph file, the pickled networkx graph of the baseline, an ``.xlsx`` ledger, the ledger of
the end-to-end target) are made from it on first use. Each is made in a fresh process, and
a folder counts as made only once its ``.complete`` stamp is written. The stamp records a
fingerprint of the recipe (the code that makes the input, its arguments and, for derived
inputs, the ledger's own fingerprint): when the generator or a writer changes, the stale
input is made again instead of being measured.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from benchmarks.harness import ROOT, Side, run_once

__all__ = ["CACHE", "Dataset", "ledger_file", "read_csv_any", "recipe_fingerprint"]

CACHE = Path(os.environ.get("GONGJIAN_BENCH_DATA", ROOT / "benchmarks" / ".data"))

#: The end-to-end target of issue #6 (100,000 Party organizations, 500,000 relations,
#: 200,000 两新组织): the city ledger with its 两新组织 cut to this many rows.
E2E_ROWS = {"organizations": 200_000}

_ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")

#: The code each input is made by (files or folders under the project root): a change to
#: any of them makes the cached input stale.
_RECIPES: dict[str, tuple[str, ...]] = {
    "ledger": ("gongjian/synth", "gongjian/schema.py"),
    "graph file": ("gongjian/graph", "gongjian/loaders", "gongjian/schema.py"),
    "networkx pickle": ("benchmarks/baselines/obvious_build.py",),
    "xlsx ledger": ("benchmarks/data.py",),
    "end-to-end ledger": ("benchmarks/data.py",),
    "lists graph": ("benchmarks/lists.py", "gongjian/graph", "gongjian/schema.py"),
}


def recipe_fingerprint(sources: tuple[str, ...], *extra: str) -> str:
    """SHA-256 of the files under ``sources`` (relative to the project root) and ``extra``.

    Examples
    --------
    >>> len(recipe_fingerprint(("benchmarks/data.py",), "seed 0"))
    64
    """
    digest = hashlib.sha256()
    for source in sources:
        root = ROOT / source
        files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       ) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    for text in extra:
        digest.update(b"\0" + text.encode())
    return digest.hexdigest()


def ledger_file(folder: Path, table: str) -> Path | None:
    """The file holding ``table`` (Chinese or English name, any extension) in ``folder``."""
    from gongjian.loaders.tables import TABLES

    names = set(TABLES[table].file_names)
    for path in sorted(Path(folder).iterdir()):
        if path.stem in names and path.suffix.lower() in (".csv", ".xlsx", ".xls"):
            return path
    return None


def read_csv_any(path: Path) -> tuple[list[list[str]], str]:
    """All rows of a CSV (header first) as text, and the encoding it was written in."""
    raw = Path(path).read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = _ENCODINGS
    for enc in encodings:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        return list(csv.reader(io.StringIO(text, newline=""))), enc
    raise ValueError(f"cannot decode {path}")


class Dataset:
    """The cached inputs of one scale and seed.

    Examples
    --------
    >>> Dataset("district", 7, root=Path("/tmp/x")).folder
    PosixPath('/tmp/x/district-seed7')
    """

    def __init__(self, scale: str, seed: int, *, root: Path = CACHE,
                 log: Callable[[str], None] = print) -> None:
        self.scale, self.seed, self.log = scale, seed, log
        self.folder = Path(root) / f"{scale}-seed{seed}"
        self.made: dict[str, float] = {}

    @property
    def ledger(self) -> Path:
        """The synthetic ledger folder of this scale."""
        return self.folder / "ledger"

    def _stamp(self, path: Path) -> Path:
        return path / ".complete" if path.suffix == "" else path.with_suffix(path.suffix + ".ok")

    def _recipe(self, name: str, side: Side) -> str:
        upstream = "" if name == "ledger" else self._made_by(self.ledger)
        return recipe_fingerprint(_RECIPES[name], json.dumps(side.kwargs, sort_keys=True,
                                                             default=str), upstream)

    def _made_by(self, path: Path) -> str:
        """The recipe fingerprint in ``path``'s stamp ('' when not made)."""
        try:
            return json.loads(self._stamp(path).read_text()).get("recipe", "")
        except (OSError, ValueError):
            return ""

    def _ensure(self, name: str, path: Path, side: Side) -> Path:
        stamp = self._stamp(path)
        recipe = self._recipe(name, side)
        if stamp.exists() and self._made_by(path) == recipe:
            return path
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        self.log(f"  preparing {name} → {path} …")
        run = run_once(side, timeout=4 * 3600)
        if not run["ok"]:
            raise RuntimeError(f"could not prepare {name}: {run['status']}: {run['message']}")
        self.made[name] = run["process_seconds"]
        self.log(f"    done in {run['process_seconds']:.0f} s, peak {run['peak_mb']:.0f} MiB")
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps({"scale": self.scale, "seed": self.seed, "recipe": recipe,
                                     **run}, default=str))
        return path

    def ensure_ledger(self) -> Path:
        """Generate the ledger of this scale (once)."""
        return self._ensure("ledger", self.ledger, Side(
            "synth", "benchmarks.data:generate",
            {"folder": str(self.ledger), "scale": self.scale, "seed": self.seed}))

    def ensure_graph(self) -> Path:
        """The ledger built and saved as a graph file (once)."""
        self.ensure_ledger()
        path = self.folder / "graph.gjg"
        return self._ensure("graph file", path, Side(
            "build", "benchmarks.data:build_graph_file",
            {"ledger": str(self.ledger), "out": str(path)}))

    def ensure_pickle(self) -> Path:
        """The baseline's networkx graph of the ledger, pickled (once)."""
        self.ensure_ledger()
        path = self.folder / "networkx.pickle"
        return self._ensure("networkx pickle", path, Side(
            "pickle", "benchmarks.baselines.obvious_build:pickle_task",
            {"ledger": str(self.ledger), "out": str(path)}))

    def ensure_xlsx(self) -> Path:
        """A ledger whose 党组织 table is an ``.xlsx`` file (once)."""
        self.ensure_ledger()
        path = self.folder / "xlsx-ledger"
        return self._ensure("xlsx ledger", path, Side(
            "xlsx", "benchmarks.data:write_xlsx_ledger",
            {"ledger": str(self.ledger), "out": str(path)}))

    def ensure_lists(self) -> Path:
        """The graph file of the three lists' stage, generated with numpy (once)."""
        path = self.folder / "lists.gjg"
        return self._ensure("lists graph", path, Side(
            "lists", "benchmarks.lists:make_graph_file",
            {"out": str(path), "scale": self.scale, "seed": self.seed}))

    def ensure_e2e(self) -> Path:
        """The ledger of the end-to-end target: tables cut to :data:`E2E_ROWS` (once)."""
        self.ensure_ledger()
        path = self.folder / "e2e-ledger"
        return self._ensure("end-to-end ledger", path, Side(
            "cut", "benchmarks.data:cut_ledger",
            {"ledger": str(self.ledger), "out": str(path), "rows": E2E_ROWS}))


# --- tasks run in a fresh process by Dataset._ensure -------------------------------------

def generate(clock, *, folder: str, scale: str, seed: int) -> dict:
    """Task: the synthetic ledger of ``scale`` (its five tables: the targets were set on
    them; the three lists and the activity record are left out)."""
    from gongjian.synth.generate import synthesize

    with clock():
        synthesize(Path(folder), scale=scale, seed=seed, with_lists=False)
    return {}


def build_graph_file(clock, *, ledger: str, out: str) -> dict:
    """Task: the graph file of ``ledger``, built in chunks as ``gongjian build`` does (the
    same tables as read, built and saved whole; the memory of a nation's ledger)."""
    from gongjian.graph.stream import build_file

    with clock():
        build_file(Path(ledger), Path(out))
    return {}


def write_xlsx_ledger(clock, *, ledger: str, out: str) -> dict:
    """Task: copy ``ledger``'s 党组织 table into ``out/党组织.xlsx`` (and an empty 共建关系).

    As in a real Excel ledger, counts are number cells and ISO dates are date cells.
    """
    import datetime as dt

    from openpyxl import Workbook

    src = ledger_file(Path(ledger), "party_orgs")
    if src is None or src.suffix.lower() != ".csv":
        raise RuntimeError(f"expected a CSV 党组织 table in {ledger}")
    rows, _ = read_csv_any(src)
    dest = Path(out)
    dest.mkdir(parents=True, exist_ok=True)
    with clock():
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("党组织")
        numeric = {i for i, h in enumerate(rows[0]) if h.strip(" *") in ("党员数", "members")}
        dates = {i for i, h in enumerate(rows[0]) if h.strip(" *") in ("成立日期", "founded")}

        def cell(i: int, c: str):
            if i in numeric and c.isdigit():
                return int(c)
            if i in dates and len(c) == 10 and c[4] == c[7] == "-":
                return dt.datetime.strptime(c, "%Y-%m-%d")
            return c or None

        for n, row in enumerate(rows):
            ws.append([cell(i, c) if n else (c or None) for i, c in enumerate(row)])
        wb.save(dest / "党组织.xlsx")
    rel = ledger_file(Path(ledger), "relations")
    header = read_csv_any(rel)[0][0] if rel else ["甲方编码", "乙方编码", "关系类型"]
    with open(dest / "共建关系.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerow(header)
    return {"rows": len(rows) - 1}


def cut_ledger(clock, *, ledger: str, out: str, rows: dict[str, int]) -> dict:
    """Task: copy ``ledger`` to ``out`` keeping the first ``rows[table]`` rows of the tables
    named (CSV only, same encoding); the other files are copied as they are."""
    dest = Path(out)
    dest.mkdir(parents=True, exist_ok=True)
    kept = {}
    cut = {ledger_file(Path(ledger), t): n for t, n in rows.items()}
    for src in sorted(Path(ledger).iterdir()):
        if src.name.startswith("."):
            continue
        if src in cut and src.suffix.lower() == ".csv":
            table, enc = read_csv_any(src)
            table = table[: cut[src] + 1]
            with open(dest / src.name, "w", encoding=enc, newline="") as f:
                csv.writer(f).writerows(table)
            kept[src.stem] = len(table) - 1
        elif src.is_file():
            shutil.copy2(src, dest / src.name)
    return {"kept": kept}
