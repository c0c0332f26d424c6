-- Record-weighted coverage and dataset statuses per audit quarter.
select
    audit_quarter_date,
    sum(consented_records) filter (where coverage_status in ('covered', 'partial', 'none'))
    / nullif(sum(personal_records) filter (where coverage_status in ('covered', 'partial', 'none')), 0)
        as coverage_pct,
    count(*) filter (where coverage_status in ('covered', 'partial', 'none')) as known_dataset_count,
    count(*) filter (where coverage_status = 'unknown') as unknown_dataset_count,
    count(*) filter (where coverage_status = 'not_applicable') as no_pi_dataset_count,
from mart_consent
where audit_quarter_date is not null
    and ($is_all_time or audit_date between $start_date and $end_date)
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
order by audit_quarter_date
