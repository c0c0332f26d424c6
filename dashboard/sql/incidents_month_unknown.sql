-- Records in the period and scope that monthly charts leave out because their date is known only
-- to the year, as a range or open-ended (the complement of _month_precise), by precision: pages
-- show this count under their monthly charts. With_penalty: of those, how many carry a penalty.
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
        occurred_precision,
        record_count,
        penalty_count,
    from incident_rows
    where event_date is not null
        and not is_month_precise
        and ($is_all_time or event_date between $start_date and $end_date)
),

final as (
    select
        occurred_precision,
        sum(record_count)::bigint as record_count,
        sum(penalty_count)::bigint as penalty_record_count,
    from incidents
    group by all
)

select * from final
order by occurred_precision
