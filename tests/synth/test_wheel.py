"""The package stands alone: a wheel built from the sources alone, installed in a fresh
virtual environment and run from an empty folder, synthesizes on the real divisions.

The wheel is built by ``pip wheel`` from a copy of the package's own files (no repository,
no ``../shared`` beside it). The fresh environment gets the wheel and nothing else of
gongjian; its dependencies (pandas, typer …) are the ones of the running interpreter, named
in a ``.pth`` file, so that no network is needed. Nothing of the source tree is on its path.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(args: list, cwd: Path, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict]:
    """(the ``gongjian`` command of a fresh venv holding only the wheel, its environment)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "gongjian", source / "gongjian",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    env = {k: v for k, v in os.environ.items()
           if k not in ("GONGJIAN_DIVISIONS", "PYTHONPATH", "VIRTUAL_ENV")}
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(source),
                  "-w", base / "dist"], base, env)
    assert built.returncode == 0, built.stderr
    wheels = list((base / "dist").glob("gongjian-*.whl"))
    assert len(wheels) == 1
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", venv], base, env)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                   base, env).stdout.strip()
    # plain path lines: the dependencies' folders, without running their .pth files (so the
    # editable install of the source tree stays out)
    (Path(purelib) / "_dependencies.pth").write_text("\n".join(deps) + "\n")
    put = _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheels[0]],
               base, env)
    assert put.returncode == 0, put.stderr
    return venv / "bin" / "gongjian", env


def test_installed_wheel_carries_the_divisions(installed, tmp_path):
    command, env = installed
    empty = tmp_path / "empty"
    empty.mkdir()
    where = _run([command.parent / "python", "-c",
                  "import gongjian.synth.divisions as d; print(d.__file__); "
                  "print(d.find_divisions())"], empty, env)
    assert where.returncode == 0, where.stderr
    module, folder = where.stdout.split()
    venv = command.parents[1]
    assert Path(module).is_relative_to(venv) and Path(folder).is_relative_to(venv)
    assert not Path(module).is_relative_to(ROOT)

    run = _run([command, "synth", "--scale", "district", "--region", "玄武区", "-o", "X"],
               empty, env)
    assert run.returncode == 0, run.stderr
    assert "玄武区" in run.stdout
    regions = pd.read_csv(empty / "X" / "区域.csv", dtype=str, encoding="utf-8-sig")
    streets = set(regions["名称"][regions["层级"] == "街道"])
    assert {"新街口街道", "梅园新村街道", "玄武门街道"} <= streets
    assert "320102003" in set(regions["区划代码"])
    orgs = pd.read_csv(empty / "X" / "党组织.csv", dtype=str, encoding="utf-8-sig")
    assert set(orgs["所属区"]) == {"玄武区"}
    assert orgs["所属街道"].isin(streets).all()
    assert not orgs["所属区"].str.contains("示例").any()

    bad = _run([command, "synth", "--scale", "district", "--region", "不存在市", "-o", "Y"],
               empty, env)
    assert bad.returncode == 1
    assert "找不到区划「不存在市」" in bad.stdout + bad.stderr
    assert "Traceback" not in bad.stdout + bad.stderr
    assert not (empty / "Y").exists()
