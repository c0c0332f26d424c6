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
    -- include: _incident_scope
group by all
order by month_date, penalty_currency
