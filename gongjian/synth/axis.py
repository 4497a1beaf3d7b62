"""The axis of the co-building graph: the district's 区域 rows, a street organization for
every street and a community organization for every community or village, tied together.

Examples
--------
>>> _suffix(np.array(["社区党委", "社区党支部"])).tolist()
['党委', '党支部']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.synth.batch import Batch, tie_frame
from gongjian.synth.borders import border_meetings

__all__ = ["axis", "regions"]


def regions(batch: Batch) -> pd.DataFrame:
    """The 区域 rows of the district: itself, its streets and its communities.

    Examples
    --------
    >>> regions(Batch.made_up(streets=1, communities=2))["level"].tolist()
    ['区', '街道', '社区', '社区']
    """
    level = {k: schema.REGION_LEVELS[k].zh for k in schema.REGION_LEVELS}
    return pd.concat([
        pd.DataFrame({"code": [batch.d.code], "name": [batch.d.label],
                      "level": [level["district"]], "parent_code": [None]}),
        pd.DataFrame({"code": batch.streets["code"], "name": batch.streets["name"],
                      "level": level["street"], "parent_code": batch.d.code}),
        pd.DataFrame({"code": batch.comms["code"], "name": batch.comms["name"],
                      "level": level["community"], "parent_code": batch.comms["street"]}),
    ], ignore_index=True)


def axis(batch: Batch) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The street organization of every street and the community organization of every
    community (under its street), and their ties: each community meets with its street,
    neighbouring streets meet (毗邻党建), and so do the street pairs on the district's
    borders (:func:`gongjian.synth.borders.border_meetings`).

    Returns the 党组织 rows and the ties (``source_id, target_id, type``).

    Examples
    --------
    >>> orgs, ties = axis(Batch.made_up())
    >>> orgs["name"].head(3).tolist()
    ['金陵区金陵路街道党工委', '金陵区紫金路街道党工委', '金陵路街道金陵里社区党委']
    >>> sorted(set(ties["type"]))
    ['joint_meeting']
    """
    rng = batch.rng
    ns, nc = len(batch.streets), len(batch.comms)
    s_idx = np.arange(ns)
    streets = batch.org_frame(
        "street", batch.street_ids(s_idx), batch.d.label + batch.streets["name"] + "党工委",
        s_idx, np.full(ns, -1), members=rng.integers(100, 600, ns), spelling="街道党工委")
    streets["status"] = schema.STATUSES["active"].zh
    c_idx = np.arange(nc)
    c_street = batch.comms["street"].map(batch.street_index).fillna(0).astype(int).to_numpy()
    members = rng.integers(20, 300, nc)
    spelling = np.where(members >= 100, "社区党委",
                        np.where(members >= 50, "社区党总支", "社区党支部"))
    comms = batch.org_frame(
        "community", batch.community_ids(c_street, c_idx),
        batch.streets["name"].to_numpy()[c_street] + batch.comms["name"] + "党组织",
        c_street, c_idx, members=members, spelling=spelling,
        parent=batch.street_ids(c_street))
    comms["name"] = comms["name"].str.replace("党组织", "", regex=False) + _suffix(spelling)
    comms["status"] = np.where(rng.random(nc) < 0.01, schema.STATUSES["weak"].zh,
                               schema.STATUSES["active"].zh)
    ties = [tie_frame(comms["id"], comms["parent_id"], "joint_meeting")]
    if ns > 1:  # 毗邻党建 between neighbouring streets
        ties.append(tie_frame(streets["id"][:-1], streets["id"][1:], "joint_meeting"))
    ties.append(border_meetings(batch))
    return pd.concat([streets, comms], ignore_index=True), pd.concat(ties, ignore_index=True)


def _suffix(spelling: np.ndarray) -> np.ndarray:
    """The end of a community organization's name for its 组织类别 (社区党委 → 党委)."""
    return pd.Series(spelling, dtype="str").str.replace("社区", "", regex=False).to_numpy()
