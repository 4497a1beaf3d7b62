// @name cut_off_groups
// @title 与街道社区不连通的党组织群
// @title_en Groups cut off from the street and community axis
// @description 彼此有有效共建关系、但整个群里没有任何一条有效关系通向街道或社区党组织的党组织（脱离轴心的小圈子）。group 为群内最小的组织编码。FalkorDB 版：先把有效关系投影为临时关系 GONGJIAN_ACTIVE_TIE，用 algo.WCC 求连通分量，最后删除临时关系。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
// @param axis list schema:AXIS_KINDS 轴心类别 Axis kinds (street, community)
MATCH (a:PartyOrg)-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]->(b:PartyOrg)
WHERE a <> b AND coalesce(a.status, 'active') <> 'dissolved'
  AND coalesce(b.status, 'active') <> 'dissolved'
  AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of)
MERGE (a)-[:GONGJIAN_ACTIVE_TIE]->(b);

// @result
CALL algo.WCC({nodeLabels: ['PartyOrg'], relationshipTypes: ['GONGJIAN_ACTIVE_TIE']})
YIELD node, componentId
// algo.WCC falls back to every relationship type when the projection made none: keep only
// organizations that have an active tie
WITH node, componentId WHERE (node)-[:GONGJIAN_ACTIVE_TIE]-()
WITH componentId, collect(node) AS members
WHERE size(members) > 1 AND none(m IN members WHERE m.kind IN $axis)
WITH members, reduce(g = null, m IN members | CASE WHEN g IS NULL OR m.id < g THEN m.id ELSE g END) AS grp
UNWIND members AS n
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.district AS district, n.street AS street,
       grp AS group, size(members) AS size
ORDER BY group, id;

MATCH ()-[t:GONGJIAN_ACTIVE_TIE]->()
DELETE t;
