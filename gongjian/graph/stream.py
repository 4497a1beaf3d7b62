"""Build the graph file from a ledger folder a chunk at a time (``gongjian build``).

:func:`build_file` writes the same graph file as ``save(build(read_ledger(folder)), path)``
— the same tables, rows in the same order, the same problem counts in ``meta`` — without
holding the largest tables whole. The 两新组织 and 共建关系 files are read in chunks
(:func:`gongjian.loaders.chunks.table_chunks`, the reader of the streamed neo4j-admin
export), each chunk checked with the loaders' own functions (``check_table``, then the
checks across tables: duplicates of 信用代码 across the whole file from the first row of
each value seen so far, ``check_coverage``, ``resolve_relations``), and its good rows written
straight to the table's Parquet file. The vertical links of the 两新组织 (``located_in``
their region and site, ``covers``) are derived per chunk too and kept on disk until the
``links`` table is written in the order :func:`~gongjian.graph.build.build` gives it.

What stays in memory: the 党组织 table (read whole, as it is needed to check every other
table), the distinct place names and sites the 两新组织 use (for the regions and sites),
the first row of each credit code of the 两新组织, the problems, and a few chunks: the
two large tables are read side by side once the 党组织 are read, each as a pipeline of
threads (:mod:`gongjian.overlap`: the next chunk parsed and checked, this one checked
against the other tables, the last one stored and written).
:func:`check_file` is the same pass writing no table (``gongjian check``).
The 区域, 楼宇园区 tables, the three lists and the activity record are read whole, exactly as
:func:`~gongjian.loaders.read_ledger` reads them.

Examples
--------
>>> import tempfile
>>> import gongjian
>>> from gongjian.graph.io import load
>>> examples = Path(gongjian.__file__).parents[1] / "examples" / "ledger"
>>> out = build_file(examples, Path(tempfile.mkdtemp()) / "图.gjg")
>>> out.counts["party_orgs"], out.meta["problems"]["errors"]
(13, 0)
>>> load(out.path).counts() == load(examples).counts()
True
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from gongjian.errors import GraphFileError, LedgerError
from gongjian.graph.build import (
    all_regions,
    build_meta,
    covered_rows,
    covers_links,
    guides_links,
    link_frame,
    list_tables,
    located_links,
    name_keys,
    part_of_links,
    region_keys,
    regions_from_table,
    site_links,
    site_region_pairs,
    subordinate_links,
    with_named_sites,
)
from gongjian.graph.io import (
    TABLE_NAMES,
    TableFile,
    reference_positions,
    row_positions,
    save_files,
)
from gongjian.graph.model import NODE_TABLES, KnowledgeGraph, conform
from gongjian.loaders.chunks import (
    CHUNK_BYTES,
    FirstRows,
    Reading,
    Reread,
    checked_chunks,
    narrowed,
)
from gongjian.loaders.config import LedgerConfig, load_config
from gongjian.loaders.discovery import find_tables
from gongjian.loaders.headers import locate_columns
from gongjian.loaders.ledger import Problem, ProblemSplit, empty_table
from gongjian.loaders.problems import CsvAppender, rejects_file, row_counts
from gongjian.loaders.read import ordered_problems, problem_order, rejected_frame
from gongjian.loaders.references import (
    check_coverage,
    check_lists,
    check_party_refs,
    check_regions,
    filled_coverage,
    isin,
    resolve_relations,
)
from gongjian.loaders.sheet import read_sheet
from gongjian.loaders.tables import LIST_TABLES as LEDGER_LIST_TABLES
from gongjian.loaders.tables import TABLE_ORDER
from gongjian.loaders.validate import Checked, check_table
from gongjian.output import check_output_path
from gongjian.overlap import InOrder
from gongjian.progress import progress

__all__ = ["BuiltFile", "CheckedLedger", "build_file", "check_file"]

_PLACE_COLUMNS = ["district", "street", "community"]
_SITE_COLUMNS = ["site", "district", "street"]


@dataclass
class BuiltFile:
    """What :func:`build_file` wrote: the graph file, rows per table, and ``kg.meta``;
    ``problems``: every problem of the ledger, in the order of
    :func:`~gongjian.loaders.read_ledger`'s ``problems``."""

    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class CheckedLedger(ProblemSplit):
    """What :func:`check_file` found: what ``gongjian check`` reports of a ledger folder.

    ``problems`` are in the order of :func:`~gongjian.loaders.read_ledger`'s; ``read`` and
    ``rejected`` count the data rows of each table (a table with none is left out);
    ``rejects`` are the files of rejected rows written (in the order of
    :func:`~gongjian.loaders.write_rejects`).
    """

    files: dict[str, Path]
    problems: list[Problem] = field(default_factory=list)
    read: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    rejects: list[Path] = field(default_factory=list)

    def counts(self, lang: str = "zh") -> pd.DataFrame:
        """One line per table: rows read, loaded, rejected, errors and warnings (as
        :func:`~gongjian.loaders.table_counts` gives them for the ledger read whole)."""
        return row_counts(self.files, self.read, self.rejected, self.problems, lang=lang)


