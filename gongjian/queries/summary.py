"""The analyses at a glance: counts, structure, islands, bridges, clusters, coverage per district.

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["c", "u", "v"], "name": ["社区", "单位甲", "单位乙"],
...                              "kind": ["community", "unit", "unit"],
...                              "district": ["玄武区", "玄武区", "秦淮区"]}),
...     relations=pd.DataFrame({"source_id": ["c"], "target_id": ["u"], "type": ["pairing"]}))
>>> frames = summary(kg, as_of="2025-06-30")
>>> sorted(frames)
['coverage', 'kinds', 'overview', 'relation_types']
>>> frames["overview"][["district", "party_orgs", "ties", "components", "isolated"]]
  district  party_orgs  ties  components  isolated
0      玄武区           2     1           1         0
1      秦淮区           1     0           1         1
2      NaN           3     1           2         1
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gongjian.graph.io import Needs, merge_needs
from gongjian.graph.model import KnowledgeGraph, igraph_from_arrays
from gongjian.queries.bridges import articulation_mask, bridging_mask
from gongjian.queries.clusters import clusters
from gongjian.queries.coverage import RATE_NEEDS, coverage
from gongjian.queries.islands import islands
from gongjian.queries.layer import LAYER_NEEDS, LayerView, layer_view

__all__ = ["OVERVIEW_COLUMNS", "SUMMARY_NEEDS", "overview", "summary"]

#: What :func:`summary` reads from a graph file: the layer's analyses and coverage.
SUMMARY_NEEDS: Needs = merge_needs(LAYER_NEEDS, RATE_NEEDS)
OVERVIEW_COLUMNS: tuple[str, ...] = (
    "district", "party_orgs", "ties", "internal_ties", "cross_district_ties", "components",
    "density", "isolated", "detached", "articulation_points", "bridging_units",
    "cross_district_clusters", "organizations", "organizational_rate", "work_rate")


def summary(kg: KnowledgeGraph, *, as_of: dt.date | str | None = None,
            seed: int = 0) -> dict[str, pd.DataFrame]:
    """Summarize the graph and every analysis per district, with a last row for all (NA).

    Returns
    -------
    dict of DataFrame
        ``overview`` (organizations of the layer, ties, components, density, islands,
        articulation points, bridging units, cross-district clusters, coverage rates),
        ``kinds`` and ``relation_types`` (counts per district and ``total``), and
        ``coverage`` (:func:`gongjian.queries.coverage` by district, plus the total).
        Ties count in every district they touch; the total counts each once.
    """
    view = layer_view(kg, as_of)
    by_district = coverage(kg, by="district")
    overall = coverage(kg, by="overall").assign(district=pd.NA)
    table = overview(view, islands(kg, as_of=view.arrays.as_of),
                     clusters(kg, as_of=view.arrays.as_of, seed=seed), by_district, overall)
    return {
        "overview": table,
        "kinds": _crosstab(view.orgs["kind"], view.orgs["district"], "kind"),
        "relation_types": _relation_types(kg, view),
        "coverage": pd.concat([by_district, overall[by_district.columns]], ignore_index=True),
    }


def overview(view: LayerView, found: pd.DataFrame, groups: pd.DataFrame,
             by_district: pd.DataFrame, overall: pd.DataFrame) -> pd.DataFrame:
    """The ``overview`` of :func:`summary` from analyses already made: a row per district
    and a last row for all (district NA).

    Parameters
    ----------
    view
        The co-building layer (:func:`~gongjian.queries.layer.layer_view`).
    found, groups
        :func:`~gongjian.queries.islands` and :func:`~gongjian.queries.clusters` of it.
    by_district, overall
        :func:`~gongjian.queries.coverage` by district and overall (these may come from a
        graph that holds only the 两新组织, so the two never sit in memory together).

    Examples
    --------
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> kg = KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(
    ...     {"id": ["a", "b"], "name": ["甲", "乙"], "kind": ["unit", "unit"],
    ...      "district": ["玄武区", "秦淮区"]}))
    >>> view = layer_view(kg, "2025-06-30")
    >>> table = overview(view, islands(kg, as_of="2025-06-30"), clusters(kg, as_of="2025-06-30"),
    ...                  coverage(kg, by="district"), coverage(kg, by="overall"))
    >>> table[["district", "party_orgs", "isolated"]].values.tolist()
    [['玄武区', 1, 1], ['秦淮区', 1, 1], ['nan', 2, 2]]
    """
    district, names = view.codes("district")
    names = names.astype(str).tolist()
    n_d = len(names)
    s, t = view.arrays.source, view.arrays.target
    ds, dt_ = district[s], district[t]
    internal = (ds == dt_) & (ds >= 0)

    def per(values_at: np.ndarray, weights=None) -> np.ndarray:
        keep = values_at >= 0
        w = None if weights is None else weights[keep]
        return np.bincount(values_at[keep], weights=w, minlength=n_d).astype(np.int64)

    orgs = per(district)
    ties = per(ds) + per(dt_) - per(np.where(internal, ds, -1))
    inner = per(np.where(internal, ds, -1))
    comps = _components(view, internal, district, n_d)
    isolated = found["reason"] == "isolated"
    articulation = articulation_mask(view)
    bridging = bridging_mask(view)
    in_cluster = groups["districts"].explode().value_counts()
    rates = by_district.set_index("district")
    overall_rates = overall.iloc[0]

    def count_by(frame_district: pd.Series) -> np.ndarray:
        return frame_district.value_counts().reindex(names, fill_value=0).to_numpy()

    table = pd.DataFrame({
        "district": names,
        "party_orgs": orgs,
        "ties": ties,
        "internal_ties": inner,
        "cross_district_ties": ties - inner,
        "components": comps,
        "density": np.round(np.divide(inner, orgs * (orgs - 1) / 2,
                                      out=np.zeros(n_d), where=orgs > 1), 6),
        "isolated": count_by(found.loc[isolated, "district"]),
        "detached": count_by(found.loc[~isolated, "district"]),
        "articulation_points": per(np.where(articulation, district, -1)),
        "bridging_units": per(np.where(bridging, district, -1)),
        "cross_district_clusters": in_cluster.reindex(names, fill_value=0).to_numpy(),
        "organizations": rates["organizations"].reindex(names, fill_value=0).to_numpy(),
        "organizational_rate": rates["organizational_rate"].reindex(names).to_numpy(),
        "work_rate": rates["work_rate"].reindex(names).to_numpy(),
    })
    n = view.n
    total = {
        "district": pd.NA, "party_orgs": n, "ties": len(s), "internal_ties": int(internal.sum()),
        "cross_district_ties": int((~internal).sum()),
        "components": len(np.unique(view.component)),
        "density": round(len(s) / (n * (n - 1) / 2), 6) if n > 1 else 0.0,
        "isolated": int(isolated.sum()), "detached": int((~isolated).sum()),
        "articulation_points": int(articulation.sum()), "bridging_units": int(bridging.sum()),
        "cross_district_clusters": len(groups),
        "organizations": int(overall_rates["organizations"]),
        "organizational_rate": overall_rates["organizational_rate"],
        "work_rate": overall_rates["work_rate"],
    }
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    table["district"] = table["district"].astype("str")
    return table[list(OVERVIEW_COLUMNS)]



def _components(view, internal: np.ndarray, district: np.ndarray, n_d: int) -> np.ndarray:
    """Connected components of each district's own subgraph (ties inside the district)."""
    if view.n == 0:
        return np.zeros(n_d, dtype=np.int64)
    a = view.arrays
    g = igraph_from_arrays(view.n, a.source[internal], a.target[internal])
    member = np.asarray(g.connected_components().membership, dtype=np.int64)
    keep = district >= 0
    pairs = np.unique(np.column_stack([district[keep], member[keep]]), axis=0)
    return np.bincount(pairs[:, 0], minlength=n_d).astype(np.int64)


