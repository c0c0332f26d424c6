-- What the latest load changed compared with the one before: new, cancelled, renamed and
-- delisted numbers. Filters apply through the registration the change is about.
with latest as (
    select load_id from warehouse_meta limit 1
),

changes as (
    select * from mart_registration_changes
    where load_id = (select load_id from latest)
),

registrations as (
    select
        registration_id,
        registries,
        jurisdiction_code,
        provider_name,
    from mart_registrations
    union all
    select
        registration_id,
        registries,
        jurisdiction_code,
        provider_name,
    from mart_registrations_delisted
),

final as (
    select
        changes.change_type,
        any_value(changes.previous_load_id) as previous_load_id,
        count(*) as change_count,
    from changes
    left join registrations on registrations.registration_id = changes.registration_id
    where (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], registrations.jurisdiction_code))
        and (len($registries::varchar[]) = 0 or list_has_any(registrations.registries, $registries::varchar[]))
        and ($provider = '' or strpos(lower(registrations.provider_name), $provider) > 0)
    group by all
)

select * from final
order by change_type
