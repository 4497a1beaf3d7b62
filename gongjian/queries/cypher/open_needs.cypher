// @name open_needs
// @title 未解决的需求（需求清单）
// @title_en Open needs (needs list)
// @description 在分析日期仍待认领（状态为待认领或未填）、且在该日或之前提出的需求，及提出需求的党组织；stale 为真表示提出已满 stale_days 天仍未解决（久拖未决）。与 gongjian lists 的口径相同。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
// @param stale_days int 90 久拖天数 Days after which an open need is stale
MATCH (n:Need)
WHERE coalesce(n.status, 'open') = 'open' AND (n.raised IS NULL OR toString(n.raised) <= $as_of)
OPTIONAL MATCH (n)-[:RAISED_BY]->(o:PartyOrg)
// day numbers of the raising and of as_of, from the text (FalkorDB 4.16 adds durations to
// dates wrongly, so no date arithmetic)
WITH n, o, [x IN [toString(n.raised), $as_of] |
        [y IN [toInteger(substring(x, 0, 4)) - CASE WHEN substring(x, 5, 2) <= '02' THEN 1 ELSE 0 END]
            | 365 * y + y / 4 - y / 100 + y / 400][0]
        + (153 * ((toInteger(substring(x, 5, 2)) + 9) % 12) + 2) / 5 + toInteger(substring(x, 8, 2))] AS day
RETURN n.id AS id, n.category AS category, n.description AS description, o.id AS org_id,
       o.name AS org_name, o.district AS district, o.street AS street,
       toString(n.raised) AS raised,
       coalesce(day[1] - day[0] >= $stale_days, false) AS stale
ORDER BY id
