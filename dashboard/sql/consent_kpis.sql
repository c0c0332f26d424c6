-- Consent coverage for the period and the previous one of equal length (by audit date).
-- Record-weighted coverage = consented / personal records over datasets with personal
-- information whose counts are known; datasets with unknown status are counted apart.
with declarations as (
    select
        coverage_status,
        personal_records,
        consented_records,
        ($is_all_time or audit_date between $start_date and $end_date) as is_in_period,
        (not $is_all_time and audit_date between $prev_start_date and $prev_end_date) as is_in_previous,
    from mart_consent
    where ($is_all_time or audit_date between $prev_start_date and $end_date)
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

-- Counts are known when the dataset holds personal information and both counts are given
-- (covered, partial or none); those datasets are the denominator of record-weighted coverage.
known as (
    select
        personal_records,
        consented_records,
        is_in_period and coverage_status in ('covered', 'partial', 'none') as is_known_in_period,
        is_in_previous and coverage_status in ('covered', 'partial', 'none') as is_known_in_previous,
        is_in_period and coverage_status = 'unknown' as is_unknown_in_period,
        is_in_period and coverage_status = 'not_applicable' as is_no_pi_in_period,
        is_in_period,
    from declarations
),

final as (
    select
        sum(consented_records) filter (where is_known_in_period)
        / nullif(sum(personal_records) filter (where is_known_in_period), 0) as coverage_pct,
        sum(consented_records) filter (where is_known_in_previous)
        / nullif(sum(personal_records) filter (where is_known_in_previous), 0) as prev_coverage_pct,
        count(*) filter (where is_known_in_period) as known_dataset_count,
        count(*) filter (where is_known_in_previous) as prev_known_dataset_count,
        coalesce(sum(personal_records) filter (where is_known_in_period), 0) as personal_records_count,
        coalesce(sum(consented_records) filter (where is_known_in_period), 0) as consented_records_count,
        count(*) filter (where is_unknown_in_period) as unknown_dataset_count,
        count(*) filter (where is_no_pi_in_period) as no_pi_dataset_count,
        count(*) filter (where is_in_period) as dataset_count,
    from known
)

select * from final
