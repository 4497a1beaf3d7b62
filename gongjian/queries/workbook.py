"""Write every analysis as a spreadsheet a clerk can open: one ``.xlsx`` per list.

Examples
--------
>>> import gongjian, tempfile
>>> kg = gongjian.load("examples/ledger")
>>> paths = write_analyses(kg, tempfile.mkdtemp(), as_of="2025-06-30")
>>> paths["islands"].name, len(paths)
('党建孤岛.xlsx', 5)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gongjian.graph.model import KnowledgeGraph
from gongjian.i18n import pick
from gongjian.output import write_xlsx
from gongjian.queries.bridges import bridges
from gongjian.queries.clusters import clusters
from gongjian.queries.coverage import coverage, coverage_plan
from gongjian.queries.islands import islands
from gongjian.queries.labels import ANALYSIS_FILES, LABELS, for_people

__all__ = ["write_analyses"]

def write_analyses(kg: KnowledgeGraph, folder: str | Path, *,
                   as_of: dt.date | str | None = None, lang: str = "zh",
                   seed: int = 0) -> dict[str, Path]:
    """Run islands, bridges, clusters, coverage by street and the plan; write one XLSX each.

    Headers and values are in ``lang`` (codes become labels); returns analysis → path.
    """
    folder = Path(folder)
    frames = {
        "islands": islands(kg, as_of=as_of, seed=seed),
        "bridges": bridges(kg, as_of=as_of, seed=seed),
        "clusters": clusters(kg, as_of=as_of, seed=seed),
        "coverage": coverage(kg, by="street"),
        "coverage_list": coverage_plan(kg),
    }
    paths = {}
    for name, df in frames.items():
        zh, en = ANALYSIS_FILES[name]
        path = folder / f"{pick(lang, zh, en)}.xlsx"
        write_xlsx(for_people(df, name, lang), path, labels=LABELS[name], lang=lang,
                   sheet=pick(lang, zh, en))
        paths[name] = path
    return paths
