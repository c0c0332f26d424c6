-- Penalty amounts per month of the action and currency (amounts are never converted).
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
)

select
    date_trunc('month', event_date)::date as month_date,
    coalesce(penalty_currency, 'unknown') as penalty_currency,
    sum(penalty_amount) as penalty_amount,
    sum(penalty_count)::bigint as action_count,
from incident_rows
where penalty_count > 0
    and event_date is not null
    and ($is_all_time or event_date between $start_date and $end_date)
    -- include: _month_precise
    and is_month_precise
    -- end include: _month_precise
group by all
order by month_date, penalty_currency
