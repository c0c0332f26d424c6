-- Incidents and enforcement actions from every source, linked to a registration when known:
-- by the registration_id the source gives; else through the matched provider (or normalised
-- provider name), preferring a registration whose service or product name matches the
-- incident's service. How the link was made is recorded, and whether it was filed before.
create or replace table mart_incidents as
-- Not materialized: the incidents are read three times below, and DuckDB would otherwise copy
-- every column of every incident into a temporary result first (at 10M rows, most of this
-- model's time and a spill to disk); each read now scans only the columns it uses.
with incidents as not materialized (
    select * from stg_incidents
),

registrations as (
    select
        registration_id,
        filed_date,
        provider_name as registered_provider_name,
        service_name as registered_service_name,
    from mart_registrations
),

registration_providers as (
    select * from int_registration_providers
),

incident_providers as (
    select * from mart_incident_providers
),

jurisdictions as (
    select * from ref_jurisdictions
),

given_links as (
    select
        incidents.incident_id,
        registrations.registration_id,
        'registration_id' as link_method,
        null::varchar as provider_match_method,
        null::varchar as service_match,
        0 as link_rank,
    from incidents
    join registrations on registrations.registration_id = incidents.registration_id
),

-- Only incidents whose source names no registration: a number the source gives is taken as
-- given, and one no list holds is reported as unknown_registration rather than re-linked.
provider_pairs as (
    select distinct
        incident_providers.incident_id,
        incident_providers.link_key,
        incident_providers.match_method,
    from incident_providers
    semi join incidents
        on incidents.incident_id = incident_providers.incident_id and incidents.registration_id is null
    where incident_providers.has_registrations
),

provider_candidates as (
    select
        provider_pairs.incident_id,
        registration_providers.registration_id,
        coalesce(provider_pairs.match_method, 'normalised_name') as provider_match_method,
        name_key(incidents.service_name) as service_key,
        registration_providers.service_keys,
        registration_providers.filed_date,
    from provider_pairs
    join registration_providers on registration_providers.link_key = provider_pairs.link_key
    join incidents on incidents.incident_id = provider_pairs.incident_id
),

provider_links as (
    select
        incident_id,
        registration_id,
        provider_match_method,
        service_match,
        case service_match when 'exact' then 1 when 'partial' then 2 else 3 end as link_rank,
        filed_date,
    from (
        select
            *,
            case
                when service_key is null then null
                when list_contains(service_keys, service_key) then 'exact'
                -- One name inside the other (DeepSeek in 求索对话DeepSeekChat), within one provider only.
                when length(service_key) >= 2 and list_bool_or(list_transform(
                    service_keys, lambda k: length(k) >= 2 and (contains(k, service_key) or contains(service_key, k))
                )) then 'partial'
            end as service_match,
        from provider_candidates
    )
),

ranked_links as (
    select
        incident_id,
        registration_id,
        case when link_rank = 0 then 'registration_id' when link_rank < 3 then 'provider_and_service'
             else 'provider_only' end as link_method,
        provider_match_method,
        service_match,
        count(*) over (partition by incident_id) as candidate_registration_count,
        row_number() over (partition by incident_id order by link_rank, filed_date, registration_id) as pick,
    from (
        select incident_id, registration_id, provider_match_method, service_match, link_rank, null::date as filed_date
        from given_links
        union all
        select incident_id, registration_id, provider_match_method, service_match, link_rank, filed_date
        from provider_links
    )
),

best_links as (
    select * exclude (pick) from ranked_links where pick = 1
),

-- Only names that matched a provider: grouping just those keeps this small at 10M incidents.
incident_provider_ids as (
    select
        incident_id,
        list(distinct provider_id order by provider_id) as provider_ids,
    from incident_providers
    where provider_id is not null
    group by incident_id
),

final as (
    select
        incidents.* exclude (source_file, source_line),
        jurisdictions.name_zh as jurisdiction_name,
        jurisdictions.name_en as jurisdiction_name_en,
        coalesce(incidents.occurred_date, incidents.reported_date) as event_date,
        -- The date is known at least to the month: the only records a monthly chart draws (a
        -- year-precision `2019` is stored as 2019-01-01 and would pile up in January). A
        -- reported date is a day.
        (
            incidents.occurred_date is null or coalesce(incidents.occurred_precision, 'day') in ('day', 'month')
        ) as is_month_precise,
        case
            when best_links.registration_id is not null then 'linked'
            when incidents.registration_id is not null then 'unknown_registration'
            else 'unlinked'
        end as link_status,
        best_links.link_method,
        best_links.registration_id as linked_registration_id,
        incident_provider_ids.provider_ids,
        -- The one provider name of a record that gives one, as a 64-bit hash: the dashboard ranks
        -- repeat providers by grouping on this number, a tenth of the time grouping on the text
        -- takes at 10M records (dashboard/sql/repeat_providers.sql; mart_incident_name_keys
        -- gives each key its name). Empty for a record giving none or several names.
        case
            when len(incidents.provider_names) = 1 and incidents.provider_names[1] is not null
                then hash(incidents.provider_names[1])
        end as provider_key,
        best_links.provider_match_method,
        best_links.service_match,
        best_links.candidate_registration_count,
        registrations.filed_date as registration_filed_date,
        registrations.registered_provider_name,
        registrations.registered_service_name,
        case
            when registrations.registration_id is null then null
            else registrations.filed_date <= coalesce(incidents.occurred_date, incidents.reported_date)
        end as is_filed_before_incident,
        incidents.source_file,
        incidents.source_line,
    from incidents
    left join best_links on best_links.incident_id = incidents.incident_id
    left join registrations on registrations.registration_id = best_links.registration_id
    left join incident_provider_ids on incident_provider_ids.incident_id = incidents.incident_id
    left join jurisdictions on jurisdictions.code = incidents.jurisdiction_code
)

-- Stored in event order: DuckDB's per-row-group min/max then lets a period filter skip most of a
-- 10M-row table, which keeps the dashboard's provider searches fast (0.23 s against 0.45 s
-- unsorted on Overview at 10M). By the date alone: the order within a day serves no query, and
-- sorting on the id as well took this model from 19 s to 23 s at 10M rows.
select * from final order by event_date
