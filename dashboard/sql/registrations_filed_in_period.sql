-- Filings and registrations filed within the briefing period: every row, oldest first.
-- The same rows the new_count KPI counts (filed_date in the period, same filters).
with registrations as (
    select * from mart_registrations
    where filed_date between $start_date and $end_date
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
),

final as (
    select
        registration_id,
        registry,
        array_to_string(list_sort(registries), '; ') as registries,
        kind,
        service_name,
        provider_name,
        provider_role,
        jurisdiction_code,
        jurisdiction_name,
        jurisdiction_name_en,
        category,
        filed_date,
        filed_date_note,
        batch,
        status,
        cancelled_date,
        (
            select string_agg(sector, '; ' order by sector) from mart_registration_sectors
            where mart_registration_sectors.registration_id = registrations.registration_id
        ) as sectors,
        (
            select any_value(ownership_type) from mart_provider_ownership
            where mart_provider_ownership.provider_name = registrations.provider_name
        ) as ownership_type,
    from registrations
)

select * from final
order by filed_date, registration_id
