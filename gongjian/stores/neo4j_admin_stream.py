"""Export a ledger folder to ``neo4j-admin`` CSVs without building the graph in memory.

:func:`export_ledger_neo4j_admin` reads the ledger's tables in chunks (Arrow's streaming CSV
reader; Excel files are read whole, they hold at most a million rows), checks every chunk
with the loaders' own functions (:func:`~gongjian.loaders.validate.check_table`,
:func:`~gongjian.loaders.references.resolve_relations`, ``check_coverage``,
``check_party_refs``), derives regions, sites and vertical links with the builder's own
functions, and writes the same files as :func:`~gongjian.stores.neo4j_admin.export_neo4j_admin`
(same labels, types, keys, typed headers and array delimiter, through its writers).

What stays in memory is what the references need, not the rows: the 党组织 keys (编码,
名称, 所属区, 上级组织编码, row number, whether the row was rejected), a mask of the
两新组织 rows whose 信用代码 repeats an earlier row, one digest per co-building tie (for
the ``#n`` of identical ties), the distinct place names and the 行业系统 organizations.
The 党组织 and 两新组织 files are read twice (keys first, then rows).

Problems are written as the loaders word them: ``问题清单.csv`` (errors and warnings, file,
row, column, value, reason) and ``rejects/<表>_rejects.csv`` (the rows left out, as
written). Everything is written into a temporary folder beside the target and renamed at
the end, so a failure leaves nothing half-written.

The three lists and the activity record (需求清单, 资源清单, 项目清单, 活动记录) are not
streamed: a ledger that has them is exported without them, and the result names the tables
left out in ``skipped_lists`` (the command line prints a note). Use
:func:`~gongjian.stores.neo4j_admin.export_neo4j_admin` on the built graph, or ``push``, to
store them.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> d = Path(tempfile.mkdtemp())
>>> _ = (d / "党组织.csv").write_text(
...     "组织编码,组织名称,组织类别,所属区\\nA,甲,社区党组织,玄武区\\n", encoding="utf-8")
>>> _ = (d / "共建关系.csv").write_text("甲方编码,乙方编码,关系类型\\n", encoding="utf-8")
>>> out = export_ledger_neo4j_admin(d, d / "neo4j")
>>> out.rows["nodes_PartyOrg.csv"], out.rows["nodes_Region.csv"]
(1, 1)
>>> out.command.split()[:4]
['neo4j-admin', 'database', 'import', 'full']
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.errors import LedgerError, StoreError
from gongjian.graph.build import (
    all_regions,
    covers_links,
    guides_links,
    link_frame,
    located_links,
    name_keys,
    part_of_links,
    region_keys,
    regions_from_table,
    site_links,
    site_region_pairs,
    with_named_sites,
)
from gongjian.graph.model import KnowledgeGraph, conform
from gongjian.loaders.chunks import (
    CHUNK_BYTES,
    Reading,
    Reread,
    narrowed,
    organization_keys,
    problems_by_row,
    raw_columns,
    reference_table,
    table_chunks,
    take_over,
)
from gongjian.loaders.config import LedgerConfig, load_config
from gongjian.loaders.discovery import find_tables
from gongjian.loaders.headers import Located, locate_columns
from gongjian.loaders.ledger import PROBLEM_COLUMNS, Problem, empty_table
from gongjian.loaders.problems import CsvAppender, localized, problems_frame, rejects_file
from gongjian.loaders.read import ordered_problems, rejected_frame
from gongjian.loaders.references import (
    check_coverage,
    check_party_refs,
    check_regions,
    filled_coverage,
    resolve_relations,
)
from gongjian.loaders.sheet import read_sheet
from gongjian.loaders.tables import LIST_TABLES as LEDGER_LIST_TABLES
from gongjian.loaders.validate import Checked, check_table, check_unique
from gongjian.progress import progress
from gongjian.stores.neo4j_admin import (
    AdminExport,
    Writer,
    file_order,
    link_writer,
    node_writer,
    relation_writer,
    write_links,
    write_nodes,
    write_relations,
)
from gongjian.stores.rows import (
    Refusals,
    RelationKeys,
    link_columns,
    node_columns,
    relation_columns,
)

__all__ = ["PROBLEMS_FILE", "StreamExport", "export_ledger_neo4j_admin", "ledger_bytes"]

#: Name of the problem list written beside the import files.
PROBLEMS_FILE = "问题清单.csv"
_REJECTS = "rejects"
_OURS = re.compile(r"^(nodes_|rels_).*\.csv$")
_NODE_KEYS = {"party_orgs": "id", "organizations": "uscc"}


@dataclass
class StreamExport(AdminExport):
    """What a streamed export wrote: files, rows per file, problems and the import command."""

    rows: dict[str, int] = field(default_factory=dict)
    read: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    problems: Path | None = None
    #: Files of the three lists and the activity record found in the ledger and not exported.
    skipped_lists: list[str] = field(default_factory=list)

    @property
    def node_rows(self) -> int:
        """Rows written to the node files."""
        return sum(n for name, n in self.rows.items() if name.startswith("nodes_"))

    @property
    def relationship_rows(self) -> int:
        """Rows written to the relationship files."""
        return sum(n for name, n in self.rows.items() if name.startswith("rels_"))


def ledger_bytes(folder: str | os.PathLike[str]) -> int:
    """Total size in bytes of the table files of a ledger folder (0 if it is not one).

    Examples
    --------
    >>> ledger_bytes("no/such/folder")
    0
    """
    try:
        return sum(p.stat().st_size for p in find_tables(Path(folder)).values())
    except LedgerError:
        return 0


# --- problems and rejected rows ----------------------------------------------------------


class _ProblemLog:
    """问题清单.csv and rejects/<表>_rejects.csv, appended chunk by chunk."""

    def __init__(self, folder: Path, out: StreamExport) -> None:
        self.folder = folder
        self.out = out
        self.files = CsvAppender()

    def _append(self, path: Path, df: pd.DataFrame, labels: Any = None) -> None:
        self.files.append(path, df, labels)

    def problems(self, problems: list[Problem]) -> None:
        """Append problems (errors and warnings) to the problem list."""
        if not problems:
            return
        self.out.errors += sum(p.is_error for p in problems)
        self.out.warnings += sum(not p.is_error for p in problems)
        self.out.problems = self.folder / PROBLEMS_FILE
        self._append(self.out.problems, localized(problems_frame(problems)), PROBLEM_COLUMNS)

    def checked(self, c: Checked, extra: list[Problem] | None = None) -> None:
        """Append a checked chunk's problems and its rejected rows."""
        self.problems(ordered_problems(c) + (extra or []))
        self.out.read[c.key] = self.out.read.get(c.key, 0) + len(c.rows)
        n_bad = int(c.bad.sum())
        self.out.rejected[c.key] = self.out.rejected.get(c.key, 0) + n_bad
        if n_bad:
            self._append(self.folder / _REJECTS / rejects_file(c.key), rejected_frame(c))

    def close(self) -> None:
        """Close every file."""
        self.files.close()


