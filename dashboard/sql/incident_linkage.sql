-- Whether each incident's provider holds a registration, and whether it was filed before the
-- incident. link_method says how the match was made (number, alias, normalised name …).
with incident_rows as (
    -- include: _incident_rows
    select
        event_date, record_type, category, severity, source, jurisdiction_code, jurisdiction_name,
        jurisdiction_name_en, country, link_status, link_method, is_filed_before_incident, penalty_currency,
        occurred_precision, is_month_precise, record_count, penalty_amount, penalty_count,
    from mart_incident_days
    where $provider = ''
        -- include: _incident_facets
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_facets
    union all
    select
        event_date, record_type, category, severity, source, jurisdiction_code, jurisdiction_name,
        jurisdiction_name_en, country, link_status, link_method, is_filed_before_incident, penalty_currency,
        occurred_precision, is_month_precise, 1 as record_count, penalty_amount,
        (penalty_amount is not null)::bigint as penalty_count,
    from mart_incidents
    where $provider <> ''
        -- include: _incident_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
            or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
        and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        -- end include: _incident_scope
    -- end include: _incident_rows
),

incidents as (
    select
        record_type,
        case
            when link_status = 'linked' and is_filed_before_incident then 'filed_before'
            when link_status = 'linked' and not is_filed_before_incident then 'filed_after'
            when link_status = 'linked' then 'linked_date_unknown'
            else coalesce(link_status, 'unlinked')
        end as linkage,
        coalesce(link_method, 'none') as link_method,
        record_count,
    from incident_rows
    where ($is_all_time or event_date between $start_date and $end_date)
),

final as (
    select
        linkage,
        link_method,
        record_type,
        sum(record_count)::bigint as record_count,
    from incidents
    group by all
)

select * from final
order by linkage, link_method, record_type
