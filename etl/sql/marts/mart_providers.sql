-- One row per provider in the alias table: its names, and how many registrations, incidents
-- and enforcement actions were matched to it.
create or replace table mart_providers as
with providers as (
    select * from stg_provider_aliases
),

registrations as (
    select * from int_registration_providers
),

incident_providers as (
    select * from mart_incident_providers
),

registration_counts as (
    select
        provider_id,
        count(*) as registration_count,
        count(*) filter (where status = 'active') as active_registration_count,
        min(filed_date) as first_filed_date,
        list(distinct provider_name order by provider_name) as registered_names,
    from registrations
    where provider_id is not null
    group by provider_id
),

incident_counts as (
    select
        provider_id,
        count(distinct incident_id) filter (where record_type = 'incident') as incident_count,
        count(distinct incident_id) filter (where record_type = 'enforcement') as enforcement_count,
    from incident_providers
    where provider_id is not null
    group by provider_id
),

final as (
    select
        providers.provider_id,
        providers.name_en,
        providers.name_zh,
        providers.country,
        providers.legal_names,
        coalesce(registration_counts.registration_count, 0) as registration_count,
        coalesce(registration_counts.active_registration_count, 0) as active_registration_count,
        registration_counts.first_filed_date,
        registration_counts.registered_names,
        coalesce(incident_counts.incident_count, 0) as incident_count,
        coalesce(incident_counts.enforcement_count, 0) as enforcement_count,
        providers.source,
    from providers
    left join registration_counts on registration_counts.provider_id = providers.provider_id
    left join incident_counts on incident_counts.provider_id = providers.provider_id
)

select * from final
