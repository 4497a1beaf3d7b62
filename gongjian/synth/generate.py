"""Synthetic ledgers at any scale, streamed to disk district by district.

Built on the real districts, streets and communities shipped with the package (see
:mod:`gongjian.synth.divisions`), in the proportions of ``domain.md``. This module plans
the districts and their shares of the totals and writes each batch; the rows come from
parts with one job each, all drawing from the batch's random stream
(:class:`~gongjian.synth.batch.Batch`) in a fixed order:

- :mod:`~gongjian.synth.axis`: the 区域 rows, a street organization for every street and a
  community organization for every community or village;
- :mod:`~gongjian.synth.party`: industry committees, buildings, parks and business
  districts, units (with planted islands 党建孤岛 and groups cut off from the axis), grids
  and temporary organizations;
- :mod:`~gongjian.synth.borders`: ties across district borders (about 2% of them at city
  scale), from a plan drawn before the first batch;
- :mod:`~gongjian.synth.firms`: 两新组织 with valid credit codes and every kind of
  coverage, and the new-economy organizations and joint branches covering them;
- :mod:`~gongjian.synth.relations`: ties up to the target, with dates (some expired),
  reporting members and projects;
- :mod:`~gongjian.synth.lists`: the three lists and the activity record (需求清单, 资源清单,
  项目清单, 活动记录), drawn last.

Ties are local: most of an organization's ties go to communities of its own street. Every
batch is generated with numpy and appended to the CSV files, so memory stays flat at any
scale. The same seed writes the same files.

Examples
--------
>>> SCALES["city"].party_orgs
100000
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from gongjian.errors import GongjianError
from gongjian.i18n import pick
from gongjian.loaders.tables import TABLES
from gongjian.progress import progress
from gongjian.synth import axis, borders, firms, party, relations
from gongjian.synth.batch import Batch
from gongjian.synth.divisions import (
    DEFAULT_REGIONS,
    Skeleton,
    find_divisions,
    load_skeleton,
)
from gongjian.synth.lists import HEADERS, LIST_FILES, lists
from gongjian.synth.writer import EXCEL_MAX_ROWS, TableSink, check_folder

__all__ = ["SCALES", "Scale", "Target", "batch_tables", "stream", "synthesize"]

Scale = Literal["district", "city", "province", "nation"]


@dataclass(frozen=True)
class Target:
    """Approximate totals of a scale: Party organizations, 两新组织, co-building relations.

    Examples
    --------
    >>> SCALES["district"]
    Target(party_orgs=2000, organizations=20000, relations=10000)
    """

    party_orgs: int
    organizations: int
    relations: int


SCALES: dict[str, Target] = {
    "district": Target(2_000, 20_000, 10_000),
    "city": Target(100_000, 1_000_000, 500_000),
    "province": Target(600_000, 6_000_000, 3_000_000),
    "nation": Target(5_000_000, 30_000_000, 20_000_000),
}
#: Ledger table → file name without extension: the five tables of 党组织 and their ties.
FILES: dict[str, str] = {key: TABLES[key].zh for key in
                         ("party_orgs", "relations", "organizations", "sites", "regions")}
#: Rows (party organizations and 两新组织) per generated batch.
BATCH_ROWS = 200_000

#: Shares of the Party organizations that are not street or community ones.
_SHARES = {"unit": 0.40, "grid": 0.22, "new_economy": 0.22, "joint": 0.04, "temporary": 0.03,
           "building": 0.05, "park": 0.01, "business_district": 0.01}


def synthesize(folder: str | Path, *, scale: Scale, seed: int = 0, region: str | None = None,
               divisions: str | Path | None = None, fmt: Literal["csv", "xlsx"] = "csv",
               limit: int | None = None, lang: str = "zh", with_lists: bool = True) -> dict:
    """Write a synthetic ledger folder of the given ``scale`` and return what was written.

    ``region`` names the province, city or district whose real streets and communities to
    use (default per scale: 玄武区, 南京市, 江苏省, the whole country; an unknown one is a
    :class:`~gongjian.errors.GongjianError`); ``divisions`` is a folder of divisions files
    other than the package's own (see :func:`~gongjian.synth.divisions.find_divisions`).
    ``limit`` keeps only the first ``limit`` districts (with
    their share of the totals), for tests. ``fmt="xlsx"`` writes Excel files (write-only,
    for what fits in a sheet); CSV is the format for large scales. ``lang`` is the
    language of the progress bar. ``with_lists`` also writes 需求清单, 资源清单, 项目清单 and
    活动记录 (:mod:`gongjian.synth.lists`); the other tables are the same without them.

    Returns a dict with ``folder``, ``scale``, ``seed``, ``region``, ``divisions`` (the
    divisions folder used), ``counts`` (rows per table), ``files`` and ``seconds``.

    Examples
    --------
    >>> import tempfile
    >>> info = synthesize(tempfile.mkdtemp(), scale="district")
    >>> info["region"], 1_500 < info["counts"]["party_orgs"] < 2_500
    ('玄武区', True)
    """
    if scale not in SCALES:
        raise GongjianError(f"未知规模 {scale}：可选 {'、'.join(SCALES)} (unknown scale)")
    if fmt not in ("csv", "xlsx"):
        raise GongjianError(f"不支持的格式 {fmt}：可选 csv、xlsx (unsupported format)")
    started = time.perf_counter()
    target = SCALES[scale]
    found = find_divisions(divisions)
    skeleton = load_skeleton(region if region is not None else DEFAULT_REGIONS[scale], found)
    folder = Path(folder)
    stems = {**FILES, **(LIST_FILES if with_lists else {})}
    check_folder(folder, {f"{stem}.{fmt}" for stem in {**FILES, **LIST_FILES}.values()}, lang)
    folder.mkdir(parents=True, exist_ok=True)
    sink = TableSink(folder, fmt, stems, extra=HEADERS)
    counts = stream(sink, skeleton, target, seed, limit, lang, with_lists=with_lists)
    return {"folder": folder, "scale": scale, "seed": seed, "region": skeleton.name,
            "divisions": found, "counts": counts,
            "files": sink.close(),
            "seconds": round(time.perf_counter() - started, 2)}


def stream(sink: TableSink, sk: Skeleton, target: Target, seed: int, limit: int | None = None,
           lang: str = "zh", *, with_lists: bool = False) -> dict[str, int]:
    """Generate the ledger of skeleton ``sk`` batch after batch, appending each to ``sink``;
    return the rows written per table (with the four lists of
    :mod:`gongjian.synth.lists` when ``with_lists``; ``sink`` must then know their headers).

    The totals of ``target`` are shared among the districts by their streets and
    communities; ``limit`` keeps only the first districts.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from gongjian.synth.divisions import synthetic_skeleton
    >>> sink = TableSink(pathlib.Path(tempfile.mkdtemp()), "csv", FILES)
    >>> counts = stream(sink, synthetic_skeleton(districts=2, streets=2, communities=2),
    ...                 Target(100, 200, 300), seed=0)
    >>> counts["regions"], counts["organizations"], counts["relations"]
    (14, 200, 300)
    """
    n_streets = sk.streets.groupby("district").size()
    n_comms = sk.communities.groupby("district").size()
    weight = (sk.districts["code"].map(n_streets).fillna(0)
              + sk.districts["code"].map(n_comms).fillna(0)).to_numpy(dtype=float) + 1
    share = weight / weight.sum()
    axis_total = len(sk.streets) + len(sk.communities)
    rest = max(target.party_orgs - axis_total, target.party_orgs // 5)
    districts = (sk.districts if limit is None else sk.districts.head(limit)).reset_index(
        drop=True)
    streets_of = dict(tuple(sk.streets.groupby("district", sort=False)))
    comms_of = dict(tuple(sk.communities.groupby("district", sort=False)))
    streets = [_district_streets(d, streets_of) for d in districts.itertuples(index=False)]
    keys = [*FILES, *(LIST_FILES if with_lists else ())]
    counts = dict.fromkeys(keys, 0)
    serial = 0
    plan = []
    for i, d in enumerate(districts.itertuples(index=False)):
        orgs_d = round(rest * share[i])
        firms_d = round(target.organizations * share[i])
        rel_d = round(target.relations * share[i])
        parts = max(1, math.ceil((orgs_d + firms_d) / BATCH_ROWS))
        plan += [(i, d, part, parts, orgs_d, firms_d, rel_d) for part in range(parts)]
    if sink.fmt == "xlsx":
        biggest = max(sum(p[5] // p[3] for p in plan), sum(p[6] // p[3] for p in plan))
        if biggest > EXCEL_MAX_ROWS:
            raise GongjianError(
                f"约 {biggest} 行，超过 Excel 一个工作表的上限 {EXCEL_MAX_ROWS} 行；请用 CSV "
                "(too many rows for an Excel sheet: use CSV)")
    n_ind = np.array([party.n_industry(p[4] // p[3]) for p in plan if p[2] == 0], dtype=int)
    cross = borders.plan_links(districts, streets, n_ind, seed)
    links = None
    with progress(pick(lang, "生成合成台账", "synthesizing"), total=len(plan)) as advance:
        for i, d, part, parts, orgs_d, firms_d, rel_d in plan:
            rng = np.random.default_rng([seed, i, part])
            comms = comms_of.get(d.code, pd.DataFrame(columns=["code", "name", "street",
                                                               "district"]))
            if part == 0:
                links = borders.links_of(cross, i, districts, comms_of)
            batch = Batch(rng, d, streets[i], comms, part, parts, links)
            tables = batch_tables(batch, orgs_d // parts, firms_d // parts, rel_d // parts,
                                  serial)
            if with_lists:
                tables.update(lists(batch, tables["party_orgs"], tables["relations"]))
            serial += len(tables["organizations"])
            for key in keys:
                df = tables[key].reindex(columns=list(HEADERS[key]) if key in LIST_FILES
                                         else [c.name for c in TABLES[key].columns])
                if len(df) or key not in sink.started:
                    sink.write(key, df)
                    counts[key] += len(df)
            advance(1)
    return counts


def _district_streets(d, streets_of: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The streets of district ``d``; one made up when the data has none."""
    streets = streets_of.get(d.code)
    if streets is None or len(streets) == 0:
        return pd.DataFrame({"code": [f"{d.code}999"], "name": [f"{d.name}直属街道"],
                             "district": [d.code]})
    return streets


