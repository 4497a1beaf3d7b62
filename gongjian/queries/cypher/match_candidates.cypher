// @name match_candidates
// @title 需求与资源的可对接组合
// @title_en Needs and the resources that could answer them
// @description 在分析日期待认领的需求与同类别、仍在有效期内、且需求方在资源服务范围之内（同社区、同街道、同区或全市）的资源，两方为不同的未撤销党组织；proximity 是两方共有的最细一级（社区、街道、区、全市），近的在前。按能否修补网络（结束孤岛、连通轴心、跨区联结）的排序见 gongjian match。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
MATCH (n:Need)-[:RAISED_BY]->(a:PartyOrg)
WHERE coalesce(n.status, 'open') = 'open' AND (n.raised IS NULL OR toString(n.raised) <= $as_of)
  AND coalesce(a.status, 'active') <> 'dissolved'
MATCH (r:Resource)-[:OFFERED_BY]->(b:PartyOrg)
WHERE r.category = n.category AND (r.until IS NULL OR toString(r.until) >= $as_of)
  AND coalesce(b.status, 'active') <> 'dissolved' AND a <> b
WITH n, a, r, b,
     CASE WHEN a.district IS NULL OR b.district IS NULL OR a.district <> b.district THEN 3
          WHEN a.street IS NULL OR b.street IS NULL OR a.street <> b.street THEN 2
          WHEN a.community IS NULL OR b.community IS NULL OR a.community <> b.community THEN 1
          ELSE 0 END AS level,
     CASE coalesce(r.scope, 'street') WHEN 'community' THEN 0 WHEN 'street' THEN 1
          WHEN 'district' THEN 2 ELSE 3 END AS reach
WHERE level <= reach
RETURN n.id AS need_id, a.id AS need_org, r.id AS resource_id, b.id AS resource_org,
       n.category AS category, ['community', 'street', 'district', 'city'][level] AS proximity,
       coalesce(r.scope, 'street') AS scope
ORDER BY need_id, CASE proximity WHEN 'community' THEN 0 WHEN 'street' THEN 1
                                  WHEN 'district' THEN 2 ELSE 3 END, resource_id
