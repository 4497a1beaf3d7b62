// @name dormant_ties
// @title 沉睡的共建关系（签而不建）
// @title_en Dormant co-building ties (signed, not built)
// @description 在分析日期有效、但双方在此前 window 天内没有共同参加任何活动（活动记录）、也没有共同牵头或参与任何项目（项目清单）的共建关系。last_evidence 是双方最近一次共同活动或共同项目的日期，days_since 是距分析日期的天数（从未有过则都为空）；从未有过的排在前面，其次是沉寂最久的。
// @param as_of date today 分析日期 Analysis date (YYYY-MM-DD)
// @param window int 365 回看天数 Days looked back
MATCH (a:PartyOrg)-[r:AGREEMENT|PAIRING|DUAL_REPORTING|COMMITTEE_SEAT|JOINT_MEETING]->(b:PartyOrg)
WHERE a <> b AND coalesce(a.status, 'active') <> 'dissolved'
  AND coalesce(b.status, 'active') <> 'dissolved'
  AND (r.start IS NULL OR toString(r.start) <= $as_of) AND (r.end IS NULL OR toString(r.end) >= $as_of)
OPTIONAL MATCH (a)-[:PARTICIPATED]->(act:Activity)<-[:PARTICIPATED]-(b)
WHERE toString(act.date) <= $as_of
WITH a, r, b, max(toString(act.date)) AS last_activity
OPTIONAL MATCH (a)<-[:LED_BY|JOINED_BY]-(p:Project)-[:LED_BY|JOINED_BY]->(b)
WHERE p.start IS NULL OR toString(p.start) <= $as_of
WITH a, r, b, last_activity,
     max(CASE WHEN p IS NULL THEN null
              WHEN p.end IS NOT NULL AND toString(p.end) <= $as_of THEN toString(p.end)
              ELSE $as_of END) AS last_project
WITH a, r, b,
     CASE WHEN last_project IS NULL OR last_activity > last_project THEN last_activity
          ELSE last_project END AS last
// day numbers of the last evidence and of as_of, from the text (FalkorDB 4.16 adds durations
// to dates wrongly, so no date arithmetic)
WITH a, r, b, last, [x IN [last, $as_of] |
        [y IN [toInteger(substring(x, 0, 4)) - CASE WHEN substring(x, 5, 2) <= '02' THEN 1 ELSE 0 END]
            | 365 * y + y / 4 - y / 100 + y / 400][0]
        + (153 * ((toInteger(substring(x, 5, 2)) + 9) % 12) + 2) / 5 + toInteger(substring(x, 8, 2))] AS day
WITH a, r, b, last, day[1] - day[0] AS days_since
WHERE last IS NULL OR days_since > $window
RETURN a.id AS source_id, a.name AS source_name, b.id AS target_id, b.name AS target_name,
       toLower(type(r)) AS relation_type, toString(r.start) AS start, last AS last_evidence, days_since
ORDER BY CASE WHEN last_evidence IS NULL THEN 0 ELSE 1 END, days_since DESC, source_id, target_id
