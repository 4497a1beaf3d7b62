// @name cross_district_clusters
// @title 跨区共建片区（GDS Leiden）
// @title_en Cross-district clusters (Neo4j GDS Leiden)
// @description 仅 Neo4j GDS：在有效共建关系上用 gds.leiden 划分紧密片区，列出成员分布在至少 min_districts 个区的片区。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
// @param min_districts int 2 至少跨几个区 Minimum number of districts
MATCH (a:PartyOrg) WHERE coalesce(a.status, 'active') <> 'dissolved'
OPTIONAL MATCH (a)-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]->(b:PartyOrg)
WHERE b <> a AND coalesce(b.status, 'active') <> 'dissolved'
  AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of)
WITH gds.graph.project('gongjian_clusters', a, b, {}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.graphName AS graph;

// @result
CALL gds.leiden.stream('gongjian_clusters', {randomSeed: 0, concurrency: 1}) YIELD nodeId, communityId
WITH communityId, collect(gds.util.asNode(nodeId)) AS members
WITH communityId, members, size(members) AS size,
     reduce(ds = [], m IN members | CASE WHEN m.district IN ds THEN ds ELSE ds + m.district END) AS districts
WHERE size(districts) >= $min_districts
RETURN communityId AS cluster, size, districts, [m IN members | m.id] AS members
ORDER BY size DESC, cluster;

CALL gds.graph.drop('gongjian_clusters', false) YIELD graphName
RETURN graphName;
