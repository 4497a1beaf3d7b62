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
    >>> batch = Batch.made_up()  # 金陵区: 2 streets of 3 communities
    >>> batch.ids("unit", 2).tolist()
    ['U9900010000001', 'U9900010000002']
    >>> batch.community_ids(np.array([0, 1]), np.array([0, -1])).tolist()
    ['C990001001001', 'S990001002']
    """

    def __init__(self, rng: np.random.Generator, district, streets: pd.DataFrame,
                 comms: pd.DataFrame, part: int, parts: int, links: Links | None = None
                 ) -> None:
        """``district``: a row of the skeleton's districts (``code, name, label, city``);
        ``streets`` and ``comms``: its streets and communities; ``part`` of ``parts``."""
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

    @classmethod
    def made_up(cls, streets: int = 2, communities: int = 3, seed: int = 0) -> Batch:
        """A batch on a made-up district (金陵区), for examples and tests.

        Examples
        --------
        >>> Batch.made_up().streets["name"].tolist()
        ['金陵路街道', '紫金路街道']
        """
        from gongjian.synth.divisions import synthetic_skeleton

        sk = synthetic_skeleton(districts=1, streets=streets, communities=communities)
        return cls(np.random.default_rng(seed), next(sk.districts.itertuples(index=False)),
                   sk.streets, sk.communities, part=0, parts=1)

    # --- helpers ---------------------------------------------------------------------

    def place(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Random (street index, community index or -1) for ``n`` rows.

        Examples
        --------
        >>> s, c = Batch.made_up().place(4)
        >>> bool(((c // 3) == s).all())  # each community lies in its street
        True
        """
        if len(self.comms):
            c = self.rng.integers(0, len(self.comms), n)
            s = self.comms["street"].map(self.street_index).fillna(0).astype(int).to_numpy()[c]
            return s, c
        return self.rng.integers(0, len(self.streets), n), np.full(n, -1)

    def in_street(self, s: np.ndarray) -> np.ndarray:
        """A random community of each street in ``s`` (-1 for a street without any).

        Examples
        --------
        >>> (Batch.made_up().in_street(np.array([1, 1])) // 3).tolist()
        [1, 1]
        """
        count = self.street_count[s]
        k = self.street_start[s] + (self.rng.random(len(s)) * count).astype(int)
        return np.where(count > 0, self.by_street[np.minimum(k, max(len(self.by_street) - 1, 0))]
                        if len(self.by_street) else -1, -1)

    def targets(self, s: np.ndarray, across: float) -> pd.Series:
        """Community ids for one tie of each organization in streets ``s``: in its own street
        with probability ``LOCAL``, else anywhere in the district; from a border street,
        over the border with probability ``across``.

        Examples
        --------
        >>> Batch.made_up().targets(np.array([0, 0]), 0.0).str[:10].tolist()
        ['C990001001', 'C990001001']
        """
        n = len(s)
        s2, c2 = self.place(n)
        c = self.in_street(s)
        local = (self.rng.random(n) < LOCAL) & (c >= 0)
        ids = self.community_ids(np.where(local, s, s2), np.where(local, c, c2))
        return self.across(s, ids, across)

    def across(self, s: np.ndarray, ids: pd.Series, p: float) -> pd.Series:
        """``ids`` with each one from a border street in ``s`` replaced, with probability
        ``p``, by a random community over the border (毗邻党建).

        Examples
        --------
        >>> ids = pd.Series(["C1"])
        >>> Batch.made_up().across(np.array([0]), ids, 1.0).tolist()  # no border: unchanged
        ['C1']
        """
        if len(self.pool) == 0 or len(s) == 0:
            return ids
        count = self.pool_count[s]
        go = (self.rng.random(len(s)) < p) & (count > 0)
        k = np.minimum(self.pool_start[s] + (self.rng.random(len(s)) * count).astype(int),
                       len(self.pool) - 1)
        return pd.Series(np.where(go, self.pool[k], ids.to_numpy(dtype=object)), dtype="str")

    def dates(self, n: int, first: str = "2016-01-01", last: str = "2025-03-31") -> pd.Series:
        """``n`` random days from ``first`` to ``last``, as ``YYYY-MM-DD`` text.

        Examples
        --------
        >>> days = Batch.made_up().dates(3, "2020-01-01", "2020-01-31")
        >>> bool(days.between("2020-01-01", "2020-01-31").all())
        True
        """
        lo, hi = np.datetime64(first), np.datetime64(last)
        days = self.rng.integers(0, int((hi - lo).astype(int)) + 1, n)
        return pd.Series(np.datetime_as_string(lo + days, unit="D"), dtype="str")

    def ids(self, kind: str, n: int) -> pd.Series:
        """``n`` new ids of 党组织 of ``kind``: prefix, district code, part, sequence."""
        start = self.part * 10_000_000
        seq = pd.Series(np.arange(start + 1, start + n + 1)).astype(str).str.zfill(7)
        return f"{PREFIX[kind]}{self.d.code}" + seq.astype("str")

    def street_ids(self, s: np.ndarray) -> pd.Series:
        """The street organizations' ids of streets ``s`` (positions): ``S`` + code."""
        return "S" + pd.Series(self.streets["code"].to_numpy()[s], dtype="str")

    def community_ids(self, s: np.ndarray, c: np.ndarray) -> pd.Series:
        """The community organizations' ids of communities ``c`` (``C`` + code), or of
        streets ``s`` where ``c`` is -1."""
        codes = np.where(c >= 0, "C" + self.comms["code"].to_numpy()[np.maximum(c, 0)]
                         if len(self.comms) else "", "S" + self.streets["code"].to_numpy()[s])
        return pd.Series(codes, dtype="str")

    def org_frame(self, kind: str, ids, names_, s, c, *, members, spelling=None, fld=None,
                  site=None, parent=None, system=None) -> pd.DataFrame:
        """党组织 rows of ``kind``: ``ids``, names, streets ``s`` and communities ``c``
        (positions, -1 for none), ``members``; the 组织类别 ``spelling`` (checked to be one
        of ``kind``), field ``fld`` (a key of ``schema.FIELDS`` or cells), site, superior
        and system; level, status, secretary, phone and founding date are drawn.

        Examples
        --------
        >>> batch = Batch.made_up()
        >>> at = np.array([0])
        >>> rows = batch.org_frame("grid", ["G1"], ["金陵里第1网格党支部"], at, at,
        ...                        members=np.array([5]))
        >>> rows[["kind", "level", "street", "community"]].iloc[0].tolist()
        ['网格党组织', '党支部', '金陵路街道', '金陵里社区']
        """
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
    """Ties (``source_id, target_id, type``: a code of ``schema.RELATION_TYPES``).

    Examples
    --------
    >>> tie_frame(["U1", "U2"], ["C1", "C1"], "pairing")["type"].tolist()
    ['pairing', 'pairing']
    """
    return pd.DataFrame({"source_id": np.asarray(source, dtype=object),
                         "target_id": np.asarray(target, dtype=object), "type": type_})


def dedupe(names_: pd.Series, part: int) -> pd.Series:
    """Suffixes that make names unique in the ledger: none, then 2号, 3号 … (and the part).

    Examples
    --------
    >>> dedupe(pd.Series(["甲楼", "甲楼", "乙楼"]), 0).tolist(), dedupe(pd.Series(["甲楼"]), 1)[0]
    (['', '2号', ''], '2期')
    """
    k = names_.groupby(names_).cumcount().to_numpy()
    suffix = np.where(k == 0, "", np.char.add((k + 1).astype(str), "号"))
    if part:
        suffix = np.char.add(f"{part + 1}期", suffix)
    return pd.Series(suffix, index=names_.index, dtype="str")
