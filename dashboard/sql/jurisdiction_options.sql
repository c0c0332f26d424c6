-- Every jurisdiction a filter can pick: the reference provinces plus any other code the
-- incidents carry (ISO 3166-2 codes outside China).
with reference as (
    select
        code as jurisdiction_code,
        name_zh as jurisdiction_name,
        name_en as jurisdiction_name_en,
        0 as sort_group,
    from ref_jurisdictions
),

incident_codes as (
    select distinct
        jurisdiction_code,
        jurisdiction_code as jurisdiction_name,
        jurisdiction_code as jurisdiction_name_en,
        1 as sort_group,
    from mart_incidents
    where jurisdiction_code is not null
        and jurisdiction_code not in (select code from ref_jurisdictions)
),

final as (
    select * from reference
    union all
    select * from incident_codes
)

select * from final
order by sort_group, jurisdiction_code
