"""What a knowledge graph holds: counts by table, Party kind, relation type, link type, district.

Examples
--------
>>> import pandas as pd
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"],
...                              "kind": ["community", "unit"], "district": ["玄武区", "秦淮区"]}),
...     relations=pd.DataFrame({"source_id": ["b"], "target_id": ["a"], "type": ["pairing"]}))
>>> parts = summarize(kg)
>>> parts["party_kinds"][["key", "label", "count"]].values.tolist()
[['community', '社区党组织', 1], ['unit', '单位党组织', 1]]
>>> parts["districts"][["key", "party_orgs", "relations", "cross_district"]].values.tolist()
[['玄武区', 1, 1, 1], ['秦淮区', 1, 1, 1]]
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from gongjian import schema
from gongjian.graph.model import LIST_NODE_TABLES, LIST_TABLES, NODE_TABLES, KnowledgeGraph
from gongjian.i18n import pick
from gongjian.loaders.tables import TABLES

__all__ = ["INFO_LABELS", "INFO_NEEDS", "INFO_SECTIONS", "OPTIONAL_SECTIONS", "TITLE", "flatten",
           "summarize", "table_rows"]

#: What :func:`summarize` reads from a graph file. Every table is counted; of a table only
#: counted, one column is decoded.
INFO_NEEDS: dict[str, tuple[str, ...] | None] = {
    "party_orgs": ("id", "kind", "district", "status"),
    "organizations": ("district",),
    "sites": ("name",),
    "regions": ("key", "code", "level"),
    "relations": ("source_id", "target_id", "type", "end"),
    "links": ("type",),
    "needs": ("id",),
    "resources": ("id",),
    "projects": ("id",),
    "activities": ("date",),
    "list_links": ("type",),
}

#: (Chinese, English) name of the whole overview: the sheet of ``gongjian info -f xlsx``.
TITLE: tuple[str, str] = ("图谱概况", "graph overview")

#: Section → (Chinese title, English title), in the order they are shown.
INFO_SECTIONS: dict[str, tuple[str, str]] = {
    "tables": ("图谱各表", "tables"),
    "party_kinds": ("党组织按类别", "Party organizations by kind"),
    "relation_types": ("共建关系按类型", "co-building ties by type"),
    "link_types": ("纵向关系按类型", "vertical links by type"),
    "districts": ("按区", "by district"),
    "list_link_types": ("三张清单关系按类型", "ties of the three lists by type"),
}

#: Sections shown only when they have rows (the ledger's three lists are optional).
OPTIONAL_SECTIONS: tuple[str, ...] = ("list_link_types",)

#: Column (and edge table) → (Chinese header, English header) for output.
INFO_LABELS: dict[str, tuple[str, str]] = {
    "section": ("部分", "section"),
    "key": ("代码", "code"),
    "label": ("名称", "name"),
    "count": ("数量", "count"),
    "dissolved": ("已撤销", "dissolved"),
    "ended": ("已到期", "ended"),
    "party_orgs": ("党组织", "Party organizations"),
    "organizations": ("两新组织", "new-economy organizations"),
    "relations": (TABLES["relations"].zh, "co-building ties"),
    "links": ("纵向关系", "vertical links"),
    "activities": (TABLES["activities"].zh, "activity record"),
    "list_links": ("三张清单关系", "ties of the three lists"),
    "cross_district": ("跨区共建关系", "cross-district ties"),
}


def summarize(kg: KnowledgeGraph, *, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """Counts for ``gongjian info``: one frame per section of :data:`INFO_SECTIONS`.

    Every frame has ``key`` (table name, kind code or district) and ``label`` (what people
    read, in ``lang``). ``tables``, ``party_kinds``, ``relation_types`` and ``link_types``
    have ``count`` (kinds and types also ``dissolved`` / ``ended`` where they apply: dissolved
    organizations, ties whose end date has passed today). ``districts`` counts
    ``party_orgs``, ``organizations``, ``relations`` (ties with an end in the district) and
    ``cross_district`` (those whose other end lies in another district).

    Examples
    --------
    >>> summarize(KnowledgeGraph())["tables"]["count"].tolist()
    [0, 0, 0, 0, 0, 0]
    """
    return {
        "tables": _tables(kg, lang),
        "party_kinds": _party_kinds(kg, lang),
        "relation_types": _relation_types(kg, lang),
        "link_types": _by_code(kg.links["type"], schema.LINK_TYPES, lang),
        "districts": _districts(kg),
        "list_link_types": _by_code(kg.list_links["type"], schema.LIST_LINK_TYPES, lang),
    }


def flatten(parts: dict[str, pd.DataFrame], *, lang: str = "zh") -> pd.DataFrame:
    """All sections in one frame (first column ``section``), for CSV, JSON and XLSX.

    Examples
    --------
    >>> flatten(summarize(KnowledgeGraph()))["section"].iloc[0]
    '图谱各表'
    """
    frames = [df.assign(section=pick(lang, *INFO_SECTIONS[name]))
              for name, df in parts.items() if len(df)]
    if not frames:
        return pd.DataFrame({c: [] for c in ("section", "key", "label", "count")})
    out = pd.concat(frames, ignore_index=True)
    counts = [c for c in out.columns if c not in ("section", "key", "label")]
    out[counts] = out[counts].astype("Int64")
    return out[["section", "key", "label", *counts]]


def _tables(kg: KnowledgeGraph, lang: str) -> pd.DataFrame:
    return table_rows({name: len(df) for name, df in kg.tables()}, lang=lang)


def table_rows(counts: Mapping[str, int], *, lang: str = "zh") -> pd.DataFrame:
    """The ``tables`` section of :func:`summarize` from the rows of each table (in the
    order of ``kg.tables()``), for a graph file written without holding the graph.

    Examples
    --------
    >>> table_rows({"party_orgs": 2, "needs": 0}, lang="en").values.tolist()
    [['party_orgs', 'Party organization', 2]]
    """
    node_label = {table: schema.label(schema.NODE_LABELS, label, lang)
                  for label, (table, _) in NODE_TABLES.items()}
    node_label.update({table: pick(lang, TABLES[table].zh, TABLES[table].en)
                       for _, (table, _) in LIST_NODE_TABLES.items()})
    # the tables of the three lists are shown only when the ledger has them
    rows = [(name, node_label.get(name) or pick(lang, *INFO_LABELS[name]), n)
            for name, n in counts.items() if n or name not in LIST_TABLES]
    return pd.DataFrame(rows, columns=["key", "label", "count"])


def _by_code(codes: pd.Series, table: dict[str, schema.Term], lang: str) -> pd.DataFrame:
    counts = codes.value_counts()
    keys = [c for c in table if c in counts.index]
    keys += sorted(str(c) for c in counts.index if c not in table)
    return pd.DataFrame({
        "key": keys,
        "label": [schema.label(table, k, lang) for k in keys],
        "count": [int(counts[k]) for k in keys],
    })


def _party_kinds(kg: KnowledgeGraph, lang: str) -> pd.DataFrame:
    orgs = kg.party_orgs
    out = _by_code(orgs["kind"], schema.PARTY_KINDS, lang)
    dissolved = orgs.loc[(orgs["status"] == "dissolved").to_numpy(dtype=bool), "kind"]
    out["dissolved"] = out["key"].map(dissolved.value_counts()).fillna(0).astype(int)
    return out


def _relation_types(kg: KnowledgeGraph, lang: str) -> pd.DataFrame:
    rel = kg.relations
    out = _by_code(rel["type"], schema.RELATION_TYPES, lang)
    ended = rel.loc[(pd.to_datetime(rel["end"]) < pd.Timestamp.today().normalize())
                    .to_numpy(dtype=bool), "type"]
    out["ended"] = out["key"].map(ended.value_counts()).fillna(0).astype(int)
    return out


def _districts(kg: KnowledgeGraph) -> pd.DataFrame:
    orgs, rel = kg.party_orgs, kg.relations
    district_of = pd.Series(orgs["district"].to_numpy(), index=orgs["id"].to_numpy())
    district_of = district_of[~district_of.index.duplicated()]
    ends = pd.DataFrame({"a": rel["source_id"].map(district_of),
                         "b": rel["target_id"].map(district_of)}).astype("str")
    cross = ends["a"].notna() & ends["b"].notna() & (ends["a"] != ends["b"])
    touching = pd.concat([ends["a"], ends["b"][(ends["a"] != ends["b"]).to_numpy(dtype=bool)]])
    crossing = pd.concat([ends["a"][cross], ends["b"][cross]])
    out = pd.DataFrame({
        "party_orgs": orgs["district"].value_counts(),
        "organizations": kg.organizations["district"].value_counts(),
        "relations": touching.value_counts(),
        "cross_district": crossing.value_counts(),
    }).fillna(0).astype(int)
    out = out.sort_index()
    out.index = out.index.astype("str")
    out = out.rename_axis("label").reset_index()
    regions = kg.regions[kg.regions["level"] == "district"]
    code = pd.Series(regions["code"].astype("str").to_numpy(), index=regions["key"].to_numpy(),
                     dtype="str")
    code = code[~code.index.duplicated()]
    codes = code.to_dict()  # a few districts: plain Python keeps the types simple
    out["key"] = pd.Series([codes.get(label) if pd.notna(codes.get(label)) else label
                            for label in out["label"]], index=out.index, dtype="str")
    return out[["key", "label", "party_orgs", "organizations", "relations", "cross_district"]]
