-- Incidents and enforcement actions per month of the event, by one breakdown chosen from a
-- fixed list (category, severity or source); the breakdown arrives as a value, not a name.
with incident_rows as (
    -- include: _incident_rows
    select
        event_date, record_type, category, severity, source, jurisdiction_code, jurisdiction_name,
        jurisdiction_name_en, country, link_status, link_method, is_filed_before_incident, penalty_currency,
        occurred_precision, is_month_precise, record_count, penalty_amount, penalty_count,
    from mart_incident_days
    where $provider = ''
        -- include: _incident_facets
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_facets
    union all
    select
        event_date, record_type, category, severity, source, jurisdiction_code, jurisdiction_name,
        jurisdiction_name_en, country, link_status, link_method, is_filed_before_incident, penalty_currency,
        occurred_precision, is_month_precise, 1 as record_count, penalty_amount,
        (penalty_amount is not null)::bigint as penalty_count,
    from mart_incidents
    where $provider <> ''
        -- include: _incident_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
            or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_scope
    -- end include: _incident_rows
),

incidents as (
    select
        event_date,
        record_type,
        record_count,
        case $breakdown
            when 'severity' then coalesce(severity, 'unknown')
            when 'source' then source
            else category
        end as group_value,
    from incident_rows
    where event_date is not null
        and ($is_all_time or event_date between $start_date and $end_date)
        -- include: _month_precise
        and is_month_precise
        -- end include: _month_precise
),

final as (
    select
        date_trunc('month', event_date)::date as month_date,
        record_type,
        group_value,
        sum(record_count)::bigint as record_count,
    from incidents
    group by all
)

select * from final
order by month_date, record_type, group_value
