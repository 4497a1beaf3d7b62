"""What every page embeds: vis-network from pyvis's own copy, the CSP, safe JSON for <script>.

Pages load nothing from anywhere: vis-network is inlined from the copy pyvis ships (found
through :func:`vis_network_path`, which checks the file and names the pyvis release when
it is not where expected), with
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
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from markupsafe import Markup

from gongjian.errors import GongjianError

__all__ = ["CSP", "VIS_NETWORK_FILE", "VIS_NETWORK_VERSION", "VIS_TOOLTIP_CSS",
           "PageAssetError", "script_json", "template_text", "vis_network_js",
           "vis_network_path"]

#: The vis-network build pages inline, and where pyvis (0.3.2) keeps it inside its package.
VIS_NETWORK_VERSION = "9.1.2"
VIS_NETWORK_FILE: tuple[str, ...] = ("lib", f"vis-{VIS_NETWORK_VERSION}", "vis-network.min.js")

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


class PageAssetError(GongjianError):
    """A file every page embeds is not where the installed dependency keeps it."""


def _pyvis_version() -> str:
    try:
        return metadata.version("pyvis")
    except metadata.PackageNotFoundError:
        return "?"


def vis_network_path() -> Path:
    """Where the installed pyvis keeps vis-network :data:`VIS_NETWORK_VERSION`, checked.

    pyvis does not promise this file (it is part of its install layout, not of its API), so
    the path is checked: the file must exist and say it is vis-network of that version.

    Raises
    ------
    PageAssetError
        pyvis is missing, or its release keeps vis-network elsewhere (or another version
        of it); the message names the installed pyvis version and the path looked at.

    Examples
    --------
    >>> vis_network_path().name
    'vis-network.min.js'
    """
    try:
        import pyvis
    except ImportError as err:
        raise PageAssetError(
            "没有安装 pyvis，网页无法嵌入 vis-network：请执行 pip install 'pyvis>=0.3.2' "
            "(pyvis is not installed; pages need its copy of vis-network)") from err
    path = Path(pyvis.__file__).parent.joinpath(*VIS_NETWORK_FILE)
    version = _pyvis_version()
    if not path.is_file():
        raise PageAssetError(
            f"已安装的 pyvis {version} 中找不到 vis-network {VIS_NETWORK_VERSION}（应在 "
            f"{path}）：网页无法生成。请安装 gongjian 支持的 pyvis 版本（0.3.2）"
            f"(pyvis {version} does not keep vis-network {VIS_NETWORK_VERSION} at {path}; "
            f"install pyvis 0.3.2)")
    with path.open(encoding="utf-8", errors="replace") as f:
        head = f.read(1000)
    if "vis-network" not in head or f"@version {VIS_NETWORK_VERSION}" not in head:
        raise PageAssetError(
            f"已安装的 pyvis {version} 中的 {path} 不是 vis-network {VIS_NETWORK_VERSION}："
            f"网页无法生成。请安装 pyvis 0.3.2 (the file at {path} in pyvis {version} is "
            f"not vis-network {VIS_NETWORK_VERSION})")
    return path


@cache
def vis_network_js() -> Markup:
    """vis-network from pyvis's package (:func:`vis_network_path`), URL-free, safe to inline.

    Raises
    ------
    PageAssetError
        The file is not where this pyvis release was expected to keep it, or it holds
        ``</script`` or ``<!--`` and so cannot be inlined.
    """
    path = vis_network_path()
    text = path.read_text(encoding="utf-8").replace("://", ":\\/\\/")
    if "</script" in text.lower() or "<!--" in text:
        raise PageAssetError(
            f"{path}（pyvis {_pyvis_version()}）含有 </script 或 <!--，无法嵌入网页 "
            f"(cannot be inlined: it contains </script or <!--)")
    return Markup(text)


@cache
def template_text(name: str) -> Markup:
    """A static file of ``templates/`` (our own JS and CSS), inlined as is."""
    return Markup(resources.files("gongjian.viz").joinpath("templates", name)
                  .read_text(encoding="utf-8"))
