-- The gap list: services whose record-weighted coverage is below the threshold, or whose
-- status is unknown, worst first. Paged; consent_gap_services_count.sql gives the total.
-- include: _consent_services
,

final as (
    select
        registration_id,
        service_name,
        provider_name,
        registry,
        jurisdiction_code,
        service_status,
        consented_records_count / nullif(personal_records_count, 0) as coverage_pct,
        personal_records_count,
        pi_dataset_count,
        gap_dataset_count,
        unknown_dataset_count,
        has_sensitive_info,
        last_audit_date,
    from services
    where service_status <> 'not_applicable'
        and (
            service_status = 'unknown'
            or coalesce(consented_records_count / nullif(personal_records_count, 0), 0) < $threshold
        )
)

select * from final
order by (service_status = 'unknown'), coverage_pct nulls last, personal_records_count desc, registration_id
limit $limit offset $offset
