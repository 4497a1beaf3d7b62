// @name isolated_organizations
// @title 无共建关系的党组织（党建孤岛）
// @title_en Party organizations with no active co-building tie (islands)
// @description 应当参与共建（街道、社区、单位、行业、楼宇园区、两新等类别）且未撤销、但在分析日期没有任何有效横向共建关系的党组织。结束日期早于分析日期的关系不算有效。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
// @param kinds list schema:CO_BUILDING_KINDS 应当共建的组织类别 Kinds expected to co-build
MATCH (n:PartyOrg)
WHERE n.kind IN $kinds AND coalesce(n.status, 'active') <> 'dissolved'
OPTIONAL MATCH (n)-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]-(m:PartyOrg)
WHERE m <> n AND coalesce(m.status, 'active') <> 'dissolved'
  AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of)
WITH n, count(m) AS ties
WHERE ties = 0
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.district AS district, n.street AS street,
       n.community AS community
ORDER BY id
