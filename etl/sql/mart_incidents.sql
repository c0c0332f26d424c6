-- Incidents and enforcement actions from every source, linked to a registration when known.
create or replace table mart_incidents as
with incidents as (
    select * from stg_incidents
),

registrations as (
    select registration_id, filed_date, provider_name as registered_provider_name, service_name as registered_service_name
    from mart_registrations
),

jurisdictions as (
    select * from ref_jurisdictions
),

final as (
    select
        incidents.* exclude (source_file, source_line),
        jurisdictions.name_zh as jurisdiction_name,
        jurisdictions.name_en as jurisdiction_name_en,
        coalesce(incidents.occurred_date, incidents.reported_date) as event_date,
        case
            when registrations.registration_id is not null then 'linked'
            when incidents.registration_id is not null then 'unknown_registration'
            else 'unlinked'
        end as link_status,
        case when registrations.registration_id is not null then 'registration_id' end as link_method,
        registrations.filed_date as registration_filed_date,
        registrations.registered_provider_name,
        registrations.registered_service_name,
        case
            when registrations.registration_id is null then null
            else registrations.filed_date <= coalesce(incidents.occurred_date, incidents.reported_date)
        end as is_filed_before_incident,
        incidents.source_file,
        incidents.source_line,
    from incidents
    left join registrations on registrations.registration_id = incidents.registration_id
    left join jurisdictions on jurisdictions.code = incidents.jurisdiction_code
)

select * from final
