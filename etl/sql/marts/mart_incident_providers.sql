-- One row per incident and provider name it gives: how (and whether) the name was matched to a
-- provider, and whether any registration shares that provider or normalised name.
create or replace table mart_incident_providers as
with incidents as (
    select
        incident_id,
        source,
        record_type,
        unnest(provider_names) as provider_name,
        generate_subscripts(provider_names, 1) as name_position,
    from stg_incidents
),

provider_names as (
    select * from int_provider_names
),

registered_keys as (
    select distinct link_key from int_registration_providers
),

final as (
    select
        incidents.incident_id,
        incidents.source,
        incidents.record_type,
        incidents.provider_name,
        incidents.name_position,
        provider_names.name_key,
        provider_names.provider_id,
        provider_names.match_method,
        provider_names.match_status,
        provider_names.candidate_provider_ids,
        provider_names.link_key,
        registered_keys.link_key is not null as has_registrations,
    from incidents
    left join provider_names on provider_names.name = incidents.provider_name
    left join registered_keys on registered_keys.link_key = provider_names.link_key
)

select * from final
