-- Registration headline numbers for the period and the previous period of equal length:
-- active at the period end (filed − cancelled), new filings and cancellations within it.
with registrations as (
    select
        filed_date,
        cancelled_date,
        status,
    from mart_registrations
    where true
        -- include: _registration_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and (len($registries::varchar[]) = 0 or list_has_any(registries, $registries::varchar[]))
        and ($provider = '' or strpos(lower(provider_name), $provider) > 0)
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
        count(*) filter (
            where filed_date <= $end_date and (status = 'active' or cancelled_date > $end_date)
        ) as active_count,
        count(*) filter (
            where filed_date <= $prev_end_date and (status = 'active' or cancelled_date > $prev_end_date)
        ) as prev_active_count,
        count(*) filter (where filed_date between $start_date and $end_date) as new_count,
        count(*) filter (where filed_date between $prev_start_date and $prev_end_date) as prev_new_count,
        count(*) filter (where cancelled_date between $start_date and $end_date) as cancelled_count,
        count(*) filter (where cancelled_date between $prev_start_date and $prev_end_date) as prev_cancelled_count,
    from registrations
)

select * from final
