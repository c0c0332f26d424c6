-- Each registration's provider (as matched in int_provider_names) and the keys of every name
-- its service goes by: the service name, its latest name and its products without platform tags.
create or replace temp table int_registration_providers as
with registrations as (
    select * from mart_registrations
),

provider_names as (
    select * from int_provider_names
),

final as (
    select
        registrations.registration_id,
        registrations.filed_date,
        registrations.status,
        registrations.provider_name,
        provider_names.provider_id,
        provider_names.match_method as provider_match_method,
        provider_names.link_key,
        list_distinct(list_filter(
            list_concat(
                [name_key(registrations.service_name), name_key(registrations.latest_service_name)],
                list_transform(coalesce(registrations.products, []), lambda product: name_key(product_name(product)))
            ),
            lambda k: k is not null
        )) as service_keys,
    from registrations
    left join provider_names on provider_names.name = registrations.provider_name
)

select * from final
