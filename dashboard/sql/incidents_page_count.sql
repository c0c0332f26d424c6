-- How many incidents match (see incidents_page.sql).
select count(*) as record_count
from mart_incidents
where ($is_all_time or event_date between $start_date and $end_date)
    -- include: _incident_scope
    and ($search = '' or strpos(lower(title), $search) > 0
        or strpos(lower(coalesce(service_name, '')), $search) > 0
        or strpos(lower(array_to_string(provider_names, '|')), $search) > 0
        or strpos(lower(incident_id), $search) > 0)
