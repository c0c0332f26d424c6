-- The briefing's main counts per jurisdiction: registrations active at the period end, filed
-- and cancelled in it, incidents and enforcement actions (the province when known, else the
-- country) and their penalties in each currency present (`CNY 50000; EUR 1200`, never a CNY
-- sum that hides other currencies). Only jurisdictions with something to count, by code.
with scoped_registrations as (
    select
        *,
        $end_date::date as active_on,
    from mart_registrations
    where true
        -- include: _registration_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and (len($registries::varchar[]) = 0 or list_has_any(registries, $registries::varchar[]))
        and ($provider = '' or if($provider_exact, lower(provider_name) = $provider, strpos(lower(provider_name), $provider) > 0))
        and (len($sectors::varchar[]) = 0 or registration_id in (
            select registration_id from mart_registration_sectors where list_contains($sectors::varchar[], sector)
        ))
        and (len($ownership::varchar[]) = 0 or provider_name in (
            select provider_name from mart_provider_ownership where list_contains($ownership::varchar[], ownership_type)
        ))
        -- end include: _registration_scope
),

registrations as (
    select
        coalesce(jurisdiction_code, 'unknown') as jurisdiction_code,
        count(*) filter (
            where
                -- include: _active_on
                filed_date <= active_on
                and (cancelled_date is null or cancelled_date > active_on)
                -- end include: _active_on
        ) as active_count,
        count(*) filter (where filed_date between $start_date and $end_date) as new_count,
        count(*) filter (where cancelled_date between $start_date and $end_date) as cancelled_count,
    from scoped_registrations
    group by all
),

scoped_incidents as (
    select
        coalesce(jurisdiction_code, country, 'unknown') as place_code,
        record_type,
        penalty_amount,
        coalesce(penalty_currency, 'unknown') as currency,
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
        place_code,
        string_agg(
            currency || ' ' || regexp_replace(printf('%.2f', amount), '\.00$', ''), '; ' order by currency
        ) as penalties,
        sum(action_count) as penalty_count,
    from (
        select place_code, currency, sum(penalty_amount) as amount, count(*) as action_count,
        from scoped_incidents
        where penalty_amount is not null
        group by all
    )
    group by all
),

incidents as (
    select
        scoped_incidents.place_code as jurisdiction_code,
        count(*) filter (where record_type = 'incident') as incident_count,
        count(*) filter (where record_type = 'enforcement') as enforcement_count,
        any_value(penalties.penalties) as penalties,
        coalesce(any_value(penalties.penalty_count), 0) as penalty_count,
    from scoped_incidents
    left join penalties on penalties.place_code = scoped_incidents.place_code
    group by all
),

reference as (
    select * from ref_jurisdictions
),

final as (
    select
        coalesce(registrations.jurisdiction_code, incidents.jurisdiction_code) as jurisdiction_code,
        reference.name_zh as jurisdiction_name,
        reference.name_en as jurisdiction_name_en,
        coalesce(registrations.active_count, 0) as active_count,
        coalesce(registrations.new_count, 0) as new_count,
        coalesce(registrations.cancelled_count, 0) as cancelled_count,
        coalesce(incidents.incident_count, 0) as incident_count,
        coalesce(incidents.enforcement_count, 0) as enforcement_count,
        incidents.penalties,
        coalesce(incidents.penalty_count, 0) as penalty_count,
    from registrations
    full outer join incidents on incidents.jurisdiction_code = registrations.jurisdiction_code
    left join reference
        on reference.code = coalesce(registrations.jurisdiction_code, incidents.jurisdiction_code)
)

select * from final
where active_count + new_count + cancelled_count + incident_count + enforcement_count > 0
order by jurisdiction_code
