"""What every page embeds: vis-network from pyvis's own copy, the CSP, safe JSON for <script>.

Pages load nothing from anywhere: vis-network is inlined from the copy pyvis ships, with
every ``://`` in it written ``:\\/\\/`` (the same string for JavaScript, but no URL in the
file), and the data travels in a ``<script type="application/json">`` block whose ``<``,
``>``, ``&``, U+2028 and U+2029 are escaped, so no ledger value can close the block.

Examples
--------
>>> print(script_json({"name": "</script><b>"}))
{"name":"\\u003c/script\\u003e\\u003cb\\u003e"}
>>> "://" in vis_network_js()
False
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup

__all__ = ["CSP", "VIS_TOOLTIP_CSS", "script_json", "template_text", "vis_network_js"]

#: Content-Security-Policy of every page: inline script and style only, images from data:.
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "img-src data:; connect-src 'none'; frame-src 'none'; form-action 'none'; "
       "base-uri 'none'")

#: The one rule of vis-network's stylesheet a page needs (the tooltip box).
VIS_TOOLTIP_CSS = (
    "div.vis-tooltip{background-color:#f5f4ed;border:1px solid #808074;border-radius:3px;"
    "box-shadow:3px 3px 10px rgba(0,0,0,.2);color:#000;font-size:13px;padding:5px;"
    "pointer-events:none;position:absolute;visibility:hidden;white-space:pre-line;z-index:5}"
)

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
            "\u2029": "\\u2029"}


def script_json(data: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block that nothing can break out of.

    Examples
    --------
    >>> print(script_json(["a&b", "\\u2028"]))
    ["a\\u0026b","\\u2028"]
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _ESCAPES.items():
        text = text.replace(raw, escaped)
    return Markup(text)


@cache
def vis_network_js() -> Markup:
    """vis-network 9.1.2 from pyvis's package, made URL-free and safe to inline."""
    import pyvis

    path = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
    text = path.read_text(encoding="utf-8").replace("://", ":\\/\\/")
    if "</script" in text.lower() or "<!--" in text:
        raise RuntimeError(f"{path} cannot be inlined: it contains </script or <!--")
    return Markup(text)


@cache
def template_text(name: str) -> Markup:
    """A static file of ``templates/`` (our own JS and CSS), inlined as is."""
    return Markup(resources.files("gongjian.viz").joinpath("templates", name)
                  .read_text(encoding="utf-8"))
