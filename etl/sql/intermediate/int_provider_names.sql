-- Every distinct provider name the lists and incidents use, matched to the alias table by the
-- first method that finds it: exact_id (the name is a provider id), alias (equal after
-- clean_name, ignoring case), normalised_name (equal name_key). Two providers at the best
-- method make the name ambiguous: it stays unmatched. Joins on keys, so it scales with the
-- number of distinct names.
create or replace temp table int_provider_names as
with aliases as (
    select * from mart_provider_aliases
),

registration_names as (
    select distinct provider_name as name from stg_registrations
),

incident_names as (
    select distinct unnest(provider_names) as name from stg_incidents
),

names as (
    select name from registration_names
    union
    select name from incident_names
),

keyed as (
    select
        name,
        lower(clean_name(name)) as name_exact,
        name_key(name) as name_key,
    from names
    where name is not null
),

by_id as (
    select keyed.name, aliases.provider_id, 'exact_id' as match_method, 1 as match_rank
    from keyed
    join aliases on aliases.alias_kind = 'id' and aliases.alias = keyed.name
),

by_alias as (
    select keyed.name, aliases.provider_id, 'alias' as match_method, 2 as match_rank
    from keyed
    join aliases on aliases.alias_exact = keyed.name_exact
),

by_key as (
    select keyed.name, aliases.provider_id, 'normalised_name' as match_method, 3 as match_rank
    from keyed
    join aliases on aliases.alias_key = keyed.name_key
),

candidates as (
    select * from by_id
    union all
    select * from by_alias
    union all
    select * from by_key
),

best as (
    select
        candidates.name,
        any_value(candidates.match_method) as match_method,
        list(distinct candidates.provider_id order by candidates.provider_id) as candidate_provider_ids,
    from candidates
    semi join (
        select name, min(match_rank) as match_rank from candidates group by name
    ) as best_rank on best_rank.name = candidates.name and best_rank.match_rank = candidates.match_rank
    group by candidates.name
),

final as (
    select
        keyed.name,
        keyed.name_key,
        case when len(best.candidate_provider_ids) = 1 then best.candidate_provider_ids[1] end as provider_id,
        case when len(best.candidate_provider_ids) = 1 then best.match_method end as match_method,
        case
            when best.name is null then 'unmatched'
            when len(best.candidate_provider_ids) > 1 then 'ambiguous'
            else 'matched'
        end as match_status,
        best.candidate_provider_ids,
        -- What links an incident to registrations: the provider when known, else the normalised name.
        coalesce('provider:' || case when len(best.candidate_provider_ids) = 1 then best.candidate_provider_ids[1] end,
                 'name:' || keyed.name_key) as link_key,
    from keyed
    left join best on best.name = keyed.name
)

select * from final
