-- Providers named in two or more incidents or enforcement actions in the period, with their
-- penalties in each currency present (`CNY 50000; EUR 1200`). A record counts once per distinct
-- name it gives. Without a provider search, each name is its 64-bit key: mart_incidents.provider_key
-- for a record naming one provider, the hash of each distinct name for a record naming several
-- (mart_incident_name_keys gives a key its name). Providers are ranked by grouping on the key,
-- which takes a tenth of the time grouping on the text takes at 10M records, and only the
-- `$limit` listed ones are counted in detail. A search reads each record's names: most records
-- name one provider, taken as it is, and only lists of several names are unnested. Either way
-- the counts are then summed per provider, record type, link status and currency, and ranked;
-- DuckDB drops the branch whose $provider test is false before it reads anything. in_scope and
-- keyed are read twice but not materialised: scanning again costs less than holding every row
-- of the period in memory.
with in_scope as not materialized (
    select provider_names, record_type, link_status, penalty_currency, penalty_amount, event_date,
    from mart_incidents
    where $provider <> ''
        and ($is_all_time or event_date between $start_date and $end_date)
        -- include: _incident_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
            or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_scope
),

named as (
    -- Each distinct name of a record once, as unnest(list_distinct(provider_names)) gives them.
    select provider_names[1] as provider_name, * exclude (provider_names),
    from in_scope
    where len(provider_names) = 1 and provider_names[1] is not null
    union all
    select unnest(list_distinct(provider_names)) as provider_name, * exclude (provider_names),
    from in_scope
    where len(provider_names) > 1
),

searched as (
    select
        provider_name,
        record_type,
        link_status,
        coalesce(penalty_currency, 'unknown') as currency,
        count(*) as record_count,
        sum(penalty_amount) as penalty_amount,
        count(penalty_amount) as penalty_count,
        min(event_date) as first_event_date,
        max(event_date) as last_event_date,
    from named
    group by all
),

keyed as not materialized (
    select provider_key as name_key, record_type, link_status, penalty_currency, penalty_amount, event_date,
    from mart_incidents
    where $provider = ''
        and provider_key is not null
        and ($is_all_time or event_date between $start_date and $end_date)
        -- include: _incident_facets
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_facets
    union all
    select
        hash(unnest(list_distinct(provider_names))) as name_key,
        record_type, link_status, penalty_currency, penalty_amount, event_date,
    from mart_incidents
    where $provider = ''
        and provider_key is null
        and len(provider_names) > 1
        and ($is_all_time or event_date between $start_date and $end_date)
        -- include: _incident_facets
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_facets
),

top_keys as (
    select names.name_key, names.provider_name,
    from (
        select name_key, count(*) as record_count,
        from keyed
        group by name_key
        having count(*) >= 2
    ) as counts
    join mart_incident_name_keys as names on names.name_key = counts.name_key
    order by counts.record_count desc, names.provider_name
    limit $limit
),

keyed_grouped as (
    select
        top_keys.provider_name,
        keyed.record_type,
        keyed.link_status,
        coalesce(keyed.penalty_currency, 'unknown') as currency,
        count(*) as record_count,
        sum(keyed.penalty_amount) as penalty_amount,
        count(keyed.penalty_amount) as penalty_count,
        min(keyed.event_date) as first_event_date,
        max(keyed.event_date) as last_event_date,
    from keyed
    join top_keys on top_keys.name_key = keyed.name_key
    group by all
),

grouped as (
    select * from searched
    union all
    select * from keyed_grouped
),

ranked as (
    select
        provider_name,
        sum(record_count)::bigint as record_count,
        coalesce(sum(record_count) filter (where record_type = 'incident'), 0)::bigint as incident_count,
        coalesce(sum(record_count) filter (where record_type = 'enforcement'), 0)::bigint as enforcement_count,
        coalesce(sum(record_count) filter (where link_status = 'linked'), 0)::bigint as linked_count,
        min(first_event_date) as first_event_date,
        max(last_event_date) as last_event_date,
    from grouped
    group by provider_name
    having sum(record_count) >= 2
    order by record_count desc, provider_name
    limit $limit
),

-- Penalties written out for the listed providers only.
penalties as (
    select
        provider_name,
        string_agg(
            currency || ' ' || regexp_replace(printf('%.2f', amount), '\.00$', ''), '; ' order by currency
        ) as penalties,
        sum(action_count) as penalty_count,
    from (
        select provider_name, currency, sum(penalty_amount) as amount, sum(penalty_count) as action_count,
        from grouped
        where penalty_count > 0 and provider_name in (select provider_name from ranked)
        group by all
    )
    group by all
),

final as (
    select
        ranked.provider_name,
        ranked.record_count,
        ranked.incident_count,
        ranked.enforcement_count,
        penalties.penalties,
        coalesce(penalties.penalty_count, 0) as penalty_count,
        ranked.linked_count,
        ranked.first_event_date,
        ranked.last_event_date,
    from ranked
    left join penalties on penalties.provider_name = ranked.provider_name
)

select * from final
order by record_count desc, provider_name
