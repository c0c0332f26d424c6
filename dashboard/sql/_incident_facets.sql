-- The part of _incident_scope every incident table answers, the provider search aside
-- (included with `-- include: _incident_facets` after a where condition): jurisdictions and
-- categories. mart_incident_days and mart_incident_names, which keep no provider names, are read
-- with it when no provider is searched.
and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
