-- Every name a provider goes by, from the alias table (stg_provider_aliases), one row per name,
-- with the forms it is matched on. A key shared by two providers is flagged, never used to guess.
create or replace table mart_provider_aliases as
with providers as (
    select * from stg_provider_aliases
),

names as (
    select provider_id, provider_id as alias, 'id' as alias_kind from providers
    union all
    select provider_id, name_en, 'name_en' from providers
    union all
    select provider_id, name_zh, 'name_zh' from providers where name_zh is not null
    union all
    select provider_id, unnest(legal_names), 'legal_name' from providers
    union all
    select provider_id, unnest(aliases), 'alias' from providers
    union all
    select provider_id, unnest(slugs), 'slug' from providers
),

keyed as (
    select distinct
        provider_id,
        alias,
        alias_kind,
        lower(clean_name(alias)) as alias_exact,
        name_key(alias) as alias_key,
    from names
    where clean_name(alias) is not null
),

final as (
    select
        *,
        count(distinct provider_id) over (partition by alias_key) > 1 as is_ambiguous_key,
    from keyed
)

select * from final
