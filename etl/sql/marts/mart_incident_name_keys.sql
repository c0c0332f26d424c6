-- Each provider name the incidents give, once, with its key: the 64-bit hash that
-- mart_incidents.provider_key holds for a record naming one provider, and that
-- dashboard/sql/repeat_providers.sql computes for each name of a record naming several. Read from
-- the staged incidents, so a change of aliases or registrations, which the incident marts redo
-- in part, leaves it as it is. Two names with the same key (a chance of about one in 10^8 at a
-- million names) would be counted as one provider, so the build stops and says so rather than
-- publish that.
create or replace table mart_incident_name_keys as
with incidents as (
    select provider_names from stg_incidents
),

names as (
    select distinct provider_name from (
        select provider_names[1] as provider_name from incidents where len(provider_names) = 1
        union all
        select unnest(list_distinct(provider_names)) as provider_name from incidents where len(provider_names) > 1
    )
    where provider_name is not null
),

final as (
    select
        hash(provider_name) as name_key,
        if(
            count(*) > 1,
            error('provider names ' || string_agg(provider_name, ' and ') || ' share the key '
                || hash(provider_name)::varchar || ' in mart_incident_name_keys; report this as a bug'),
            any_value(provider_name)
        ) as provider_name,
    from names
    group by name_key
)

select * from final
