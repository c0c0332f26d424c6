-- Record-weighted and service-level coverage per jurisdiction, provider or category (the
-- grouping arrives as a value from a fixed list), largest personal-record counts first.
-- include: _consent_services
,

grouped as (
    select
        case $breakdown
            when 'provider' then provider_name
            when 'category' then coalesce(category, registry)
            else jurisdiction_code
        end as group_value,
        any_value(jurisdiction_name) as jurisdiction_name,
        any_value(jurisdiction_name_en) as jurisdiction_name_en,
        sum(consented_records_count) / nullif(sum(personal_records_count), 0) as coverage_pct,
        coalesce(sum(personal_records_count), 0) as personal_records_count,
        sum(pi_dataset_count - unknown_dataset_count) as known_dataset_count,
        sum(unknown_dataset_count) as unknown_dataset_count,
        count(*) filter (where service_status = 'covered') as covered_service_count,
        count(*) filter (where service_status = 'gap') as gap_service_count,
        count(*) filter (where service_status = 'unknown') as unknown_service_count,
        count(*) filter (where service_status in ('covered', 'gap')) as known_service_count,
    from services
    group by all
),

final as (
    select
        *,
        covered_service_count / nullif(known_service_count, 0) as service_coverage_pct,
    from grouped
)

select * from final
order by personal_records_count desc, group_value
limit $limit
