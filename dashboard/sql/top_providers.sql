-- Provider concentration: providers ranked by registrations active at the period end, each
-- with its share of all active registrations matching the filters.
with scoped as (
    select
        provider_name,
        registry,
        filed_date,
        cancelled_date,
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
    select * from scoped
    where
        -- include: _active_on
        filed_date <= active_on
        and (cancelled_date is null or cancelled_date > active_on)
        -- end include: _active_on
),

providers as (
    select
        provider_name,
        count(*) as active_count,
        count(distinct registry) as registry_count,
    from registrations
    group by all
),

ranked as (
    select
        provider_name,
        active_count,
        registry_count,
        active_count / sum(active_count) over () as share_pct,
        (sum(active_count) over ())::bigint as total_active_count,
        count(*) over () as provider_count,
        row_number() over (order by active_count desc, provider_name) as provider_rank,
    from providers
),

final as (
    select * from ranked
    where provider_rank <= $limit
)

select * from final
order by provider_rank
