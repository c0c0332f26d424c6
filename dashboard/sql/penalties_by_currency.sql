-- Penalty totals per currency for the period and the previous one of equal length: every
-- currency present, never converted, never added to another (a card per currency, so a sum in
-- one currency cannot hide amounts in another).
with incidents as (
    select
        coalesce(penalty_currency, 'unknown') as penalty_currency,
        penalty_amount,
        ($is_all_time or event_date between $start_date and $end_date) as is_in_period,
        (not $is_all_time and event_date between $prev_start_date and $prev_end_date) as is_in_previous,
    from mart_incidents
    where penalty_amount is not null
        and ($is_all_time or event_date between $prev_start_date and $end_date)
        -- include: _incident_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
            or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_scope
),

final as (
    select
        penalty_currency,
        coalesce(sum(penalty_amount) filter (where is_in_period), 0) as penalty_amount,
        coalesce(sum(penalty_amount) filter (where is_in_previous), 0) as prev_penalty_amount,
        count(*) filter (where is_in_period) as action_count,
        count(*) filter (where is_in_previous) as prev_action_count,
    from incidents
    group by all
    having count(*) filter (where is_in_period or is_in_previous) > 0
)

select * from final
order by penalty_currency = 'CNY' desc, action_count desc, penalty_currency