def batch_tables(batch: Batch, n_orgs: int, n_firms: int, n_rel: int,
                 serial: int) -> dict[str, pd.DataFrame]:
    """Every table's rows of one batch: about ``n_orgs`` Party organizations besides the
    axis, ``n_firms`` 两新组织 (credit codes numbered from ``serial``) and ``n_rel`` ties.

    The parts are called in a fixed order, as they all draw from ``batch.rng``.

    Examples
    --------
    >>> tables = batch_tables(Batch.made_up(), 50, 40, 80, serial=0)
    >>> {k: len(v) for k, v in tables.items()}["relations"], len(tables["organizations"])
    (80, 40)
    """
    frames: dict[str, list[pd.DataFrame]] = {k: [] for k in FILES}
    rels: list[pd.DataFrame] = []
    if batch.part == 0:
        frames["regions"].append(axis.regions(batch))
        orgs, ties = axis.axis(batch)
        frames["party_orgs"].append(orgs)
        rels.append(ties)
    orgs, org_rels, sites, firm_rows = _others(batch, n_orgs, n_firms, serial)
    frames["party_orgs"] += orgs
    frames["sites"].append(sites)
    frames["organizations"].append(firm_rows)
    rels += org_rels
    base = sum(len(r) for r in rels)
    rels.append(relations.extra(batch, max(0, n_rel - base), pd.concat(orgs, ignore_index=True)))
    out = {k: pd.concat(v, ignore_index=True) if v else pd.DataFrame() for k, v in
           frames.items() if k != "relations"}
    out["relations"] = relations.finish(batch, pd.concat(rels, ignore_index=True))
    return out


