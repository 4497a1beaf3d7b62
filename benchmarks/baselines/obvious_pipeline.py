"""Baseline of the end-to-end target: the whole job as ONE obvious script.

pandas to read the ledger, a networkx ``Graph`` of the co-building ties active today,
``isolates`` (and groups without a street or community organization), articulation points,
networkx Louvain, a pandas group-by for coverage; each result written as a CSV. What an
analyst writes instead of installing a tool. Only the vocabulary of the ledger's values
comes from :mod:`gongjian.schema`.

Run it: ``python benchmarks/baselines/obvious_pipeline.py LEDGER OUT``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import networkx as nx
import pandas as pd

from gongjian import schema

FILES = {"党组织": "orgs", "party_orgs": "orgs", "共建关系": "relations",
         "relations": "relations", "两新组织": "firms", "organizations": "firms"}


def read(path: Path) -> pd.DataFrame:
    """A CSV as text, in UTF-8 or the GB18030 Excel writes on Chinese Windows."""
    try:
        df = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except UnicodeDecodeError:
        df = pd.read_csv(path, dtype=str, encoding="gb18030")
    return df.rename(columns=lambda c: c.strip(" *"))


def code(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """Ledger spellings (Chinese or English) to codes."""
    return values.map({v: schema.canonical(aliases, v) for v in values.dropna().unique()})


def main(ledger: Path, out: Path) -> None:
    """Read ``ledger``, run the four analyses, write CSVs into ``out``."""
    tables = {FILES[p.stem]: read(p) for p in ledger.glob("*.csv") if p.stem in FILES}
    orgs, rel, firms = tables["orgs"], tables["relations"], tables.get("firms")
    orgs["kind"] = code(orgs["组织类别"], schema.PARTY_KIND_ALIASES)
    orgs = orgs[code(orgs["状态"], schema.STATUS_ALIASES) != "dissolved"]
    today = pd.Timestamp(dt.date.today())
    end = pd.to_datetime(rel["结束日期"].str.replace(r"[年月/]", "-", regex=True)
                         .str.replace("日", ""), errors="coerce", format="mixed")
    rel = rel[end.isna() | (end >= today)]

    g = nx.Graph()
    for row in orgs[["组织编码", "组织名称", "kind", "所属区"]].itertuples(index=False):
        g.add_node(row[0], name=row[1], kind=row[2], district=row[3])
    for a, b in zip(rel["甲方编码"], rel["乙方编码"], strict=True):
        if a in g and b in g and a != b:
            g.add_edge(a, b)
    out.mkdir(parents=True, exist_ok=True)

    kind = dict(g.nodes(data="kind"))
    lonely = [n for n in nx.isolates(g) if kind[n] in schema.CO_BUILDING_KINDS]
    for comp in nx.connected_components(g):
        if len(comp) > 1 and not any(kind[n] in schema.AXIS_KINDS for n in comp):
            lonely.extend(comp)
    pd.DataFrame({"id": lonely}).to_csv(out / "islands.csv", index=False)

    cut = list(nx.articulation_points(g))
    pd.DataFrame({"id": cut, "degree": [g.degree(n) for n in cut]}).sort_values(
        "degree", ascending=False).to_csv(out / "bridges.csv", index=False)

    district = dict(g.nodes(data="district"))
    found = [c for c in nx.community.louvain_communities(g, seed=0)
             if len({district[n] for n in c}) >= 2]
    pd.DataFrame({"cluster": range(len(found)), "size": [len(c) for c in found],
                  "members": ["、".join(sorted(c)) for c in found]}).to_csv(
        out / "clusters.csv", index=False)

    if firms is not None:
        cov = code(firms["覆盖方式"], schema.COVERAGE_ALIASES)
        cov = cov.where(cov.notna(), firms["覆盖党组织编码"].notna().map({True: "host",
                                                                      False: "none"}))
        firms = firms.assign(members=pd.to_numeric(firms["党员数"], errors="coerce").fillna(0),
                             organizational=cov.isin(schema.ORGANIZATIONAL_COVERAGE),
                             work=cov.isin(schema.WORK_COVERAGE))
        firms.groupby(["所属区", "所属街道"])[["organizational", "work"]].mean().to_csv(
            out / "coverage.csv")
        todo = firms[~firms["organizational"]].copy()
        site_members = todo.groupby("所在楼宇园区")["members"].transform("sum")
        todo["plan"] = "instructor"
        todo.loc[todo["所在楼宇园区"].notna() & (site_members >= 3), "plan"] = "joint"
        todo.loc[todo["members"] >= 3, "plan"] = "own"
        todo[["统一社会信用代码", "名称", "所属区", "所在楼宇园区", "members", "plan"]].to_csv(
            out / "coverage_plan.csv", index=False)
    print(f"{g.number_of_nodes()} organizations, {len(lonely)} islands, {len(cut)} "
          f"articulation points, {len(found)} cross-district clusters")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
