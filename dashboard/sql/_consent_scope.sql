-- Which consent declarations the global filters select, beside the period (included with
-- `-- include: _consent_scope` after a where condition): jurisdictions, lists and a provider
-- search over the declaring service's provider, the service's sectors and its provider's ownership type.
and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
and (len($registries::varchar[]) = 0 or list_contains($registries::varchar[], registry))
and ($provider = '' or strpos(lower(coalesce(provider_name, '')), $provider) > 0)
and (len($sectors::varchar[]) = 0 or registration_id in (
    select registration_id from mart_registration_sectors where list_contains($sectors::varchar[], sector)
))
and (len($ownership::varchar[]) = 0 or provider_name in (
    select provider_name from mart_provider_ownership where list_contains($ownership::varchar[], ownership_type)
))
