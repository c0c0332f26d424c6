-- One page of registrations matching the filters and the search text, newest filings first.
select
    registration_id,
    registry,
    array_to_string(registries, '; ') as registries,
    kind,
    service_name,
    provider_name,
    provider_role,
    jurisdiction_code,
    category,
    filed_date,
    status,
    cancelled_date,
    batch,
    first_published_date,
    source_file,
    (
        select string_agg(sector, '; ' order by sector) from mart_registration_sectors
        where mart_registration_sectors.registration_id = registrations.registration_id
    ) as sectors,
    (
        select any_value(ownership_type) from mart_provider_ownership
        where mart_provider_ownership.provider_name = registrations.provider_name
    ) as ownership_type,
from (select *, $end_date::date as active_on from mart_registrations) as registrations
where
    -- include: _registration_show
    case $show
        when 'active' then (
            -- include: _active_on
            filed_date <= active_on
            and (cancelled_date is null or cancelled_date > active_on)
            -- end include: _active_on
        )
        when 'cancelled' then cancelled_date between $start_date and $end_date
        else ($is_all_time or filed_date between $start_date and $end_date)
    end
    -- end include: _registration_show
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
    -- include: _registration_segment
    and ($seg_rcat = '' or coalesce(category, '-') = $seg_rcat)
    and ($seg_role = '' or coalesce(provider_role, '-') = $seg_role)
    and ($seg_list = '' or registry = $seg_list)
    and ($seg_kind = '' or kind = $seg_kind)
    -- end include: _registration_segment
    and ($search = '' or strpos(lower(registration_id), $search) > 0
        or strpos(lower(service_name), $search) > 0
        or strpos(lower(provider_name), $search) > 0)
order by filed_date desc, registration_id
limit $limit offset $offset
