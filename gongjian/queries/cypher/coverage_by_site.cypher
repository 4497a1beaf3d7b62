// @name coverage_by_site
// @title 两新组织覆盖情况（按楼宇园区商圈）
// @title_en Coverage of new-economy organizations by building, park and business district
// @description 按所在楼宇、园区、商圈、市场统计两新组织总数、组织覆盖数、工作覆盖数和覆盖率；不在任何楼宇园区的组织不计入。
// @param organizational list schema:ORGANIZATIONAL_COVERAGE 组织覆盖方式 Organizational coverage modes
// @param work list schema:WORK_COVERAGE 工作覆盖方式 Work coverage modes
MATCH (o:Organization)
WHERE o.site IS NOT NULL
WITH o.site AS site, count(o) AS organizations,
     count(CASE WHEN o.coverage IN $organizational THEN 1 END) AS organizational,
     count(CASE WHEN o.coverage IN $work THEN 1 END) AS work
// one lookup per site, not per organization
OPTIONAL MATCH (s:Site {name: site})
RETURN site, s.kind AS site_kind, organizations, organizational, work,
       round(10000.0 * organizational / organizations) / 10000.0 AS organizational_rate,
       round(10000.0 * work / organizations) / 10000.0 AS work_rate
ORDER BY site