def _others(batch: Batch, n_orgs: int, n_firms: int, serial: int
            ) -> tuple[list[pd.DataFrame], list[pd.DataFrame], pd.DataFrame, pd.DataFrame]:
    """The batch's Party organizations beyond the axis, their ties, the 楼宇园区 and the
    两新组织, part after part."""
    n_ind = party.n_industry(n_orgs) if batch.part == 0 else 0
    counts = {k: round((n_orgs - n_ind) * v) for k, v in _SHARES.items()}
    street_ids = batch.street_ids(np.arange(len(batch.streets)))
    committees, ties, industry_of = party.industry_committees(batch, n_ind, street_ids)
    frames = [committees]
    site_frames, site_rows, site_ties, buildings = party.sites(batch, counts, street_ids)
    frames += site_frames
    ties += site_ties
    unit_frame, unit_ties, units = party.units(batch, counts["unit"], industry_of, street_ids)
    frames.append(unit_frame)
    ties += unit_ties
    c_frames, c_ties = borders.alliance(batch, units, industry_of, street_ids)
    x_frames, x_ties, x_sites = borders.councils(batch, units, street_ids)
    frames += c_frames + x_frames
    ties += c_ties + x_ties
    site_rows += x_sites
    b_ids, b_site, b_street = borders.with_cross_sites(batch, *buildings)
    grid_frame, grid_ties = party.grids(batch, counts["grid"])
    temp_frame, temp_ties = party.temporary(batch, counts["temporary"], street_ids)
    frames += [grid_frame, temp_frame]
    ties += grid_ties + temp_ties
    firm_rows, ne, joint, firm_ties = firms.firms(
        batch, n_firms, counts["new_economy"], counts["joint"], serial, b_ids, b_site, b_street)
    frames += [ne, joint]
    ties += firm_ties
    return frames, ties, pd.concat(site_rows, ignore_index=True), firm_rows
