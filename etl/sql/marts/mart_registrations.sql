-- Registrations listed by this build's inputs, with their history across loads: first and last
-- seen, and when the status last changed. Numbers that dropped out of every list move to
-- mart_registrations_delisted.
create or replace table mart_registrations as
with current_rows as (
    select * from int_registrations_current
),

previous_rows as (
    select * from prev_registrations
),

jurisdictions as (
    select * from ref_jurisdictions
),

still_listed as (
    select
        current_rows.*,
        coalesce(previous_rows.first_seen_load_id, $load_id) as first_seen_load_id,
        coalesce(previous_rows.first_seen_at, $loaded_at::timestamptz) as first_seen_at,
        $load_id as last_seen_load_id,
        $loaded_at::timestamptz as last_seen_at,
        case
            when previous_rows.registration_id is null or previous_rows.status is distinct from current_rows.status
                then $load_id
            else previous_rows.status_changed_load_id
        end as status_changed_load_id,
        case
            when previous_rows.registration_id is null or previous_rows.status is distinct from current_rows.status
                then $loaded_at::timestamptz
            else previous_rows.status_changed_at
        end as status_changed_at,
        -- The status before the last change: carried over while the status stays the same, so a
        -- re-run on unchanged inputs keeps it (empty for a number never seen in another status).
        case
            when previous_rows.registration_id is null then null
            when previous_rows.status is distinct from current_rows.status then previous_rows.status
            else previous_rows.previous_status
        end as previous_status,
    from current_rows
    left join previous_rows on previous_rows.registration_id = current_rows.registration_id
),

dated as (
    -- A number cancelled with no date anywhere counts as cancelled from the load that first saw
    -- it cancelled (status_changed_at), and says so.
    select
        * replace (
            coalesce(cancelled_date, case when status = 'cancelled' then status_changed_at::date end) as cancelled_date,
            case
                when cancelled_date is null and status = 'cancelled' then 'load ' || status_changed_load_id
                else cancelled_date_basis
            end as cancelled_date_basis
        ),
    from still_listed
),

final as (
    select
        dated.*,
        jurisdictions.name_zh as jurisdiction_name,
        jurisdictions.name_en as jurisdiction_name_en,
    from dated
    left join jurisdictions on jurisdictions.code = dated.jurisdiction_code
)

select * from final