# --- the export ------------------------------------------------------------------------


@dataclass
class _State:
    """Everything one run holds besides the rows of the current chunk."""

    folder: Path
    out: StreamExport
    include_personal: bool
    log: _ProblemLog
    refusals: Refusals = field(default_factory=Refusals)
    writers: dict[str, tuple[Writer, list[str]]] = field(default_factory=dict)
    empty: dict[str, pd.DataFrame] = field(default_factory=dict)
    places: list[pd.DataFrame] = field(default_factory=list)
    used_sites: list[pd.DataFrame] = field(default_factory=list)
    systems: list[pd.DataFrame] = field(default_factory=list)
    keys: RelationKeys = field(default_factory=RelationKeys)
    good_ids: set[str] = field(default_factory=set)

    def nodes(self, label: str, df: pd.DataFrame) -> None:
        """Write node rows of ``label`` (the file is opened at its first row)."""
        if df.empty:
            return
        name = f"nodes_{label}"
        if name not in self.writers:
            cols = node_columns(df, label, include_personal=self.include_personal)
            self.writers[name] = (node_writer(self.folder, label, df, cols), cols)
        writer, cols = self.writers[name]
        write_nodes(writer, df, label, cols, self.refusals)

    def relations(self, rel: pd.DataFrame) -> None:
        """Write co-building ties, keyed as :func:`relation_keys` keys the whole table."""
        rel = rel.assign(key=self._keys(rel))
        cols = relation_columns(rel.columns)
        for code in schema.RELATION_TYPES:
            part = rel[(rel["type"] == code).to_numpy(dtype=bool)]
            if part.empty:
                continue
            name = f"rels_{code}"
            if name not in self.writers:
                self.writers[name] = (relation_writer(self.folder, code, part, cols), cols)
            writer, cols_ = self.writers[name]
            write_relations(writer, part, code, cols_, self.refusals)

    def _keys(self, rel: pd.DataFrame) -> list[str]:
        """Digests continue their ``#n`` count from the earlier chunks."""
        return self.keys(rel)

    def links(self, links: pd.DataFrame) -> None:
        """Write vertical links, one file per type and pair of end labels."""
        if links.empty:
            return
        for code in schema.LINK_TYPES:
            of_type = links[(links["type"] == code).to_numpy(dtype=bool)]
            if of_type.empty:
                continue
            for (sl, tl), part in of_type.groupby(["source_label", "target_label"], sort=True):
                name = f"rels_{code}_{sl}_{tl}"
                if name not in self.writers:
                    cols = link_columns(part)
                    self.writers[name] = (link_writer(self.folder, code, sl, tl, part, cols),
                                          cols)
                writer, cols = self.writers[name]
                write_links(writer, part, code, cols, self.refusals)

    def finish(self) -> None:
        """Write the headers of empty node files; close and list the files in order."""
        for label, df in self.empty.items():
            name = f"nodes_{label}"
            if name not in self.writers:
                cols = node_columns(df, label, include_personal=self.include_personal)
                self.writers[name] = (node_writer(self.folder, label, df, cols), cols)
        for writer, _ in self.writers.values():
            writer.close()
            self.out.rows[writer.path.name] = writer.count
            self.out.multiline = self.out.multiline or writer.multiline
        paths = sorted((w.path for w, _ in self.writers.values()), key=file_order)
        self.out.nodes = [p for p in paths if p.name.startswith("nodes_")]
        self.out.relationships = [p for p in paths if p.name.startswith("rels_")]


