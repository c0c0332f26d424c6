-- Every name of the provider a name belongs to (both directions): the providers whose id or
-- any alias equals $name (case-insensitively), and all their aliases.
with matched as (
    select provider_id from mart_provider_aliases
    where alias = $name or lower(alias) = lower($name) or provider_id = $name
),

final as (
    select
        provider_id,
        alias,
        alias_kind,
    from mart_provider_aliases
    where provider_id in (select provider_id from matched)
)

select * from final
order by provider_id, alias
limit 500