def build_file(ledger: str | os.PathLike, path: str | os.PathLike, *,
               config: str | os.PathLike | Mapping[str, Any] | None = None,
               strict: bool = False, chunk_bytes: int = CHUNK_BYTES) -> BuiltFile:
    """Read the ledger folder ``ledger`` and write its graph file ``path``, in chunks.

    Parameters
    ----------
    ledger
        The ledger folder.
    path
        The graph file to write (whole or not at all).
    config
        A ``gongjian.toml`` file or a mapping; default the folder's own.
    strict
        Write nothing when the ledger has any error (:class:`~gongjian.LedgerError`, with
        the message of :func:`~gongjian.loaders.read_ledger`).
    chunk_bytes
        Bytes of CSV read at a time (about 100 bytes a row).

    Returns
    -------
    BuiltFile
        The file, the rows of each table, and the graph's ``meta``.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "党组织.csv").write_text(
    ...     "组织编码,组织名称,组织类别,所属区\\nA,甲,社区党委,玄武区\\n", encoding="utf-8")
    >>> _ = (d / "共建关系.csv").write_text("甲方编码,乙方编码,关系类型\\nA,B,结对共建\\n",
    ...                                    encoding="utf-8")
    >>> out = build_file(d, d.parent / "图.gjg")
    >>> out.counts["party_orgs"], out.counts["relations"], out.meta["rejected_rows"]
    (1, 0, 1)
    """
    folder = Path(ledger)
    files = find_tables(folder)
    cfg = load_config(folder, config)
    target = check_output_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise GraphFileError(f"无法写入 {target}：{err.strerror or err} (cannot write {target})") \
            from err
    reread: dict[Path, str | None] = {}
    while True:
        try:
            work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        except OSError as err:
            raise GraphFileError(f"无法写入 {target}：{err.strerror or err} "
                                 f"(cannot write {target})") from err
        try:
            return _Build(folder, files, cfg, work, reread, chunk_bytes).run(target, strict)
        except Reread as again:
            if again.path in reread and reread[again.path] == again.encoding:
                raise LedgerError(f"无法读取 {again.path.name} (cannot read the file)") from again
            reread[again.path] = again.encoding
        finally:
            shutil.rmtree(work, ignore_errors=True)


