-- Incidents and enforcement actions per jurisdiction: the province when known, else the country.
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
        coalesce(jurisdiction_code, country, 'unknown') as jurisdiction_code,
        jurisdiction_name,
        jurisdiction_name_en,
        country,
        record_type,
        record_count,
    from incident_rows
    where ($is_all_time or event_date between $start_date and $end_date)
),

final as (
    select
        jurisdiction_code,
        any_value(jurisdiction_name) as jurisdiction_name,
        any_value(jurisdiction_name_en) as jurisdiction_name_en,
        any_value(country) as country,
        coalesce(sum(record_count) filter (where record_type = 'incident'), 0)::bigint as incident_count,
        coalesce(sum(record_count) filter (where record_type = 'enforcement'), 0)::bigint as enforcement_count,
        sum(record_count)::bigint as record_count,
    from incidents
    group by all
)

select * from final
order by record_count desc, jurisdiction_code
