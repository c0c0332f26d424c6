-- Shared by the consent queries (included with `-- include: _consent_services`): the
-- declarations in scope, and one row per service with its dataset counts and consent status.
-- A service is covered only when every dataset that holds (or may hold) personal information
-- has a documented basis for all its records; unknown stays unknown.
with declarations as (
    select * from mart_consent
    where ($is_all_time or audit_date between $start_date and $end_date)
        -- include: _consent_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and (len($registries::varchar[]) = 0 or list_contains($registries::varchar[], registry))
        and ($provider = '' or strpos(lower(coalesce(provider_name, '')), $provider) > 0)
        and (len($sectors::varchar[]) = 0 or registration_id in (
            select registration_id from mart_registration_sectors where list_contains($sectors::varchar[], sector)
        ))
        and (len($ownership::varchar[]) = 0 or provider_name in (
            select provider_name from mart_provider_ownership where list_contains($ownership::varchar[], ownership_type)
        ))
        -- end include: _consent_scope
),

services as (
    select
        registration_id,
        any_value(service_name) as service_name,
        any_value(provider_name) as provider_name,
        any_value(registry) as registry,
        any_value(category) as category,
        any_value(jurisdiction_code) as jurisdiction_code,
        any_value(jurisdiction_name) as jurisdiction_name,
        any_value(jurisdiction_name_en) as jurisdiction_name_en,
        count(*) as dataset_count,
        count(*) filter (where coverage_status <> 'not_applicable') as pi_dataset_count,
        count(*) filter (where coverage_status = 'covered') as covered_dataset_count,
        count(*) filter (where coverage_status in ('partial', 'none')) as gap_dataset_count,
        count(*) filter (where coverage_status = 'unknown') as unknown_dataset_count,
        sum(personal_records) filter (where coverage_status in ('covered', 'partial', 'none')) as personal_records_count,
        sum(consented_records) filter (where coverage_status in ('covered', 'partial', 'none')) as consented_records_count,
        bool_or(has_sensitive_info = 'yes') as has_sensitive_info,
        max(audit_date) as last_audit_date,
        -- A service is covered only when every dataset that holds (or may hold) personal
        -- information has a documented basis for all its records; unknown stays unknown.
        case
            when count(*) filter (where coverage_status <> 'not_applicable') = 0 then 'not_applicable'
            when count(*) filter (where coverage_status in ('partial', 'none')) > 0 then 'gap'
            when count(*) filter (where coverage_status = 'unknown') > 0 then 'unknown'
            else 'covered'
        end as service_status,
    from declarations
    group by registration_id
)
