-- New filings and registrations per month of filing and sector, within the period. A
-- registration with two sectors counts once in each. Each sector row carries its registration's
-- filing date and the fields the filters read (mart_registration_sectors), so no join is needed.
with sectors as (
    select
        sector,
        filed_date,
    from mart_registration_sectors
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
        date_trunc('month', filed_date)::date as month_date,
        sector,
        count(*) as filing_count,
    from sectors
    group by all
)

select * from final
order by month_date, sector
