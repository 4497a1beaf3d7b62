"""The analysis report (分析报告): figures and findings, the network, charts, the top of every list.

Everything sits in one self-contained HTML file (same CSP and safety rules as the network
pages) that prints on A4: page 1 holds the summary figures and the three to five findings
that matter most (sentences generated from the analyses, :mod:`gongjian.viz.findings`); the
network is printed as a static SVG from the precomputed layout across the page width; no
heading is left alone at the bottom of a page. On screen, names in the lists link into the
interactive network view at the end.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import gongjian
>>> import pandas as pd
>>> kg = gongjian.KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["a", "b", "c"], "name": ["甲社区", "乙单位", "丙单位"],
...                              "kind": ["community", "unit", "unit"],
...                              "district": ["玄武区"] * 3, "street": ["新街口街道"] * 3}),
...     relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "type": ["pairing"]}))
>>> path = gongjian.write_report(kg, Path(tempfile.mkdtemp()) / "报告.html", as_of="2025-06-30")
>>> "乙单位" in path.read_text(encoding="utf-8")
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gongjian import queries, schema
from gongjian.graph.io import Needs, merge_needs
from gongjian.graph.model import KnowledgeGraph
from gongjian.i18n import pick
from gongjian.queries.coverage import COVERAGE_NEEDS
from gongjian.queries.lists import LISTS_NEEDS
from gongjian.viz.charts import bar_chart
from gongjian.viz.context import Context, prepare, rank_bridges, select
from gongjian.viz.findings import findings
from gongjian.viz.labels import REPORT_WORDS, words
from gongjian.viz.lists import report_section
from gongjian.viz.model import page_model
from gongjian.viz.page import PAGE_NEEDS, jinja_env, node_anchor, template_vars, write_html
from gongjian.viz.static import network_picture

__all__ = ["REPORT_NEEDS", "REPORT_NETWORK_NEEDS", "TOP", "change_section", "report_coverage",
           "write_report"]

#: What :func:`write_report` reads from a graph file besides the 两新组织: what the pages
#: read and the lists' figures.
REPORT_NETWORK_NEEDS: Needs = merge_needs(PAGE_NEEDS, LISTS_NEEDS)
#: What :func:`write_report` reads from a graph file: :data:`REPORT_NETWORK_NEEDS` and the
#: coverage of the 两新组织 (:func:`report_coverage`, which may be computed apart first).
REPORT_NEEDS: Needs = merge_needs(REPORT_NETWORK_NEEDS, COVERAGE_NEEDS)

#: Rows of each list shown in the report.
TOP = 20


def _rows_list(value: Any) -> list:
    if isinstance(value, (list, tuple, np.ndarray)):
        return list(value)
    return []


def _coverage_by_street(df: pd.DataFrame, lang: str) -> dict[str, Any] | None:
    """Organizational coverage rate per street (``df``), lowest first (None when empty)."""
    if not len(df):
        return None
    unnamed = pick(lang, "（未填街道）", "(no street)")
    labels = (df["district"].astype(object).fillna("").astype(str) + " "
              + df["street"].astype(object).fillna(unnamed).astype(str))
    items = sorted(zip(labels, df["organizational_rate"].astype(float), strict=True),
                   key=lambda x: (x[1], x[0]))
    return bar_chart(items, title=pick(lang, "各街道两新组织组织覆盖率（由低到高）",
                                       "Organizational coverage by street (lowest first)"),
                     percent=True, color="#1e8449")


def report_coverage(kg: KnowledgeGraph, lang: str = "zh", *,
                    plan: pd.DataFrame | None = None) -> dict[str, Any]:
    """What the report says of the 两新组织: their number, the coverage overall and per
    street (with its chart) and the top of the coverage plan (``plan``, the whole
    :func:`~gongjian.queries.coverage_plan` when already made; made here otherwise).

    Reads only :data:`~gongjian.queries.coverage.COVERAGE_NEEDS`: the command line computes
    it from the 两新组织 alone, lets them go, then opens the rest for
    :func:`write_report` (``coverage=``), so the two never sit in memory together.

    Examples
    --------
    >>> report_coverage(KnowledgeGraph())["organizations"]
    0
    """
    n = len(kg.organizations)
    out: dict[str, Any] = {"organizations": n, "overall": None, "by_street": None,
                           "chart": None, "plan": ([], [])}
    if not n:
        return out
    by_street = queries.coverage(kg, by="street")
    out["chart"] = _coverage_by_street(by_street, lang)
    out["plan"] = _coverage_plan(queries.coverage_plan(kg) if plan is None else plan, lang)
    out["overall"] = float(queries.coverage(kg, by="overall")["organizational_rate"].iloc[0])
    out["by_street"] = by_street
    return out


def _coverage_plan(plan: pd.DataFrame, lang: str) -> tuple[list[str], list[list[Any]]]:
    """Headers and the top rows of the coverage plan, codes shown as labels."""
    from gongjian.queries import LABELS, for_people

    plan = for_people(plan.head(TOP), "coverage_list", lang)
    cols = [c for c in ("name", "district", "street", "site", "party_members", "plan",
                        "proposal", "plan_reason") if c in plan.columns]
    labels = LABELS.get("coverage_list", {})
    headers = [labels[c][1 if lang == "en" else 0] if c in labels else c for c in cols]
    rows = [["" if pd.isna(v) else v for v in row]
            for row in plan[cols].itertuples(index=False, name=None)]
    return headers, rows


def _sections(ctx: Context, lang: str, coverage: dict[str, Any]) -> dict[str, Any]:
    kg, day = ctx.kg, ctx.layer.as_of.date()
    isl = queries.islands(kg, as_of=day)
    brg = rank_bridges(queries.bridges(kg, as_of=day))
    clu = ctx.clusters if ctx.clusters is not None else queries.clusters(kg, as_of=day)
    kinds = ctx.orgs["kind"].astype(str).value_counts()
    kind_items = [(t.label(lang), int(kinds.get(code, 0)), t.color)
                  for code, t in schema.PARTY_KINDS.items() if kinds.get(code, 0)]
    by_district = isl["district"].astype(str).value_counts().sort_index() if len(isl) \
        else pd.Series(dtype=int)
    cross = clu[[len(_rows_list(d)) >= 2 for d in clu["districts"]]] if len(clu) else clu
    cross = cross.sort_values(["size", "cluster"], ascending=[False, True]) if len(cross) \
        else cross
    charts = [
        bar_chart([(k, v) for k, v, _ in kind_items],
                  title=pick(lang, "按类别统计党组织", "Party organizations by kind"),
                  colors=[c for _, _, c in kind_items]),
        bar_chart(list(by_district.items()),
                  title=pick(lang, "各区党建孤岛数", "Islands by district"),
                  color=schema.PALETTE.island),
        bar_chart([(pick(lang, f"片区 {c}：", f"cluster {c}: ") + "、".join(map(str, d)), s)
                   for c, d, s in zip(cross["cluster"], cross["districts"], cross["size"],
                                      strict=True)],
                  title=pick(lang, "最大的跨区片区（组织数）",
                             "Biggest cross-district clusters (organizations)"),
                  color=schema.PALETTE.cross_district, limit=10),
    ]
    if coverage["chart"]:
        charts.append(coverage["chart"])
    names = dict(zip(ctx.layer.ids.tolist(), ctx.orgs["name"].astype(str), strict=True))
    plan_headers, plan_rows = coverage["plan"]
    figures = [
        (pick(lang, "党组织", "Party organizations"), ctx.n),
        (pick(lang, "有效共建关系", "active ties"), int(ctx.layer.count.sum())),
        (pick(lang, "党建孤岛", "islands"), len(isl)),
        (pick(lang, "关键联结单位", "bridging units"), len(brg)),
        (pick(lang, "跨区片区", "cross-district clusters"), len(cross)),
        (pick(lang, "两新组织", "new-economy organizations"), coverage["organizations"]),
    ]
    covered, by_street = coverage["overall"], coverage["by_street"]
    if coverage["organizations"]:
        figures.append((pick(lang, "组织覆盖率", "organizational coverage"), f"{covered:.1%}"))
    lists = report_section(kg, day, lang)
    if lists is not None and lists["dormant"] is not None:
        figures.insert(2, (pick(lang, "休眠关系", "dormant ties"), lists["dormant"]))
    if lists is not None:
        figures += lists["figures"]
    said = findings(n_orgs=ctx.n, islands=isl, ranked_bridges=brg, clusters=clu,
                    coverage_overall=covered, coverage_by_street=by_street, lang=lang,
                    dormant=lists["dormant"] if lists else None,
                    active_ties=int(ctx.layer.count.sum()),
                    stale_needs=lists["stale_total"] if lists else None)
    return {
        "figures": figures, "charts": charts, "findings": said,
        "islands": [{"href": node_anchor(r.id), "name": r.name, "district": r.district,
                     "street": "" if pd.isna(r.street) else r.street, "text": r.explanation}
                    for r in isl.head(TOP).itertuples()],
        "bridges": [{"href": node_anchor(r.id), "name": r.name, "district": r.district,
                     "text": r.reason} for r in brg.head(TOP).itertuples()],
        "clusters": [{"id": r.cluster, "size": int(r.size),
                      "districts": "、".join(map(str, _rows_list(r.districts))),
                      "ties": int(r.cross_district_ties),
                      "members": [{"href": node_anchor(m), "name": names.get(str(m), str(m))}
                                  for m in _rows_list(r.members)[:8]],
                      "more": max(len(_rows_list(r.members)) - 8, 0)}
                     for r in cross.head(TOP).itertuples()],
        "plan_headers": plan_headers, "plan": plan_rows, "lists": lists,
    }


def change_section(changes: pd.DataFrame, lang: str = "zh",
                   linked: Container[str] = ()) -> dict[str, Any]:
    """The report's 变化 section from :func:`gongjian.queries.diff` rows: a bar chart of the
    count per kind of change (every kind, zeros too) and, per kind that occurred, its first
    :data:`TOP` rows (name, district, detail; names of ``linked`` ids link into the network).

    Examples
    --------
    >>> rows = pd.DataFrame({"change": ["org_new", "island_new"], "id": ["n", "n"],
    ...                      "name": ["新单位", "新单位"], "district": ["玄武区"] * 2,
    ...                      "detail": ["", "无任何有效共建关系"]})
    >>> s = change_section(rows, linked={"n"})
    >>> s["total"], [r["text"] for r in s["chart"]["rows"][:5]]
    (2, ['1', '0', '0', '0', '1'])
    >>> [(g["code"], g["title"], g["rows"][0]["href"]) for g in s["groups"]]
    [('org_new', '新增组织', '#n=n'), ('island_new', '新增党建孤岛', '#n=n')]
    """
    counts = changes["change"].astype(str).value_counts()
    terms = list(schema.CHANGES.values())
    chart = bar_chart([(t.label(lang), int(counts.get(t.code, 0))) for t in terms],
                      title=pick(lang, "各类变化数", "Changes by kind"),
                      colors=[t.color for t in terms])
    groups = []
    for t in terms:
        mine = changes[changes["change"].astype(str) == t.code]
        if not len(mine):
            continue
        groups.append({
            "code": t.code, "title": t.label(lang), "color": t.color, "count": len(mine),
            "more": max(len(mine) - TOP, 0),
            "rows": [{"href": node_anchor(r.id) if str(r.id) in linked else "",
                      "name": r.name, "district": r.district, "text": r.detail}
                     for r in mine.head(TOP).itertuples()]})
    return {"total": len(changes), "chart": chart, "groups": groups}


def write_report(kg: KnowledgeGraph, path: Path | str, *, as_of: dt.date | str | None = None,
                 lang: str = "zh", seed: int = 0, max_nodes: int = 3000,
                 changes: pd.DataFrame | None = None,
                 coverage: dict[str, Any] | None = None) -> Path:
    """Write the analysis report of ``kg`` on ``as_of`` to ``path``.

    Summary figures and findings, the network as a static picture, bar charts (inline SVG),
    the top of the islands, bridges (by importance), clusters and coverage-plan lists, and the
    interactive network view they link into, in one HTML file that prints on A4. With
    ``changes`` (rows of :func:`gongjian.queries.diff` against an earlier ledger), a 变化
    section follows the summary: the count per kind of change and the lists of each
    (:func:`change_section`). ``coverage``: what :func:`report_coverage` made of the
    same graph's 两新组织 (default: made here from ``kg``).
    """
    if coverage is None:
        coverage = report_coverage(kg, lang)
    ctx = prepare(kg, as_of=as_of, lang=lang, seed=seed)
    title = pick(lang, "区域化党建共建分析报告", "Regional co-building report")
    model = page_model(ctx, select(ctx), title=pick(lang, "共建关系网络", "Co-building network"),
                       seed=seed, max_nodes=max_nodes, changes=changes)
    sections = _sections(ctx, lang, coverage)
    sections["changes"] = None
    if changes is not None:
        sections["changes"] = change_section(changes, lang, linked=set(model["n"]["id"]))
        sections["figures"].append((pick(lang, "与上期相比变化", "changes since last time"),
                                    len(changes)))
    variables = template_vars(model)
    variables |= {"title": title, "network_title": model["title"], "s": sections,
                  "t": _report_words(lang), "pic": network_picture(model)}
    text = jinja_env().get_template("report.html.j2").render(**variables)
    return write_html(text, path)


def _report_words(lang: str) -> dict[str, str]:
    return words(REPORT_WORDS, lang) | {"top_n": str(TOP)}
