-- Sectors ranked by filings within the period, with their share of the period's registrations
-- (a registration with two sectors counts in each, so shares can add up to more than 100%), and
-- the filings of the previous period of equal length. Each sector row carries its registration's
-- filing date and the fields the filters read (mart_registration_sectors), so no join is needed.
with registrations as (
    select filed_date
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
    select
        sector,
        filed_date,
    from mart_registration_sectors
    where (filed_date between $start_date and $end_date or filed_date between $prev_start_date and $prev_end_date)
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

counts as (
    select
        sector,
        count(*) filter (where filed_date between $start_date and $end_date) as filing_count,
        count(*) filter (where filed_date between $prev_start_date and $prev_end_date) as previous_filing_count,
    from sectors
    group by sector
),

total as (
    select count(*) as total_count
    from registrations
),

final as (
    select
        counts.sector,
        counts.filing_count,
        counts.previous_filing_count,
        round(100.0 * counts.filing_count / nullif(total.total_count, 0), 1) as sector_share_pct,
    from counts
    cross join total
    where counts.filing_count > 0
)

select * from final
order by filing_count desc, sector
