-- Providers named in two or more incidents or enforcement actions in the period.
with named as (
    select
        unnest(list_distinct(provider_names)) as provider_name,
        record_type,
        penalty_amount,
        penalty_currency,
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

final as (
    select
        provider_name,
        count(*) as record_count,
        count(*) filter (where record_type = 'incident') as incident_count,
        count(*) filter (where record_type = 'enforcement') as enforcement_count,
        coalesce(sum(penalty_amount) filter (where penalty_currency = 'CNY'), 0) as penalty_cny,
        count(*) filter (where link_status = 'linked') as linked_count,
        min(event_date) as first_event_date,
        max(event_date) as last_event_date,
    from named
    group by all
    having count(*) >= 2
)

select * from final
order by record_count desc, provider_name
limit $limit
