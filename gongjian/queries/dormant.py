"""Dormant ties (签而不建): active on paper, with no shared activity or project in the window.

A tie active on the analysis day is *dormant* when its two organizations share no activity
(活动记录) and no project (项目清单, between its start and end or with no dates) in the
``window`` days up to that day. :func:`evidenced_view` gives the co-building layer with only
the living ties, which ``islands(..., window=N)`` runs on.

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["c1", "u1", "u2"], "name": ["社区", "甲单位", "乙单位"],
...                              "kind": ["community", "unit", "unit"],
...                              "district": ["玄武区"] * 3}),
...     relations=pd.DataFrame({"source_id": ["u1", "u2"], "target_id": ["c1", "c1"],
...                             "type": ["agreement", "pairing"]}),
...     activities=pd.DataFrame({
...         "date": pd.to_datetime(["2025-05-01", "2023-01-10"]).astype("datetime64[s]"),
...         "participants": [["c1", "u1"], ["c1", "u2"]]}))
>>> dormant(kg, as_of="2025-06-30")[["source_id", "target_id", "last_evidence", "days_since"]]
  source_id target_id last_evidence  days_since
0        u2        c1    2023-01-10         902
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gongjian.errors import AnalysisError
from gongjian.graph.io import Needs, merge_needs
from gongjian.graph.model import CoBuildingLayer, KnowledgeGraph, as_date
from gongjian.loaders.references import index_in
from gongjian.queries.layer import LAYER_NEEDS, LayerView, layer_view
from gongjian.queries.lists import Evidence, evidence

__all__ = ["DEFAULT_WINDOW", "DORMANT_COLUMNS", "DORMANT_NEEDS", "dormant", "evidenced_view",
           "layer_evidence", "living"]

#: What :func:`dormant` reads from a graph file: the layer, the activities (their days and
#: participants) and projects.
DORMANT_NEEDS: Needs = merge_needs(LAYER_NEEDS, {"activities": ("date", "participants"),
                                                 "projects": None})
DORMANT_COLUMNS: tuple[str, ...] = ("source_id", "source_name", "target_id", "target_name",
                                    "type", "start", "last_evidence", "days_since")
#: The window of :func:`dormant` when none is given: the last year.
DEFAULT_WINDOW = 365


def _check_window(window: int) -> None:
    if window < 1:
        raise AnalysisError(f"--window 至少为 1 天 (the window must be at least 1 day): {window}")


def layer_evidence(kg: KnowledgeGraph, as_of: dt.date | str | None = None) -> Evidence:
    """The evidence of the day's co-building layer (over its vertices), cached on the graph.

    Examples
    --------
    >>> kg = KnowledgeGraph.from_frames(
    ...     party_orgs=pd.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"],
    ...                              "kind": ["community", "unit"], "district": ["玄武区"] * 2}),
    ...     activities=pd.DataFrame({"date": pd.to_datetime(["2025-01-02"]),
    ...                              "participants": [["b", "a"]]}))
    >>> str(layer_evidence(kg, "2025-06-30").lookup(np.array([0]), np.array([1]))[0])
    '2025-01-02'
    """
    view = layer_view(kg, as_of)
    return view.cached(("queries.dormant.evidence", view.arrays.as_of),
                       lambda: evidence(kg, view.arrays.ids, view.arrays.as_of))


def living(last: np.ndarray, as_of: dt.date | str | None = None, *,
           window: int = DEFAULT_WINDOW) -> np.ndarray:
    """Mask of the pairs whose last evidence (``datetime64[D]``, ``NaT``: never) falls in the
    ``window`` days up to ``as_of``: the ties that are not dormant.

    Examples
    --------
    >>> last = np.array(["2025-05-01", "2023-01-10", "NaT"], dtype="datetime64[D]")
    >>> living(last, "2025-06-30").tolist()
    [True, False, False]
    """
    today = np.datetime64(as_date(as_of).date(), "D")
    return ~np.isnat(last) & (last >= today - np.timedelta64(window, "D"))


def dormant(kg: KnowledgeGraph, *, as_of: dt.date | str | None = None,
            window: int = DEFAULT_WINDOW) -> pd.DataFrame:
    """Ties active on ``as_of`` whose two ends share no activity and no project in the
    ``window`` days up to it.

    Parameters
    ----------
    kg : KnowledgeGraph
    as_of : date or str, optional
        Analysis day (default today).
    window : int
        Days looked back (default 365): evidence on or after ``as_of - window`` keeps a tie alive.

    Returns
    -------
    DataFrame
        One row per dormant tie (a row of 共建关系): ``source_id, source_name, target_id,
        target_name, type, start, last_evidence, days_since`` (the last two missing when the
        two never shared anything); ties never evidenced first, then the longest silent, then
        by ids.

    Examples
    --------
    >>> dormant(KnowledgeGraph()).columns.tolist()[-2:]
    ['last_evidence', 'days_since']
    """
    _check_window(window)
    day = as_date(as_of)
    view = layer_view(kg, day)
    ids = view.arrays.ids
    rel = kg.active_relations(day)
    s, t = index_in(rel["source_id"], ids), index_in(rel["target_id"], ids)
    last = layer_evidence(kg, day).lookup(s, t)
    today = np.datetime64(day.date(), "D")
    alive = living(last, day, window=window)
    rel, last, s, t = rel[~alive], last[~alive], s[~alive], t[~alive]
    names = view.orgs["name"].to_numpy(dtype=object)
    since = (today - last).astype("timedelta64[D]").astype("float64")
    out = pd.DataFrame({
        "source_id": rel["source_id"].to_numpy(dtype=object),
        "source_name": names[s] if len(s) else np.zeros(0, dtype=object),
        "target_id": rel["target_id"].to_numpy(dtype=object),
        "target_name": names[t] if len(t) else np.zeros(0, dtype=object),
        "type": rel["type"].to_numpy(dtype=object),
        "start": pd.to_datetime(rel["start"]).to_numpy(),
        "last_evidence": pd.to_datetime(last).astype("datetime64[s]"),
        "days_since": pd.array(np.where(np.isnat(last), np.nan, since), dtype="Float64")
        .astype("Int64"),
    })
    out = out.astype({c: "str" for c in ("source_id", "source_name", "target_id", "target_name",
                                          "type")})
    never = out["days_since"].isna().to_numpy()
    order = np.lexsort((out["target_id"].to_numpy(dtype=object).astype(str),
                        out["source_id"].to_numpy(dtype=object).astype(str),
                        -out["days_since"].fillna(0).to_numpy(dtype=np.int64), ~never))
    return out.iloc[order].reset_index(drop=True)[list(DORMANT_COLUMNS)]


def evidenced_view(kg: KnowledgeGraph, as_of: dt.date | str | None = None, *,
                   window: int = DEFAULT_WINDOW) -> LayerView:
    """The day's co-building layer keeping only the ties evidenced in the window.

    Same vertices as :func:`~gongjian.queries.layer.layer_view` (so degrees compare), fewer
    edges. Not cached: cheap to make from the cached layer and evidence.

    Examples
    --------
    >>> kg = KnowledgeGraph.from_frames(
    ...     party_orgs=pd.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"],
    ...                              "kind": ["community", "unit"], "district": ["玄武区"] * 2}),
    ...     relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"],
    ...                             "type": ["pairing"]}))
    >>> evidenced_view(kg, "2025-06-30").degree.tolist()
    [0, 0]
    """
    _check_window(window)
    view = layer_view(kg, as_of)
    a = view.arrays
    keep = living(layer_evidence(kg, a.as_of).lookup(a.source, a.target), a.as_of,
                  window=window)
    arrays = CoBuildingLayer(a.ids, a.rows, a.source[keep], a.target[keep], a.types[keep],
                             a.count[keep], a.as_of)
    return LayerView(arrays, view.orgs)
