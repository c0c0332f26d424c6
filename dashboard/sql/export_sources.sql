-- Each declared source of the build: entity, attribution, the load whose rows it holds and when
-- that load finished (its data as-of), for the research export's manifest.
with sources as (
    select * from etl_sources
),

runs as (
    select * from etl_runs
),

final as (
    select
        sources.source,
        sources.entity,
        sources.adapter,
        sources.registry,
        sources.attribution,
        sources.data_load_id,
        max(runs.finished_at) as data_as_of_at,
    from sources
    left join runs on runs.source = sources.source and runs.load_id = sources.data_load_id
    group by all
)

select * from final
order by source
