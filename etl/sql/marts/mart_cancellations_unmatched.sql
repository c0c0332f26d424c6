-- Cancellation notices naming a number that no list holds: kept and reported, never dropped.
create or replace table mart_cancellations_unmatched as
with cancellations as (
    select * from stg_cancellations
),

registrations as (
    select registration_id from mart_registrations
),

final as (
    select cancellations.*
    from cancellations
    anti join registrations on registrations.registration_id = cancellations.registration_id
)

select * from final
