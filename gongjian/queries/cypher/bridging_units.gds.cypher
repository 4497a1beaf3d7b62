// @name bridging_units
// @title 关键联结单位（GDS 割点）
// @title_en Bridging units: articulation points (Neo4j GDS)
// @description 仅 Neo4j GDS：在有效共建关系构成的无向图上用 gds.articulationPoints 找出割点——去掉它，共建网络就会断开的党组织。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
MATCH (a:PartyOrg) WHERE coalesce(a.status, 'active') <> 'dissolved'
OPTIONAL MATCH (a)-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]->(b:PartyOrg)
WHERE b <> a AND coalesce(b.status, 'active') <> 'dissolved'
  AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of)
WITH gds.graph.project('gongjian_bridges', a, b, {}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.graphName AS graph;

// @result
CALL gds.articulationPoints.stream('gongjian_bridges') YIELD nodeId
WITH gds.util.asNode(nodeId) AS n
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.district AS district, n.street AS street
ORDER BY id;

CALL gds.graph.drop('gongjian_bridges', false) YIELD graphName
RETURN graphName;
