"""README and docs/ link only inside the repository, and every link they make resolves."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_links_stay_inside_the_repository_and_resolve():
    bad = []
    for doc in documents():
        for target in LINK.findall(doc.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+://|#|mailto:", target):
                continue
            path = (doc.parent / target.split("#")[0]).resolve()
            if not path.is_relative_to(ROOT) or not path.exists():
                bad.append(f"{doc.relative_to(ROOT)}: {target}")
    assert bad == []


def test_no_document_points_at_the_shared_folder():
    hits = [f"{doc.relative_to(ROOT)}:{i}" for doc in documents()
            for i, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1)
            if "../shared" in line]
    assert hits == []


def test_the_checker_catches_a_link_outside(tmp_path):
    assert LINK.findall("see [the spec](../shared/spec/ledgers.md).") == [
        "../shared/spec/ledgers.md"]
