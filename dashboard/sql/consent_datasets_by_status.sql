-- Datasets by coverage status (covered, partial, none, unknown, not applicable) with records.
select
    coverage_status,
    count(*) as dataset_count,
    coalesce(sum(personal_records), 0) as personal_records_count,
    coalesce(sum(consented_records), 0) as consented_records_count,
from mart_consent
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
group by all
order by coverage_status
