// @name dual_reporting_by_community
// @title 双报到情况（按社区）
// @title_en Dual reporting by community
// @description 每个社区党组织在分析日期有效的双报到单位数和报到党员数（报到党员数缺失按 0 计），报到少的社区排在前面。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
MATCH (c:PartyOrg {kind: 'community'})
WHERE coalesce(c.status, 'active') <> 'dissolved'
OPTIONAL MATCH (u:PartyOrg)-[r:DUAL_REPORTING]->(c)
WHERE u <> c AND coalesce(u.status, 'active') <> 'dissolved'
  AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of)
WITH c, count(DISTINCT u) AS units, toInteger(sum(coalesce(r.reporting_members, 0))) AS members_reported
RETURN c.id AS id, c.name AS name, c.district AS district, c.street AS street, units,
       members_reported
ORDER BY units, members_reported, id
