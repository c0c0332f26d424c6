-- Incidents and enforcement actions counted per day and per value of every field the
-- dashboard's incident KPIs and charts filter or group by, the provider search aside (it reads
-- the names of each record). At 10M incidents this is some 30 times fewer rows than
-- mart_incidents, so an all-time view reads it in milliseconds; the pages read it through
-- dashboard/sql/_incident_rows.sql, which reads mart_incidents instead when a provider is searched.
-- Measures: record_count (records), penalty_amount (their sum; amounts in one currency only, as
-- the group holds one penalty_currency) and penalty_count (records with an amount).
create or replace table mart_incident_days as
with incidents as (
    select
        event_date,
        record_type,
        category,
        severity,
        source,
        jurisdiction_code,
        jurisdiction_name,
        jurisdiction_name_en,
        country,
        link_status,
        link_method,
        is_filed_before_incident,
        penalty_currency,
        occurred_precision,
        is_month_precise,
        penalty_amount,
    from mart_incidents
),

final as (
    select
        * exclude (penalty_amount),
        count(*) as record_count,
        sum(penalty_amount) as penalty_amount,
        count(penalty_amount) as penalty_count,
    from incidents
    group by all
)

-- In event order, as mart_incidents: a period filter skips the row groups outside it.
select * from final order by event_date