def check_file(ledger: str | os.PathLike, *,
               config: str | os.PathLike | Mapping[str, Any] | None = None,
               strict: bool = False, rejects: str | os.PathLike | None = None,
               chunk_bytes: int = CHUNK_BYTES) -> CheckedLedger:
    """Check the ledger folder ``ledger`` in chunks, as :func:`build_file` reads it, writing
    no graph (``gongjian check``).

    The same problems, in the same order, and the same rows read, loaded and rejected per
    table as :func:`~gongjian.loaders.read_ledger` gives, with the memory of
    :func:`build_file`: the largest tables are never held whole.

    Parameters
    ----------
    ledger
        The ledger folder.
    config
        A ``gongjian.toml`` file or a mapping; default the folder's own.
    strict
        Raise :class:`~gongjian.LedgerError` (the message of
        :func:`~gongjian.loaders.read_ledger`) when the ledger has any error; nothing is
        written then.
    rejects
        A folder to write the rejected rows into, one ``<表>_rejects.csv`` per table that
        has any, the same files as :func:`~gongjian.loaders.write_rejects` writes.
    chunk_bytes
        Bytes of CSV read at a time (about 100 bytes a row).

    Returns
    -------
    CheckedLedger
        The problems, the rows read and rejected per table, the files of rejected rows.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "党组织.csv").write_text(
    ...     "组织编码,组织名称,组织类别,所属区\\nA,甲,社区党委,玄武区\\n", encoding="utf-8")
    >>> _ = (d / "共建关系.csv").write_text("甲方编码,乙方编码,关系类型\\nA,B,结对共建\\n",
    ...                                    encoding="utf-8")
    >>> found = check_file(d, rejects=d.parent / "rejects")
    >>> [(p.row, p.column, p.code) for p in found.errors]
    [(2, '乙方编码', 'unknown_id')]
    >>> found.counts()[["table", "read", "loaded", "rejected"]].values.tolist()
    [['党组织', 1, 1, 0], ['共建关系', 1, 0, 1]]
    >>> [p.name for p in found.rejects]
    ['共建关系_rejects.csv']
    """
    folder = Path(ledger)
    files = find_tables(folder)
    cfg = load_config(folder, config)
    reread: dict[Path, str | None] = {}
    while True:
        work = Path(tempfile.mkdtemp(prefix=".gongjian-check."))
        run = _Build(folder, files, cfg, work, reread, chunk_bytes, write=False,
                     rejects=rejects is not None)
        try:
            run.check(strict, "检查台账 checking the ledger (bytes read)")
            found = CheckedLedger(files, [p for key in files for p in run.problems[key]],
                                  run.read, run.rejected_rows)
            if rejects is not None:
                found.rejects = _move_rejects(run, Path(rejects))
            return found
        except Reread as again:
            if again.path in reread and reread[again.path] == again.encoding:
                raise LedgerError(f"无法读取 {again.path.name} (cannot read the file)") from again
            reread[again.path] = again.encoding
        finally:
            run.spool.close()
            shutil.rmtree(work, ignore_errors=True)


def _move_rejects(run: _Build, folder: Path) -> list[Path]:
    """Move the spooled files of rejected rows into ``folder``, in the tables' order."""
    run.spool.close()
    spooled = {p.name: p for p in run.spool.paths}
    written = []
    for key in TABLE_ORDER:
        name = rejects_file(key)
        if name in spooled:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.move(spooled[name], folder / name)
            written.append(folder / name)
    return written


