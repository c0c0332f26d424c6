-- Which consent declarations the global filters select, beside the period (included with
-- `-- include: _consent_scope` after a where condition): jurisdictions, lists and a provider
-- search over the declaring service's provider.
and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
and (len($registries::varchar[]) = 0 or list_contains($registries::varchar[], registry))
and ($provider = '' or strpos(lower(coalesce(provider_name, '')), $provider) > 0)
