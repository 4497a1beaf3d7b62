"""One small interface over the graph databases, and :func:`open_store` to pick one by URI.

A :class:`Store` runs Cypher with parameters and writes batches of rows; the two backends
are Neo4j (:mod:`gongjian.stores.neo4j_store`, official ``neo4j`` driver) and FalkorDB
(:mod:`gongjian.stores.falkordb_store`, ``falkordb`` client), either a server of its own or
an embedded one that gongjian starts and stops (:mod:`gongjian.stores.embedded`).

URIs:

===============================  =========================================================
``neo4j://host:7687``            Neo4j (also ``neo4j+s``, ``neo4j+ssc``, ``bolt``,
                                 ``bolt+s``, ``bolt+ssc``); user, password and database
                                 from the arguments or ``NEO4J_USER``, ``NEO4J_PASSWORD``,
                                 ``NEO4J_DATABASE``
``falkordb://host:6379[/graph]``  a running FalkorDB (graph name default ``gongjian``)
``embedded``                     embedded FalkorDB in the folder beside the graph file
                                 (``graph.gjg`` → ``graph.falkordb/``), or a temporary
                                 one removed on close when there is no graph file
``embedded:DIR``                 embedded FalkorDB with its data in ``DIR``
===============================  =========================================================

Examples
--------
>>> parse_uri("falkordb://127.0.0.1:6380/city")
StoreURI(scheme='falkordb', host='127.0.0.1', port=6380, graph='city', folder=None)
>>> parse_uri("embedded:/data/city.falkordb").folder
'/data/city.falkordb'
>>> with open_store("embedded") as store:
...     store.execute("RETURN 1 AS one")
[{'one': 1}]
"""

from __future__ import annotations

import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from gongjian.errors import StoreError

__all__ = [
    "DEFAULT_GRAPH",
    "NEO4J_SCHEMES",
    "READ_ONLY_REFUSED",
    "Store",
    "StoreURI",
    "WriteCounts",
    "open_store",
    "parse_uri",
]

NEO4J_SCHEMES: tuple[str, ...] = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
#: FalkorDB graph (key) name when the URI names none.
DEFAULT_GRAPH = "gongjian"
#: The message when a read-only query tries to change the store.
READ_ONLY_REFUSED = ("只读查询不能修改数据库：该语句试图写入或删除数据，已被拒绝，"
                     "数据库未作任何修改 (a read-only query cannot change the store: the "
                     "statement tries to write or delete; refused, nothing was changed)")
Dialect = Literal["neo4j", "falkordb"]


@dataclass(frozen=True)
class WriteCounts:
    """What one write did: entities the server created (the rest already existed)."""

    nodes_created: int = 0
    relationships_created: int = 0


