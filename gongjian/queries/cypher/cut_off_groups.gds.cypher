// @name cut_off_groups
// @title 与街道社区不连通的党组织群（GDS）
// @title_en Groups cut off from the street and community axis (Neo4j GDS)
// @description GDS 版：把有效共建关系投影为无向图，gds.wcc 求连通分量，列出没有街道或社区党组织的分量（至少 2 个组织）。group 为群内最小的组织编码。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
// @param axis list schema:AXIS_KINDS 轴心类别 Axis kinds (street, community)
MATCH (a:PartyOrg) WHERE coalesce(a.status, 'active') <> 'dissolved'
OPTIONAL MATCH (a)-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]->(b:PartyOrg)
WHERE b <> a AND coalesce(b.status, 'active') <> 'dissolved'
  AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of)
WITH gds.graph.project('gongjian_cut_off', a, b, {}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.graphName AS graph;

// @result
CALL gds.wcc.stream('gongjian_cut_off') YIELD nodeId, componentId
WITH componentId, collect(gds.util.asNode(nodeId)) AS members
WHERE size(members) > 1 AND none(m IN members WHERE m.kind IN $axis)
WITH members, reduce(g = null, m IN members | CASE WHEN g IS NULL OR m.id < g THEN m.id ELSE g END) AS grp
UNWIND members AS n
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.district AS district, n.street AS street,
       grp AS group, size(members) AS size
ORDER BY group, id;

CALL gds.graph.drop('gongjian_cut_off', false) YIELD graphName
RETURN graphName;
