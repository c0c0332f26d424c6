-- What changed in the lists at each load: new, cancelled, renamed and delisted numbers.
-- This load's changes are added to those of earlier loads (carried from the previous build).
create or replace table mart_registration_changes as
with current_rows as (
    select * from mart_registrations
),

previous_rows as (
    select * from prev_registrations
),

new_numbers as (
    select
        'new' as change_type,
        current_rows.registration_id,
        null::varchar as old_value,
        current_rows.service_name as new_value,
    from current_rows
    anti join previous_rows on previous_rows.registration_id = current_rows.registration_id
),

cancelled as (
    select
        'cancelled' as change_type,
        current_rows.registration_id,
        previous_rows.status as old_value,
        current_rows.status as new_value,
    from current_rows
    join previous_rows on previous_rows.registration_id = current_rows.registration_id
    where current_rows.status = 'cancelled' and previous_rows.status = 'active'
),

renamed as (
    select
        'renamed' as change_type,
        current_rows.registration_id,
        previous_rows.latest_service_name as old_value,
        current_rows.latest_service_name as new_value,
    from current_rows
    join previous_rows on previous_rows.registration_id = current_rows.registration_id
    where current_rows.latest_service_name is distinct from previous_rows.latest_service_name
),

previous_load as (
    select max(last_seen_load_id) as previous_load_id from previous_rows
),

delisted as (
    select
        'delisted' as change_type,
        registration_id,
        latest_service_name as old_value,
        null::varchar as new_value,
    from mart_registrations_delisted
    where delisted_load_id = $load_id
),

this_load as (
    select
        changes.*,
        $load_id as load_id,
        previous_load.previous_load_id,
    from previous_load, (
        select * from new_numbers
        union all
        select * from cancelled
        union all
        select * from renamed
        union all
        select * from delisted
    ) as changes
),

final as (
    select * from this_load
    union all by name
    select * from prev_changes
)

select * from final
