"""The embedded FalkorDB server: persistence, one server per folder, orphans, failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from gongjian.errors import StoreError
from gongjian.stores.embedded import EmbeddedServer, default_dir
from gongjian.stores.store import open_store

pytestmark = pytest.mark.falkordb


def test_restart_finds_the_data_again(tmp_path):
    with open_store(f"embedded:{tmp_path / 'db'}") as store:
        store.execute("CREATE (:PartyOrg {id: 'a', name: '甲'})")
    assert (tmp_path / "db" / "dump.rdb").exists()
    with open_store(f"embedded:{tmp_path / 'db'}") as store:
        assert store.execute("MATCH (n:PartyOrg) RETURN n.name AS name") == [{"name": "甲"}]


def test_default_folder_beside_graph_file(tmp_path):
    graph = tmp_path / "城市.gjg"
    with open_store("embedded", graph_file=graph) as store:
        assert store.execute("RETURN 1 AS one") == [{"one": 1}]
    assert default_dir(graph) == tmp_path / "城市.falkordb"
    assert (tmp_path / "城市.falkordb" / "dump.rdb").exists()


def test_temporary_store_is_removed(tmp_path):
    store = open_store("embedded")
    folder = store.temporary
    assert os.path.isdir(folder)
    store.close()
    assert not os.path.exists(folder)


def test_second_server_on_same_folder_is_refused(tmp_path):
    with EmbeddedServer(tmp_path / "db"), pytest.raises(StoreError, match=f"pid {os.getpid()}"):
        EmbeddedServer(tmp_path / "db").start()


def test_server_left_by_a_killed_process_is_replaced(tmp_path):
    folder = tmp_path / "db"
    script = textwrap.dedent(f"""
        import os, signal
        from gongjian.stores.embedded import EmbeddedServer
        s = EmbeddedServer({str(folder)!r}).start()
        s.client().select_graph('gongjian').query("CREATE (:PartyOrg {{id: 'kept'}})")
        print(s.process.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    child = int(proc.stdout.split()[0])
    # the parent died without stopping its server; the kernel told the child to stop (SIGTERM)
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the server outlived its parent")
    with open_store(f"embedded:{folder}") as store:
        assert store.execute("MATCH (n:PartyOrg) RETURN n.id AS id") == [{"id": "kept"}]


def test_failed_start_reports_the_log(tmp_path):
    folder = tmp_path / "db"
    folder.mkdir()
    (folder / "dump.rdb").write_bytes(b"this is not a redis dump")
    with pytest.raises(StoreError) as err:
        EmbeddedServer(folder, timeout=10).start()
    assert "日志 log" in str(err.value) and "RDB" in str(err.value).upper()


def test_keyboard_interrupt_during_work_stops_the_server(tmp_path):
    store = open_store(f"embedded:{tmp_path / 'db'}")
    process = store.server.process
    with pytest.raises(KeyboardInterrupt), store:
        raise KeyboardInterrupt
    assert process.poll() is not None
