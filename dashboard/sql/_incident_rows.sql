-- The incidents and enforcement actions the global filters select, beside the period (included
-- with `-- include: _incident_rows` as the body of a CTE): counted per day and per value of
-- every field the incident queries read, from mart_incident_days (built by the ETL from
-- mart_incidents); or, when a provider is searched, which reads each record's names, one row per
-- record of mart_incidents. Both give record_count, penalty_amount (the sum) and penalty_count;
-- a query sums them (sum(record_count), never count(*)). DuckDB drops the branch whose
-- $provider test is false before it reads anything.
select
    event_date, record_type, category, severity, source, jurisdiction_code, jurisdiction_name,
    jurisdiction_name_en, country, link_status, link_method, is_filed_before_incident, penalty_currency,
    occurred_precision, is_month_precise, record_count, penalty_amount, penalty_count,
from mart_incident_days
where $provider = ''
    -- include: _incident_facets
    and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
    and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
    -- end include: _incident_facets
union all
select
    event_date, record_type, category, severity, source, jurisdiction_code, jurisdiction_name,
    jurisdiction_name_en, country, link_status, link_method, is_filed_before_incident, penalty_currency,
    occurred_precision, is_month_precise, 1 as record_count, penalty_amount,
    (penalty_amount is not null)::bigint as penalty_count,
from mart_incidents
where $provider <> ''
    -- include: _incident_scope
    and (len($jurisdictions::varchar[]) = 0 or list_contains($jurisdictions::varchar[], jurisdiction_code))
    and ($provider = '' or strpos(lower(array_to_string(provider_names, '|')), $provider) > 0
        or strpos(lower(coalesce(registered_provider_name, '')), $provider) > 0)
    and (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
    -- end include: _incident_scope
