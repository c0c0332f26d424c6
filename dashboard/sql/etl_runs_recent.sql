-- ETL runs, newest first: one row per run and source.
select
    load_id,
    source,
    entity,
    status,
    started_at,
    finished_at,
    date_diff('millisecond', started_at, finished_at) / 1000.0 as duration_seconds,
    rows_read as rows_read_count,
    rows_loaded as rows_loaded_count,
    rows_quarantined as rows_quarantined_count,
    message,
from etl_runs
order by started_at desc, source
limit $limit
