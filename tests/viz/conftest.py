"""Fixtures of the page tests: small hand-built graphs (one with hostile names), the demo
graph, and a real headless Chromium driven by playwright."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gongjian.graph.model import KnowledgeGraph

AS_OF = "2024-06-01"
#: Names that must show as literal text and run nothing (each payload sets window.__pwned).
HOSTILE = {
    "h1": '<img src=x onerror="window.__pwned=1">',
    "h2": "</script><script>window.__pwned=2</script>",
    "h3": '<a href="javascript:window.__pwned=3" onclick="window.__pwned=3">点我</a>',
    "h4": "{{ 7*7 }}",
    "h5": "\u2028</SCRIPT ><svg onload=window.__pwned=5>&amp;",
}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def city(n_streets: int = 3, per_street: int = 8, *, hostile: bool = False,
         seed: int = 0) -> KnowledgeGraph:
    """Two districts of ``n_streets`` streets; each street a star of ``per_street`` orgs
    around its street committee, one tie across the districts, every fifth org an island."""
    rng = np.random.default_rng(seed)
    kinds = ["community", "unit", "unit", "new_economy", "building", "industry", "grid"]
    types = ["pairing", "agreement", "dual_reporting", "committee_seat"]
    orgs, rels = [], []
    for district in ("玄武区", "秦淮区"):
        for s in range(n_streets):
            sid = f"{district[:2]}S{s}"
            orgs.append(dict(id=sid, name=f"{district}第{s}街道党工委", kind="street",
                             district=district, street=f"第{s}街道", members=20,
                             secretary="张三丰", phone="13812345678"))
            for j in range(per_street):
                oid = f"{sid}-{j}"
                orgs.append(dict(id=oid, name=f"{district}第{s}街道组织{j}",
                                 kind=kinds[j % len(kinds)], district=district,
                                 street=f"第{s}街道", community=f"社区{j % 3}",
                                 members=int(rng.integers(3, 60)), secretary="李四",
                                 phone="025-88881234"))
                if j % 5 != 4:
                    rels.append(dict(source_id=oid, target_id=sid, type=types[j % 4],
                                     start=pd.Timestamp("2023-01-01"), end=pd.NaT))
    rels.append(dict(source_id="玄武S0-1", target_id="秦淮S0-1", type="joint_meeting",
                     start=pd.NaT, end=pd.NaT))
    rels.append(dict(source_id="玄武S0-2", target_id="玄武S1", type="agreement",
                     start=pd.Timestamp("2020-01-01"), end=pd.Timestamp("2021-01-01")))
    if hostile:
        for hid, name in HOSTILE.items():
            orgs.append(dict(id=hid, name=name, kind="unit", district="玄武区", street="第0街道",
                             secretary=name, phone="13900001111"))
        rels += [dict(source_id="h1", target_id="h2", type="pairing"),
                 dict(source_id="h3", target_id="h4", type="agreement"),
                 dict(source_id="h4", target_id="玄武S0", type="pairing"),
                 dict(source_id="h5", target_id="玄武S0", type="pairing")]
    party = pd.DataFrame(orgs)
    party["members"] = party["members"].astype("Int64")
    return KnowledgeGraph.from_frames(party_orgs=party, relations=pd.DataFrame(rels))


@pytest.fixture(scope="session")
def small_kg() -> KnowledgeGraph:
    return city(hostile=True)


@pytest.fixture(scope="session")
def demo_kg() -> KnowledgeGraph:
    import gongjian
    from gongjian.demo import write_demo

    return gongjian.load(write_demo(tempfile.mkdtemp(prefix="gj-demo-")))


@dataclass
class Loaded:
    """A page open in Chromium with every request and console problem it caused."""

    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def count(self, what: str) -> int:
        return int(self.page.get_attribute("#gj-count", f"data-{what}"))

    def outside_requests(self, path: Path) -> list[str]:
        own = path.resolve().as_uri()
        return [u for u in self.requests if u.split("#")[0] != own and not u.startswith("data:")]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="gj-chromium-"), executable_path="/usr/bin/chromium",
            args=CHROMIUM_ARGS, headless=True, viewport={"width": 1400, "height": 850})
        yield context
        context.close()


@pytest.fixture
def open_page(chromium) -> Iterator:
    opened = []

    def load(path: Path, *, wait_drawn: bool = True, viewport: dict | None = None) -> Loaded:
        page = chromium.new_page()
        if viewport:
            page.set_viewport_size(viewport)
        loaded = Loaded(page)
        page.on("request", lambda r: loaded.requests.append(r.url))
        page.on("console", lambda m: loaded.errors.append(m.text) if m.type in
                ("error", "warning") else None)
        page.on("pageerror", lambda e: loaded.errors.append(str(e)))
        page.goto(Path(path).resolve().as_uri())
        if wait_drawn:
            page.wait_for_selector("body[data-drawn]", state="attached", timeout=20000)
        opened.append(page)
        return loaded

    yield load
    for page in opened:
        page.close()


def big_city(districts: int = 5, streets: int = 10, per_street: int = 56, *,
             seed: int = 1) -> KnowledgeGraph:
    """A city page of a few thousand organizations (``districts × streets × (per_street + 1)``):
    each street a committee, communities and units tied mostly inside the street, a few ties
    to neighbouring streets and districts, and about 2% islands."""
    rng = np.random.default_rng(seed)
    names = ["玄武区", "秦淮区", "鼓楼区", "建邺区", "栖霞区", "雨花台区", "江宁区", "浦口区"]
    kinds = ["community", "unit", "unit", "new_economy", "grid", "building", "unit"]
    orgs, rels = [], []
    for d in range(districts):
        district = names[d % len(names)]
        for s in range(streets):
            street = f"第{s}街道"
            sid = f"D{d}S{s}"
            orgs.append(dict(id=sid, name=f"{district}{street}党工委", kind="street",
                             district=district, street=street))
            local = [sid]
            for j in range(per_street):
                oid = f"{sid}-{j}"
                community = f"{street}社区{j % 6}"
                orgs.append(dict(id=oid, name=f"{district}{street}组织{j}",
                                 kind=kinds[j % len(kinds)], district=district, street=street,
                                 community=community))
                if rng.random() < 0.02:
                    continue  # an island
                partner = local[int(rng.integers(0, len(local)))] if rng.random() < 0.6 else sid
                rels.append(dict(source_id=oid, target_id=partner, type="pairing"))
                local.append(oid)
            if s:
                rels.append(dict(source_id=sid, target_id=f"D{d}S{s - 1}", type="agreement"))
        if d:
            rels.append(dict(source_id=f"D{d}S0-1", target_id=f"D{d - 1}S0-1",
                             type="joint_meeting"))
    return KnowledgeGraph.from_frames(party_orgs=pd.DataFrame(orgs),
                                      relations=pd.DataFrame(rels))
