-- Active registrations (filed − cancelled) as of each month end in the period. Cumulative
-- sums start from the first filing ever, so the first month of a period is not understated.
with registrations as (
    select
        filed_date,
        cancelled_date,
    from mart_registrations
    where filed_date <= $end_date
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

filed as (
    select
        date_trunc('month', filed_date)::date as month_date,
        count(*) as filed_count,
    from registrations
    group by all
),

cancelled as (
    select
        date_trunc('month', cancelled_date)::date as month_date,
        count(*) as cancelled_count,
    from registrations
    where cancelled_date is not null and cancelled_date <= $end_date
    group by all
),

months as (
    select unnest(generate_series(
        (select min(month_date) from filed)::timestamp,
        date_trunc('month', $end_date::date)::timestamp,
        interval 1 month
    ))::date as month_date
    where exists (select 1 from filed)
),

series as (
    select
        months.month_date,
        coalesce(filed.filed_count, 0) as filed_count,
        coalesce(cancelled.cancelled_count, 0) as cancelled_count,
        (sum(coalesce(filed.filed_count, 0)) over by_month
        - sum(coalesce(cancelled.cancelled_count, 0)) over by_month)::bigint as active_count,
    from months
    left join filed on filed.month_date = months.month_date
    left join cancelled on cancelled.month_date = months.month_date
    window by_month as (order by months.month_date)
),

final as (
    select
        month_date,
        least(last_day(month_date), $end_date::date) as month_end_date,
        active_count,
        filed_count,
        cancelled_count,
    from series
    where month_date >= date_trunc('month', $start_date::date)
)

select * from final
order by month_date
