-- Quarantined rows of the current build per source, rule and kind (a row breaking two rules
-- counts under both).
with rules as (
    select
        source,
        unnest(case when len(rules) = 0 then ['unknown'] else rules end) as rule,
        kind,
    from quarantine
),

final as (
    select
        source,
        rule,
        kind,
        count(*) as row_count,
    from rules
    group by all
)

select * from final
order by row_count desc, source, rule