def export_ledger_neo4j_admin(ledger: str | os.PathLike[str], folder: str | os.PathLike[str],
                              *, include_personal: bool = False, database: str = "neo4j",
                              config: Any = None, chunk_bytes: int = CHUNK_BYTES) -> StreamExport:
    """Write ``neo4j-admin`` import CSVs for the ledger folder ``ledger``, streamed.

    The same files, headers and rows as ``export_neo4j_admin(build(read_ledger(ledger)),
    folder)`` (row order may differ), with memory bounded by the keys the references need
    rather than by the rows. Rows with errors are left out and listed, as the loaders do,
    in ``问题清单.csv`` and ``rejects/`` inside ``folder``.

    Parameters
    ----------
    ledger
        The ledger folder (CSV files are streamed; Excel files are read whole).
    folder
        The folder to write. It is written whole or not at all: an existing folder is
        replaced only when it holds nothing but an earlier export's files.
    include_personal
        Also export personal fields (书记, 联系电话).
    database
        The database name in the printed import command.
    config
        A ``gongjian.toml`` file or a mapping; default the ledger folder's own.
    chunk_bytes
        Bytes of CSV read per chunk (about 100 bytes a row); memory per chunk grows with it.

    Returns
    -------
    StreamExport
        Files written, rows per file, rows read and rejected per table, problem counts, and
        ``command``, the ``neo4j-admin database import full`` command for these files.

    Raises
    ------
    LedgerError
        A table cannot be read at all (missing, empty, unknown encoding, missing column).
    StoreError
        Values an importer cannot take, or a target folder that holds other files.

    Examples
    --------
    >>> from pathlib import Path
    >>> ledger = Path(__file__).parents[2] / "examples" / "ledger"
    >>> out = export_ledger_neo4j_admin(ledger, Path(tempfile.mkdtemp()) / "neo4j导入")
    >>> out.node_rows > 0, out.relationship_rows > 0, out.errors
    (True, True, 0)
    """
    source = Path(ledger)
    target = Path(folder)
    files = find_tables(source)
    cfg = load_config(source, config)
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    reread: dict[Path, str | None] = {}
    while True:
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            out = _export(files, cfg, work, target, include_personal, database, reread,
                          chunk_bytes)
        except Reread as again:
            shutil.rmtree(work, ignore_errors=True)
            if again.path in reread and reread[again.path] == again.encoding:
                raise LedgerError(f"无法读取 {again.path.name} (cannot read the file)") from again
            reread[again.path] = again.encoding
            continue
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        _move_into_place(work, target)
        out.skipped_lists = [files[t].name for t in LEDGER_LIST_TABLES if t in files]
        return out


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise StoreError(f"{target} 是文件，请给一个目录 (the output must be a folder)")
    if target.is_dir():
        others = [p.name for p in target.iterdir()
                  if not (_OURS.match(p.name) or p.name == PROBLEMS_FILE or p.name == _REJECTS)]
        if others:
            raise StoreError(
                f"{target} 中已有其他文件（{'、'.join(sorted(others)[:3])}），为免覆盖，请换一个"
                f"空目录 ({target} holds other files; give an empty or new folder)")


