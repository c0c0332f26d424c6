-- The state an incident's rows in mart_incident_providers and mart_incidents depend on besides
-- the incident's own staged row (etl/sql/incident_delta.sql explains its use): how each provider
-- name is matched, and what each registration offers a link. Computed from this build's
-- int_provider_names, int_registration_providers and mart_registrations; kept in the warehouse
-- as etl_name_match_state and etl_registration_link_state (etl/sql/incident_state_keep.sql).

create or replace temp table __name_state as
select
    names.name as provider_name,
    names.name_key,
    names.provider_id,
    names.match_method,
    names.match_status,
    names.candidate_provider_ids,
    names.link_key,
    registered.link_key is not null as has_registrations,
from int_provider_names as names
left join (select distinct link_key from int_registration_providers) as registered
    on registered.link_key = names.link_key;

create or replace temp table __link_state as
select
    registrations.registration_id,
    registrations.filed_date,
    registrations.provider_name,
    registrations.service_name,
    providers.link_key,
    providers.service_keys,
from mart_registrations as registrations
left join int_registration_providers as providers on providers.registration_id = registrations.registration_id;
