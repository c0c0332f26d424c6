-- Filings within the period by the provider's ownership type, with how many providers.
with registrations as (
    select provider_name
    from mart_registrations
    where filed_date between $start_date and $end_date
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

-- Counted per provider first, then joined: 20k providers to look up rather than 200k filings
-- (the same counts; count(*) of a provider's filings summed, and each provider counted once).
providers as (
    select
        provider_name,
        count(*) as filing_count,
    from registrations
    group by all
),

ownership as (
    select * from mart_provider_ownership
),

final as (
    select
        coalesce(ownership.ownership_type, 'other_enterprise') as ownership_type,
        sum(providers.filing_count)::bigint as filing_count,
        count(providers.provider_name) as provider_count,
    from providers
    left join ownership on ownership.provider_name = providers.provider_name
    group by all
)

select * from final
order by filing_count desc, ownership_type