class _Build:
    """One pass over the ledger: tables written to Parquet files in ``work`` (with
    ``write=False``, only checked: problems and counts; ``rejects``: the rejected rows
    spooled to ``work/rejects``)."""

    def __init__(self, folder: Path, files: dict[str, Path], cfg: LedgerConfig, work: Path,
                 reread: dict[Path, str | None], block: int, *, write: bool = True,
                 rejects: bool = False) -> None:
        self.folder, self.files, self.cfg, self.work = folder, files, cfg, work
        self.reread, self.block = reread, block
        self.write = write
        self.spool = CsvAppender()
        self.keep_rejects = rejects
        self.template = KnowledgeGraph()
        self.problems: dict[str, list[Problem]] = {key: [] for key in files}
        self.read: dict[str, int] = {}
        self.sheets: dict[str, dict[object, None]] = {}
        self.cells: dict[str, tuple[str, ...]] = {}
        self.rejected_rows: dict[str, int] = {}
        self.stopping = False
        self.keys: dict[str, pa.Array] = {}  # node keys by label, for row positions
        self.dropped = 0
        self.tables: dict[str, TableFile] = {}
        self.places: list[pd.DataFrame] = []
        self.used_sites: list[pd.DataFrame] = []

    def reorder(self, key: str) -> None:
        """Sort the problems of a table read in chunks as those of the table read whole (a
        workbook's notes of a sheet, e.g. a stray cell, come after all its rows)."""
        if key in self.cells:
            self.problems[key].sort(key=problem_order(self.cells[key],
                                                      self.sheets.get(key, {})))

    def table(self, name: str) -> TableFile:
        """The Parquet file of table ``name`` (or of a spool of links, by any other name)."""
        if name not in self.tables:
            self.tables[name] = TableFile(name if name in TABLE_NAMES else "links",
                                          self.work / f"{name}.parquet")
        return self.tables[name]

    def checked(self, c: Checked) -> pd.DataFrame:
        """Note a checked table's (or chunk's) problems and rejected rows; its good rows."""
        self.problems[c.key].extend(ordered_problems(c))
        self.cells[c.key] = tuple(c.located.cells)
        if c.sheets is not None:
            self.sheets.setdefault(c.key, {}).update(dict.fromkeys(c.sheets.tolist()))
        bad = int(c.bad.sum())
        self.read[c.key] = self.read.get(c.key, 0) + len(c.rows)
        self.rejected_rows[c.key] = self.rejected_rows.get(c.key, 0) + bad
        if bad and self.keep_rejects:
            self.spool.append(self.work / "rejects" / rejects_file(c.key), rejected_frame(c))
        return c.data.loc[~c.bad].reset_index(drop=True)

    def whole(self, key: str) -> Checked:
        """A table read whole, as :func:`~gongjian.loaders.read_ledger` reads it."""
        sheet = read_sheet(self.files[key], key, max_bytes=self.cfg.max_bytes,
                           mapping=self.cfg.mapping(key))
        return check_table(sheet, key, locate_columns(sheet, key, self.cfg.mapping(key)))

    def run(self, target: Path, strict: bool) -> BuiltFile:
        try:
            party, read = self.check(strict, "构建图谱 building the graph (bytes read)")
        finally:
            self.spool.close()
        self.finish(party, read)
        problems = [p for key in self.files for p in self.problems[key]]
        errors_n = sum(p.is_error for p in problems)
        meta = build_meta(self.folder, errors=errors_n, warnings=len(problems) - errors_n,
                          rejected_rows=sum(self.rejected_rows.values()), dropped=self.dropped)
        tables = [self.tables[name] for name in TABLE_NAMES]
        with progress("写入图文件 writing the graph file"):
            save_files(tables, target, meta)
        return BuiltFile(target, {t.name: t.rows for t in tables}, meta, problems)

    def check(self, strict: bool, label: str) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
        """Read and check every table (written too, unless ``write=False``); the good
        党组织 and the good rows of the small tables read whole."""
        files = self.files
        with progress(label,
                      total=sum(_size(p) for p in files.values())
                      + _size(files.get("organizations"))) as advance:
            ctx = Reading(self.cfg, self.reread, advance, self.block)
            small = {}
            for key in ("regions", "sites", "party_orgs"):
                if key in files:
                    small[key] = self.whole(key)
                    advance(_size(files[key]))
            orgs = small["party_orgs"]
            check_party_refs(orgs)
            if "regions" in small:
                check_regions(small["regions"])
            read = {key: self.checked(c) for key, c in small.items()}
            party = conform(read["party_orgs"], self.template.party_orgs)
            ids = party["id"]
            self.keys["PartyOrg"] = pa.array(ids, pa.string(), from_pandas=True)
            # the two large tables depend on the 党组织 only: read side by side (the
            # checks are mostly Arrow kernels, which release the GIL)
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="relations") as pool:
                ties = pool.submit(self.or_stop, self.relations, files["relations"], ctx,
                                   orgs, ids)
                if "organizations" in files:
                    self.or_stop(self.organizations, files["organizations"], ctx, orgs, ids)
                ties.result()
            self.reorder("relations")
            self.reorder("organizations")
            self.lists(orgs, ids, advance)
        if strict and (errors := [p for key in files for p in self.problems[key]
                                  if p.is_error]):
            first = "；".join(p.text() for p in errors[:3])
            raise LedgerError(f"台账有 {len(errors)} 处错误（严格模式下不载入任何数据）：{first}"
                              f"{' …' if len(errors) > 3 else ''} "
                              f"({len(errors)} errors in the ledger; strict mode loads nothing)")
        return party, read

    def or_stop(self, read: Callable[..., None], *args: Any) -> None:
        """Run ``read``; if it fails, the other large table stops at its next chunk."""
        try:
            read(*args)
        except BaseException:
            self.stopping = True
            raise

    # --- the large tables, in chunks ---------------------------------------------------

    def relations(self, path: Path, ctx: Reading, orgs: Checked, ids: pd.Series) -> None:
        """共建关系: ends resolved chunk by chunk; ties to an end not loaded are dropped."""
        good_names = set(orgs.data.loc[~orgs.bad, "name"].dropna().tolist())
        out = self.table("relations") if self.write else None
        for c in checked_chunks(path, "relations", ctx):
            if self.stopping:
                return
            ends = pd.concat([c.data["source_id"], c.data["target_id"]], ignore_index=True)
            names = pd.concat([c.dropped["source_name"], c.dropped["target_name"]],
                              ignore_index=True)
            by_name = names[ends.isna().to_numpy()].dropna()
            if any(n not in good_names for n in by_name.unique()):
                ref = orgs  # an unknown name: suggestions come from every name
            else:
                ref = narrowed(orgs, id_=ends, name=names)
            resolve_relations(c, ref)
            good = self.checked(c)
            if not self.write:
                continue
            rel = conform(good, self.template.relations)
            dangling = ~(isin(rel["source_id"], ids) & isin(rel["target_id"], ids))
            self.dropped += int(dangling.sum())
            if (~dangling).any():
                kept = rel[~dangling].reset_index(drop=True)
                out.write(kept, reference_positions("relations", kept, self.keys.get))
        if self.write and out.columns is None:  # no rows
            out.write(conform(empty_table("relations"), self.template.relations))

    def organizations(self, path: Path, ctx: Reading, orgs: Checked, ids: pd.Series) -> None:
        """两新组织: rows and their links chunk by chunk (the repeated 信用代码 across the
        file from the first row of each, :class:`~gongjian.loaders.chunks.FirstRows`)."""
        first = FirstRows()
        with InOrder() as later:  # a chunk is stored while the next one is checked
            for c in checked_chunks(path, "organizations", ctx):
                if self.stopping:
                    return
                first.check(c)
                check_coverage(c, narrowed(orgs, id_=c.data["covering_org_id"]))
                good = self.checked(c)
                if self.write:
                    later.submit(self.store_firms, good, ids)

    def store_firms(self, good: pd.DataFrame, ids: pd.Series) -> None:
        """Write the good rows of a chunk of 两新组织, keep their places, spool their links."""
        firms = conform(good, self.template.organizations)
        firms["region"] = region_keys(firms)
        firms["coverage"] = filled_coverage(firms)
        before = self.table("organizations").rows
        self.table("organizations").write(firms)
        self.collect_places(firms)
        self.spool_links(firms, before, ids)

    def spool_links(self, firms: pd.DataFrame, before: int, ids: pd.Series) -> None:
        """The links of a chunk of 两新组织 (rows ``before`` onwards of their table), kept
        apart until the ``links`` table is written; ends in the 两新组织 and 党组织 tables
        are stored as row positions at once, the regions and sites once those are known."""
        def rows(where: np.ndarray) -> pa.Array:
            return pa.array(before + np.flatnonzero(where), pa.int32())

        in_region = firms["region"].notna().to_numpy(dtype=bool)
        at_site = firms["site"].notna().to_numpy(dtype=bool)
        self.table("firm_regions").write(link_frame(
            "Organization", firms.loc[in_region, "uscc"], "Region",
            firms.loc[in_region, "region"], "located_in"), {"source": rows(in_region)})
        self.table("firm_sites").write(link_frame(
            "Organization", firms.loc[at_site, "uscc"], "Site", firms.loc[at_site, "site"],
            "located_in"), {"source": rows(at_site)})
        covers = covers_links(firms, ids)
        self.table("firm_covers").write(covers, {
            "source": row_positions(pa.array(covers["source"], pa.string(), from_pandas=True),
                                    "PartyOrg", self.keys.get),
            "target": rows(covered_rows(firms, ids))})

    def collect_places(self, firms: pd.DataFrame) -> None:
        """Keep the distinct places and sites the 两新组织 name, in order of first use."""
        self.places.append(firms[_PLACE_COLUMNS].drop_duplicates())
        at_site = firms[firms["site"].notna().to_numpy(dtype=bool)]
        self.used_sites.append(at_site[_SITE_COLUMNS].drop_duplicates())
        if len(self.places) > 32:
            self.places = [pd.concat(self.places, ignore_index=True).drop_duplicates()]
            self.used_sites = [pd.concat(self.used_sites, ignore_index=True).drop_duplicates()]

    # --- the rest, whole -----------------------------------------------------------------

    def lists(self, orgs: Checked, ids: pd.Series, advance: Callable[[float], None]) -> None:
        """The three lists and the activity record, read and checked whole, and written."""
        checked = {}
        for key in LEDGER_LIST_TABLES:
            if key in self.files:
                checked[key] = self.whole(key)
                advance(_size(self.files[key]))
        check_lists(checked, orgs)
        read = {key: self.checked(c) for key, c in checked.items()}
        del checked
        if not self.write:
            return
        base = KnowledgeGraph.from_frames(**{key: _ledger_table(read, key)
                                             for key in ("needs", "resources", "projects",
                                                         "activities")})
        del read
        for name, df in list_tables(base, ids).items():
            self.table(name).write(conform(df, getattr(self.template, name)))

    def finish(self, party: pd.DataFrame, read: dict[str, pd.DataFrame]) -> None:
        """Regions, sites and every link, as :func:`~gongjian.graph.build.build` makes them."""
        template = self.template
        orgs = party.copy()
        orgs["region"] = region_keys(orgs)
        firm_places = pd.concat([*self.places, template.organizations[_PLACE_COLUMNS]],
                                ignore_index=True).drop_duplicates()
        firm_sites = pd.concat([*self.used_sites, template.organizations[_SITE_COLUMNS]],
                               ignore_index=True).drop_duplicates()
        sites = with_named_sites(conform(_ledger_table(read, "sites"), template.sites), orgs,
                                 firm_sites)
        table_regions = regions_from_table(conform(_ledger_table(read, "regions"),
                                                   empty_table("regions")))
        site_regions = site_region_pairs(sites, set(table_regions["key"])
                                         | name_keys(orgs, firm_places))
        regions = all_regions(table_regions, orgs, firm_places, site_regions)
        for label, df in (("PartyOrg", orgs), ("Site", sites), ("Region", regions)):
            name, key = NODE_TABLES[label]
            df = conform(df, getattr(template, name))
            self.table(name).write(df)
            if label not in self.keys:  # the 党组织's since they were read
                self.keys[label] = pa.array(df[key], pa.string(), from_pandas=True)
        if "organizations" not in self.tables:  # no 两新组织 rows
            firms = conform(empty_table("organizations"), template.organizations)
            firms["region"] = region_keys(firms)
            firms["coverage"] = filled_coverage(firms)
            self.table("organizations").write(firms)
        links = self.table("links")
        for part in (subordinate_links(orgs), located_links(orgs, "PartyOrg", "id"),
                     "firm_regions", "firm_sites", site_links(site_regions),
                     guides_links(orgs), "firm_covers", part_of_links(regions)):
            if isinstance(part, str):  # a spool of the 两新组织's links
                if part in self.tables:
                    links.extend(self.tables[part], self.keys.get)
            elif len(part):
                part = conform(part, template.links)
                links.write(part, reference_positions("links", part, self.keys.get))
        if links.columns is None:  # no links at all
            links.write(template.links)


def _ledger_table(tables: Mapping[str, pd.DataFrame], key: str) -> pd.DataFrame:
    """A table as the ledger holds it: read, or empty with its columns when not given."""
    df = tables.get(key)
    return empty_table(key) if df is None else df


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path is not None else 0
    except OSError:
        return 0

