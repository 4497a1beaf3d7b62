// @name idle_resources
// @title 闲置的资源（资源清单）
// @title_en Idle resources (resources list)
// @description 在分析日期仍在有效期内（有效期至未填或不早于该日）、但没有任何实施中的项目使用的资源，及提供资源的党组织。项目实施中：状态为实施中，或未填状态且起止日期包含分析日期。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
MATCH (r:Resource)
WHERE r.until IS NULL OR toString(r.until) >= $as_of
OPTIONAL MATCH (p:Project)-[:USES]->(r)
WHERE p.status = 'active'
   OR (p.status IS NULL AND (p.start IS NULL OR toString(p.start) <= $as_of)
       AND (p.end IS NULL OR toString(p.end) >= $as_of))
WITH r, count(p) AS used
WHERE used = 0
OPTIONAL MATCH (r)-[:OFFERED_BY]->(o:PartyOrg)
RETURN r.id AS id, r.category AS category, r.description AS description,
       coalesce(r.scope, 'street') AS scope, toString(r.until) AS until, o.id AS org_id,
       o.name AS org_name, o.district AS district, o.street AS street
ORDER BY id
