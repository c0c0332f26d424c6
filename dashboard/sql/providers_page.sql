-- One page of providers (by registrations in every list), most registrations first.
with registrations as (
    select * from (select *, $end_date::date as active_on from mart_registrations) as listed
    where
        -- The drill-down from the Licensing card "Providers with active registrations" (URL
        -- show=providers): their registrations active at the period end. Otherwise: filed in it.
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
),

final as (
    select
        provider_name,
        count(*) as registration_count,
        count(*) filter (where status = 'active') as active_count,
        count(*) filter (where status = 'cancelled') as cancelled_count,
        array_to_string(list_sort(list_distinct(flatten(list(registries)))), '; ') as registries,
        array_to_string(list_sort(list_distinct(list(jurisdiction_code))), '; ') as jurisdictions,
        min(filed_date) as first_filed_date,
        max(filed_date) as last_filed_date,
    from registrations
    group by provider_name
)

select * from final
order by registration_count desc, provider_name
limit $limit offset $offset
