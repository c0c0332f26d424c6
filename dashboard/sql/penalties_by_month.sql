-- Penalty amounts per month of the action and currency (amounts are never converted).
select
    date_trunc('month', event_date)::date as month_date,
    coalesce(penalty_currency, 'unknown') as penalty_currency,
    sum(penalty_amount) as penalty_amount,
    count(*) as action_count,
from mart_incidents
where penalty_amount is not null
    and event_date is not null
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
group by all
order by month_date, penalty_currency
