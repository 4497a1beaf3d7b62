// @name community_ties
// @title 社区共建关系多少排名
// @title_en Communities ranked by their active ties
// @description 每个社区党组织在分析日期的有效共建对象数，从多到少排列：表头是共建最多的社区，表尾是最少的（需要关注）。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
MATCH (c:PartyOrg {kind: 'community'})
WHERE coalesce(c.status, 'active') <> 'dissolved'
OPTIONAL MATCH (c)-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]-(m:PartyOrg)
WHERE m <> c AND coalesce(m.status, 'active') <> 'dissolved'
  AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of)
WITH c, count(DISTINCT m) AS partners, count(r) AS ties
RETURN c.id AS id, c.name AS name, c.district AS district, c.street AS street, partners, ties
ORDER BY partners DESC, ties DESC, id
