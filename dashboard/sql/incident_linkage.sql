-- Whether each incident's provider holds a registration, and whether it was filed before the
-- incident. link_method says how the match was made (number, alias, normalised name …).
with incidents as (
    select
        record_type,
        case
            when link_status = 'linked' and is_filed_before_incident then 'filed_before'
            when link_status = 'linked' and not is_filed_before_incident then 'filed_after'
            when link_status = 'linked' then 'linked_date_unknown'
            else coalesce(link_status, 'unlinked')
        end as linkage,
        coalesce(link_method, 'none') as link_method,
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
        linkage,
        link_method,
        record_type,
        count(*) as record_count,
    from incidents
    group by all
)

select * from final
order by linkage, link_method, record_type
