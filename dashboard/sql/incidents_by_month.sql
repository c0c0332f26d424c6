-- Incidents and enforcement actions per month of the event, by one breakdown chosen from a
-- fixed list (category, severity or source); the breakdown arrives as a value, not a name.
with incidents as (
    select
        event_date,
        record_type,
        case $breakdown
            when 'severity' then coalesce(severity, 'unknown')
            when 'source' then source
            else category
        end as group_value,
    from mart_incidents
    where event_date is not null
        and ($is_all_time or event_date between $start_date and $end_date)
        -- include: _month_precise
        and (occurred_date is null or coalesce(occurred_precision, 'day') in ('day', 'month'))
        -- end include: _month_precise
        -- include: _incident_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
            or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_scope
),

final as (
    select
        date_trunc('month', event_date)::date as month_date,
        record_type,
        group_value,
        count(*) as record_count,
    from incidents
    group by all
)

select * from final
order by month_date, record_type, group_value