class Store(ABC):
    """A graph database gongjian can push to and run reports on.

    ``name`` says which database it is, for people (never with a password);
    ``dialect`` is ``"neo4j"`` or ``"falkordb"`` (chooses dialect-specific report files).
    """

    name: str
    dialect: Dialect

    @abstractmethod
    def table(self, query: str, params: Mapping[str, Any] | None = None, *,
              read_only: bool = False) -> tuple[list[str], list[list[Any]]]:
        """Run ``query`` with ``params``; return the column names and the rows.

        With ``read_only`` the engine itself refuses any change (FalkorDB
        ``GRAPH.RO_QUERY``, a Neo4j read transaction): :class:`StoreError` with
        :data:`READ_ONLY_REFUSED`.
        """

    def execute(self, query: str, params: Mapping[str, Any] | None = None, *,
                read_only: bool = False) -> list[dict[str, Any]]:
        """Run ``query`` with ``params``; return the rows as dicts (column → value)."""
        keys, rows = self.table(query, params, read_only=read_only)
        return [dict(zip(keys, row, strict=True)) for row in rows]

    @abstractmethod
    def write(self, query: str, rows: Sequence[Mapping[str, Any]]) -> WriteCounts:
        """Run ``query`` once with ``$rows`` = ``rows`` (an ``UNWIND $rows AS row`` batch)."""

    @abstractmethod
    def ensure_index(self, label: str, prop: str) -> None:
        """Make sure nodes of ``label`` are indexed (unique where the engine can) on ``prop``."""

    @abstractmethod
    def clear(self) -> None:
        """Remove gongjian's graph (every node of its labels, with their relationships)."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection (and stop an embedded server)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


@dataclass(frozen=True)
class StoreURI:
    """A store address taken apart (no credentials are ever part of it)."""

    scheme: str
    host: str | None = None
    port: int | None = None
    graph: str | None = None
    folder: str | None = None


def parse_uri(uri: str) -> StoreURI:
    """Take a store URI apart; :class:`StoreError` for anything not understood.

    Examples
    --------
    >>> parse_uri("bolt+s://db.example.org")
    StoreURI(scheme='bolt+s', host='db.example.org', port=7687, graph=None, folder=None)
    >>> parse_uri("embedded")
    StoreURI(scheme='embedded', host=None, port=None, graph=None, folder=None)
    """
    text = uri.strip()
    if text == "embedded":
        return StoreURI("embedded")
    if text.startswith("embedded:"):
        folder = text[len("embedded:"):]
        if not folder:
            raise StoreError("embedded: 后面要写目录，例如 embedded:图.falkordb "
                             "(embedded: needs a folder)")
        return StoreURI("embedded", folder=folder)
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if parts.username or parts.password:
        raise StoreError("地址里不能写用户名或密码；请用 NEO4J_USER / NEO4J_PASSWORD 环境变量 "
                         "(no credentials in the URI; use NEO4J_USER / NEO4J_PASSWORD)")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if scheme in NEO4J_SCHEMES and parts.hostname and port != -1:
        return StoreURI(scheme, parts.hostname, port or 7687)
    if scheme == "falkordb" and parts.hostname and port != -1:
        graph = parts.path.strip("/") or None
        return StoreURI(scheme, parts.hostname, port or 6379, graph)
    raise StoreError(
        f"无法识别的数据库地址 unknown store URI: {uri!r}；可用 neo4j://主机:7687、bolt://…、"
        f"falkordb://主机:6379[/图名]、embedded 或 embedded:目录")


def open_store(uri: str, *, user: str | None = None, password: str | None = None,
               database: str | None = None, graph_file: str | os.PathLike[str] | None = None,
               timeout: float = 30.0) -> Store:
    """Connect to the store at ``uri`` (see the module doc); use it as a context manager.

    Parameters
    ----------
    uri
        ``neo4j://…``, ``bolt://…``, ``falkordb://host:port[/graph]``, ``embedded`` or
        ``embedded:DIR``.
    user, password, database
        Neo4j only; default to ``NEO4J_USER`` (``neo4j``), ``NEO4J_PASSWORD`` and
        ``NEO4J_DATABASE`` (the server's default database).
    graph_file
        For plain ``embedded``: the graph file or ledger folder the data folder sits
        beside. Without it the embedded store is temporary (removed on close).
    timeout
        Seconds to wait for a server.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with open_store(f"embedded:{folder}") as store:
    ...     store.name == f"FalkorDB embedded:{folder}"
    True
    """
    where = parse_uri(uri)
    if where.scheme in NEO4J_SCHEMES:
        from gongjian.stores.neo4j_store import Neo4jStore

        return Neo4jStore(
            uri.strip(),
            user=user or os.environ.get("NEO4J_USER") or "neo4j",
            password=password if password is not None else os.environ.get("NEO4J_PASSWORD"),
            database=database or os.environ.get("NEO4J_DATABASE") or None,
            timeout=timeout)

    from gongjian.stores.falkordb_store import FalkorDBStore

    if where.scheme == "falkordb":
        return FalkorDBStore.connect(where.host or "localhost", where.port or 6379,
                                     graph=where.graph or DEFAULT_GRAPH, timeout=timeout)
    from gongjian.stores.embedded import EmbeddedServer, default_dir

    temporary = None
    if where.folder:
        folder = Path(where.folder)
    elif graph_file is not None:
        folder = default_dir(graph_file)
    else:
        temporary = tempfile.mkdtemp(prefix="gongjian-falkordb-")
        folder = Path(temporary)
    server = EmbeddedServer(folder, timeout=timeout)
    try:
        server.start()
    except BaseException:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
        raise
    label = "embedded (临时 temporary)" if temporary else f"embedded:{folder}"
    return FalkorDBStore(server.client(), graph=DEFAULT_GRAPH, name=f"FalkorDB {label}",
                         server=server, temporary=temporary)
