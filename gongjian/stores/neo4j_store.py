"""Neo4j as a :class:`~gongjian.stores.store.Store`, through the official ``neo4j`` driver.

Never py2neo (end of life). The password comes from the caller (the command line reads it
from ``NEO4J_PASSWORD`` or a hidden prompt, never from an option) and is never written to
a log or an error message: every message raised here is scrubbed of it.

Node keys get a uniqueness constraint (``CREATE CONSTRAINT … IF NOT EXISTS``), which also
gives ``MERGE`` its index.

Examples
--------
>>> from gongjian.errors import StoreError
>>> try:
...     Neo4jStore("neo4j://localhost:7687", user="neo4j", password=None)
... except StoreError as err:
...     print(str(err).split(" (")[0])
没有 Neo4j 密码：请设置环境变量 NEO4J_PASSWORD
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

from gongjian.errors import StoreError
from gongjian.graph.model import NODE_TABLES
from gongjian.stores.store import READ_ONLY_REFUSED, Store, WriteCounts

__all__ = ["Neo4jStore"]

_DELETE_BATCH = 10_000


def _plain(value: Any) -> Any:
    """Nodes, relationships, paths and temporal values from the driver as plain values."""
    import neo4j.time
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, (Node, Relationship)):
        return dict(value)
    if isinstance(value, Path):
        return [dict(n) for n in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, neo4j.time.Date):  # a DATE as FalkorDB's client gives it
        return value.to_native()
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


class Neo4jStore(Store):
    """A Neo4j database reached by ``uri`` (``neo4j://``, ``neo4j+s://``, ``bolt://``, …)."""

    dialect = "neo4j"

    def __init__(self, uri: str, *, user: str = "neo4j", password: str | None = None,
                 database: str | None = None, timeout: float = 30.0) -> None:
        import neo4j

        self.name = f"Neo4j {uri}" + (f" ({database})" if database else "")
        self.database = database
        self._secret = password or ""
        if password is None:
            raise StoreError("没有 Neo4j 密码：请设置环境变量 NEO4J_PASSWORD "
                             "(no Neo4j password: set NEO4J_PASSWORD)")
        try:
            self.driver = neo4j.GraphDatabase.driver(
                uri, auth=(user, password), connection_timeout=timeout,
                connection_acquisition_timeout=timeout)
            self.driver.verify_connectivity()
        except Exception as err:
            with contextlib.suppress(Exception):
                self.driver.close()
            raise self._error("无法连接 cannot connect to", err) from None

    # --- Store -----------------------------------------------------------------------

    def table(self, query: str, params: Mapping[str, Any] | None = None, *,
              read_only: bool = False) -> tuple[list[str], list[list[Any]]]:
        """Run ``query`` in its own transaction; columns and rows of plain values."""
        import neo4j

        if read_only:  # a read transaction: the server refuses any write in it
            def work(tx: Any) -> tuple[list[str], list[Any]]:
                result = tx.run(query, dict(params or {}))
                return list(result.keys()), list(result)

            try:
                with self.driver.session(database=self.database,
                                         default_access_mode=neo4j.READ_ACCESS) as session:
                    keys, records = session.execute_read(work)
            except Exception as err:
                if "AccessMode" in str(getattr(err, "code", "")) or \
                        "read access mode" in str(err):
                    raise StoreError(READ_ONLY_REFUSED) from None
                raise self._error("查询失败 query failed on", err) from None
            return keys, [[_plain(v) for v in r.values()] for r in records]
        try:
            records, _, keys = self.driver.execute_query(
                query, dict(params or {}), database_=self.database,
                routing_=neo4j.RoutingControl.WRITE)
        except Exception as err:
            raise self._error("查询失败 query failed on", err) from None
        return list(keys), [[_plain(v) for v in r.values()] for r in records]

    def write(self, query: str, rows: Sequence[Mapping[str, Any]]) -> WriteCounts:
        """Run one ``UNWIND $rows`` batch in a write transaction (retried when transient)."""

        def work(tx: Any) -> Any:
            return tx.run(query, rows=list(rows)).consume().counters

        try:
            with self.driver.session(database=self.database) as session:
                counters = session.execute_write(work)
        except Exception as err:
            raise self._error("写入失败 write failed on", err) from None
        return WriteCounts(counters.nodes_created, counters.relationships_created)

    def ensure_index(self, label: str, prop: str) -> None:
        """A uniqueness constraint on ``label.prop`` (if not there yet)."""
        self.execute(f"CREATE CONSTRAINT gongjian_{label}_{prop} IF NOT EXISTS "
                     f"FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE")

    def clear(self) -> None:
        """Delete gongjian's nodes label by label, in batches (other data stays)."""
        for label in NODE_TABLES:
            while True:
                rows = self.execute(f"MATCH (n:{label}) WITH n LIMIT {_DELETE_BATCH} "
                                    "DETACH DELETE n RETURN count(*) AS n")
                if not rows or rows[0]["n"] == 0:
                    break

    def close(self) -> None:
        """Close the driver."""
        with contextlib.suppress(Exception):
            self.driver.close()

    # --- internals -------------------------------------------------------------------

    def _error(self, what: str, err: Exception) -> StoreError:
        """A StoreError naming the server and the reason, with the password scrubbed."""
        reason = f"{type(err).__name__}: {err}"
        if self._secret:
            reason = reason.replace(self._secret, "***")
        return StoreError(f"{what} {self.name}: {reason}")
