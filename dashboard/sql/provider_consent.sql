-- Consent declarations of one provider's registered services.
select
    registration_id,
    service_name,
    dataset_name,
    has_personal_info,
    personal_records,
    consented_records,
    coverage_pct,
    coverage_status,
    has_sensitive_info,
    legal_basis,
    audit_date,
from mart_consent
where list_contains($names::varchar[], provider_name)
order by registration_id, dataset_name
limit $limit
