"""The demo run: write the Nanjing ledgers, then ``gongjian analyze`` them in place.

:func:`run_demo` is what ``gongjian demo`` calls: the ledgers, then what
:func:`gongjian.analyze.analyze` writes beside them (``问题清单.xlsx``, ``图谱.gjg``,
``分析结果.xlsx``, ``分析报告.html``, ``网络.html`` and one page per district in ``各区/``),
all as of :data:`DEMO_AS_OF` so that the demo shows the same answers on any day.

Examples
--------
>>> import tempfile
>>> result = run_demo(tempfile.mkdtemp())   # the whole demo: a few seconds
>>> result.errors, result.counts["party_orgs"], result.graph_path.name
(0, 835, '图谱.gjg')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from gongjian.demo.nanjing import DEMO_AS_OF, DEMO_FILES, write_demo
from gongjian.i18n import pick
from gongjian.progress import progress
from gongjian.synth.writer import check_folder

__all__ = ["OUTPUT_TITLES", "DemoResult", "run_demo"]

#: What the demo made, for :meth:`DemoResult.lines`: output → (中文, English).
OUTPUT_TITLES: dict[str, tuple[str, str]] = {
    "problems": ("问题清单", "problem list"),
    "analyses": ("分析结果（每项分析一页）", "analyses (a sheet each)"),
    "page": ("网络页面", "network page"), "pages": ("各区页面", "district pages"),
    "report": ("分析报告", "report")}


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
    """Write the demo ledgers to ``folder`` and run :func:`gongjian.analyze.analyze` on them.

    Everything goes into ``folder`` beside the ledgers, as of :data:`DEMO_AS_OF`: the
    problem list, the graph file, the workbook of analyses, the report and the pages;
    ``lang`` is the language of the account (:meth:`DemoResult.lines`) and of the files.
    """
    from gongjian.analyze import analyze

    folder = Path(folder)
    check_folder(folder, set(DEMO_FILES.values()), lang)
    with progress(pick(lang, "生成演示台账", "writing the demo ledgers")):
        write_demo(folder, seed=seed)
    truth = json.loads((folder / "ground_truth.json").read_text("utf-8"))
    files = {table: folder / name for table, name in DEMO_FILES.items()}
    done = analyze(folder, folder, as_of=DEMO_AS_OF, lang=lang)
    outputs = {key: done.files[key] for key in _OUTPUTS if key in done.files}
    return DemoResult(folder=folder, files=files, truth=truth, graph_path=done.files["graph"],
                      counts=done.counts, errors=done.errors, warnings=done.warnings,
                      outputs=outputs)


#: The outputs of the analysis the account lists, in order.
_OUTPUTS: tuple[str, ...] = ("problems", "analyses", "report", "page", "pages")
