-- Incidents per month in the briefing period and scope. The incidents file is written month
-- group by month group, so DuckDB sorts one window at a time instead of the whole result.
select
    date_trunc('month', event_date)::date as month_date,
    count(*) as record_count,
from mart_incidents
where event_date between $start_date and $end_date
    -- include: _incident_scope
    and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
    and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
        or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
    and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
    -- end include: _incident_scope
group by all
order by month_date
