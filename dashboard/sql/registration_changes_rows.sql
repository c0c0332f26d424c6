-- The individual changes of the latest load, newest kinds of change first, for the table.
with latest as (
    select load_id from warehouse_meta limit 1
),

changes as (
    select * from mart_registration_changes
    where load_id = (select load_id from latest)
        and ($change_type = '' or change_type = $change_type)
),

registrations as (
    select
        registration_id,
        registry,
        registries,
        service_name,
        provider_name,
        jurisdiction_code,
        filed_date,
    from mart_registrations
    union all
    select
        registration_id,
        registry,
        registries,
        service_name,
        provider_name,
        jurisdiction_code,
        filed_date,
    from mart_registrations_delisted
),

final as (
    select
        changes.change_type,
        changes.registration_id,
        registrations.registry,
        registrations.service_name,
        registrations.provider_name,
        registrations.jurisdiction_code,
        registrations.filed_date,
        changes.old_value,
        changes.new_value,
    from changes
    left join registrations on registrations.registration_id = changes.registration_id
    where (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], registrations.jurisdiction_code))
        and (len($registries::varchar[]) = 0 or list_has_any(registrations.registries, $registries::varchar[]))
        and ($provider = '' or strpos(lower(registrations.provider_name), $provider) > 0)
)

select * from final
order by change_type, filed_date desc nulls last, registration_id
limit $limit
