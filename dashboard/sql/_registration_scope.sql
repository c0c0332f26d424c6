-- Which registrations the global filters select, beside the period (included with
-- `-- include: _registration_scope` after a where condition): jurisdictions, lists (a number
-- on several lists matches any of them), a provider search (part of the name, or with `=` the
-- exact name), sectors (a registration with several matches any of them) and the provider's
-- ownership type.
and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
and (len($registries::varchar[]) = 0 or list_has_any(registries, $registries::varchar[]))
and ($provider = '' or if($provider_exact, lower(provider_name) = $provider, strpos(lower(provider_name), $provider) > 0))
and (len($sectors::varchar[]) = 0 or registration_id in (
    select registration_id from mart_registration_sectors where list_contains($sectors::varchar[], sector)
))
and (len($ownership::varchar[]) = 0 or provider_name in (
    select provider_name from mart_provider_ownership where list_contains($ownership::varchar[], ownership_type)
))
