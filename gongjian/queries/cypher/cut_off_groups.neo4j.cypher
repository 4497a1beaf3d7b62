// @name cut_off_groups
// @title 与街道社区不连通的党组织群
// @title_en Groups cut off from the street and community axis
// @description 彼此有有效共建关系、但整个群里没有任何一条有效关系通向街道或社区党组织的党组织（脱离轴心的小圈子）。group 为群内最小的组织编码。Neo4j 5.23 及以上版本：用量化路径模式 (quantified path patterns) 与 ANY SHORTEST 查找通向轴心的有效路径，CALL (n) {…} 收集群成员；城市规模请用 GDS 版。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
// @param axis list schema:AXIS_KINDS 轴心类别 Axis kinds (street, community)
MATCH (n:PartyOrg)
WHERE coalesce(n.status, 'active') <> 'dissolved' AND NOT n.kind IN $axis
  AND EXISTS {
    MATCH (n)-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]-(m:PartyOrg)
    WHERE m <> n AND coalesce(m.status, 'active') <> 'dissolved'
      AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of)
  }
  AND NOT EXISTS {
    MATCH ANY SHORTEST (n) (()-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]-(x:PartyOrg)
      WHERE coalesce(x.status, 'active') <> 'dissolved'
        AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of))+ (a:PartyOrg)
    WHERE a.kind IN $axis
  }
CALL (n) {
  MATCH (n) (()-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]-(x:PartyOrg)
    WHERE coalesce(x.status, 'active') <> 'dissolved'
      AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of))+ (m:PartyOrg)
  WITH DISTINCT m
  RETURN collect(m.id) AS reach
}
WITH n, [i IN reach + [n.id] | i] AS ids
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.district AS district, n.street AS street,
       reduce(g = n.id, i IN ids | CASE WHEN i < g THEN i ELSE g END) AS group, size(ids) AS size
ORDER BY group, id
