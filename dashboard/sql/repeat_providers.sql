-- Providers named in two or more incidents or enforcement actions in the period, with their
-- penalties in each currency present (`CNY 50000; EUR 1200`).
with named as (
    select
        unnest(list_distinct(provider_names)) as provider_name,
        record_type,
        penalty_amount,
        coalesce(penalty_currency, 'unknown') as currency,
        event_date,
        link_status,
    from mart_incidents
    where ($is_all_time or event_date between $start_date and $end_date)
        -- include: _incident_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
            or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_scope
),

penalties as (
    select
        provider_name,
        string_agg(
            currency || ' ' || regexp_replace(printf('%.2f', amount), '\.00$', ''), '; ' order by currency
        ) as penalties,
        sum(action_count) as penalty_count,
    from (
        select provider_name, currency, sum(penalty_amount) as amount, count(*) as action_count,
        from named
        where penalty_amount is not null
        group by all
    )
    group by all
),

final as (
    select
        named.provider_name,
        count(*) as record_count,
        count(*) filter (where record_type = 'incident') as incident_count,
        count(*) filter (where record_type = 'enforcement') as enforcement_count,
        any_value(penalties.penalties) as penalties,
        coalesce(any_value(penalties.penalty_count), 0) as penalty_count,
        count(*) filter (where link_status = 'linked') as linked_count,
        min(event_date) as first_event_date,
        max(event_date) as last_event_date,
    from named
    left join penalties on penalties.provider_name = named.provider_name
    group by named.provider_name
    having count(*) >= 2
)

select * from final
order by record_count desc, provider_name
limit $limit
