-- Sources whose rows the briefing uses: incident and consent sources with rows in the period
-- and scope, and every registration and cancellation source that loaded rows (the lists have
-- no per-row source after deduplication across lists). Their attribution goes in the manifest.
with incident_sources as (
    select distinct source from mart_incidents
    where ($is_all_time or event_date between $start_date and $end_date)
        -- include: _incident_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
            or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_scope
),

consent_sources as (
    select distinct source from mart_consent
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
),

list_sources as (
    select etl_sources.source from etl_sources
    inner join etl_runs
        on etl_runs.source = etl_sources.source
        and etl_runs.load_id = etl_sources.data_load_id
    where etl_sources.entity in ('registrations', 'cancellations')
        and etl_runs.rows_loaded > 0
),

final as (
    select
        etl_sources.source,
        etl_sources.entity,
        etl_sources.attribution,
    from etl_sources
    where etl_sources.source in (
        select source from incident_sources
        union all
        select source from consent_sources
        union all
        select source from list_sources
    )
)

select * from final
order by source
