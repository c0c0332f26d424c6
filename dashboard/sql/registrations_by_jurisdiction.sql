-- Per jurisdiction: filings within the period and registrations active at its end. Every
-- reference province appears (zero when it has none or is filtered out), plus any other code.
with registrations as (
    select
        jurisdiction_code,
        filed_date,
        cancelled_date,
        $end_date::date as active_on,
    from mart_registrations
    where filed_date <= $end_date
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

counts as (
    select
        jurisdiction_code,
        count(*) filter (where filed_date >= $start_date) as filing_count,
        count(*) filter (
            where
                -- include: _active_on
                filed_date <= active_on
                and (cancelled_date is null or cancelled_date > active_on)
                -- end include: _active_on
        ) as active_count,
    from registrations
    group by all
),

reference as (
    -- Every province, even outside the filter, so the map keeps its shape (zero when filtered out).
    select * from ref_jurisdictions
),

final as (
    select
        coalesce(reference.code, counts.jurisdiction_code) as jurisdiction_code,
        reference.name_zh as jurisdiction_name,
        reference.name_en as jurisdiction_name_en,
        coalesce(counts.filing_count, 0) as filing_count,
        coalesce(counts.active_count, 0) as active_count,
    from reference
    full outer join counts on counts.jurisdiction_code = reference.code
)

select * from final
order by active_count desc, jurisdiction_code
