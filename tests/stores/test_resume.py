"""A server killed in the middle of a push: a clear error naming the batch; pushing again
completes the graph with no duplicates."""

from __future__ import annotations

import os
import signal
import threading

import pandas as pd
import pytest

from gongjian.errors import StoreError
from gongjian.graph.model import KnowledgeGraph
from gongjian.stores.embedded import EmbeddedServer
from gongjian.stores.falkordb_store import FalkorDBStore
from gongjian.stores.push import push

pytestmark = pytest.mark.falkordb


def chain(n: int) -> KnowledgeGraph:
    ids = [f"P{i:04d}" for i in range(n)]
    return KnowledgeGraph.from_frames(
        party_orgs=pd.DataFrame({"id": ids, "name": ids, "kind": ["unit"] * n,
                                 "district": ["玄武区"] * n}),
        relations=pd.DataFrame({"source_id": ids[:-1], "target_id": ids[1:],
                                "type": ["pairing"] * (n - 1)}))


class KillingStore(FalkorDBStore):
    """Kills the server (SIGKILL) from another thread after the first batch."""

    def __init__(self, *args, server: EmbeddedServer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.victim = server
        self.batches = 0

    def write(self, query, rows):
        self.batches += 1
        if self.batches == 2:
            pid = self.victim.process.pid
            killer = threading.Thread(target=os.kill, args=(pid, signal.SIGKILL))
            killer.start()
            killer.join()
            self.victim.process.wait()
        return super().write(query, rows)


def counts(store) -> tuple[int, int]:
    return (store.execute("MATCH (n) RETURN count(n) AS n")[0]["n"],
            store.execute("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"])


def test_killed_server_then_push_again(tmp_path):
    kg = chain(60)
    with EmbeddedServer(tmp_path / "clean") as server:
        clean = FalkorDBStore(server.client())
        push(kg, clean, batch_size=10)
        want = counts(clean)
    assert want == (60, 59)

    folder = tmp_path / "killed"
    server = EmbeddedServer(folder).start()
    store = KillingStore(server.client(), server=server)
    with pytest.raises(StoreError) as err:
        push(kg, store, batch_size=10)
    message = str(err.value)
    assert "PartyOrg" in message and "第 11–20 行" in message and "再次运行同一命令" in message
    server.stop()
    assert not server.running

    with EmbeddedServer(folder) as again:
        store = FalkorDBStore(again.client())
        summary = push(kg, store, batch_size=10)
        assert counts(store) == want
        assert summary.created + summary.matched == summary.rows
