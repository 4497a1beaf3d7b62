"""The co-building layer as GEXF (Gephi) or GraphML, with kinds, colours and positions.

Examples
--------
>>> import pandas as pd, tempfile, pathlib, networkx as nx
>>> from gongjian.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph.from_frames(
...     party_orgs=pd.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"],
...                              "kind": ["community", "unit"], "district": ["玄武区"] * 2}),
...     relations=pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "type": ["pairing"]}))
>>> path = export_network(kg, pathlib.Path(tempfile.mkdtemp()) / "g.graphml", "graphml")
>>> g = nx.read_graphml(path)
>>> g.nodes["a"]["kind_label"], g.edges["a", "b"]["types"]
('社区党组织', 'pairing')
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import networkx as nx
import pandas as pd

from gongjian import schema
from gongjian.graph.io import Needs, merge_needs
from gongjian.graph.model import LIST_NODE_TABLES, KnowledgeGraph
from gongjian.queries.layer import LAYER_NEEDS
from gongjian.viz.context import VizError
from gongjian.viz.layout import positions

__all__ = ["EXPORT_NEEDS", "export_network", "network_for_export"]

#: What :func:`export_network` reads from a graph file: the layer, the three lists and
#: their links.
EXPORT_NEEDS: Needs = merge_needs(
    LAYER_NEEDS, dict.fromkeys((*(t for t, _ in LIST_NODE_TABLES.values()), "list_links")))

#: Node columns exported as attributes (personal fields never are).
NODE_FIELDS: tuple[str, ...] = ("name", "kind", "level", "field", "district", "street",
                                "community", "site", "system", "members", "status")


def _rgb(color: str) -> dict[str, int | float]:
    color = color.lstrip("#")
    return {"r": int(color[0:2], 16), "g": int(color[2:4], 16), "b": int(color[4:6], 16),
            "a": 1.0}


def network_for_export(kg: KnowledgeGraph, *, as_of: dt.date | str | None = None,
                       seed: int = 0, viz: bool = False) -> nx.Graph:
    """The layer as a networkx Graph with plain attributes (text and numbers only)."""
    layer = kg.co_building_arrays(as_of)
    orgs = kg.party_orgs.loc[layer.rows]
    xy = positions(layer.n, layer.source, layer.target, seed=seed)
    g = nx.Graph(as_of=layer.as_of.date().isoformat())
    cols = [c for c in NODE_FIELDS if c in orgs.columns]
    for i, row in enumerate(orgs[cols].itertuples(index=False, name=None)):
        attrs = {c: (int(v) if c == "members" else str(v))
                 for c, v in zip(cols, row, strict=True) if not pd.isna(v)}
        kind = attrs.get("kind", "")
        term = schema.PARTY_KINDS.get(kind)
        color = term.color if term else schema.PALETTE.inactive
        attrs |= {"label": attrs.get("name", ""), "kind_label": schema.label(schema.PARTY_KINDS,
                                                                             kind),
                  "color": color, "x": float(xy[i, 0]), "y": float(xy[i, 1])}
        if viz:
            attrs["viz"] = {"color": _rgb(color),
                            "position": {"x": float(xy[i, 0]), "y": float(-xy[i, 1]), "z": 0.0}}
        g.add_node(str(layer.ids[i]), **attrs)
    ids = layer.ids
    edges = zip(layer.source, layer.target, layer.types, layer.count, strict=True)
    for s, t, types, count in edges:
        codes = types.split("|")
        first = schema.RELATION_TYPES.get(codes[0])
        attrs = {"types": types, "type_label": "、".join(schema.label(schema.RELATION_TYPES, c)
                                                       for c in codes),
                 "count": int(count), "weight": float(count)}
        if viz and first is not None:
            attrs["viz"] = {"color": _rgb(first.color)}
        g.add_edge(str(ids[s]), str(ids[t]), **attrs)
    _add_lists(kg, g, viz)
    return g


def _add_lists(kg: KnowledgeGraph, g: nx.Graph, viz: bool) -> None:
    """Needs, resources and projects of the organizations in ``g`` (keys ``Need:N1`` …), each
    placed beside its organization and tied to it by its ``list_links`` type; nothing when
    the ledger has no lists."""
    links = kg.list_links
    if links.empty:
        return
    names = {label: dict(zip(getattr(kg, table)[key].astype(str),
                             getattr(kg, table)["description" if label != "Project" else "name"]
                             .astype(str), strict=True))
             for label, (table, key) in LIST_NODE_TABLES.items()}
    rows = links[["source_label", "source", "target_label", "target", "type"]]
    for sl, s, tl, t, ty in rows.itertuples(index=False, name=None):
        target = t if tl == "PartyOrg" else f"{tl}:{t}"
        if target not in g:
            continue
        node = f"{sl}:{s}"
        if node not in g:
            term = schema.LIST_NODE_LABELS[sl]
            x, y = g.nodes[target].get("x", 0.0), g.nodes[target].get("y", 0.0)
            x, y = x + 0.01 * (1 + len(g.adj[target]) % 7), y + 0.01
            attrs = {"label": names[sl].get(s, s), "kind": sl.lower(), "kind_label": term.zh,
                     "color": term.color, "x": x, "y": y}
            if viz:
                attrs["viz"] = {"color": _rgb(term.color),
                                "position": {"x": x, "y": -y, "z": 0.0}}
            g.add_node(node, **attrs)
        link = schema.LIST_LINK_TYPES[ty]
        attrs = {"types": ty, "type_label": link.zh, "count": 1, "weight": 1.0}
        if viz:
            attrs["viz"] = {"color": _rgb(link.color)}
        g.add_edge(node, target, **attrs)


def export_network(kg: KnowledgeGraph, path: Path | str, fmt: Literal["gexf", "graphml"], *,
                   as_of: dt.date | str | None = None) -> Path:
    """Write the co-building layer of ``as_of`` to ``path`` as GEXF or GraphML.

    Nodes carry ``label``, ``kind``, ``kind_label``, ``district``, ``color``, ``x``, ``y``
    (and ``viz:color``/``viz:position`` in GEXF); edges ``types``, ``type_label``,
    ``count``. Personal fields are not exported. When the ledger has the three lists, their
    needs, resources and projects are nodes too (``Need:N1`` …, tied to their organizations
    by ``raised_by``, ``offered_by``, ``led_by``, ``joined_by``, and projects to needs and
    resources by ``answers`` and ``uses``).
    """
    if fmt not in ("gexf", "graphml"):
        raise VizError(f"不支持的格式 unsupported format {fmt!r}: gexf, graphml")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    g = network_for_export(kg, as_of=as_of, viz=fmt == "gexf")
    tmp = path.with_name(path.name + ".part")
    if fmt == "gexf":
        nx.write_gexf(g, tmp, encoding="utf-8", version="1.2draft")
    else:
        nx.write_graphml(g, tmp, encoding="utf-8")
    tmp.replace(path)
    return path
