-- Which registrations the global filters select, beside the period (included with
-- `-- include: _registration_scope` after a where condition): jurisdictions, lists (a number
-- on several lists matches any of them) and a provider search.
and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
and (len($registries::varchar[]) = 0 or list_has_any(registries, $registries::varchar[]))
and ($provider = '' or strpos(lower(provider_name), $provider) > 0)
