"""Baseline: a network page the obvious way — pyvis with its defaults.

``Network()``, one ``add_node`` per organization (label = name, tooltip = kind) and one
``add_edge`` per tie, then ``write_html``. The one change from the defaults is
``cdn_resources="in_line"``: pyvis's default (``"local"``) still loads vis-network from a
CDN, and a page that cannot draw without the internet cannot be timed here (nor shown in
an office without it). Physics and its stabilization stay pyvis's defaults.
"""

from __future__ import annotations

from pathlib import Path

from pyvis.network import Network

__all__ = ["write_page"]


def write_page(nodes: list[tuple[str, str, str]], edges: list[tuple[str, str]],
               path: Path) -> Path:
    """Write ``nodes`` (id, name, kind) and ``edges`` (id, id) as a pyvis page."""
    net = Network(cdn_resources="in_line")
    for node_id, name, kind in nodes:
        net.add_node(node_id, label=name, title=kind)
    for a, b in edges:
        net.add_edge(a, b)
    net.write_html(str(path))
    return path
