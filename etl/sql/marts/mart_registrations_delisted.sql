-- Numbers that an earlier build listed and no current input lists any more: kept, never lost.
-- A number that comes back is listed again and leaves this table.
create or replace table mart_registrations_delisted as
with previous_rows as (
    select * from prev_registrations
),

previously_delisted as (
    select * from prev_delisted
),

current_rows as (
    select registration_id from mart_registrations
),

newly_delisted as (
    select
        previous_rows.*,
        $load_id as delisted_load_id,
        $loaded_at::timestamptz as delisted_at,
    from previous_rows
    anti join current_rows on current_rows.registration_id = previous_rows.registration_id
),

still_delisted as (
    select previously_delisted.*
    from previously_delisted
    anti join current_rows on current_rows.registration_id = previously_delisted.registration_id
    anti join newly_delisted on newly_delisted.registration_id = previously_delisted.registration_id
),

final as (
    select * from newly_delisted
    union all by name
    select * from still_delisted
)

select * from final
