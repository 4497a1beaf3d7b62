// @name multi_district_organizations
// @title 跨区共建的党组织
// @title_en Party organizations whose active ties reach other districts
// @description 有效共建对象分布在本区以外的党组织：districts 为本区与共建对象所在各区，按涉及区数从多到少排列。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
// @param min_districts int 2 至少涉及几个区（含本区）Minimum number of districts, own included
MATCH (n:PartyOrg)-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]-(m:PartyOrg)
WHERE m <> n AND coalesce(n.status, 'active') <> 'dissolved'
  AND coalesce(m.status, 'active') <> 'dissolved'
  AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of)
WITH n, collect(DISTINCT m.district) AS others, count(DISTINCT m) AS partners
WITH n, partners,
     reduce(ds = [n.district], d IN others | CASE WHEN d IS NULL OR d IN ds THEN ds ELSE ds + d END) AS districts
WHERE size(districts) >= $min_districts
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.district AS district, districts,
       size(districts) AS district_count, partners
ORDER BY district_count DESC, id
