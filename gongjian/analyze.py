"""The whole job in one process: ledger (or graph) in, every result a person needs out.

:func:`analyze` reads and checks a ledger folder (or opens a graph file), then writes into
one folder:

- ``问题清单.xlsx``: every problem of the ledger, errors first (from a ledger only);
- ``图谱.gjg``: the graph file (from a ledger only; a graph file given is the graph);
- ``分析结果.xlsx``: every analysis in one workbook, a sheet each with Chinese headers
  (概览, 党建孤岛, 关键联结单位, 跨区片区, coverage by district and by street, the coverage
  plan) and, with ``compare``, a 变化 sheet from :func:`gongjian.queries.diff`;
- ``分析报告.html``: the report;
- ``网络.html`` and one page per district (``各区/``), or per street (``各街道/``) when the
  network has more organizations than one page draws (``max_nodes``).

It never writes over its inputs: an output that would land on a ledger file, the graph
file given or the graph compared with is refused before anything is written.

Examples
--------
>>> import tempfile
>>> result = analyze("examples/ledger", tempfile.mkdtemp(), as_of="2025-06-30")
>>> sorted(result.files)
['analyses', 'graph', 'page', 'pages', 'problems', 'report']
>>> result.files["analyses"].name
'分析结果.xlsx'
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from gongjian.errors import GongjianError
from gongjian.graph.io import Needs
from gongjian.graph.model import KnowledgeGraph, as_date
from gongjian.i18n import pick
from gongjian.progress import progress

__all__ = ["FILE_NAMES", "SHEETS", "AnalyzeResult", "analyze", "analyze_needs"]

#: Output → (中文 name, English name) inside the output folder.
FILE_NAMES: dict[str, tuple[str, str]] = {
    "problems": ("问题清单.xlsx", "problems.xlsx"),
    "graph": ("图谱.gjg", "graph.gjg"),
    "analyses": ("分析结果.xlsx", "analyses.xlsx"),
    "report": ("分析报告.html", "report.html"),
    "page": ("网络.html", "network.html"),
    "districts": ("各区", "districts"),
    "streets": ("各街道", "streets"),
}
#: What each output is, for people: (中文, English).
WHAT: dict[str, tuple[str, str]] = {
    "problems": ("问题清单", "problem list"),
    "graph": ("图谱文件", "graph file"),
    "analyses": ("分析结果（每项分析一页）", "analyses (a sheet each)"),
    "report": ("分析报告", "report"),
    "page": ("共建关系网络页面", "network page"),
    "pages": ("分页网络页面（索引）", "split pages (index)"),
}
#: Sheets of the workbook: (analysis of ``queries.LABELS``, 中文 name, English name).
SHEETS: tuple[tuple[str, str, str], ...] = (
    ("overview", "概览", "overview"),
    ("islands", "党建孤岛", "islands"),
    ("bridges", "关键联结单位", "bridging units"),
    ("clusters", "跨区片区", "cross-district clusters"),
    ("coverage_district", "两新组织覆盖率（按区）", "coverage by district"),
    ("coverage_street", "两新组织覆盖率（按街道）", "coverage by street"),
    ("coverage_plan", "覆盖组建建议", "coverage plan"),
    ("diff", "变化", "changes"),
)


def analyze_needs() -> dict[str, tuple[str, ...] | None]:
    """The tables and columns :func:`analyze` reads from a graph file: those of the analyses,
    the report, the pages and the comparison (the 两新组织 only for coverage, no vertical
    links).

    Examples
    --------
    >>> "links" in analyze_needs(), "party_orgs" in analyze_needs()
    (False, True)
    """
    from gongjian.graph.io import merge_needs
    from gongjian.queries import NEEDS
    from gongjian.queries.diff import DIFF_NEEDS
    from gongjian.viz.report import REPORT_NEEDS

    return merge_needs(REPORT_NEEDS, DIFF_NEEDS, *NEEDS.values())


@dataclass
class AnalyzeResult:
    """What :func:`analyze` wrote, and the graph and changes it found."""

    folder: Path
    kg: KnowledgeGraph
    as_of: dt.date
    files: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    changes: pd.DataFrame | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def frame(self, lang: str = "zh") -> pd.DataFrame:
        """The files written, for people: what, path (inside :attr:`folder`), size.

        Examples
        --------
        >>> empty = AnalyzeResult(Path("."), KnowledgeGraph(), dt.date(2025, 6, 30))
        >>> empty.frame().columns.tolist()
        ['what', 'file', 'size']
        """
        rows = []
        for key, path in self.files.items():
            zh, en = WHAT[key]
            size = _size(path.parent if key == "pages" else path)
            try:
                shown = path.relative_to(self.folder)
            except ValueError:
                shown = path
            rows.append({"what": pick(lang, zh, en), "file": str(shown), "size": _human(size)})
        return pd.DataFrame(rows, columns=["what", "file", "size"])


def analyze(source: str | os.PathLike, folder: str | os.PathLike, *,
            as_of: dt.date | str | None = None, compare: str | os.PathLike | None = None,
            lang: str = "zh", seed: int = 0, max_nodes: int = 3000,
            config: str | os.PathLike | None = None) -> AnalyzeResult:
    """Check, build, analyse, report and draw ``source`` into ``folder``, in one process.

    Parameters
    ----------
    source : path
        A ledger folder or a graph file.
    folder : path
        Where the results go (made if missing). Files of earlier runs are replaced.
    as_of : date or str, optional
        Analysis day (default today).
    compare : path, optional
        An earlier ledger folder or graph file, analysed on the same day: what changed
        (:func:`gongjian.queries.diff`) becomes the workbook's 变化 sheet, the report's 变化
        section, and the marks of what is new on the pages.
    lang : {"zh", "en"}
        Language of file names, headers and pages.
    seed : int
        Seed of the cluster search, betweenness sample and layouts.
    max_nodes : int
        Above this many organizations a page shows streets as nodes, and the pages are
        split by street instead of by district.
    config : path, optional
        A ``gongjian.toml`` for the ledger (default the folder's own).

    Returns
    -------
    AnalyzeResult
        ``files`` maps ``problems``, ``graph``, ``analyses``, ``report``, ``page`` and
        ``pages`` (the split pages' index) to what was written.
    """
    source, folder = Path(source), Path(folder)
    day = as_date(as_of).date()
    if not source.exists():
        raise GongjianError(pick(lang, f"找不到 {source}：请给出台账目录或图文件",
                                 f"not found: {source} (pass a ledger folder or a graph file)"))
    if folder.exists() and not folder.is_dir():
        raise GongjianError(pick(lang, f"输出位置应是目录，而 {folder} 是文件",
                                 f"the output must be a folder; {folder} is a file"))
    from_ledger = source.is_dir()
    planned = _planned(folder, lang, from_ledger)
    _refuse_overwrite(planned, source, compare, lang)
    result = AnalyzeResult(folder=folder, kg=KnowledgeGraph(), as_of=day)
    clock = _Clock(result.seconds)
    with clock("read"):
        graph = _from_ledger(source, result, planned, lang, config) if from_ledger else source
    from gongjian.graph.io import load, stored_counts
    from gongjian.queries.coverage import COVERAGE_NEEDS

    result.counts = stored_counts(graph)
    with clock("analyses"), progress(pick(lang, "分析", "running the analyses")):
        # the 两新组织 first, alone; then the network without them (never both in memory)
        coverage = _coverage(load(graph, tables=COVERAGE_NEEDS), lang)
        result.kg = kg = load(graph, tables=_network_needs(compare is not None))
        sheets = _analyses(kg, day, seed, coverage)
    if compare is not None:
        from gongjian.queries.diff import diff

        with clock("diff"), progress(pick(lang, "比较变化", "comparing")):
            result.changes = diff(compare, kg, as_of_old=day, as_of_new=day, seed=seed,
                                  lang=lang)
        sheets["diff"] = result.changes
    with clock("workbook"), progress(pick(lang, "写出分析结果", "writing the workbook")):
        result.files["analyses"] = _workbook(sheets, planned["analyses"], lang)
    del sheets
    _pages(kg, day, result, planned, lang, seed, max_nodes, clock, coverage["report"])
    return result


def _planned(folder: Path, lang: str, from_ledger: bool) -> dict[str, Path]:
    names = {k: folder / pick(lang, zh, en) for k, (zh, en) in FILE_NAMES.items()}
    if not from_ledger:
        del names["problems"], names["graph"]
    return names


def _inputs(path: Path) -> list[Path]:
    """The files a source is made of: the ledger's table files and config, or the file."""
    if not path.is_dir():
        return [path]
    from gongjian.loaders.discovery import SUFFIXES, table_for_name

    return [p for p in path.iterdir()
            if p.is_file() and (p.name == "gongjian.toml"
                                or (p.suffix.lower() in SUFFIXES and table_for_name(p.stem)))]


def _refuse_overwrite(planned: dict[str, Path], source: Path, compare, lang: str) -> None:
    inputs = {p.resolve() for p in _inputs(source)}
    if compare is not None and Path(compare).exists():
        inputs |= {p.resolve() for p in _inputs(Path(compare))}
    for path in planned.values():
        target = path.resolve()
        if target in inputs or any(target in p.parents for p in inputs):
            raise GongjianError(pick(
                lang, f"不会覆盖输入文件：{path}；请用 -o 指定另一个输出目录",
                f"will not write over an input: {path}; choose another output folder with -o"))


def _from_ledger(source: Path, result: AnalyzeResult, planned: dict[str, Path], lang: str,
                 config) -> Path:
    """Check and build the ledger in chunks into the graph file; its problems to their list."""
    from gongjian.graph.stream import build_file
    from gongjian.loaders.problems import write_problems

    built = build_file(source, planned["graph"], config=config)
    result.errors = sum(p.is_error for p in built.problems)
    result.warnings = len(built.problems) - result.errors
    result.files["problems"] = write_problems(built.problems, planned["problems"], lang=lang)
    result.files["graph"] = built.path
    return built.path


def _network_needs(compare: bool) -> Needs:
    """What the analyses, report and pages read beside the coverage: no 两新组织 (but the
    columns :func:`~gongjian.queries.diff` compares, with ``compare``), no vertical links."""
    from gongjian.graph.io import merge_needs
    from gongjian.queries import NEEDS
    from gongjian.queries.diff import DIFF_NEEDS
    from gongjian.viz.report import REPORT_NETWORK_NEEDS

    layer = [needs for name, needs in NEEDS.items() if name in ("islands", "bridges", "clusters")]
    return merge_needs(REPORT_NETWORK_NEEDS, *layer, *([DIFF_NEEDS] if compare else []))


def _coverage(kg: KnowledgeGraph, lang: str) -> dict[str, Any]:
    """The coverage sheets, the rates of the overview and what the report says of them."""
    from gongjian import queries
    from gongjian.viz.report import report_coverage

    plan = queries.coverage_plan(kg)
    return {"district": queries.coverage(kg, by="district"),
            "street": queries.coverage(kg, by="street"),
            "overall": queries.coverage(kg, by="overall").assign(district=pd.NA),
            "plan": plan, "report": report_coverage(kg, lang, plan=plan)}


def _analyses(kg: KnowledgeGraph, day: dt.date, seed: int,
              coverage: dict[str, Any]) -> dict[str, pd.DataFrame]:
    from gongjian import queries
    from gongjian.queries.layer import layer_view
    from gongjian.queries.summary import overview

    found = queries.islands(kg, as_of=day, seed=seed)
    groups = queries.clusters(kg, as_of=day, seed=seed)
    return {
        "overview": overview(layer_view(kg, day), found, groups, coverage["district"],
                             coverage["overall"]),
        "islands": found,
        "bridges": queries.bridges(kg, as_of=day, seed=seed),
        "clusters": groups,
        "coverage_district": coverage["district"],
        "coverage_street": coverage["street"],
        "coverage_plan": coverage.pop("plan"),
    }


#: Sheet → the analysis of ``queries.LABELS`` whose headers and values it takes.
_LABELS_OF = {"coverage_district": "coverage", "coverage_street": "coverage",
              "coverage_plan": "coverage_list"}


def _workbook(frames: dict[str, pd.DataFrame], path: Path, lang: str) -> Path:
    from gongjian.output import Sheet, write_workbook
    from gongjian.queries import LABELS, for_people

    sheets = []
    for key, zh, en in SHEETS:
        if key not in frames:
            continue
        df = frames[key]
        if key == "overview":
            df = df.assign(district=df["district"].fillna(pick(lang, "合计", "total")))
        analysis = _LABELS_OF.get(key, key)
        sheets.append(Sheet(pick(lang, zh, en), for_people(df, analysis, lang), LABELS[analysis]))
    write_workbook(sheets, path, lang=lang)
    return path


def _pages(kg: KnowledgeGraph, day: dt.date, result: AnalyzeResult, planned: dict[str, Path],
           lang: str, seed: int, max_nodes: int, clock: _Clock,
           coverage: dict[str, Any]) -> None:
    from gongjian.viz import render, write_report, write_split

    changes = result.changes
    with clock("report"), progress(pick(lang, "写出分析报告", "writing the report")):
        result.files["report"] = write_report(kg, planned["report"], as_of=day, lang=lang,
                                              seed=seed, max_nodes=max_nodes, changes=changes,
                                              coverage=coverage)
    with clock("pages"), progress(pick(lang, "绘制网络页面", "drawing the pages")):
        result.files["page"] = render(kg, planned["page"], as_of=day, lang=lang, seed=seed,
                                      max_nodes=max_nodes, changes=changes)
        large = kg.co_building_arrays(day).n > max_nodes
        by = "street" if large else "district"
        result.files["pages"] = write_split(kg, planned["streets" if large else "districts"],
                                            by=by, as_of=day, lang=lang, seed=seed,
                                            max_nodes=max_nodes, changes=changes)


class _Clock:
    """Seconds per step, into a dict."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into = into

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.into[name] = self.into.get(name, 0.0) + time.perf_counter() - start


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0


def _human(size: int) -> str:
    """A file size for people.

    Examples
    --------
    >>> _human(512), _human(2048), _human(3 * 1024 ** 2)
    ('512 B', '2.0 KB', '3.0 MB')
    """
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
