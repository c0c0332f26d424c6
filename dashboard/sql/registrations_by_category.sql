-- Filings within the period by list, category and provider role (null when the list does not
-- state one; the page labels it).
select
    registry,
    category,
    provider_role,
    count(*) as filing_count,
from mart_registrations
where filed_date between $start_date and $end_date
    -- include: _registration_scope
    and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
    and (len($registries::varchar[]) = 0 or list_has_any(registries, $registries::varchar[]))
    and ($provider = '' or strpos(lower(provider_name), $provider) > 0)
    -- end include: _registration_scope
group by all
order by filing_count desc
