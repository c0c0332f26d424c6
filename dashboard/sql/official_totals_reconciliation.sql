-- The regulator's announced cumulative totals (entity official_totals) against the lists: for
-- each official date in the period, the unique filings and registrations of the batches
-- published up to that date, the official figures and the differences. National figures: the
-- jurisdiction and provider filters do not apply; the list filter picks which lists.
--
-- "Published up to D": a batch counts for D when none of its entries is dated after D (its
-- latest entry date is its as-of date; publication dates are not in the lists). So the batch
-- titled 2025-01, whose entries end on 2024-12-30 and which accompanied the notice of
-- 2025-01-08, counts for 2024-12-31. A number counts once, in the first batch that lists it;
-- on-device services are neither filings nor registrations. Cancellations are not subtracted.
with totals as (
    select
        "date" as as_of_date,
        "list" as registry,
        filed as official_filed_count,
        registered as official_registered_count,
        source_url,
        note,
    from stg_official_totals
    where "date" between $start_date and $end_date
        and (len($registries::varchar[]) = 0 or list_contains($registries::varchar[], "list"))
),

listed as (
    select
        registry,
        kind,
        batch,
        filed_date,
    from mart_registrations
    where batch is not null and kind in ('filing', 'registration')
),

batches as (
    select
        registry,
        batch,
        max(filed_date) as batch_as_of_date,
        count(*) filter (where kind = 'filing') as filed_count,
        count(*) filter (where kind = 'registration') as registered_count,
    from listed
    group by all
),

counted as (
    select
        totals.as_of_date,
        totals.registry,
        coalesce(sum(batches.filed_count), 0)::bigint as filed_count,
        coalesce(sum(batches.registered_count), 0)::bigint as registered_count,
        count(batches.batch) as batch_count,
        max(batches.batch) as last_batch,
    from totals
    left join batches
        on batches.registry = totals.registry
        and batches.batch_as_of_date <= totals.as_of_date
    group by all
),

final as (
    select
        totals.as_of_date,
        totals.registry,
        counted.filed_count,
        totals.official_filed_count,
        counted.filed_count - totals.official_filed_count as filed_difference,
        counted.registered_count,
        totals.official_registered_count,
        counted.registered_count - totals.official_registered_count as registered_difference,
        counted.batch_count,
        counted.last_batch,
        totals.source_url,
        totals.note,
    from totals
    join counted on counted.as_of_date = totals.as_of_date and counted.registry = totals.registry
)

select * from final
order by as_of_date, registry
