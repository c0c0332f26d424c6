-- How many providers match (see providers_page.sql).
select count(distinct provider_name) as provider_count
from (select *, $end_date::date as active_on from mart_registrations) as listed
where
    -- show=providers: providers with a registration active at the period end (providers_page.sql).
    case when $show = 'providers' then (
        -- include: _active_on
        filed_date <= active_on
        and (cancelled_date is null or cancelled_date > active_on)
        -- end include: _active_on
    ) else ($is_all_time or filed_date between $start_date and $end_date) end
    -- include: _registration_scope
    and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
    and (len($registries::varchar[]) = 0 or list_has_any(registries, $registries::varchar[]))
    and ($provider = '' or if($provider_exact, lower(provider_name) = $provider, strpos(lower(provider_name), $provider) > 0))
    and (len($sectors::varchar[]) = 0 or registration_id in (
        select registration_id from mart_registration_sectors where list_contains($sectors::varchar[], sector)
    ))
    and (len($ownership::varchar[]) = 0 or provider_name in (
        select provider_name from mart_provider_ownership where list_contains($ownership::varchar[], ownership_type)
    ))
    -- end include: _registration_scope
        and ($search = '' or strpos(lower(provider_name), $search) > 0)
