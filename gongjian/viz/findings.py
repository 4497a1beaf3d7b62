"""The few findings a report leads with, as sentences generated from the analyses.

:func:`findings` reads the results of :func:`gongjian.queries.islands`, ``bridges``,
``clusters`` and ``coverage`` and says, in order of weight, where the islands gather, how
many there are, which bridging unit holds most together, the biggest cross-district cluster
and the weakest coverage. Only what the data shows is said: a finding without data is left
out.

Examples
--------
>>> import pandas as pd
>>> isl = pd.DataFrame({"id": ["a", "b", "c"], "name": ["甲", "乙", "丙"],
...                     "kind": ["building", "building", "unit"],
...                     "district": ["玄武区"] * 3, "street": ["梅园新村街道"] * 3,
...                     "reason": ["isolated", "isolated", "detached"]})
>>> street_islands(isl, "zh")
'玄武区梅园新村街道有 3 个党建孤岛，其中 2 个是楼宇党组织。'
>>> street_islands(isl, "en")
'玄武区 梅园新村街道 has 3 Party-building islands, 2 of them building Party organizations.'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.i18n import pick

__all__ = ["findings", "living_ties", "street_islands"]


def _as_list(value: Any) -> list:
    if isinstance(value, (list, tuple, np.ndarray)):
        return list(value)
    return []


def _kind(code: Any, lang: str) -> str:
    return schema.label(schema.PARTY_KINDS, str(code), lang)


def street_islands(islands: pd.DataFrame, lang: str) -> str | None:
    """Where the islands gather: the street with the most, and their commonest kind."""
    if not len(islands):
        return None
    df = islands.assign(street=islands["street"].astype(object).where(
        islands["street"].notna(), pick(lang, "（未填街道）", "(no street)")),
        district=islands["district"].astype(str))
    counts = df.groupby(["district", "street"], sort=True).size()
    top = counts.sort_values(ascending=False, kind="stable")
    (district, street), n = top.index[0], int(top.iloc[0])
    mine = df[(df["district"] == district) & (df["street"] == street)]
    kinds = mine["kind"].astype(str).value_counts(sort=True)
    kind, k = kinds.index[0], int(kinds.iloc[0])
    label = _kind(kind, lang)
    if lang == "en":
        tail = "" if k == n else f", {k} of them {label}s"
        if k == n:
            tail = f", all {label}s" if n > 1 else f", a {label}"
        return (f"{district} {street} has {n} Party-building island{'s' if n > 1 else ''}"
                f"{tail}.")
    tail = f"，全部是{label}" if k == n and n > 1 else (f"，是{label}" if n == 1
                                                       else f"，其中 {k} 个是{label}")
    return f"{district}{street}有 {n} 个党建孤岛{tail}。"


def _island_total(islands: pd.DataFrame, n_orgs: int, lang: str) -> str:
    if not len(islands):
        return pick(lang, f"全部 {n_orgs} 个党组织都有有效的共建关系，没有党建孤岛。",
                    f"All {n_orgs} Party organizations have active ties: no islands.")
    isolated = int((islands["reason"].astype(str) == "isolated").sum())
    detached = len(islands) - isolated
    share = len(islands) / max(n_orgs, 1)
    by_district = islands["district"].astype(str).value_counts(sort=True)
    most, most_n = by_district.index[0], int(by_district.iloc[0])
    return pick(lang,
                f"共有 {len(islands)} 个党建孤岛，占党组织的 {share:.1%}：{isolated} 个没有任何"
                f"有效共建关系，{detached} 个只与主体网络之外的少数组织相连；最多的是{most}"
                f"（{most_n} 个）。",
                f"{len(islands)} Party-building islands, {share:.1%} of the organizations: "
                f"{isolated} without any active tie, {detached} tied only to a few organizations "
                f"outside the main network; most in {most} ({most_n}).")


def _top_bridge(ranked: pd.DataFrame, lang: str) -> str | None:
    if not len(ranked):
        return None
    r = ranked.iloc[0]
    districts = [str(d) for d in _as_list(r["districts"])]
    systems = [str(s) for s in _as_list(r["systems"])]
    cut = int(r["cut_off"]) if not pd.isna(r["cut_off"]) else 0
    joined_zh = f"，它的共建关系连接{'、'.join(districts)} {len(districts)} 个区" \
        if len(districts) >= 2 else ""
    joined_en = f"; its ties join {len(districts)} districts ({', '.join(districts)})" \
        if len(districts) >= 2 else ""
    if systems:
        joined_zh += f"和{'、'.join(systems)}系统"
        joined_en += f" and the {', '.join(systems)} system{'s' if len(systems) > 1 else ''}"
    if cut > 0:
        return pick(lang, f"最关键的联结单位是{r['name']}（{r['district']}）：它一旦退出，"
                          f"{cut} 个组织将与主体网络断开{joined_zh}。",
                    f"The most important bridging unit is {r['name']} ({r['district']}): "
                    f"without it {cut} organizations are cut off from the main network"
                    f"{joined_en}.")
    if not joined_zh:
        return None
    return pick(lang, f"最关键的联结单位是{r['name']}（{r['district']}）{joined_zh}。",
                f"The most important bridging unit is {r['name']} ({r['district']})"
                f"{joined_en}.")


def _top_cluster(clusters: pd.DataFrame, lang: str) -> str | None:
    if clusters is None or not len(clusters):
        return None
    cross = clusters[[len(_as_list(d)) >= 2 for d in clusters["districts"]]]
    if not len(cross):
        return pick(lang, "没有跨区片区：各区的共建关系各自成片。",
                    "No cross-district cluster: each district's ties stay within it.")
    r = cross.sort_values(["size", "cluster"], ascending=[False, True]).iloc[0]
    districts = [str(d) for d in _as_list(r["districts"])]
    ties = int(r["cross_district_ties"])
    return pick(lang, f"共有 {len(cross)} 个跨区片区；最大的片区 {r['cluster']} 有 {int(r['size'])}"
                      f" 个组织，横跨{'、'.join(districts)}，跨区关系 {ties} 条。",
                f"{len(cross)} cross-district cluster{'s' if len(cross) > 1 else ''}; "
                f"the biggest, {r['cluster']}, has "
                f"{int(r['size'])} organizations across {', '.join(districts)} with "
                f"{int(r['cross_district_ties'])} cross-district ties.")


def _weakest_coverage(overall: float, by_street: pd.DataFrame | None,
                      lang: str) -> str | None:
    if by_street is None or not len(by_street):
        return None
    df = by_street[by_street["organizations"] >= 3]
    if not len(df):
        df = by_street
    r = df.sort_values(["organizational_rate", "organizations"],
                       ascending=[True, False], kind="stable").iloc[0]
    n = int(r["organizations"])
    left = n - int(r["organizational"])
    street = r["street"] if isinstance(r["street"], str) else pick(lang, "（未填街道）",
                                                                   "(no street)")
    return pick(lang, f"两新组织的组织覆盖率为 {overall:.1%}；最低的是{r['district']}{street}"
                      f"（{float(r['organizational_rate']):.1%}，{n} 家中 {left} 家尚未建立或"
                      f"联合建立党组织）。",
                f"Organizational coverage of new-economy organizations is {overall:.1%}; "
                f"lowest in {r['district']} {street} ({float(r['organizational_rate']):.1%}, "
                f"{left} of {n} without an own or joint Party organization).")


def findings(*, n_orgs: int, islands: pd.DataFrame, ranked_bridges: pd.DataFrame,
             clusters: pd.DataFrame | None, coverage_overall: float | None = None,
             coverage_by_street: pd.DataFrame | None = None, lang: str = "zh",
             dormant: int | None = None, active_ties: int = 0, stale_needs: int | None = None,
             limit: int = 5) -> list[str]:
    """Up to ``limit`` sentences, most important first, from the analyses' results.

    Parameters
    ----------
    n_orgs : int
        Party organizations in the layer.
    islands, ranked_bridges, clusters : DataFrame
        Results of the analyses (bridges ranked by importance, see
        :func:`gongjian.viz.context.rank_bridges`).
    coverage_overall : float, optional
        Organizational coverage rate of all new-economy organizations.
    coverage_by_street : DataFrame, optional
        :func:`gongjian.queries.coverage` by street.
    dormant, active_ties, stale_needs : int, optional
        Dormant ties (None without an activity record) among ``active_ties``, and needs open
        over 90 days (None without the three lists): one sentence on living ties.

    Examples
    --------
    >>> empty = pd.DataFrame(columns=["id", "district", "street", "kind", "reason"])
    >>> findings(n_orgs=3, islands=empty, ranked_bridges=pd.DataFrame(), clusters=None)
    ['全部 3 个党组织都有有效的共建关系，没有党建孤岛。']
    """
    out = [street_islands(islands, lang), _island_total(islands, n_orgs, lang),
           _top_bridge(ranked_bridges, lang),
           living_ties(dormant, active_ties, stale_needs, lang), _top_cluster(clusters, lang)]
    if coverage_overall is not None:
        out.append(_weakest_coverage(coverage_overall, coverage_by_street, lang))
    return [s for s in out if s][:limit]


def living_ties(dormant: int | None, active_ties: int, stale_needs: int | None,
                lang: str) -> str | None:
    """One sentence on co-building on paper (签而不建) and needs left open; None when the
    ledger has neither an activity record nor the three lists.

    Examples
    --------
    >>> living_ties(165, 1230, 48, "zh")
    '有 165 条有效共建关系（13.4%）近一年没有共同活动或项目，签而不建；48 个需求超过 90 天未认领。'
    >>> living_ties(None, 1230, None, "zh") is None
    True
    """
    parts_zh, parts_en = [], []
    if dormant is not None:
        share = dormant / max(active_ties, 1)
        parts_zh.append(f"有 {dormant} 条有效共建关系（{share:.1%}）近一年没有共同活动或项目，"
                        f"签而不建")
        parts_en.append(f"{dormant} active ties ({share:.1%}) show no shared activity or project "
                        f"in the last year (co-building on paper)")
    if stale_needs:
        parts_zh.append(f"{stale_needs} 个需求超过 90 天未认领")
        parts_en.append(f"{stale_needs} needs have been open over 90 days")
    if not parts_zh:
        return None
    return pick(lang, "；".join(parts_zh) + "。", "; ".join(parts_en) + ".")
