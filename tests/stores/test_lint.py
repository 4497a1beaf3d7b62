"""Every .cypher file passes Neo4j's own parser (tools/cypher-lint), and the lint can fail."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gongjian import schema
from gongjian.stores.reports import library_folder

ROOT = Path(__file__).resolve().parents[2]
LINT = ROOT / "tools" / "cypher-lint"
FILES = sorted(library_folder().glob("*.cypher"))


def lint(*paths: Path) -> tuple[int, dict]:
    if not (LINT / "node_modules").is_dir():
        if shutil.which("npm") is None:
            pytest.fail("npm is needed for the Cypher lint (tools/cypher-lint)")
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund"], cwd=LINT,
                       check=True, timeout=300)
    proc = subprocess.run(["node", str(LINT / "lint.mjs"), *map(str, paths)],
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, json.loads(proc.stdout)


def test_every_report_file_passes_neo4j_parser():
    assert len(FILES) >= 11
    code, result = lint(*FILES)
    failing = {f["file"]: f["errors"] for f in result["files"] if f["errors"]}
    assert code == 0 and not failing, failing


def test_lint_fails_on_broken_and_undeclared(tmp_path):
    bad = tmp_path / "bad.cypher"
    bad.write_text("// @param as_of date today\nMATCH (n:PartyOrg WHERE n.x = $y RETURN n\n",
                   encoding="utf-8")
    code, result = lint(bad)
    messages = " ".join(e["message"] for e in result["files"][0]["errors"])
    assert code == 1 and "$y is not defined" in messages and "Invalid input" in messages


def test_labels_and_types_come_from_schema():
    labels = {t.cypher for t in schema.NODE_LABELS.values()}
    types = {t.cypher for t in (*schema.RELATION_TYPES.values(), *schema.LINK_TYPES.values())}
    co_building = {t.cypher for t in schema.RELATION_TYPES.values()}
    for path in FILES:
        text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith("//"))
        for found in re.findall(r"\[\w*:([A-Z_|]+)", text):
            named = set(found.split("|"))
            assert named <= types | {"GONGJIAN_ACTIVE_TIE"}, (path.name, named)
            if len(named) > 1:
                assert named == co_building, path.name  # a union is the whole co-building set
        for found in re.findall(r"\(\w*:([A-Za-z]+)", text):
            assert found in labels, (path.name, found)
