// @name weak_organizations
// @title 软弱涣散党组织及其共建关系
// @title_en Weak and lax Party organizations with their ties
// @description 状态为软弱涣散的党组织，附在分析日期有效的共建对象（可作为帮扶力量）；没有共建对象的排在前面。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
MATCH (n:PartyOrg {status: 'weak'})
OPTIONAL MATCH (n)-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]-(m:PartyOrg)
WHERE m <> n AND coalesce(m.status, 'active') <> 'dissolved'
  AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of)
WITH n, collect(DISTINCT m.id) AS partner_ids, collect(DISTINCT m.name) AS partners
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.district AS district, n.street AS street,
       size(partner_ids) AS ties, partner_ids, partners
ORDER BY ties, id
