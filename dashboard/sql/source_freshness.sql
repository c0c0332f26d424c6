-- One row per declared source: the load its rows come from, when that load finished (data as of),
-- the rows it loaded and quarantined, and the latest run's status (which may be a failure that
-- kept the previous rows).
with sources as (
    select * from etl_sources
),

runs as (
    select * from etl_runs
),

data_runs as (
    select
        source,
        load_id,
        finished_at,
        rows_read,
        rows_loaded,
        rows_quarantined,
    from runs
),

latest_runs as (
    select
        source,
        arg_max(status, started_at) as latest_status,
        arg_max(message, started_at) as latest_message,
        max(started_at) as latest_run_at,
    from runs
    group by source
),

final as (
    select
        sources.source,
        sources.entity,
        sources.adapter,
        sources.registry,
        sources.location,
        sources.attribution,
        sources.data_load_id,
        data_runs.finished_at as data_as_of_at,
        data_runs.rows_read as rows_read_count,
        data_runs.rows_loaded as rows_loaded_count,
        data_runs.rows_quarantined as rows_quarantined_count,
        latest_runs.latest_status,
        latest_runs.latest_message,
        latest_runs.latest_run_at,
    from sources
    left join data_runs
        on data_runs.source = sources.source
        and data_runs.load_id = sources.data_load_id
    left join latest_runs on latest_runs.source = sources.source
)

select * from final
order by entity, source
