-- Consent declarations per registered service and training dataset, with the service's
-- provider, list and jurisdiction. Unknown stays unknown: no count is guessed.
create or replace table mart_consent as
with declarations as (
    select * from stg_consent
),

registrations as (
    select * from mart_registrations
),

jurisdictions as (
    select * from ref_jurisdictions
),

final as (
    select
        declarations.* exclude (source_file, source_line),
        registrations.service_name,
        registrations.provider_name,
        registrations.registry,
        registrations.kind,
        registrations.category,
        registrations.jurisdiction_code,
        jurisdictions.name_zh as jurisdiction_name,
        jurisdictions.name_en as jurisdiction_name_en,
        registrations.registration_id is not null as is_registered,
        -- Coverage status of this dataset: covered, partial, none, not_applicable or unknown.
        case
            when declarations.has_personal_info = 'no' then 'not_applicable'
            when declarations.has_personal_info = 'unknown' then 'unknown'
            when declarations.personal_records is null or declarations.consented_records is null then 'unknown'
            when declarations.consented_records >= declarations.personal_records then 'covered'
            when declarations.consented_records = 0 then 'none'
            else 'partial'
        end as coverage_status,
        case
            when declarations.personal_records > 0 and declarations.consented_records is not null
                then declarations.consented_records / declarations.personal_records
        end as coverage_pct,
        date_trunc('quarter', declarations.audit_date)::date as audit_quarter_date,
        declarations.source_file,
        declarations.source_line,
    from declarations
    left join registrations on registrations.registration_id = declarations.registration_id
    left join jurisdictions on jurisdictions.code = registrations.jurisdiction_code
)

select * from final
