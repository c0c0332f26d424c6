-- Records in the period and scope that monthly charts leave out because their date is known only
-- to the year, as a range or open-ended (the complement of _month_precise), by precision: pages
-- show this count under their monthly charts. With_penalty: of those, how many carry a penalty.
with incidents as (
    select
        occurred_precision,
        penalty_amount,
    from mart_incidents
    where event_date is not null
        and occurred_date is not null
        and coalesce(occurred_precision, 'day') not in ('day', 'month')
        and ($is_all_time or event_date between $start_date and $end_date)
        -- include: _incident_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
            or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_scope
),

final as (
    select
        occurred_precision,
        count(*) as record_count,
        count(penalty_amount) as penalty_record_count,
    from incidents
    group by all
)

select * from final
order by occurred_precision
