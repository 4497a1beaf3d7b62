// @name uncovered_organizations
// @title 未覆盖的两新组织
// @title_en New-economy organizations with no coverage
// @description 既无组织覆盖也无工作覆盖的两新组织，附从业人员数和党员数，党员多的排在前面（3 名以上党员的应单独组建）。
// @param work list schema:WORK_COVERAGE 工作覆盖方式 Work coverage modes
MATCH (o:Organization)
WHERE o.coverage IS NULL OR NOT o.coverage IN $work
RETURN o.uscc AS uscc, o.name AS name, o.type AS type, o.district AS district, o.street AS street,
       o.site AS site, o.employees AS employees, o.party_members AS party_members
ORDER BY coalesce(party_members, 0) DESC, coalesce(employees, 0) DESC, uscc
