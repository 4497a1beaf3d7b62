"""The demo run: write the Nanjing ledgers, build and save the graph, run the analyses, draw.

:func:`run_demo` is what ``gongjian demo`` calls. Besides the ledgers and ``graph.gjg`` it
writes the analyses as spreadsheets (``分析/``), the whole-network page (``网络.html``), one
page per district (``各区/index.html``) and the report (``报告.html``), all as of
:data:`DEMO_AS_OF` so that the demo shows the same answers on any day.

Examples
--------
>>> import tempfile
>>> result = run_demo(tempfile.mkdtemp())   # the whole demo: a few seconds
>>> result.errors, result.counts["party_orgs"], result.graph_path.name
(0, 835, 'graph.gjg')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from gongjian.demo.nanjing import DEMO_AS_OF, DEMO_FILES, write_demo
from gongjian.i18n import pick
from gongjian.progress import progress
from gongjian.synth.writer import check_folder

__all__ = ["GRAPH_NAME", "OUTPUT_TITLES", "DemoResult", "run_demo"]

#: What the demo made, for :meth:`DemoResult.lines`: output → (中文, English).
OUTPUT_TITLES: dict[str, tuple[str, str]] = {
    "analyses": ("分析结果", "analyses"), "page": ("网络页面", "network page"),
    "districts": ("各区页面", "district pages"), "report": ("分析报告", "report")}

#: File name of the saved demo graph inside the demo folder.
GRAPH_NAME = "graph.gjg"


@dataclass
class DemoResult:
    """What a demo run made: where the files are, the graph, counts and the ground truth."""

    folder: Path
    files: dict[str, Path]
    truth: dict
    graph_path: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    outputs: dict[str, Path] = field(default_factory=dict)

    def lines(self, lang: str = "zh") -> list[str]:
        """A short account for people: what was made, where, and what to try next."""
        c = self.counts
        out = [
            pick(lang, f"演示台账已写入 {self.folder}"
                       "（南京市玄武区、秦淮区、鼓楼区；台账为虚构数据）",
                 f"Demo ledgers written to {self.folder} (Nanjing: Xuanwu, Qinhuai, Gulou; "
                 "made-up data)"),
            pick(lang, f"  党组织 {c.get('party_orgs', 0)} 个，"
                       f"共建关系 {c.get('relations', 0)} 条，"
                       f"两新组织 {c.get('organizations', 0)} 个，楼宇园区 {c.get('sites', 0)} 个，"
                       f"区域 {c.get('regions', 0)} 个",
                 f"  {c.get('party_orgs', 0)} Party organizations, {c.get('relations', 0)} "
                 f"relations, {c.get('organizations', 0)} new-economy organizations, "
                 f"{c.get('sites', 0)} sites, {c.get('regions', 0)} regions"),
            pick(lang, f"  读取问题：错误 {self.errors} 个，提醒 {self.warnings} 个",
                 f"  problems reading: {self.errors} errors, {self.warnings} warnings"),
            pick(lang, "  文件：", "  files: ") + "、".join(p.name for p in self.files.values()),
        ]
        if self.graph_path is not None:
            out.append(pick(lang, f"  图文件：{self.graph_path}",
                            f"  graph file: {self.graph_path}"))
        out.append(pick(lang, f"  预置答案：{self.folder / 'ground_truth.json'}（分析日期 "
                              f"{DEMO_AS_OF}）",
                        f"  planted answers: {self.folder / 'ground_truth.json'} (as of "
                        f"{DEMO_AS_OF})"))
        for key, path in self.outputs.items():
            zh, en = OUTPUT_TITLES[key]
            out.append(f"  {pick(lang, zh, en)}{pick(lang, '：', ': ')}{path}")
        target = self.graph_path or self.folder
        out += [pick(lang, "下一步可以试试：", "Try next:"),
                f"  gongjian info {target}",
                f"  gongjian islands {target} --as-of {DEMO_AS_OF}",
                f"  gongjian bridges {target} --as-of {DEMO_AS_OF} --top 10",
                f"  gongjian clusters {target} --as-of {DEMO_AS_OF}",
                f"  gongjian coverage {target} --plan",
                f"  gongjian cypher run isolated_organizations {target} -p as_of={DEMO_AS_OF}"]
        return out


def run_demo(folder: str | Path, *, seed: int = 2024, lang: str = "zh") -> DemoResult:
    """Write the demo ledgers to ``folder``, read them, build the graph and save it there.

    The graph goes to ``folder / "graph.gjg"``; ``lang`` is the language of the account
    (:meth:`DemoResult.lines`) and of any problem list written.
    """
    from gongjian.graph import io
    from gongjian.graph.build import build
    from gongjian.loaders import read_ledger

    folder = Path(folder)
    check_folder(folder, set(DEMO_FILES.values()), lang)
    with progress(pick(lang, "生成演示台账", "writing the demo ledgers")):
        write_demo(folder, seed=seed)
    truth = json.loads((folder / "ground_truth.json").read_text("utf-8"))
    files = {table: folder / name for table, name in DEMO_FILES.items()}
    with progress(pick(lang, "读取台账并构建图谱", "reading the ledgers and building the graph")):
        ledger = read_ledger(folder)
        kg = build(ledger)
        graph_path = folder / GRAPH_NAME
        io.save(kg, graph_path)
    counts = kg.counts()
    outputs = _analyses_and_pages(kg, folder, lang)
    return DemoResult(folder=folder, files=files, truth=truth, graph_path=graph_path,
                      counts=counts, errors=len(ledger.errors), warnings=len(ledger.warnings),
                      outputs=outputs)


def _analyses_and_pages(kg, folder: Path, lang: str) -> dict[str, Path]:
    """The analyses as spreadsheets, the network page, the district pages and the report."""
    from gongjian.queries import write_analyses
    from gongjian.viz import render, write_report, write_split

    outputs = {}
    with progress(pick(lang, "分析", "running the analyses")):
        analyses = folder / pick(lang, "分析", "analyses")
        write_analyses(kg, analyses, as_of=DEMO_AS_OF, lang=lang)
        outputs["analyses"] = analyses
    with progress(pick(lang, "绘制网络页面和报告", "drawing the pages and the report")):
        outputs["page"] = render(kg, folder / pick(lang, "网络.html", "network.html"),
                                 as_of=DEMO_AS_OF, lang=lang)
        outputs["districts"] = write_split(kg, folder / pick(lang, "各区", "districts"),
                                           by="district", as_of=DEMO_AS_OF, lang=lang)
        outputs["report"] = write_report(kg, folder / pick(lang, "报告.html", "report.html"),
                                         as_of=DEMO_AS_OF, lang=lang)
    return outputs
