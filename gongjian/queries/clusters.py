"""Cross-district clusters (跨区片区): densely tied groups whose members lie in several districts.

Communities of the co-building layer are found with the Leiden algorithm (modularity,
igraph's ``community_leiden``), made deterministic by running it on a ``random.Random(seed)``
of its own. A community is reported when its members lie in ``min_districts`` districts or
more. Cluster ids are ``C001``, ``C002`` … by size (largest first), ties by smallest member id.

Examples
--------
>>> import pandas as pd
>>> from itertools import combinations
>>> from gongjian.graph.model import KnowledgeGraph
>>> ids = ["a1", "a2", "b1", "b2"]
>>> pairs = list(combinations(ids, 2))
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ids, "name": ids, "kind": ["community", "unit"] * 2,
...                              "district": ["秦淮区", "秦淮区", "鼓楼区", "鼓楼区"]}),
...     relations=pd.DataFrame({"source_id": [a for a, _ in pairs],
...                             "target_id": [b for _, b in pairs], "type": "joint_meeting"}))
>>> clusters(kg, as_of="2025-06-30")[["cluster", "size", "districts", "cross_district_ties"]]
  cluster  size   districts  cross_district_ties
0    C001     4  [秦淮区, 鼓楼区]                    4
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd

from gongjian.errors import AnalysisError
from gongjian.graph.model import KnowledgeGraph
from gongjian.queries.layer import LayerView, layer_view

__all__ = ["CLUSTER_COLUMNS", "clusters", "leiden_membership"]

CLUSTER_COLUMNS: tuple[str, ...] = ("cluster", "size", "districts", "members_per_district",
                                    "cross_district_ties", "internal_ties", "density",
                                    "bridging_members", "members")


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Run igraph's random parts on ``random.Random(seed)``, then restore the default."""
    import igraph

    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


def leiden_membership(view: LayerView, *, seed: int = 0, resolution: float = 1.0) -> np.ndarray:
    """Leiden community of every vertex (modularity, iterated until stable), seeded."""
    if view.n == 0:
        return np.zeros(0, dtype=np.int64)
    with _seeded(seed):
        parts = view.graph.community_leiden(objective_function="modularity",
                                            resolution=resolution, n_iterations=-1)
    return np.asarray(parts.membership, dtype=np.int64)


def clusters(kg: KnowledgeGraph, *, as_of: dt.date | str | None = None, seed: int = 0,
             min_districts: int = 2, resolution: float = 1.0) -> pd.DataFrame:
    """Find densely tied groups that cross district borders.

    Parameters
    ----------
    kg : KnowledgeGraph
    as_of : date or str, optional
        Analysis day (default today).
    seed : int
        Seed of the Leiden run: the same seed gives the same clusters.
    min_districts : int
        Report a community when its members lie in at least this many districts.
    resolution : float
        Modularity resolution: higher gives more, smaller communities.

    Returns
    -------
    DataFrame
        ``cluster, size, districts, members_per_district (dict), cross_district_ties,
        internal_ties, density, bridging_members (members tied inside the cluster to
        another district), members`` (ids sorted), largest first.

    Examples
    --------
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> clusters(KnowledgeGraph()).columns.tolist()[:3]
    ['cluster', 'size', 'districts']
    """
    if min_districts < 1:
        raise AnalysisError(f"最少区数须为正整数：{min_districts} "
                            f"(min_districts must be at least 1)")
    view = layer_view(kg, as_of)
    return view.remember(("clusters", seed, min_districts, resolution),
                         lambda: _clusters(view, seed, min_districts, resolution))


def _clusters(view: LayerView, seed: int, min_districts: int,
              resolution: float) -> pd.DataFrame:
    member = leiden_membership(view, seed=seed, resolution=resolution)
    if view.n == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CLUSTER_COLUMNS})
    n_comm = int(member.max()) + 1
    district, names = view.codes("district")
    names = names.astype(str).to_numpy()
    ids = view.arrays.ids
    s, t = view.arrays.source, view.arrays.target

    size = np.bincount(member, minlength=n_comm)
    known = district >= 0
    pairs, per = np.unique(member[known] * len(names) + district[known], return_counts=True)
    pair_comm, pair_district = pairs // max(len(names), 1), pairs % max(len(names), 1)
    n_districts = np.bincount(pair_comm, minlength=n_comm)
    reported = np.flatnonzero(n_districts >= min_districts)

    inside = member[s] == member[t]
    crossing = inside & (district[s] != district[t]) & (district[s] >= 0) & (district[t] >= 0)
    internal = np.bincount(member[s][inside], minlength=n_comm)
    cross = np.bincount(member[s][crossing], minlength=n_comm)
    bridging = np.zeros(view.n, dtype=bool)
    bridging[s[crossing]] = True
    bridging[t[crossing]] = True

    rank = np.empty(view.n, dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(view.n)
    smallest = np.full(n_comm, view.n, dtype=np.int64)
    np.minimum.at(smallest, member, rank)
    reported = reported[np.lexsort((smallest[reported], -size[reported]))]

    by_member = np.lexsort((rank, member))  # vertices grouped by community, ids sorted
    bounds = np.searchsorted(member[by_member], np.arange(n_comm + 1))
    pair_bounds = np.searchsorted(pair_comm, np.arange(n_comm + 1))
    width = max(3, len(str(len(reported))))
    rows = []
    for number, c in enumerate(reported, start=1):
        verts = by_member[bounds[c]:bounds[c + 1]]
        a, b = pair_bounds[c], pair_bounds[c + 1]
        k = int(size[c])
        rows.append({
            "cluster": f"C{number:0{width}d}",
            "size": k,
            "districts": names[pair_district[a:b]].tolist(),
            "members_per_district": dict(zip(names[pair_district[a:b]].tolist(),
                                             per[a:b].tolist(), strict=True)),
            "cross_district_ties": int(cross[c]),
            "internal_ties": int(internal[c]),
            "density": round(float(internal[c] / (k * (k - 1) / 2)), 4) if k > 1 else 0.0,
            "bridging_members": ids[verts[bridging[verts]]].tolist(),
            "members": ids[verts].tolist(),
        })
    return pd.DataFrame(rows, columns=list(CLUSTER_COLUMNS))
