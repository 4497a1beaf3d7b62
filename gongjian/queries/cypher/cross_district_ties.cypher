// @name cross_district_ties
// @title 跨区共建关系（按区对统计）
// @title_en Cross-district ties by district pair
// @description 两端党组织不在同一个区的有效共建关系，按区对统计关系条数（每条台账关系计一次）和涉及的组织数。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
MATCH (a:PartyOrg)-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]->(b:PartyOrg)
WHERE a <> b AND coalesce(a.status, 'active') <> 'dissolved'
  AND coalesce(b.status, 'active') <> 'dissolved'
  AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of)
  AND a.district <> b.district
WITH CASE WHEN a.district < b.district THEN a.district ELSE b.district END AS district_a,
     CASE WHEN a.district < b.district THEN b.district ELSE a.district END AS district_b,
     a, b, r
WITH district_a, district_b, count(r) AS ties, collect(a.id) + collect(b.id) AS ids
UNWIND ids AS id
WITH district_a, district_b, ties, count(DISTINCT id) AS organizations
RETURN district_a, district_b, ties, organizations
ORDER BY ties DESC, district_a, district_b