def _crosstab(values: pd.Series, district: pd.Series, name: str) -> pd.DataFrame:
    """Counts of ``values`` per district (one column each) and ``total``."""
    table = pd.crosstab(values.astype(str), district.astype(str)) if len(values) else \
        pd.DataFrame(index=pd.Index([], dtype=str))
    table["total"] = table.sum(axis=1).astype(np.int64)
    table = table.sort_values(["total"], ascending=False, kind="stable")
    table.columns.name = None
    return table.rename_axis(name).reset_index()


def _relation_types(kg: KnowledgeGraph, view) -> pd.DataFrame:
    """Active ties per relation type and district (a tie counts in each district it touches)."""
    rel = kg.active_relations(view.arrays.as_of)
    district = kg.party_orgs.drop_duplicates("id").set_index("id")["district"]
    long = pd.concat([
        pd.DataFrame({"type": rel["type"].to_numpy(), "district": rel[end].map(district).to_numpy(),
                      "tie": np.arange(len(rel))})
        for end in ("source_id", "target_id")], ignore_index=True).drop_duplicates()
    long = long.dropna(subset=["district"])
    table = pd.crosstab(long["type"].astype(str), long["district"].astype(str)) if len(long) \
        else pd.DataFrame(index=pd.Index([], dtype=str))
    table["total"] = rel["type"].astype(str).value_counts().reindex(table.index, fill_value=0)
    table = table.sort_values("total", ascending=False, kind="stable")
    table.columns.name = None
    return table.rename_axis("type").reset_index()
