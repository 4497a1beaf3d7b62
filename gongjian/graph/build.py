"""Build the knowledge graph from a ledger: node tables, region paths, vertical links.

The ledger's tables become the node and edge tables of
:class:`~gongjian.graph.model.KnowledgeGraph` (see ``docs/internals.md``). Everything is
done with whole-column pandas operations, so a city-sized ledger builds in seconds.

Examples
--------
>>> import pandas as pd
>>> from gongjian.loaders.ledger import Ledger
>>> ledger = Ledger(root=".", party_orgs=pd.DataFrame({
...     "id": ["S1", "C1"], "name": ["新街口街道党工委", "丹凤街社区党委"],
...     "kind": ["street", "community"], "district": ["玄武区", "玄武区"],
...     "street": ["新街口街道", "新街口街道"], "community": [None, "丹凤街社区"],
...     "parent_id": [None, "S1"]}))
>>> kg = build(ledger)
>>> kg.party_orgs["region"].tolist()
['玄武区/新街口街道', '玄武区/新街口街道/丹凤街社区']
>>> sorted(kg.links["type"].value_counts().items())
[('located_in', 2), ('part_of', 2), ('subordinate_to', 1)]
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from gongjian import schema
from gongjian.errors import LedgerError
from gongjian.graph.model import KnowledgeGraph, conform
from gongjian.loaders.ledger import Ledger, empty_table
from gongjian.loaders.references import filled_coverage, isin

__all__ = [
    "all_regions",
    "build",
    "build_meta",
    "covers_links",
    "guides_links",
    "link_frame",
    "list_tables",
    "located_links",
    "name_keys",
    "part_of_links",
    "region_keys",
    "regions_from_table",
    "site_links",
    "site_region_pairs",
    "subordinate_links",
    "with_named_sites",
]

_SEP = "/"
#: Levels followed up the 区域 table's parent codes (province → … → grid is well under this).
_MAX_DEPTH = 10


def build(ledger: Ledger, *, strict: bool = False) -> KnowledgeGraph:
    """Build the knowledge graph from a read ledger (its good rows).

    Parameters
    ----------
    ledger
        What :func:`gongjian.read_ledger` returns (or a hand-made :class:`Ledger`).
    strict
        Refuse to build when the ledger has any error (:class:`~gongjian.LedgerError`).

    Returns
    -------
    KnowledgeGraph
        Node tables (with ``region`` keys and filled ``coverage``), the regions derived from
        the 区域 table and from every name used, the co-building ties, and the vertical
        ``links``. ``kg.meta`` records the source folder, build time, problem counts and
        what had to be left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from gongjian.loaders.ledger import Ledger
    >>> kg = build(Ledger(root=".", party_orgs=pd.DataFrame(
    ...     {"id": ["a"], "name": ["甲"], "kind": ["unit"], "district": ["玄武区"]})))
    >>> kg.regions["key"].tolist(), kg.meta["problems"]
    (['玄武区'], {'errors': 0, 'warnings': 0})
    """
    errors = ledger.errors
    if strict and errors:
        raise LedgerError(
            f"台账有 {len(errors)} 个错误，严格模式下不生成图谱；请先运行 "
            f"`gongjian check {ledger.root}` 查看并改正 "
            f"(the ledger has {len(errors)} errors; run `gongjian check` first)")
    base = KnowledgeGraph.from_frames(
        party_orgs=ledger.party_orgs, organizations=ledger.organizations,
        sites=ledger.sites, relations=ledger.relations, **_list_frames(ledger))
    orgs = base.party_orgs.copy()
    firms = base.organizations.copy()
    ids = orgs["id"]

    rel = base.relations
    dangling = ~(isin(rel["source_id"], ids) & isin(rel["target_id"], ids))
    relations = rel[~dangling].reset_index(drop=True)

    orgs["region"] = region_keys(orgs)
    firms["region"] = region_keys(firms)
    firms["coverage"] = filled_coverage(firms)

    sites = with_named_sites(base.sites, orgs, firms)
    table_regions = regions_from_table(conform(ledger.regions, empty_table("regions")))
    site_regions = site_region_pairs(sites, set(table_regions["key"]) | name_keys(orgs, firms))
    regions = all_regions(table_regions, orgs, firms, site_regions)

    links = pd.concat([
        subordinate_links(orgs),
        located_links(orgs, "PartyOrg", "id"),
        located_links(firms, "Organization", "uscc"),
        site_links(site_regions),
        guides_links(orgs),
        covers_links(firms, ids),
        part_of_links(regions),
    ], ignore_index=True)

    lists = list_tables(base, ids)
    meta = build_meta(ledger.root, errors=len(errors), warnings=len(ledger.warnings),
                      rejected_rows=_rejected_rows(ledger), dropped=int(dangling.sum()))
    return KnowledgeGraph.from_frames(
        party_orgs=orgs, organizations=firms, sites=sites, regions=regions,
        relations=relations, links=links, **lists, meta=meta)


def region_keys(df: pd.DataFrame) -> pd.Series:
    """The key of the most specific region of each row: ``区/街道/社区`` as far as given.

    A community given without a street hangs directly under the district (``区/社区``).

    Examples
    --------
    >>> df = pd.DataFrame({"district": ["玄武区", "玄武区", None],
    ...                    "street": ["新街口街道", None, "x"],
    ...                    "community": [None, "丹凤街社区", None]}, dtype="str")
    >>> region_keys(df).tolist()
    ['玄武区/新街口街道', '玄武区/丹凤街社区', nan]
    """
    district = df["district"].astype("str")
    street, community = df["street"].astype("str"), df["community"].astype("str")
    key = district.where(street.isna(), district + _SEP + street)
    return key.where(community.isna(), key + _SEP + community)


# --- node tables -----------------------------------------------------------------------


def with_named_sites(sites: pd.DataFrame, *users: pd.DataFrame) -> pd.DataFrame:
    """Add a node (kind unknown) for every site named by an organization but not listed.

    Examples
    --------
    >>> from gongjian.graph.model import KnowledgeGraph
    >>> users = pd.DataFrame({"site": ["天正大厦"], "district": ["玄武区"], "street": [None]})
    >>> with_named_sites(KnowledgeGraph().sites, users)["name"].tolist()
    ['天正大厦']
    """
    used = pd.concat([u[["site", "district", "street"]] for u in users], ignore_index=True)
    used = used[~isin(used["site"], sites["name"]) & used["site"].notna().to_numpy()]
    used = used.drop_duplicates()
    if used.empty:
        return sites
    grouped = used.groupby("site", sort=True)
    named = pd.DataFrame({
        "name": grouped.size().index.astype("str"),
        "district": grouped["district"].agg(_sorted_list).to_numpy(),
        "street": grouped["street"].agg(_sorted_list).to_numpy(),
    })
    return pd.concat([sites, conform(named, sites)], ignore_index=True)


def _sorted_list(values: pd.Series) -> list[str]:
    return sorted({str(v) for v in values.dropna()})


# --- regions ---------------------------------------------------------------------------


def regions_from_table(table: pd.DataFrame) -> pd.DataFrame:
    """Regions of the 区域 table with path keys made by following ``parent_code`` upwards.

    Examples
    --------
    >>> t = pd.DataFrame({"code": ["1", "2"], "name": ["玄武区", "新街口街道"],
    ...                   "level": ["district", "street"], "parent_code": [None, "1"]})
    >>> regions_from_table(t)["key"].tolist()
    ['玄武区', '玄武区/新街口街道']
    """
    table = table[table["code"].notna() & table["name"].notna()]
    table = table.drop_duplicates("code").reset_index(drop=True)
    by_code = table.set_index("code")
    names, parents = by_code["name"].astype("str"), by_code["parent_code"].astype("str")
    key = table["name"].astype("str").copy()
    root = table["code"].astype("str").copy()
    up = table["parent_code"].astype("str").copy()
    for _ in range(_MAX_DEPTH):  # one step per level; a cycle of codes stops here
        climb = up.notna() & up.isin(by_code.index)
        if not climb.any():
            break
        key[climb] = up[climb].map(names) + _SEP + key[climb]
        root[climb] = up[climb]
        up[climb] = up[climb].map(parents)
    key_of = pd.Series(key.to_numpy(), index=table["code"].astype("str").to_numpy())
    root_level = root.map(by_code["level"].astype("str"))
    return pd.DataFrame({
        "key": key,
        "code": table["code"].astype("str"),
        "name": table["name"].astype("str"),
        "level": table["level"].astype("str"),
        "parent": table["parent_code"].astype("str").map(key_of).astype("str"),
        "district": root.map(names).where(root_level == "district").astype("str"),
    })


def _name_parts(*frames: pd.DataFrame) -> pd.DataFrame:
    parts = pd.concat([f[["district", "street", "community"]] for f in frames],
                      ignore_index=True).astype("str")
    return parts[parts["district"].notna()].drop_duplicates()


def name_keys(*frames: pd.DataFrame) -> set[str]:
    """Every region key named by the rows of ``frames`` (district, street, community).

    Examples
    --------
    >>> df = pd.DataFrame({"district": ["玄武区"], "street": ["新街口街道"], "community": [None]})
    >>> sorted(name_keys(df))
    ['玄武区', '玄武区/新街口街道']
    """
    parts = _name_parts(*frames)
    streets = (parts["district"] + _SEP + parts["street"]).dropna()
    return set(parts["district"]) | set(streets) | set(region_keys(parts).dropna())


def site_region_pairs(sites: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """Each site with the region keys it lies in: its districts, then its streets.

    A street is put in the listed district where that street is already known; otherwise in
    the only district, or the district at the same position of the list, or the first one.

    Examples
    --------
    >>> sites = pd.DataFrame({"name": ["天正大厦"], "district": [["玄武区"]],
    ...                       "street": [["新街口街道"]]})
    >>> site_region_pairs(sites, set())[["district", "street", "level"]].fillna("").values.tolist()
    [['玄武区', '', 'district'], ['玄武区', '新街口街道', 'street']]
    """
    rows = []
    for name, districts, streets in zip(sites["name"], sites["district"], sites["street"],
                                        strict=True):
        districts = [d for d in _as_list(districts) if d]
        for d in districts:
            rows.append((name, d, None, "district"))
        streets = _as_list(streets)
        for i, s in enumerate(streets):
            if not districts or not s:
                continue
            found = [d for d in districts if f"{d}{_SEP}{s}" in known]
            if found:
                d = found[0]
            elif len(districts) == len(streets):
                d = districts[i]
            else:
                d = districts[0]
            rows.append((name, d, s, "street"))
    return pd.DataFrame(rows, columns=["site", "district", "street", "level"], dtype="str")


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if value is None or (not hasattr(value, "__len__")):
        return []
    return [str(v) for v in value if isinstance(v, str)]


def all_regions(table: pd.DataFrame, orgs: pd.DataFrame, firms: pd.DataFrame,
                 site_regions: pd.DataFrame) -> pd.DataFrame:
    """Union of the 区域 table's regions and those named in the ledger (keys unique).

    Examples
    --------
    >>> empty = regions_from_table(pd.DataFrame(columns=["code", "name", "level",
    ...                                                  "parent_code"]))
    >>> orgs = pd.DataFrame({"district": ["玄武区"], "street": ["新街口街道"],
    ...                      "community": [None]})
    >>> pairs = pd.DataFrame(columns=["site", "district", "street", "level"])
    >>> all_regions(empty, orgs, orgs.iloc[:0], pairs)["key"].tolist()
    ['玄武区', '玄武区/新街口街道']
    """
    parts = _name_parts(orgs, firms, site_regions.assign(community=pd.NA)
                        [["district", "street", "community"]])
    d, s, c = parts["district"], parts["street"], parts["community"]
    street_key = d + _SEP + s
    named = pd.concat([
        pd.DataFrame({"key": d, "name": d, "level": "district", "parent": pd.NA, "district": d}),
        pd.DataFrame({"key": street_key, "name": s, "level": "street", "parent": d,
                      "district": d})[s.notna()],
        pd.DataFrame({"key": region_keys(parts), "name": c, "level": "community",
                      "parent": street_key.fillna(d), "district": d})[c.notna()],
    ], ignore_index=True).astype("str").drop_duplicates("key")
    named = named[~named["key"].isin(table["key"])]
    regions = pd.concat([table, named.assign(code=pd.NA)[table.columns]], ignore_index=True)
    regions = regions.astype("str").drop_duplicates("key")
    return regions.sort_values("key", kind="stable").reset_index(drop=True)


# --- vertical links --------------------------------------------------------------------


def link_frame(source_label: str, source: pd.Series, target_label: str, target: pd.Series,
           type_: str, mode: pd.Series | None = None) -> pd.DataFrame:
    """Vertical links of one type as rows of ``kg.links`` (``mode`` for coverage).

    Examples
    --------
    >>> link_frame("PartyOrg", pd.Series(["a"]), "Region", pd.Series(["玄武区"]),
    ...            "located_in")[["source", "target", "type"]].values.tolist()
    [['a', '玄武区', 'located_in']]
    """
    index = pd.RangeIndex(len(source))
    return pd.DataFrame({
        "source_label": pd.Series(source_label, index=index, dtype="str"),
        "source": source.astype("str").set_axis(index),
        "target_label": pd.Series(target_label, index=index, dtype="str"),
        "target": target.astype("str").set_axis(index),
        "type": pd.Series(type_, index=index, dtype="str"),
        "mode": (pd.Series(pd.NA, index=index, dtype="str") if mode is None
                 else mode.astype("str").set_axis(index)),
    })


def subordinate_links(orgs: pd.DataFrame) -> pd.DataFrame:
    """``subordinate_to`` links of each Party organization to its superior (one of ``orgs``).

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["a", "b"], "parent_id": ["b", "x"]})
    >>> subordinate_links(orgs)[["source", "target"]].values.tolist()
    [['a', 'b']]
    """
    has = isin(orgs["parent_id"], orgs["id"]) & (orgs["parent_id"] != orgs["id"]).to_numpy()
    sub = orgs[has]
    return link_frame("PartyOrg", sub["id"], "PartyOrg", sub["parent_id"], "subordinate_to")


def located_links(df: pd.DataFrame, label: str, key: str) -> pd.DataFrame:
    """``located_in`` links of the rows of ``df`` to their region and to their site.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["a"], "region": ["玄武区"], "site": ["天正大厦"]})
    >>> located_links(df, "PartyOrg", "id")["target_label"].tolist()
    ['Region', 'Site']
    """
    in_region = df[df["region"].notna().to_numpy(dtype=bool)]
    at_site = df[df["site"].notna().to_numpy(dtype=bool)]
    return pd.concat([
        link_frame(label, in_region[key], "Region", in_region["region"], "located_in"),
        link_frame(label, at_site[key], "Site", at_site["site"], "located_in"),
    ], ignore_index=True)


def site_links(pairs: pd.DataFrame) -> pd.DataFrame:
    """``located_in`` links of sites to regions, from :func:`site_region_pairs`.

    Examples
    --------
    >>> pairs = pd.DataFrame({"site": ["天正大厦"], "district": ["玄武区"],
    ...                       "street": ["新街口街道"]})
    >>> site_links(pairs)["target"].tolist()
    ['玄武区/新街口街道']
    """
    key = pairs["district"].where(pairs["street"].isna(),
                                  pairs["district"] + _SEP + pairs["street"])
    return link_frame("Site", pairs["site"], "Region", key, "located_in")


def guides_links(orgs: pd.DataFrame) -> pd.DataFrame:
    """``guides`` links: an industry Party organization to the others of its system and district.

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["i", "u"], "kind": ["industry", "unit"],
    ...                      "system": ["教育", "教育"], "district": ["玄武区", "玄武区"]})
    >>> guides_links(orgs)[["source", "target"]].values.tolist()
    [['i', 'u']]
    """
    cols = ["id", "system", "district"]
    with_system = orgs[(orgs["system"].notna() & orgs["district"].notna()).to_numpy(dtype=bool)]
    industry = (with_system["kind"] == "industry").to_numpy(dtype=bool)
    pairs = with_system[industry][cols].merge(with_system[~industry][cols],
                                              on=["system", "district"], suffixes=("", "_unit"))
    return link_frame("PartyOrg", pairs["id"], "PartyOrg", pairs["id_unit"], "guides")


def covered_rows(firms: pd.DataFrame, ids: pd.Series) -> np.ndarray:
    """Which 两新组织 one of ``ids`` covers (a ``covers`` link each, in this order).

    Examples
    --------
    >>> firms = pd.DataFrame({"covering_org_id": ["a", "a", "b"],
    ...                       "coverage": ["own", "none", "host"]})
    >>> covered_rows(firms, pd.Series(["a", "b"])).tolist()
    [True, False, True]
    """
    return isin(firms["covering_org_id"], ids) & (firms["coverage"] != "none").to_numpy()


def covers_links(firms: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """``covers`` links from the covering Party organization (one of ``ids``), with ``mode``.

    Examples
    --------
    >>> firms = pd.DataFrame({"uscc": ["X"], "covering_org_id": ["a"], "coverage": ["own"]})
    >>> covers_links(firms, pd.Series(["a"]))[["source", "target", "mode"]].values.tolist()
    [['a', 'X', 'own']]
    """
    covered = firms[covered_rows(firms, ids)]
    return link_frame("PartyOrg", covered["covering_org_id"], "Organization", covered["uscc"],
                  "covers", covered["coverage"])


def part_of_links(regions: pd.DataFrame) -> pd.DataFrame:
    """``part_of`` links of each region to its parent.

    Examples
    --------
    >>> regions = pd.DataFrame({"key": ["玄武区", "玄武区/新街口街道"], "parent": [None, "玄武区"]})
    >>> part_of_links(regions)[["source", "target"]].values.tolist()
    [['玄武区/新街口街道', '玄武区']]
    """
    child = regions[regions["parent"].notna().to_numpy(dtype=bool)]
    return link_frame("Region", child["key"], "Region", child["parent"], "part_of")


# --- the three lists and the activity record -------------------------------------------


def _list_frames(ledger: Ledger) -> dict[str, pd.DataFrame]:
    """The four optional tables of the ledger (a hand-made Ledger may lack them)."""
    return {key: conform(getattr(ledger, key, None), empty_table(key))
            for key in ("needs", "resources", "projects", "activities")}


def list_tables(base: KnowledgeGraph, ids: pd.Series) -> dict[str, pd.DataFrame]:
    """The tables of the three lists with their defaults filled, and their ``list_links``
    (``base`` holds the lists as read; ``ids`` are the loaded Party organizations).

    Rows whose organization is not a loaded Party organization (possible only in a
    hand-made ledger) keep their row but get no link.

    Examples
    --------
    >>> base = KnowledgeGraph.from_frames(needs=pd.DataFrame({"id": ["N1"], "org_id": ["a"]}))
    >>> out = list_tables(base, pd.Series(["a"]))
    >>> out["needs"]["status"].tolist(), out["list_links"]["type"].tolist()
    (['open'], ['raised_by'])
    """
    needs = base.needs.copy()
    needs["status"] = needs["status"].astype("str").fillna("open")
    resources = base.resources.copy()
    resources["scope"] = resources["scope"].astype("str").fillna(schema.DEFAULT_SCOPE)
    projects, activities = base.projects, base.activities
    need_ids, resource_ids = needs["id"], resources["id"]

    def exploded(column: str) -> tuple[pd.Series, pd.Series]:
        lists = projects[column].to_numpy(dtype=object)
        lengths = [len(v) if isinstance(v, list) else 0 for v in lists]
        owner = pd.Series(projects["id"].to_numpy(dtype=object).repeat(lengths), dtype="str")
        values = pd.Series([e for v in lists if isinstance(v, list) for e in v], dtype="str")
        return owner, values

    def links(label: str, source: pd.Series, target_label: str, target: pd.Series,
              known: pd.Series, type_: str) -> pd.DataFrame:
        keep = isin(target, known) & source.notna().to_numpy()
        return link_frame(label, source[keep], target_label, target[keep], type_)

    joined = exploded("participants")
    answers = exploded("need_ids")
    uses = exploded("resource_ids")
    list_links = pd.concat([
        links("Need", needs["id"], "PartyOrg", needs["org_id"], ids, "raised_by"),
        links("Resource", resources["id"], "PartyOrg", resources["org_id"], ids, "offered_by"),
        links("Project", projects["id"], "PartyOrg", projects["lead_id"], ids, "led_by"),
        links("Project", joined[0], "PartyOrg", joined[1], ids, "joined_by"),
        links("Project", answers[0], "Need", answers[1], need_ids, "answers"),
        links("Project", uses[0], "Resource", uses[1], resource_ids, "uses"),
    ], ignore_index=True)
    return {"needs": needs, "resources": resources, "projects": projects,
            "activities": activities, "list_links": list_links}


# --- meta ------------------------------------------------------------------------------


def build_meta(source: str | Path, *, errors: int, warnings: int, rejected_rows: int,
               dropped: int) -> dict:
    """``kg.meta`` of a graph built now from the ledger folder ``source``: problem counts,
    rows rejected, co-building ties dropped for an end that is not loaded.

    Examples
    --------
    >>> meta = build_meta("台账", errors=1, warnings=2, rejected_rows=1, dropped=0)
    >>> meta["source"], meta["problems"], meta["dropped"]
    ('台账', {'errors': 1, 'warnings': 2}, {'relations': 0})
    """
    return {
        "source": str(Path(source)),
        "built": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "gongjian": _version(),
        "problems": {"errors": errors, "warnings": warnings},
        "rejected_rows": rejected_rows,
        "dropped": {"relations": dropped},
    }


def _rejected_rows(ledger: Ledger) -> int:
    if ledger.rejected:
        return int(sum(len(df) for df in ledger.rejected.values()))
    return len({(p.file, p.row) for p in ledger.errors if p.row is not None})


def _version() -> str:
    from gongjian import __version__

    return __version__
