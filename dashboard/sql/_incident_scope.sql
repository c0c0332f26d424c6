-- Which incidents the global filters select, beside the period (included with
-- `-- include: _incident_scope` after a where condition): jurisdictions, a provider search over
-- the names the source gives and the matched registration's provider, and categories.
and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
    or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
