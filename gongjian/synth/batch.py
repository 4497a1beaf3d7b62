"""One district batch of the generator: its places, ids, dates and random draws, and the
builder of 党组织 rows that every other part of the generator uses.

Every part (:mod:`~gongjian.synth.axis`, :mod:`~gongjian.synth.party`,
:mod:`~gongjian.synth.firms`, :mod:`~gongjian.synth.borders`,
:mod:`~gongjian.synth.relations`) takes a :class:`Batch` and draws from its one random
stream, in the order :func:`gongjian.synth.generate.batch_tables` calls them: that order is
what makes the same seed write the same files.

Examples
--------
>>> tie_frame(["U1"], ["C2"], "pairing").to_dict("records")
[{'source_id': 'U1', 'target_id': 'C2', 'type': 'pairing'}]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.synth import names

__all__ = ["LOCAL", "PREFIX", "Batch", "Links", "dedupe", "tie_frame"]

#: The id prefix of each kind of generated 党组织 (streets and communities use S and C).
PREFIX = {"unit": "U", "grid": "G", "new_economy": "N", "joint": "J", "temporary": "T",
          "building": "B", "park": "P", "business_district": "D", "industry": "I"}
#: Share of an organization's ties to communities that stay in its own street.
LOCAL = 0.9


@dataclass(frozen=True)
class Links:
    """One district's share of the cross-district plan (:class:`gongjian.synth.borders.Plan`).

    ``across``: its border streets, one row per community over the border (``street``: own
    street code, ``partner_street``, ``partner``: the community's id, or the street's when
    it has no community; ``writes``: this district writes the street pair's joint meeting).
    ``sites`` and ``committees``: the plan's rows of this district and of its city;
    ``pos``: the district's position.

    Examples
    --------
    >>> len(Links.empty().across), Links.empty().pos
    (0, -1)
    """

    across: pd.DataFrame
    sites: pd.DataFrame
    committees: pd.DataFrame
    pos: int = -1

    @classmethod
    def empty(cls) -> Links:
        """No ties across the district's borders."""
        return cls(pd.DataFrame(columns=["street", "partner_street", "partner", "writes"]),
                   pd.DataFrame(columns=["id", "name", "kind", "street", "owner",
                                         "owner_street", "districts", "streets"]),
                   pd.DataFrame(columns=["id", "name", "system", "owner"]))


class Batch:
    """One district (or a part of a large one) being generated: its streets and communities,
    its random stream, and the draws every part of the generator shares.

    ``links`` is the district's share of the cross-district plan (none by default);
    ``apart`` holds the ids of units that must get no further tie (islands and cut-off
    groups), set by :func:`gongjian.synth.party.units`.

    Examples
    --------
    >>> import pandas as pd
    >>> from gongjian.synth.divisions import synthetic_skeleton
    >>> sk = synthetic_skeleton(districts=1, streets=2, communities=3)
    >>> batch = Batch(np.random.default_rng(0), next(sk.districts.itertuples()), sk.streets,
    ...               sk.communities, part=0, parts=1)
    >>> batch.ids("unit", 2).tolist()
    ['U9900010000001', 'U9900010000002']
    >>> batch.community_ids(np.array([0, 1]), np.array([0, -1])).tolist()
    ['C990001001001', 'S990001002']
    """

    def __init__(self, rng, district, streets: pd.DataFrame, comms: pd.DataFrame, part: int,
                 parts: int, links: Links | None = None) -> None:
        self.rng = rng
        self.d = district
        self.streets = streets.reset_index(drop=True)
        self.comms = comms.reset_index(drop=True)
        self.part = part
        self.parts = parts
        self.street_index = {c: i for i, c in enumerate(self.streets["code"])}
        self.apart = np.zeros(0, dtype=object)
        self.links = links if links is not None else Links.empty()
        ns = len(self.streets)
        self.c_street = (self.comms["street"].map(self.street_index).fillna(0).astype(int)
                         .to_numpy() if len(self.comms) else np.zeros(0, dtype=int))
        self.by_street, self.street_start, self.street_count = _groups(self.c_street, ns)
        own = self.links.across["street"].map(self.street_index)
        known = own.notna().to_numpy()
        self.pool = self.links.across["partner"].to_numpy(dtype=object)[known]
        order, self.pool_start, self.pool_count = _groups(own[known].astype(int).to_numpy(), ns)
        self.pool = self.pool[order]

    # --- helpers ---------------------------------------------------------------------

    def place(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Random (street index, community index or -1) for ``n`` rows."""
        if len(self.comms):
            c = self.rng.integers(0, len(self.comms), n)
            s = self.comms["street"].map(self.street_index).fillna(0).astype(int).to_numpy()[c]
            return s, c
        return self.rng.integers(0, len(self.streets), n), np.full(n, -1)

    def in_street(self, s: np.ndarray) -> np.ndarray:
        """A random community of each street in ``s`` (-1 for a street without any)."""
        count = self.street_count[s]
        k = self.street_start[s] + (self.rng.random(len(s)) * count).astype(int)
        return np.where(count > 0, self.by_street[np.minimum(k, max(len(self.by_street) - 1, 0))]
                        if len(self.by_street) else -1, -1)

    def targets(self, s: np.ndarray, across: float) -> pd.Series:
        """Community ids for one tie of each organization in streets ``s``: in its own street
        with probability ``LOCAL``, else anywhere in the district; from a border street,
        over the border with probability ``across``."""
        n = len(s)
        s2, c2 = self.place(n)
        c = self.in_street(s)
        local = (self.rng.random(n) < LOCAL) & (c >= 0)
        ids = self.community_ids(np.where(local, s, s2), np.where(local, c, c2))
        return self.across(s, ids, across)

    def across(self, s: np.ndarray, ids: pd.Series, p: float) -> pd.Series:
        """``ids`` with each one from a border street in ``s`` replaced, with probability
        ``p``, by a random community over the border (毗邻党建)."""
        if len(self.pool) == 0 or len(s) == 0:
            return ids
        count = self.pool_count[s]
        go = (self.rng.random(len(s)) < p) & (count > 0)
        k = np.minimum(self.pool_start[s] + (self.rng.random(len(s)) * count).astype(int),
                       len(self.pool) - 1)
        return pd.Series(np.where(go, self.pool[k], ids.to_numpy(dtype=object)), dtype="str")

    def dates(self, n: int, first: str = "2016-01-01", last: str = "2025-03-31") -> pd.Series:
        lo, hi = np.datetime64(first), np.datetime64(last)
        days = self.rng.integers(0, int((hi - lo).astype(int)) + 1, n)
        return pd.Series(np.datetime_as_string(lo + days, unit="D"), dtype="str")

    def ids(self, kind: str, n: int) -> pd.Series:
        start = self.part * 10_000_000
        seq = pd.Series(np.arange(start + 1, start + n + 1)).astype(str).str.zfill(7)
        return f"{PREFIX[kind]}{self.d.code}" + seq.astype("str")

    def street_ids(self, s: np.ndarray) -> pd.Series:
        return "S" + pd.Series(self.streets["code"].to_numpy()[s], dtype="str")

    def community_ids(self, s: np.ndarray, c: np.ndarray) -> pd.Series:
        codes = np.where(c >= 0, "C" + self.comms["code"].to_numpy()[np.maximum(c, 0)]
                         if len(self.comms) else "", "S" + self.streets["code"].to_numpy()[s])
        return pd.Series(codes, dtype="str")

    def org_frame(self, kind: str, ids, names_, s, c, *, members, spelling=None, fld=None,
                   site=None, parent=None, system=None) -> pd.DataFrame:
        n = len(ids)
        rng = self.rng
        members = np.asarray(members)
        level = np.where(members >= 100, schema.LEVELS["committee"].zh,
                         np.where(members >= 50, schema.LEVELS["general_branch"].zh,
                                  schema.LEVELS["branch"].zh))
        status = rng.choice([schema.STATUSES["active"].zh, schema.STATUSES["weak"].zh,
                             schema.STATUSES["dissolved"].zh], n, p=[0.985, 0.01, 0.005])
        comm_names = (self.comms["name"].to_numpy()[np.maximum(c, 0)] if len(self.comms)
                      else np.full(n, ""))
        return pd.DataFrame({key: _values(v) for key, v in {
            "id": ids, "name": names_,
            "kind": _spelling(kind, spelling), "level": level,
            "field": schema.FIELDS[fld or "street_community"].zh if isinstance(fld, str | None)
            else fld,
            "district": self.d.label, "street": self.streets["name"].to_numpy()[s],
            "community": np.where(c >= 0, comm_names, None), "site": site, "parent_id": parent,
            "system": system, "members": members,
            "secretary": names.person_names(rng, n), "phone": names.phones(rng, n),
            "founded": self.dates(n, "1985-01-01", "2024-12-31"), "status": status,
        }.items()})


def _spelling(kind: str, spelling) -> object:
    """The 组织类别 cells: given spellings, checked against the schema once."""
    values = np.atleast_1d(np.asarray(spelling if spelling is not None
                                      else schema.PARTY_KINDS[kind].zh))
    for value in set(values.tolist()):
        if schema.canonical(schema.PARTY_KIND_ALIASES, value) != kind:
            raise ValueError(f"{value} is not a spelling of {kind}")
    return spelling if spelling is not None else schema.PARTY_KINDS[kind].zh


def _groups(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions sorted by ``keys`` (in ``0 … n-1``), and where each key starts among them
    and how many there are.

    Examples
    --------
    >>> [x.tolist() for x in _groups(np.array([2, 0, 2]), 4)]
    [[1, 0, 2], [0, 1, 1, 3], [1, 0, 2, 0]]
    """
    keys = np.asarray(keys, dtype=int)
    order = np.argsort(keys, kind="stable")
    count = np.bincount(keys, minlength=n)
    return order, np.cumsum(count) - count, count


def _values(v):
    """A column for a new frame: Series lose their index (rows line up by position)."""
    return v.to_numpy() if isinstance(v, pd.Series) else v


def tie_frame(source, target, type_) -> pd.DataFrame:
    return pd.DataFrame({"source_id": np.asarray(source, dtype=object),
                         "target_id": np.asarray(target, dtype=object), "type": type_})


def dedupe(names_: pd.Series, part: int) -> pd.Series:
    """Suffixes that make names unique in the ledger: none, then 2号, 3号 … (and the part)."""
    k = names_.groupby(names_).cumcount().to_numpy()
    suffix = np.where(k == 0, "", np.char.add((k + 1).astype(str), "号"))
    if part:
        suffix = np.char.add(f"{part + 1}期", suffix)
    return pd.Series(suffix, index=names_.index, dtype="str")
