-- The earliest and latest dates in the data, for the period presets.
with dates as (
    select min(filed_date) as first_date, max(filed_date) as last_date from mart_registrations
    union all
    select min(event_date), max(event_date) from mart_incidents
    union all
    select min(audit_date), max(audit_date) from mart_consent
)

select
    min(first_date) as first_date,
    max(last_date) as last_date,
from dates
