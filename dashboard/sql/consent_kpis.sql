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
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and (len($registries::varchar[]) = 0 or list_contains($registries::varchar[], registry))
        and ($provider = '' or strpos(lower(coalesce(provider_name, '')), $provider) > 0)
),

final as (
    select
        sum(consented_records) filter (where is_in_period and coverage_status in ('covered', 'partial', 'none'))
        / nullif(sum(personal_records) filter (
            where is_in_period and coverage_status in ('covered', 'partial', 'none')
        ), 0) as coverage_pct,
        sum(consented_records) filter (where is_in_previous and coverage_status in ('covered', 'partial', 'none'))
        / nullif(sum(personal_records) filter (
            where is_in_previous and coverage_status in ('covered', 'partial', 'none')
        ), 0) as prev_coverage_pct,
        count(*) filter (where is_in_period and coverage_status in ('covered', 'partial', 'none')) as known_dataset_count,
        count(*) filter (
            where is_in_previous and coverage_status in ('covered', 'partial', 'none')
        ) as prev_known_dataset_count,
        coalesce(sum(personal_records) filter (
            where is_in_period and coverage_status in ('covered', 'partial', 'none')
        ), 0) as personal_records_count,
        coalesce(sum(consented_records) filter (
            where is_in_period and coverage_status in ('covered', 'partial', 'none')
        ), 0) as consented_records_count,
        count(*) filter (where is_in_period and coverage_status = 'unknown') as unknown_dataset_count,
        count(*) filter (where is_in_period and coverage_status = 'not_applicable') as no_pi_dataset_count,
        count(*) filter (where is_in_period) as dataset_count,
    from declarations
)

select * from final
