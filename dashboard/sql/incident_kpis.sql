-- Incident and enforcement headline numbers for the period and the previous one of equal
-- length, in one scan. Penalties are summed in CNY only: amounts in other currencies are
-- counted (other_currency_count) but never converted or added. The rows (_incident_rows: per
-- day and value, or per record under a provider search) are first summed per record type,
-- currency and period (a few groups), which costs far less than testing each against the nine
-- filters below.
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
        record_type,
        penalty_currency,
        ($is_all_time or event_date between $start_date and $end_date) as is_in_period,
        (not $is_all_time and event_date between $prev_start_date and $prev_end_date) as is_in_previous,
        sum(record_count) as record_count,
        sum(penalty_amount) as penalty_amount,
        sum(penalty_count) as penalty_count,
    from incident_rows
    where ($is_all_time or event_date between $prev_start_date and $end_date)
    group by all
),
final as (
    select
        coalesce(sum(record_count) filter (where is_in_period and record_type = 'incident'), 0)::bigint
            as incident_count,
        coalesce(sum(record_count) filter (where is_in_previous and record_type = 'incident'), 0)::bigint
            as prev_incident_count,
        coalesce(sum(record_count) filter (where is_in_period and record_type = 'enforcement'), 0)::bigint
            as enforcement_count,
        coalesce(sum(record_count) filter (where is_in_previous and record_type = 'enforcement'), 0)::bigint
            as prev_enforcement_count,
        coalesce(sum(penalty_amount) filter (where is_in_period and penalty_currency = 'CNY'), 0) as penalty_cny,
        coalesce(sum(penalty_amount) filter (where is_in_previous and penalty_currency = 'CNY'), 0) as prev_penalty_cny,
        coalesce(sum(penalty_count) filter (where is_in_period and penalty_currency = 'CNY'), 0)::bigint
            as penalty_count,
        coalesce(sum(penalty_count) filter (where is_in_previous and penalty_currency = 'CNY'), 0)::bigint
            as prev_penalty_count,
        coalesce(
            sum(penalty_count) filter (where is_in_period and coalesce(penalty_currency, '') <> 'CNY'), 0
        )::bigint as other_currency_count,
    from incidents
)

select * from final
