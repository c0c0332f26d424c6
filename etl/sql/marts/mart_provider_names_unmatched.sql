-- Provider names in incidents that match no provider in the alias table and no registered
-- provider by normalised name: listed for an analyst to add to data/provider_aliases.csv,
-- never guessed. Ambiguous names (two providers share the key) are listed too.
create or replace table mart_provider_names_unmatched as
with incident_providers as (
    select * from mart_incident_providers
),

unmatched as (
    select *
    from incident_providers
    where match_status <> 'matched' and not has_registrations
),

final as (
    select
        provider_name,
        name_key,
        any_value(match_status) as match_status,
        any_value(candidate_provider_ids) as candidate_provider_ids,
        count(distinct incident_id) as incident_count,
        list(distinct source order by source) as sources,
        min(incident_id) as example_incident_id,
    from unmatched
    group by provider_name, name_key
)

select * from final
