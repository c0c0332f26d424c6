-- New filings and registrations per month of filing, by list and kind, within the period.
with registrations as (
    select
        filed_date,
        registry,
        kind,
    from mart_registrations
    where filed_date between $start_date and $end_date
        -- include: _registration_scope
        and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
        and (len($registries::varchar[]) = 0 or list_has_any(registries, $registries::varchar[]))
        and ($provider = '' or strpos(lower(provider_name), $provider) > 0)
        -- end include: _registration_scope
),

final as (
    select
        date_trunc('month', filed_date)::date as month_date,
        registry,
        kind,
        count(*) as filing_count,
    from registrations
    group by all
)

select * from final
order by month_date, registry, kind
