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
from gongjian.stores.rows import STORE_LINK_TYPES, STORE_NODE_LABELS

ROOT = Path(__file__).resolve().parents[2]
LINT = ROOT / "tools" / "cypher-lint"
FILES = sorted(library_folder().glob("*.cypher"))


def lint(*paths: Path, options: tuple[str, ...] = ()) -> tuple[int, dict]:
    if not (LINT / "node_modules").is_dir():
        if shutil.which("npm") is None:
            pytest.fail("npm is needed for the Cypher lint (tools/cypher-lint)")
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund"], cwd=LINT,
                       check=True, timeout=300)
    proc = subprocess.run(["node", str(LINT / "lint.mjs"), *options, *map(str, paths)],
                          capture_output=True, text=True, timeout=900)
    return proc.returncode, json.loads(proc.stdout)


def test_every_report_file_passes_neo4j_parser():
    assert len(FILES) >= 11
    code, result = lint(*FILES)
    assert result["versions"] == ["CYPHER 5", "CYPHER 25"]
    failing = {f["file"]: f["errors"] for f in result["files"] if f["errors"]}
    assert code == 0 and not failing, failing
    # nothing deprecated either (e.g. CALL { WITH n … } instead of CALL (n) { … })
    warned = {f["file"]: f["warnings"] for f in result["files"] if f["warnings"]}
    assert not warned, warned


def test_lint_checks_each_cypher_version(tmp_path):
    only5 = tmp_path / "only5.cypher"  # removed in Cypher 25
    only5.write_text("MATCH (n)-[r:PAIRING]->(m) SET n = r", encoding="utf-8")
    only25 = tmp_path / "only25.cypher"  # Cypher 25 needs no WITH between write and read
    only25.write_text("CREATE (n:PartyOrg) MATCH (m:PartyOrg) RETURN m", encoding="utf-8")
    code, result = lint(only5, only25)
    versions = {Path(f["file"]).name: {e["version"] for e in f["errors"]}
                for f in result["files"]}
    assert code == 1 and versions == {"only5.cypher": {"CYPHER 25"},
                                      "only25.cypher": {"CYPHER 5"}}
    assert lint(only5, options=("--cypher=5",))[0] == 0
    assert lint(only25, options=("--cypher=25",))[0] == 0


def test_lint_fails_on_broken_and_undeclared(tmp_path):
    bad = tmp_path / "bad.cypher"
    bad.write_text("// @param as_of date today\nMATCH (n:PartyOrg WHERE n.x = $y RETURN n\n",
                   encoding="utf-8")
    code, result = lint(bad)
    messages = " ".join(e["message"] for e in result["files"][0]["errors"])
    assert code == 1 and "$y is not defined" in messages and "Invalid input" in messages


def test_labels_and_types_come_from_schema():
    labels = {t.cypher for t in STORE_NODE_LABELS.values()}
    types = {t.cypher for t in (*schema.RELATION_TYPES.values(), *STORE_LINK_TYPES.values())}
    co_building = {t.cypher for t in schema.RELATION_TYPES.values()}
    project_ends = {schema.LIST_LINK_TYPES[c].cypher for c in ("led_by", "joined_by")}
    for path in FILES:
        text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith("//"))
        for found in re.findall(r"\[\w*:([A-Z_|]+)", text):
            named = set(found.split("|"))
            assert named <= types | {"GONGJIAN_ACTIVE_TIE"}, (path.name, named)
            if len(named) > 1:
                # a union is the whole co-building set, or the organizations of a project
                assert named in (co_building, project_ends), path.name
        for found in re.findall(r"\(\w*:([A-Za-z]+)", text):
            assert found in labels, (path.name, found)
