"""Graph databases: the :class:`~gongjian.stores.store.Store` interface, Neo4j, FalkorDB and its
embedded server, :func:`~gongjian.stores.push.push`, the Cypher report runner and the
neo4j-admin bulk exports (in memory and streamed).

Examples
--------
>>> from gongjian.stores.store import parse_uri
>>> parse_uri("embedded:/tmp/g.falkordb").scheme
'embedded'
"""
