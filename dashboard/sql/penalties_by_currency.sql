-- Penalty totals per currency for the period and the previous one of equal length: every
-- currency present, never converted, never added to another (a card per currency, so a sum in
-- one currency cannot hide amounts in another). Rows are first summed per currency and period.
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
        coalesce(penalty_currency, 'unknown') as penalty_currency,
        ($is_all_time or event_date between $start_date and $end_date) as is_in_period,
        (not $is_all_time and event_date between $prev_start_date and $prev_end_date) as is_in_previous,
        sum(penalty_amount) as penalty_amount,
        sum(penalty_count)::bigint as action_count,
    from incident_rows
    where penalty_count > 0
        and ($is_all_time or event_date between $prev_start_date and $end_date)
    group by all
),

final as (
    select
        penalty_currency,
        coalesce(sum(penalty_amount) filter (where is_in_period), 0) as penalty_amount,
        coalesce(sum(penalty_amount) filter (where is_in_previous), 0) as prev_penalty_amount,
        coalesce(sum(action_count) filter (where is_in_period), 0)::bigint as action_count,
        coalesce(sum(action_count) filter (where is_in_previous), 0)::bigint as prev_action_count,
    from incidents
    group by all
    having coalesce(sum(action_count) filter (where is_in_period or is_in_previous), 0) > 0
)

select * from final
order by penalty_currency = 'CNY' desc, action_count desc, penalty_currency
