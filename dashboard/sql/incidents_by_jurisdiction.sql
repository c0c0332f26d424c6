-- Incidents and enforcement actions per jurisdiction: the province when known, else the country.
with incidents as (
    select
        coalesce(jurisdiction_code, country, 'unknown') as jurisdiction_code,
        jurisdiction_name,
        jurisdiction_name_en,
        country,
        record_type,
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
        jurisdiction_code,
        any_value(jurisdiction_name) as jurisdiction_name,
        any_value(jurisdiction_name_en) as jurisdiction_name_en,
        any_value(country) as country,
        count(*) filter (where record_type = 'incident') as incident_count,
        count(*) filter (where record_type = 'enforcement') as enforcement_count,
        count(*) as record_count,
    from incidents
    group by all
)

select * from final
order by record_count desc, jurisdiction_code
