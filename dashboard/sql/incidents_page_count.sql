-- How many incidents match (see incidents_page.sql).
select count(*) as record_count
from mart_incidents
where ($is_all_time or event_date between $start_date and $end_date)
    -- include: _incident_scope
    and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
    and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
        or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
    and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
    -- end include: _incident_scope
    -- include: _incident_show
    and case
        when $show in ('incident', 'incident-month') then record_type = 'incident'
        when $show in ('enforcement', 'enforcement-month') then record_type = 'enforcement'
        when prefix($show, 'penalty-') then penalty_amount is not null
            and coalesce(penalty_currency, 'unknown') = regexp_replace(substr($show, 9), '-month$', '')
        else true
    end
    and (not suffix($show, '-month') or is_month_precise)
    and ($seg_sev = '' or coalesce(severity, 'unknown') = $seg_sev)
    and ($seg_src = '' or source = $seg_src)
    -- end include: _incident_show
    and ($search = '' or strpos(lower(title), $search) > 0
        or strpos(lower(coalesce(service_name, '')), $search) > 0
        or strpos(lower(array_to_string(provider_names, '|')), $search) > 0
        or strpos(lower(incident_id), $search) > 0)
