-- Services by consent status: covered (every personal-information dataset has a documented
-- basis), gap, unknown, or not applicable (no personal information declared).
-- include: _consent_services
,

final as (
    select
        service_status,
        count(*) as service_count,
    from services
    group by all
)

select * from final
order by service_status
