-- Registration headline numbers for the period and the previous period of equal length:
-- active at the period end (_active_on), new filings and cancellations within it.
with registrations as (
    select
        filed_date,
        cancelled_date,
    from mart_registrations
    where true
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

period_ends as (
    select 'current' as period, $end_date::date as active_on
    union all
    select 'previous' as period, $prev_end_date::date as active_on
),

active as (
    select
        count(*) filter (where period_ends.period = 'current') as active_count,
        count(*) filter (where period_ends.period = 'previous') as prev_active_count,
    from registrations
    join period_ends on
        -- include: _active_on
        filed_date <= active_on
        and (cancelled_date is null or cancelled_date > active_on)
        -- end include: _active_on
),

flows as (
    select
        count(*) filter (where filed_date between $start_date and $end_date) as new_count,
        count(*) filter (where filed_date between $prev_start_date and $prev_end_date) as prev_new_count,
        count(*) filter (where cancelled_date between $start_date and $end_date) as cancelled_count,
        count(*) filter (where cancelled_date between $prev_start_date and $prev_end_date) as prev_cancelled_count,
    from registrations
),

final as (
    select
        active.active_count,
        active.prev_active_count,
        flows.new_count,
        flows.prev_new_count,
        flows.cancelled_count,
        flows.prev_cancelled_count,
    from active
    cross join flows
)

select * from final
