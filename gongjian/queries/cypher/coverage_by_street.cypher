// @name coverage_by_street
// @title 两新组织覆盖情况（按街道）
// @title_en Coverage of new-economy organizations by street
// @description 按区、街道统计两新组织总数、组织覆盖数（单独、联合、依托组建）、工作覆盖数（再加兜底管理、党建指导员）和覆盖率。
// @param organizational list schema:ORGANIZATIONAL_COVERAGE 组织覆盖方式 Organizational coverage modes
// @param work list schema:WORK_COVERAGE 工作覆盖方式 Work coverage modes
MATCH (o:Organization)
WITH o.district AS district, o.street AS street, count(o) AS organizations,
     count(CASE WHEN o.coverage IN $organizational THEN 1 END) AS organizational,
     count(CASE WHEN o.coverage IN $work THEN 1 END) AS work
RETURN district, street, organizations, organizational, work,
       round(10000.0 * organizational / organizations) / 10000.0 AS organizational_rate,
       round(10000.0 * work / organizations) / 10000.0 AS work_rate
ORDER BY district, street
