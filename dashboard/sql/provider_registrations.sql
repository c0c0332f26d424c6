-- Every filing and registration of one provider (its name and known aliases), in every list.
select
    registration_id,
    array_to_string(registries, '; ') as registries,
    kind,
    service_name,
    latest_service_name,
    provider_name,
    provider_role,
    jurisdiction_code,
    category,
    filed_date,
    status,
    cancelled_date,
    cancellation_notice,
    (
        select string_agg(sector, '; ' order by sector) from mart_registration_sectors
        where mart_registration_sectors.registration_id = mart_registrations.registration_id
    ) as sectors,
from mart_registrations
where list_contains($names::varchar[], provider_name)
order by filed_date desc, registration_id
limit $limit
