-- Incident and enforcement headline numbers for the period and the previous one of equal
-- length, in one scan. Penalties are summed in CNY only: amounts in other currencies are
-- counted (other_currency_count) but never converted or added.
with incidents as (
    select
        record_type,
        event_date,
        penalty_amount,
        penalty_currency,
        ($is_all_time or event_date between $start_date and $end_date) as is_in_period,
        (not $is_all_time and event_date between $prev_start_date and $prev_end_date) as is_in_previous,
    from mart_incidents
    where ($is_all_time or event_date between $prev_start_date and $end_date)
        -- include: _incident_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
            or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_scope
),

final as (
    select
        count(*) filter (where is_in_period and record_type = 'incident') as incident_count,
        count(*) filter (where is_in_previous and record_type = 'incident') as prev_incident_count,
        count(*) filter (where is_in_period and record_type = 'enforcement') as enforcement_count,
        count(*) filter (where is_in_previous and record_type = 'enforcement') as prev_enforcement_count,
        coalesce(sum(penalty_amount) filter (where is_in_period and penalty_currency = 'CNY'), 0) as penalty_cny,
        coalesce(sum(penalty_amount) filter (where is_in_previous and penalty_currency = 'CNY'), 0) as prev_penalty_cny,
        count(*) filter (where is_in_period and penalty_currency = 'CNY' and penalty_amount is not null) as penalty_count,
        count(*) filter (
            where is_in_previous and penalty_currency = 'CNY' and penalty_amount is not null
        ) as prev_penalty_count,
        count(*) filter (
            where is_in_period and penalty_amount is not null and coalesce(penalty_currency, '') <> 'CNY'
        ) as other_currency_count,
    from incidents
)

select * from final
