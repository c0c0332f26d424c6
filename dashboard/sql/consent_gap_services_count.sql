-- How many services are on the gap list (see consent_gap_services.sql).
-- include: _consent_services

select count(*) as service_count
from services
where service_status <> 'not_applicable'
    and (
        service_status = 'unknown'
        or coalesce(consented_records_count / nullif(personal_records_count, 0), 0) < $threshold
    )
