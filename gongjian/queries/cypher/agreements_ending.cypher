// @name agreements_ending
// @title 即将到期的共建协议
// @title_en Co-building agreements ending soon
// @description 结束日期在分析日期起 days 天内（含当天）的共建协议，提醒续签。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
// @param days int 90 未来天数 Days ahead
MATCH (a:PartyOrg)-[r:AGREEMENT]->(b:PartyOrg)
WHERE r.end IS NOT NULL AND toString(r.end) >= $as_of
  AND toString(r.end) <= toString(date($as_of) + duration({days: $days}))
RETURN a.id AS source_id, a.name AS source_name, b.id AS target_id, b.name AS target_name,
       toString(r.start) AS start, toString(r.end) AS end, r.projects AS projects
ORDER BY end, source_id, target_id
