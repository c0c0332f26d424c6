-- The files each source's loaded rows came from: the archive files in use for a fetched source.
with staged as (
    select source, source_file from stg_registrations
    union
    select source, source_file from stg_cancellations
    union
    select source, source_file from stg_incidents
    union
    select source, source_file from stg_consent
    union
    select source, source_file from stg_provider_aliases
    union
    select source, source_file from stg_official_totals
),

final as (
    select distinct source, source_file
    from staged
    where source_file is not null
    order by source, source_file
)

select * from final
