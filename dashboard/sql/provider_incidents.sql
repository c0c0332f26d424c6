-- Incidents and enforcement actions naming one provider (or its aliases), or linked to one of
-- its registrations.
select
    incident_id,
    source,
    record_type,
    event_date,
    title,
    category,
    severity,
    enforcement_action,
    penalty_amount,
    penalty_currency,
    link_status,
    link_method,
    registration_id,
    is_filed_before_incident,
from mart_incidents
where list_has_any(provider_names, $names::varchar[])
    or list_contains($names::varchar[], registered_provider_name)
order by event_date desc nulls last, incident_id
limit $limit