def _move_into_place(work: Path, target: Path) -> None:
    """Rename the finished folder to ``target`` (an earlier export there is replaced)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    work.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _export(files: dict[str, Path], cfg: LedgerConfig, work: Path, target: Path,
            include_personal: bool, database: str, reread: dict[Path, str | None],
            block: int) -> StreamExport:
    out = StreamExport(target, database=database)
    state = _State(work, out, include_personal, _ProblemLog(work, out))
    template = KnowledgeGraph()
    state.empty = {
        "PartyOrg": template.party_orgs.assign(region=pd.Series(dtype="str")),
        "Organization": template.organizations.assign(region=pd.Series(dtype="str")),
        "Site": template.sites, "Region": template.regions}
    sizes = {k: p.stat().st_size for k, p in files.items()}
    total = sum(sizes.values()) + sizes["party_orgs"] + sizes.get("organizations", 0)
    try:
        with progress("导出 neo4j-admin 文件 exporting (bytes read)", total=total) as advance:
            regions = _small_table(files, "regions", cfg, state, advance)
            sites = _small_table(files, "sites", cfg, state, advance)
            ctx = Reading(cfg, reread, advance, block)
            orgs = _party_keys(files["party_orgs"], ctx)
            _party_rows(files["party_orgs"], ctx, orgs, state)
            if "organizations" in files:
                dup = organization_keys(files["organizations"], ctx)
                _organization_rows(files["organizations"], ctx, dup, orgs, state)
            _relation_rows(files["relations"], ctx, orgs, state)
            del orgs
            _places(regions, sites, state)
        state.finish()
    finally:
        state.log.close()
        for writer, _ in state.writers.values():
            writer.close()
    state.refusals.raise_if_any()
    out.nodes = [target / p.name for p in out.nodes]
    out.relationships = [target / p.name for p in out.relationships]
    if out.problems is not None:
        out.problems = target / out.problems.name
    return out


def _small_table(files: dict[str, Path], key: str, cfg: LedgerConfig, state: _State,
                 advance: Callable[[float], None]) -> pd.DataFrame:
    """区域 and 楼宇园区 are small: read whole, exactly as the loader reads them."""
    if key not in files:
        return empty_table(key)
    advance(files[key].stat().st_size)
    sheet = read_sheet(files[key], key, max_bytes=cfg.max_bytes)
    c = check_table(sheet, key, locate_columns(sheet, key, cfg.mapping(key)))
    if key == "regions":
        check_regions(c)
    state.log.checked(c)
    return c.data.loc[~c.bad].reset_index(drop=True)


def _party_keys(path: Path, ctx: Reading) -> Checked:
    """First pass over 党组织: every row checked, its keys kept; then the whole-table checks.

    Returns a checked table of ``id``, ``name``, ``district``, ``parent_id`` and
    ``source_row`` for every data row, with ``bad`` (duplicates included), the corrected
    superiors, and the problems of those checks (duplicates, unknown superiors).
    """
    parts, raws, rows, bad, sheets = [], [], [], [], []
    src = None
    for src, chunk in table_chunks(path, "party_orgs", ctx):
        c = check_table(chunk, "party_orgs", src.chunk_located)
        parts.append(c.data[["id", "name", "district", "parent_id", "source_row"]])
        raws.append(raw_columns(src.located, c.raw, ("id", "parent_id")))
        rows.append(c.rows)
        bad.append(c.bad)
        sheets.append(c.sheets)
    located = src.located if src else Located(0, {}, {}, (), "party_orgs")
    ref = reference_table("party_orgs", path.name, located, parts, raws, rows, bad, sheets)
    if src is not None:
        check_unique(ref, ref.data)
        check_party_refs(ref)
    ref.raw = pd.DataFrame()
    return ref


def _party_rows(path: Path, ctx: Reading, ref: Checked, state: _State) -> None:
    problems = problems_by_row(ref.problems)
    state.good_ids = set(ref.data.loc[~ref.bad, "id"].dropna().tolist())
    pos = 0
    for src, chunk in table_chunks(path, "party_orgs", ctx):
        c = check_table(chunk, "party_orgs", src.chunk_located)
        n = len(c.rows)
        if not np.array_equal(c.rows, ref.rows[pos:pos + n]):
            raise LedgerError(f"{path.name} 在导出过程中被修改 (the file changed during export)")
        c.data["parent_id"] = ref.data["parent_id"].iloc[pos:pos + n].to_numpy()
        take_over(c, ref.bad[pos:pos + n], problems)
        pos += n
        state.log.checked(c)
        orgs = c.data.loc[~c.bad].reset_index(drop=True)
        orgs["region"] = region_keys(orgs)
        state.nodes("PartyOrg", orgs)
        _collect_places(orgs, state)
        has = orgs[["id", "system", "district", "kind"]]
        state.systems.append(has[(has["system"].notna() & has["district"].notna())
                                 .to_numpy(dtype=bool)])
        sub = orgs[(orgs["parent_id"].notna() & (orgs["parent_id"] != orgs["id"]))
                   .to_numpy(dtype=bool)]
        state.links(pd.concat([
            link_frame("PartyOrg", sub["id"], "PartyOrg", sub["parent_id"], "subordinate_to"),
            located_links(orgs, "PartyOrg", "id")], ignore_index=True))
    for rest in problems.values():  # problems of rows that were not data rows (none expected)
        state.log.problems(rest)


def _organization_rows(path: Path, ctx: Reading, dup: Checked, orgs: Checked,
                       state: _State) -> None:
    problems = problems_by_row(dup.problems)
    pos = 0
    for src, chunk in table_chunks(path, "organizations", ctx):
        c = check_table(chunk, "organizations", src.chunk_located)
        n = len(c.rows)
        take_over(c, dup.bad[pos:pos + n] if len(dup.bad) else np.zeros(n, dtype=bool),
                   problems)
        pos += n
        check_coverage(c, narrowed(orgs, id_=c.data["covering_org_id"]))
        state.log.checked(c)
        firms = c.data.loc[~c.bad].reset_index(drop=True)
        firms["region"] = region_keys(firms)
        firms["coverage"] = filled_coverage(firms)
        state.nodes("Organization", firms)
        _collect_places(firms, state)
        state.links(pd.concat([located_links(firms, "Organization", "uscc"),
                               covers_links(firms, firms["covering_org_id"])], ignore_index=True))


def _relation_rows(path: Path, ctx: Reading, orgs: Checked, state: _State) -> None:
    good_names = set(orgs.data.loc[~orgs.bad, "name"].dropna().tolist())
    for src, chunk in table_chunks(path, "relations", ctx):
        c = check_table(chunk, "relations", src.chunk_located)
        ids = pd.concat([c.data["source_id"], c.data["target_id"]], ignore_index=True)
        names = pd.concat([c.dropped["source_name"], c.dropped["target_name"]],
                          ignore_index=True)
        by_name = names[pd.concat([c.data["source_id"], c.data["target_id"]],
                                  ignore_index=True).isna().to_numpy()].dropna()
        if any(n not in good_names for n in by_name.unique()):
            ref = orgs  # an unknown name: suggestions come from every name
        else:
            ref = narrowed(orgs, id_=ids, name=names)
        resolve_relations(c, ref)
        state.log.checked(c)
        rel = c.data.loc[~c.bad].reset_index(drop=True)
        ends = [v in state.good_ids for v in rel["source_id"].tolist()]
        ends = np.array(ends, dtype=bool) & np.array(
            [v in state.good_ids for v in rel["target_id"].tolist()], dtype=bool)
        state.relations(rel[ends])


def _collect_places(df: pd.DataFrame, state: _State) -> None:
    state.places.append(df[["district", "street", "community"]].drop_duplicates())
    at_site = df[df["site"].notna().to_numpy(dtype=bool)]
    state.used_sites.append(at_site[["site", "district", "street"]].drop_duplicates())
    if len(state.places) > 64:
        state.places = [pd.concat(state.places, ignore_index=True).drop_duplicates()]
        state.used_sites = [pd.concat(state.used_sites, ignore_index=True).drop_duplicates()]


def _places(regions: pd.DataFrame, sites: pd.DataFrame, state: _State) -> None:
    """Sites, regions, and the links that need every place name: as :func:`build` makes them."""
    template = KnowledgeGraph()
    places = pd.concat([*state.places, template.party_orgs[["district", "street", "community"]]],
                       ignore_index=True).drop_duplicates()
    used = pd.concat([*state.used_sites, template.party_orgs[["site", "district", "street"]]],
                     ignore_index=True).drop_duplicates()
    sites = with_named_sites(conform(sites, template.sites), used)
    table_regions = regions_from_table(conform(regions, empty_table("regions")))
    site_regions = site_region_pairs(sites, set(table_regions["key"]) | name_keys(places))
    regions_all = all_regions(table_regions, places, places.iloc[:0], site_regions)
    state.nodes("Site", conform(sites, template.sites))
    state.nodes("Region", conform(regions_all, template.regions))
    systems = pd.concat(state.systems, ignore_index=True) if state.systems else \
        template.party_orgs[["id", "system", "district", "kind"]]
    state.links(pd.concat([site_links(site_regions), guides_links(systems),
                           part_of_links(regions_all)], ignore_index=True))

