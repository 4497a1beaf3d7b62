"""FalkorDB as a :class:`~gongjian.stores.store.Store`, through the ``falkordb`` client.

Queries go over the Redis protocol (``GRAPH.QUERY``), never over FalkorDB's Bolt endpoint,
which crashes the server on ordinary ``UNWIND`` batches. Node keys get a range index
(``CREATE INDEX FOR (n:Label) ON (n.key)``), created only when missing because FalkorDB
refuses to index an attribute twice; uniqueness is kept by ``MERGE`` (gongjian is the only
writer), not by a constraint.

Examples
--------
>>> import tempfile
>>> from gongjian.stores.embedded import EmbeddedServer
>>> with EmbeddedServer(tempfile.mkdtemp()) as server:
...     store = FalkorDBStore(server.client(), graph="example")
...     store.execute("RETURN date('2099-12-31') AS day, $n AS n", {"n": 1})
[{'day': datetime.date(2099, 12, 31), 'n': 1}]
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gongjian.errors import StoreError
from gongjian.stores.store import DEFAULT_GRAPH, READ_ONLY_REFUSED, Store, WriteCounts

if TYPE_CHECKING:
    from gongjian.stores.embedded import EmbeddedServer

__all__ = ["FalkorDBStore"]


def _literal(value: Any) -> str:
    r"""A parameter value as FalkorDB's ``CYPHER name=value`` header writes it.

    The ``falkordb`` client would write a :class:`datetime.date` unquoted (``2020-01-01``,
    a subtraction), and the header takes no function call: dates travel as ISO text, and
    the push queries turn them into ``DATE`` with ``date()``
    (see :mod:`gongjian.stores.rows`).

    Examples
    --------
    >>> import datetime as dt
    >>> print(_literal({"k": 'say "hi"', "p": {"start": dt.date(2099, 12, 31), "n": [1, None]}}))
    {`k`:"say \"hi\"",`p`:{`start`:"2099-12-31",`n`:[1,null]}}
    >>> _header({"as_of": "2026-11-23", "days": 30})
    'CYPHER `as_of`="2026-11-23" `days`=30 '
    """
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' if value else '""'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_name(k)}:{_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_literal(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return '"' + value.isoformat() + '"'
    return str(value)


def _header(params: Mapping[str, Any] | None) -> str:
    """The ``CYPHER a=1 b="x" `` prefix of a query with ``params`` (empty without any)."""
    if not params:
        return ""
    return "CYPHER " + "".join(f"{_name(k)}={_literal(v)} " for k, v in params.items())


def _name(key: Any) -> str:
    """A parameter or map key in backticks (FalkorDB takes no backtick inside one)."""
    text = str(key)
    if not text or "`" in text:
        raise StoreError(f"无效的参数名或属性名 invalid parameter or property name: {text!r}")
    return f"`{text}`"


def _plain(value: Any) -> Any:
    """Nodes, edges and paths from the client as plain Python values."""
    from falkordb import Edge, Node, Path

    if isinstance(value, (Node, Edge)):
        return dict(value.properties)
    if isinstance(value, Path):
        return [dict(n.properties) for n in value.nodes()]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class FalkorDBStore(Store):
    """A FalkorDB graph: one ``falkordb.FalkorDB`` client and the graph's name.

    ``server`` (an :class:`~gongjian.stores.embedded.EmbeddedServer`) is stopped on
    :meth:`close`; ``temporary`` is a folder removed after that.
    """

    dialect = "falkordb"

    def __init__(self, client: Any, *, graph: str = DEFAULT_GRAPH, name: str | None = None,
                 server: EmbeddedServer | None = None, temporary: str | None = None) -> None:
        self.client = client
        self.graph = client.select_graph(graph)
        self.name = name or f"FalkorDB {graph}"
        self.server = server
        self.temporary = temporary

    @classmethod
    def connect(cls, host: str, port: int, *, graph: str = DEFAULT_GRAPH,
                timeout: float = 30.0) -> FalkorDBStore:
        """Connect to a running FalkorDB server; :class:`StoreError` when it does not answer."""
        import falkordb

        where = f"falkordb://{host}:{port}/{graph}"
        try:
            client = falkordb.FalkorDB(host=host, port=port, socket_connect_timeout=timeout)
            client.connection.ping()
        except Exception as err:
            raise StoreError(f"无法连接 FalkorDB cannot connect to {where}: {err}") from err
        return cls(client, graph=graph, name=f"FalkorDB {where}")

    # --- Store -----------------------------------------------------------------------

    def table(self, query: str, params: Mapping[str, Any] | None = None, *,
              read_only: bool = False) -> tuple[list[str], list[list[Any]]]:
        """Run ``query``; columns and rows, nodes and edges as their property dicts."""
        result = self._run(query, dict(params) if params else None, read_only=read_only)
        names = [h[1] for h in result.header]
        return names, [[_plain(v) for v in row] for row in result.result_set]

    def write(self, query: str, rows: Sequence[Mapping[str, Any]]) -> WriteCounts:
        """Run one ``UNWIND $rows`` batch; count what the server created."""
        result = self._run(query, {"rows": list(rows)})
        return WriteCounts(int(result.nodes_created), int(result.relationships_created))

    def ensure_index(self, label: str, prop: str) -> None:
        """Create a range index on ``label.prop`` unless one exists."""
        for row in self.execute("CALL db.indexes() YIELD label, properties "
                                "RETURN label, properties"):
            if row["label"] == label and prop in (row["properties"] or []):
                return
        self._run(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")

    def clear(self) -> None:
        """Delete the whole graph (key); indexes go with it and are made again on push."""
        import redis

        try:
            if self.graph.name in self.client.list_graphs():
                self.graph.delete()
        except redis.exceptions.RedisError as err:
            raise StoreError(f"无法清空 {self.name} cannot clear the graph: {err}") from err

    def close(self) -> None:
        """Close the connection; stop an embedded server and remove a temporary folder."""
        with contextlib.suppress(Exception):
            self.client.close()
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.temporary:
            shutil.rmtree(self.temporary, ignore_errors=True)
            self.temporary = None

    # --- internals -------------------------------------------------------------------

    def _run(self, query: str, params: dict[str, Any] | None = None, *,
             read_only: bool = False) -> Any:
        import redis

        try:
            text = _header(params) + query
            if read_only:
                return self.graph.ro_query(text)
            return self.graph.query(text)
        except redis.exceptions.ConnectionError as err:
            hint = ""
            if self.server is not None and not self.server.running:
                hint = f"；服务器已退出 server exited. 日志 log:\n{self.server.log_tail(5)}"
            raise StoreError(f"与 {self.name} 的连接中断 connection lost: {err}{hint}") from err
        except redis.exceptions.RedisError as err:
            if read_only and "read-only" in str(err):
                raise StoreError(READ_ONLY_REFUSED) from err
            raise StoreError(f"{self.name} 拒绝了查询 refused the query: {err}") from err
