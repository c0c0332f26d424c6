-- One row per filing or registration number across every list, from this build's inputs.
-- A number in two lists stays one registration that records both lists.
create or replace temp table int_registrations_current as
with listings as (
    select * from stg_registrations
),

cancellations as (
    select
        registration_id,
        min(cancelled_date) as cancelled_date,
        arg_min(notice, cancelled_date) as notice,
    from stg_cancellations
    group by registration_id
),

merged as (
    select
        registration_id,
        -- The earliest listing speaks for the number; the others are recorded in registries.
        arg_min(registry, (filed_date, registry, source, source_line)) as registry,
        list(distinct registry order by registry) as registries,
        count(*) as listing_count,
        arg_min(kind, (filed_date, registry, source, source_line)) as kind,
        arg_min(service_name, (filed_date, registry, source, source_line)) as service_name,
        arg_max(service_name, (filed_date, registry, source, source_line)) as latest_service_name,
        arg_min(provider_name, (filed_date, registry, source, source_line)) as provider_name,
        arg_min(provider_role, (provider_role is null, filed_date, registry, source)) as provider_role,
        arg_min(jurisdiction_code, (jurisdiction_code is null, filed_date, registry, source)) as jurisdiction_code,
        arg_min(category, (category is null, filed_date, registry, source)) as category,
        arg_min(products, (products is null, filed_date, registry, source)) as products,
        arg_min(purpose, (purpose is null, filed_date, registry, source)) as purpose,
        min(filed_date) as filed_date,
        arg_min(filed_date_note, (filed_date, registry, source, source_line)) as filed_date_note,
        arg_min(batch, (filed_date, registry, source, source_line)) as batch,
        -- The day the number was first published: the earliest notice date of the listings that
        -- carry one (a fetched notice's; empty for a plain file).
        min(published_date) as first_published_date,
        bool_or(status = 'cancelled') as is_listed_cancelled,
        min(cancelled_date) as listed_cancelled_date,
        -- A list that marks the number cancelled without a date (备注 已注销): the first batch
        -- that shows it cancelled is when the cancellation became known.
        min(parse_date(batch)) filter (where status = 'cancelled' and cancelled_date is null) as cancelled_batch_date,
        arg_min(batch, parse_date(batch)) filter (
            where status = 'cancelled' and cancelled_date is null
        ) as cancelled_batch,
        string_agg(distinct remarks, '; ' order by remarks) as remarks,
        -- The file the speaking listing came from: for fetched sources, its raw archive file.
        arg_min(source_file, (filed_date, registry, source, source_line)) as source_file,
    from listings
    group by registration_id
),

final as (
    select
        merged.registration_id,
        merged.registry,
        merged.registries,
        merged.listing_count,
        merged.kind,
        merged.service_name,
        merged.latest_service_name,
        merged.provider_name,
        merged.provider_role,
        merged.jurisdiction_code,
        merged.category,
        merged.products,
        merged.purpose,
        merged.filed_date,
        merged.filed_date_note,
        merged.batch,
        merged.first_published_date,
        case
            when merged.is_listed_cancelled or cancellations.registration_id is not null then 'cancelled'
            else 'active'
        end as status,
        -- The published date when there is one, else the first day of the first batch that lists
        -- the number cancelled (never before its filing); mart_registrations falls back on the
        -- load that first saw it cancelled. cancelled_date_basis says which.
        coalesce(
            least(merged.listed_cancelled_date, cancellations.cancelled_date),
            case when merged.cancelled_batch_date is not null then greatest(merged.cancelled_batch_date, merged.filed_date) end
        ) as cancelled_date,
        case
            when least(merged.listed_cancelled_date, cancellations.cancelled_date) is not null then null
            when merged.cancelled_batch_date is not null then 'batch ' || merged.cancelled_batch
        end as cancelled_date_basis,
        cancellations.notice as cancellation_notice,
        merged.remarks,
        merged.source_file,
    from merged
    left join cancellations on cancellations.registration_id = merged.registration_id
)

select * from final
