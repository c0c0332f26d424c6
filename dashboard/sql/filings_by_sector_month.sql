-- New filings and registrations per month of filing and sector, within the period. A
-- registration with two sectors counts once in each.
with registrations as (
    select
        registration_id,
        filed_date,
    from mart_registrations
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

sectors as (
    select * from mart_registration_sectors
),

final as (
    select
        date_trunc('month', registrations.filed_date)::date as month_date,
        sectors.sector,
        count(*) as filing_count,
    from registrations
    inner join sectors on sectors.registration_id = registrations.registration_id
    group by all
)

select * from final
order by month_date, sector
