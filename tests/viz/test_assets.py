"""vis-network comes from the installed pyvis through a checked path: found today, a clear
error (naming the pyvis release) the day a release moves it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pyvis

from gongjian.viz import render
from gongjian.viz.assets import VIS_NETWORK_VERSION, vis_network_js, vis_network_path
from tests.viz.conftest import AS_OF, city

REPO = Path(__file__).resolve().parents[2]


def test_the_installed_pyvis_keeps_vis_network_where_expected():
    path = vis_network_path()
    assert path.is_file() and path.is_relative_to(Path(pyvis.__file__).parent)
    head = path.read_text(encoding="utf-8")[:1000]
    assert "vis-network" in head and f"@version {VIS_NETWORK_VERSION}" in head


def test_a_page_inlines_the_file(tmp_path):
    text = vis_network_path().read_text(encoding="utf-8").replace("://", ":\\/\\/")
    assert vis_network_js() == text
    html = render(city(1, 3), tmp_path / "p.html", as_of=AS_OF, highlight=()).read_text(
        encoding="utf-8")
    middle = len(text) // 2
    for start in (0, middle, len(text) - 500):  # beginning, middle and end, all inlined
        assert text[start:start + 500] in html


def _run_with_pyvis_copy(tmp_path: Path, version: str, move: dict[str, str]) -> str:
    """Render a page in a child process that sees a copy of the installed pyvis, labelled
    ``version``, with the files of ``move`` (old → new, relative to the package) moved."""
    site = tmp_path / "site"
    shutil.copytree(Path(pyvis.__file__).parent, site / "pyvis",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for old, new in move.items():
        (site / "pyvis" / new).parent.mkdir(parents=True, exist_ok=True)
        (site / "pyvis" / old).rename(site / "pyvis" / new)
    info = site / f"pyvis-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: pyvis\nVersion: {version}\n",
                                   encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(site)!r}); sys.path.insert(1, {str(REPO)!r})
        import pyvis
        assert pyvis.__file__.startswith({str(site)!r}), pyvis.__file__
        from gongjian.errors import GongjianError
        from gongjian.viz import render
        from tests.viz.conftest import city
        try:
            render(city(1, 2), {str(tmp_path / "p.html")!r}, highlight=())
        except GongjianError as err:
            print(type(err).__name__, err)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert metadata.version("pyvis") != version  # the child saw another pyvis than ours
    return done.stdout


def test_a_pyvis_release_that_moved_the_file_gives_a_clear_error(tmp_path):
    out = _run_with_pyvis_copy(tmp_path, "9.9.9", {"lib/vis-9.1.2": "lib/vis-10.0.0"})
    assert out.startswith("PageAssetError 已安装的 pyvis 9.9.9 中找不到 vis-network 9.1.2")
    assert "pyvis 9.9.9 does not keep vis-network 9.1.2" in out
    assert not (tmp_path / "p.html").exists()


def test_another_build_at_the_same_place_is_refused(tmp_path):
    out = _run_with_pyvis_copy(tmp_path, "9.9.8", {
        "lib/vis-9.0.4/vis-network.min.js": "lib/vis-9.1.2/vis-network.min.js"})
    assert out.startswith("PageAssetError 已安装的 pyvis 9.9.8 中的") and "不是 vis-network" in out
