-- Sources whose file headers differ between their two most recent runs that read a header:
-- columns added and removed, so a renamed or dropped column upstream is noticed.
with runs as (
    select
        source,
        load_id,
        started_at,
        headers,
        row_number() over (partition by source order by started_at desc) as run_rank,
    from etl_runs
    where headers is not null and len(headers) > 0
),

latest as (
    select * from runs where run_rank = 1
),

previous as (
    select * from runs where run_rank = 2
),

final as (
    select
        latest.source,
        latest.load_id,
        previous.load_id as previous_load_id,
        array_to_string(list_filter(latest.headers, lambda x: not list_contains(previous.headers, x)), '; ')
            as added_columns,
        array_to_string(list_filter(previous.headers, lambda x: not list_contains(latest.headers, x)), '; ')
            as removed_columns,
        array_to_string(latest.headers, '; ') as headers,
        array_to_string(previous.headers, '; ') as previous_headers,
    from latest
    join previous on previous.source = latest.source
    where latest.headers <> previous.headers
)

select * from final
order by source
