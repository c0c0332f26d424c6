-- Providers named in two or more incidents or enforcement actions in the period, with their
-- penalties in each currency present (`CNY 50000; EUR 1200`). Most records name one provider,
-- taken as it is; only lists of several names are unnested (list work on every row costs more
-- than the rest of the query). Counts are summed per provider, record type, link status and
-- currency once; the providers are ranked from those groups, and penalties are written out for
-- the `$limit` listed ones only. in_scope is read twice but not materialised: scanning it again
-- costs less than holding every row of the period in memory (1.4 GB for all time at 10M).
with in_scope as not materialized (
    select provider_names, record_type, link_status, penalty_currency, penalty_amount, event_date,
    from mart_incidents
    where ($is_all_time or event_date between $start_date and $end_date)
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

grouped as (
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
