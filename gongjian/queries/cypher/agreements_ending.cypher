// @name agreements_ending
// @title 即将到期的共建协议
// @title_en Co-building agreements ending soon
// @description 结束日期在分析日期起 days 天内（含当天）的共建协议，提醒续签。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
// @param days int 90 未来天数 Days ahead
MATCH (a:PartyOrg)-[r:AGREEMENT]->(b:PartyOrg)
WHERE r.end IS NOT NULL AND toString(r.end) >= $as_of
// day numbers of the end and of as_of, from the text (FalkorDB 4.16 adds durations to dates
// wrongly: 90 days after 2025-06-30 gives 2025-09-30)
WITH a, r, b, [x IN [toString(r.end), $as_of] |
        [y IN [toInteger(substring(x, 0, 4)) - CASE WHEN substring(x, 5, 2) <= '02' THEN 1 ELSE 0 END]
            | 365 * y + y / 4 - y / 100 + y / 400][0]
        + (153 * ((toInteger(substring(x, 5, 2)) + 9) % 12) + 2) / 5 + toInteger(substring(x, 8, 2))] AS day
WHERE day[0] - day[1] <= $days
RETURN a.id AS source_id, a.name AS source_name, b.id AS target_id, b.name AS target_name,
       toString(r.start) AS start, toString(r.end) AS end, r.projects AS projects
ORDER BY end, source_id, target_id
