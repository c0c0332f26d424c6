-- Incidents and enforcement actions in the briefing period, with the registration each is
-- linked to: every row, oldest first. Streamed in batches (it can be millions of rows), one
-- window of months at a time ($window_start..$window_end inside the period), so each sort is small.
with incidents as (
    select * from mart_incidents
    where event_date between greatest($start_date, $window_start) and least($end_date, $window_end)
        -- include: _incident_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
            or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_scope
),

final as (
    select
        incident_id,
        source,
        record_type,
        event_date,
        occurred_date,
        occurred_precision,
        reported_date,
        title,
        category,
        severity,
        country,
        jurisdiction_code,
        array_to_string(provider_names, '; ') as provider_names,
        service_name,
        issuing_body,
        enforcement_action,
        array_to_string(violation_types, '; ') as violation_types,
        penalty_amount,
        penalty_currency,
        status,
        link_status,
        linked_registration_id,
        registered_service_name,
        registered_provider_name,
        registration_filed_date,
        is_filed_before_incident,
        url,
    from incidents
)

select * from final
order by event_date, incident_id
