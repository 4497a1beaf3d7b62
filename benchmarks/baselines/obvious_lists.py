"""The obvious way to match the three lists and find dormant ties: a plain pandas script.

What an analyst would write in an afternoon, with the same rules as
:func:`gongjian.queries.match` and :func:`gongjian.queries.dormant`:

- match: open needs and offered resources merged on category (one district of needs at a
  time, with the resources of that district and the city-wide ones, so that the merge and
  the candidate list fit in memory: all candidates of the city at once took over 16 GB),
  filtered by scope, then a Python loop over the candidate pairs for the network part (is
  either end an island, is one cut off from the axis — networkx components —, is the tie
  new), a sort and the first three per need;
- dormant: the members of every activity and project exploded and self-merged into pairs,
  the last evidence per pair in a dict, and a Python loop over the active ties.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

LEVELS = ["community", "street", "district", "city"]


def layer(kg, day: pd.Timestamp) -> nx.Graph:
    """The active co-building layer as a networkx graph, built row by row."""
    orgs = kg.party_orgs
    live = orgs[orgs["status"].fillna("active") != "dissolved"]
    g = nx.Graph()
    g.add_nodes_from(live["id"])
    rel = kg.relations
    active = rel[(rel["start"].isna() | (rel["start"] <= day))
                 & (rel["end"].isna() | (rel["end"] >= day))]
    for s, t in zip(active["source_id"], active["target_id"], strict=True):
        if s != t and s in g and t in g:
            g.add_edge(s, t)
    return g


def match(kg, as_of: str, top: int = 3) -> pd.DataFrame:
    day = pd.Timestamp(as_of)
    g = layer(kg, day)
    axis = set(kg.party_orgs.loc[kg.party_orgs["kind"].isin(["street", "community"]), "id"])
    attached = {}
    for comp in nx.connected_components(g):
        reach = not axis.isdisjoint(comp)
        for v in comp:
            attached[v] = reach
    where = kg.party_orgs[["id", "district", "street", "community"]]
    needs = kg.needs
    needs = needs[(needs["status"].fillna("open") == "open")
                  & (needs["raised"].isna() | (needs["raised"] <= day))]
    needs = needs.merge(where, left_on="org_id", right_on="id", suffixes=("", "_org"))
    needs = needs[needs["org_id"].isin(g.nodes)]
    res = kg.resources
    res = res[res["until"].isna() | (res["until"] >= day)]
    res = res.merge(where, left_on="org_id", right_on="id", suffixes=("", "_org"))
    res = res[res["org_id"].isin(g.nodes)]
    projects = kg.projects
    active = projects[(projects["status"] == "active") | (
        projects["status"].isna() & (projects["start"].isna() | (projects["start"] <= day))
        & (projects["end"].isna() | (projects["end"] >= day)))]
    used = {r for ids in active["resource_ids"] for r in ids}
    needs = needs[["id", "org_id", "category", "district", "street", "community"]]
    res = res[["id", "org_id", "category", "scope", "district", "street", "community"]]
    best = []
    for district, part in needs.groupby("district"):
        rows = []
        local = res[(res["district"] == district) | (res["scope"] == "city")]
        pairs = part.merge(local, on="category", suffixes=("_n", "_r"))
        same_d = pairs["district_n"] == pairs["district_r"]
        same_s = same_d & (pairs["street_n"] == pairs["street_r"])
        same_c = same_s & pairs["community_n"].notna() & (pairs["community_n"]
                                                          == pairs["community_r"])
        prox = pd.Series(3, index=pairs.index)
        prox[same_d] = 2
        prox[same_s] = 1
        prox[same_c] = 0
        scope = pairs["scope"].fillna("street").map({c: i for i, c in enumerate(LEVELS)})
        pairs = pairs.assign(prox=prox)[(prox <= scope) & (pairs["org_id_n"]
                                                           != pairs["org_id_r"])]
        for n_id, a, r_id, b, cat, p in zip(pairs["id_n"], pairs["org_id_n"], pairs["id_r"],
                                            pairs["org_id_r"], pairs["category"],
                                            pairs["prox"], strict=True):
            tied = g.has_edge(a, b)
            if tied:
                mend = 3
            elif g.degree(a) == 0 or g.degree(b) == 0:
                mend = 0
            elif attached[a] != attached[b]:
                mend = 1
            elif p == 3:
                mend = 2
            else:
                mend = 3
            rows.append((n_id, a, r_id, b, cat, p, mend, tied, r_id in used))
        # every need of the district is in this chunk: its best are final
        df = pd.DataFrame(rows, columns=["need_id", "need_org", "resource_id", "resource_org",
                                         "category", "proximity", "mends", "tied", "used"])
        df = df.sort_values(["need_id", "proximity", "mends", "tied", "used", "resource_id"])
        df["rank"] = df.groupby("need_id").cumcount() + 1
        best.append(df[df["rank"] <= top])
    return pd.concat(best, ignore_index=True).sort_values(["need_id", "rank"])


def dormant(kg, as_of: str, window: int = 365) -> pd.DataFrame:
    day = pd.Timestamp(as_of)
    g = layer(kg, day)
    acts = kg.activities[kg.activities["date"] <= day][["date", "participants"]]
    acts = acts.reset_index(drop=True).rename_axis("event").reset_index()
    members = acts.explode("participants")
    pairs = members.merge(members, on=["event", "date"])
    pairs = pairs[pairs["participants_x"] < pairs["participants_y"]]
    last: dict[tuple[str, str], pd.Timestamp] = {}
    for a, b, when in zip(pairs["participants_x"], pairs["participants_y"], pairs["date"],
                          strict=True):
        if (a, b) not in last or last[(a, b)] < when:
            last[(a, b)] = when
    projects = kg.projects
    projects = projects[projects["start"].isna() | (projects["start"] <= day)]
    for lead, others, end in zip(projects["lead_id"], projects["participants"],
                                 projects["end"], strict=True):
        when = day if pd.isna(end) or end > day else end
        people = sorted({lead, *others})
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                if (a, b) not in last or last[(a, b)] < when:
                    last[(a, b)] = when
    rel = kg.relations
    active = rel[(rel["start"].isna() | (rel["start"] <= day))
                 & (rel["end"].isna() | (rel["end"] >= day))]
    rows = []
    for s, t, ty, start in zip(active["source_id"], active["target_id"], active["type"],
                               active["start"], strict=True):
        if s == t or s not in g or t not in g:
            continue
        seen = last.get((min(s, t), max(s, t)))
        if seen is not None and (day - seen).days <= window:
            continue
        rows.append((s, t, ty, start, seen, None if seen is None else (day - seen).days))
    return pd.DataFrame(rows, columns=["source_id", "target_id", "type", "start",
                                       "last_evidence", "days_since"])


def task(clock, *, graph: str, as_of: str) -> dict:
    """Task: the pandas script on the tables of the graph file (loading is setup)."""
    from gongjian.graph.io import load

    kg = load(Path(graph))
    with clock():
        with clock("match"):
            matched = match(kg, as_of)
        with clock("dormant"):
            asleep = dormant(kg, as_of)
    return {"rows": len(kg.party_orgs),
            "found": {"matches": len(matched), "dormant": len(asleep)}}
