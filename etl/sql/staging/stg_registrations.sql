-- Staging of registrations: type the adapter's text columns, check every rule, then good rows
-- go to stg_registrations and failing rows to quarantine, each with every rule it broke and the raw
-- record it came from.
--
-- Written from the declarations in core/schema.py (columns, types, keys, vocabularies) and the
-- rules in etl/stage.py by `python -m etl.stage --write`; edit those, not this file (a test
-- fails when this file differs from what they give).
--
-- Reads: prestaged (the adapter's view: one text column per entity column, then __file, __line)
-- and raw_input (the file as read). Parameters: $source, $load_id, $run_date. Per-source macros
-- (etl/stage.py): source_number(text), source_decimal_separator(), other_decimal_separator(),
-- check_encoding(). Rules: cancelled_after_filed, control_character, date_parses, date_plausible, encoding, known_jurisdiction, known_value, required.

-- Cheap first: one boolean per row. The error list is built only for the rows that failed.
create or replace temp table __checked as
with typed as (
    select
        normalize_key("registration_id") as "registration_id", "registration_id" as "raw__registration_id",
        clean_text("registry") as "registry", "registry" as "raw__registry",
        clean_text("kind") as "kind", "kind" as "raw__kind",
        clean_text("service_name") as "service_name", "service_name" as "raw__service_name",
        clean_text("provider_name") as "provider_name", "provider_name" as "raw__provider_name",
        clean_text("provider_role") as "provider_role", "provider_role" as "raw__provider_role",
        jurisdiction_of("jurisdiction_code") as "jurisdiction_code", "jurisdiction_code" as "raw__jurisdiction_code",
        clean_text("category") as "category", "category" as "raw__category",
        list_filter("products", lambda x: x is not null and trim(x) <> '') as "products", "products" as "raw__products",
        clean_text("purpose") as "purpose", "purpose" as "raw__purpose",
        parse_date("filed_date") as "filed_date", "filed_date" as "raw__filed_date",
        clean_text("filed_date_note") as "filed_date_note", "filed_date_note" as "raw__filed_date_note",
        clean_text("batch") as "batch", "batch" as "raw__batch",
        parse_date("published_date") as "published_date", "published_date" as "raw__published_date",
        clean_text("status") as "status", "status" as "raw__status",
        parse_date("cancelled_date") as "cancelled_date", "cancelled_date" as "raw__cancelled_date",
        clean_text("remarks") as "remarks", "remarks" as "raw__remarks",
        __file, __line
    from prestaged
)
select
    * exclude ("raw__registry", "raw__kind", "raw__service_name", "raw__provider_name", "raw__provider_role", "raw__jurisdiction_code", "raw__category", "raw__products", "raw__purpose", "raw__filed_date", "raw__filed_date_note", "raw__batch", "raw__published_date", "raw__status", "raw__cancelled_date", "raw__remarks"),
    case when
        coalesce(clean_text("raw__registration_id"::varchar) is null, false) or
        coalesce(contains("registration_id", chr(0)), false) or
        coalesce(check_encoding() and contains("registration_id", chr(65533)), false) or
        coalesce(clean_text("raw__registry"::varchar) is null, false) or
        coalesce(contains("registry", chr(0)), false) or
        coalesce(check_encoding() and contains("registry", chr(65533)), false) or
        coalesce(clean_text("raw__kind"::varchar) is null, false) or
        coalesce("kind" is not null and not list_contains(['filing', 'registration', 'licence', 'on_device'], "kind"), false) or
        coalesce(contains("kind", chr(0)), false) or
        coalesce(check_encoding() and contains("kind", chr(65533)), false) or
        coalesce(clean_text("raw__service_name"::varchar) is null, false) or
        coalesce(contains("service_name", chr(0)), false) or
        coalesce(check_encoding() and contains("service_name", chr(65533)), false) or
        coalesce(clean_text("raw__provider_name"::varchar) is null, false) or
        coalesce(contains("provider_name", chr(0)), false) or
        coalesce(check_encoding() and contains("provider_name", chr(65533)), false) or
        coalesce(contains("provider_role", chr(0)), false) or
        coalesce(check_encoding() and contains("provider_role", chr(65533)), false) or
        coalesce("jurisdiction_code" is null and clean_text("raw__jurisdiction_code") is not null, false) or
        coalesce(contains("jurisdiction_code", chr(0)), false) or
        coalesce(check_encoding() and contains("jurisdiction_code", chr(65533)), false) or
        coalesce(contains("category", chr(0)), false) or
        coalesce(check_encoding() and contains("category", chr(65533)), false) or
        coalesce(contains("purpose", chr(0)), false) or
        coalesce(check_encoding() and contains("purpose", chr(65533)), false) or
        coalesce(clean_text("raw__filed_date"::varchar) is null, false) or
        coalesce("filed_date" is null and clean_text("raw__filed_date") is not null, false) or
        coalesce("filed_date" > $run_date::date or "filed_date" < date '2015-01-01', false) or
        coalesce(contains("filed_date_note", chr(0)), false) or
        coalesce(check_encoding() and contains("filed_date_note", chr(65533)), false) or
        coalesce(contains("batch", chr(0)), false) or
        coalesce(check_encoding() and contains("batch", chr(65533)), false) or
        coalesce("published_date" is null and clean_text("raw__published_date") is not null, false) or
        coalesce("published_date" > $run_date::date or "published_date" < date '2015-01-01', false) or
        coalesce(clean_text("raw__status"::varchar) is null, false) or
        coalesce("status" is not null and not list_contains(['active', 'cancelled'], "status"), false) or
        coalesce(contains("status", chr(0)), false) or
        coalesce(check_encoding() and contains("status", chr(65533)), false) or
        coalesce("cancelled_date" is null and clean_text("raw__cancelled_date") is not null, false) or
        coalesce("cancelled_date" > $run_date::date or "cancelled_date" < date '2015-01-01', false) or
        coalesce(contains("remarks", chr(0)), false) or
        coalesce(check_encoding() and contains("remarks", chr(65533)), false) or
        coalesce(cancelled_date < filed_date, false)
    then list_filter([
        case when clean_text("raw__registration_id"::varchar) is null
            then {'rule': 'required', 'column': 'registration_id', 'message': 'registration_id is required but empty'} end,
        case when contains("registration_id", chr(0))
            then {'rule': 'control_character', 'column': 'registration_id', 'message': 'registration_id holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("registration_id", chr(65533))
            then {'rule': 'encoding', 'column': 'registration_id', 'message': 'registration_id holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__registry"::varchar) is null
            then {'rule': 'required', 'column': 'registry', 'message': 'registry is required but empty'} end,
        case when contains("registry", chr(0))
            then {'rule': 'control_character', 'column': 'registry', 'message': 'registry holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("registry", chr(65533))
            then {'rule': 'encoding', 'column': 'registry', 'message': 'registry holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__kind"::varchar) is null
            then {'rule': 'required', 'column': 'kind', 'message': 'kind is required but empty'} end,
        case when "kind" is not null and not list_contains(['filing', 'registration', 'licence', 'on_device'], "kind")
            then {'rule': 'known_value', 'column': 'kind', 'message': 'kind ' || to_json("kind") || ' is not one of filing, registration, licence, on_device'} end,
        case when contains("kind", chr(0))
            then {'rule': 'control_character', 'column': 'kind', 'message': 'kind holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("kind", chr(65533))
            then {'rule': 'encoding', 'column': 'kind', 'message': 'kind holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__service_name"::varchar) is null
            then {'rule': 'required', 'column': 'service_name', 'message': 'service_name is required but empty'} end,
        case when contains("service_name", chr(0))
            then {'rule': 'control_character', 'column': 'service_name', 'message': 'service_name holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("service_name", chr(65533))
            then {'rule': 'encoding', 'column': 'service_name', 'message': 'service_name holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__provider_name"::varchar) is null
            then {'rule': 'required', 'column': 'provider_name', 'message': 'provider_name is required but empty'} end,
        case when contains("provider_name", chr(0))
            then {'rule': 'control_character', 'column': 'provider_name', 'message': 'provider_name holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("provider_name", chr(65533))
            then {'rule': 'encoding', 'column': 'provider_name', 'message': 'provider_name holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("provider_role", chr(0))
            then {'rule': 'control_character', 'column': 'provider_role', 'message': 'provider_role holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("provider_role", chr(65533))
            then {'rule': 'encoding', 'column': 'provider_role', 'message': 'provider_role holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when "jurisdiction_code" is null and clean_text("raw__jurisdiction_code") is not null
            then {'rule': 'known_jurisdiction', 'column': 'jurisdiction_code', 'message': 'jurisdiction ' || to_json(clean_text("raw__jurisdiction_code")) || ' is not a known province or region'} end,
        case when contains("jurisdiction_code", chr(0))
            then {'rule': 'control_character', 'column': 'jurisdiction_code', 'message': 'jurisdiction_code holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("jurisdiction_code", chr(65533))
            then {'rule': 'encoding', 'column': 'jurisdiction_code', 'message': 'jurisdiction_code holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("category", chr(0))
            then {'rule': 'control_character', 'column': 'category', 'message': 'category holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("category", chr(65533))
            then {'rule': 'encoding', 'column': 'category', 'message': 'category holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("purpose", chr(0))
            then {'rule': 'control_character', 'column': 'purpose', 'message': 'purpose holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("purpose", chr(65533))
            then {'rule': 'encoding', 'column': 'purpose', 'message': 'purpose holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__filed_date"::varchar) is null
            then {'rule': 'required', 'column': 'filed_date', 'message': 'filed_date is required but empty'} end,
        case when "filed_date" is null and clean_text("raw__filed_date") is not null
            then {'rule': 'date_parses', 'column': 'filed_date', 'message': 'filed_date ' || to_json(clean_text("raw__filed_date")) || ' is not a date; expected YYYY-MM-DD or YYYY/M/D'} end,
        case when "filed_date" > $run_date::date or "filed_date" < date '2015-01-01'
            then {'rule': 'date_plausible', 'column': 'filed_date', 'message': 'filed_date ' || "filed_date" || ' is ' || case when "filed_date" > $run_date::date then 'in the future' else 'before 2015-01-01' end} end,
        case when contains("filed_date_note", chr(0))
            then {'rule': 'control_character', 'column': 'filed_date_note', 'message': 'filed_date_note holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("filed_date_note", chr(65533))
            then {'rule': 'encoding', 'column': 'filed_date_note', 'message': 'filed_date_note holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("batch", chr(0))
            then {'rule': 'control_character', 'column': 'batch', 'message': 'batch holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("batch", chr(65533))
            then {'rule': 'encoding', 'column': 'batch', 'message': 'batch holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when "published_date" is null and clean_text("raw__published_date") is not null
            then {'rule': 'date_parses', 'column': 'published_date', 'message': 'published_date ' || to_json(clean_text("raw__published_date")) || ' is not a date; expected YYYY-MM-DD or YYYY/M/D'} end,
        case when "published_date" > $run_date::date or "published_date" < date '2015-01-01'
            then {'rule': 'date_plausible', 'column': 'published_date', 'message': 'published_date ' || "published_date" || ' is ' || case when "published_date" > $run_date::date then 'in the future' else 'before 2015-01-01' end} end,
        case when clean_text("raw__status"::varchar) is null
            then {'rule': 'required', 'column': 'status', 'message': 'status is required but empty'} end,
        case when "status" is not null and not list_contains(['active', 'cancelled'], "status")
            then {'rule': 'known_value', 'column': 'status', 'message': 'status ' || to_json("status") || ' is not one of active, cancelled'} end,
        case when contains("status", chr(0))
            then {'rule': 'control_character', 'column': 'status', 'message': 'status holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("status", chr(65533))
            then {'rule': 'encoding', 'column': 'status', 'message': 'status holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when "cancelled_date" is null and clean_text("raw__cancelled_date") is not null
            then {'rule': 'date_parses', 'column': 'cancelled_date', 'message': 'cancelled_date ' || to_json(clean_text("raw__cancelled_date")) || ' is not a date; expected YYYY-MM-DD or YYYY/M/D'} end,
        case when "cancelled_date" > $run_date::date or "cancelled_date" < date '2015-01-01'
            then {'rule': 'date_plausible', 'column': 'cancelled_date', 'message': 'cancelled_date ' || "cancelled_date" || ' is ' || case when "cancelled_date" > $run_date::date then 'in the future' else 'before 2015-01-01' end} end,
        case when contains("remarks", chr(0))
            then {'rule': 'control_character', 'column': 'remarks', 'message': 'remarks holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("remarks", chr(65533))
            then {'rule': 'encoding', 'column': 'remarks', 'message': 'remarks holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when cancelled_date < filed_date
            then {'rule': 'cancelled_after_filed', 'column': 'cancelled_date', 'message': 'cancelled_date ' || cancelled_date || ' is before filed_date ' || filed_date} end
    ], lambda e: e is not null) end as __errors
from typed;

-- Duplicate keys among otherwise good rows: the first line loads, later ones are quarantined.
-- An aggregate finds the few duplicated keys far faster than a window over every row.
create or replace temp table __dups as
select "registration_id", min(__line) as __first_line
from __checked
where __errors is null and "registration_id" is not null
group by "registration_id"
having count(*) > 1;

update __checked
set __errors = [{
    'rule': 'duplicate_key',
    'column': 'registration_id',
    'message': 'duplicate key ' || to_json(coalesce(__checked."registration_id"::varchar, '')) || ' first seen on line ' || __dups.__first_line
}]
from __dups
where __checked."registration_id" = __dups."registration_id" and __checked.__line > __dups.__first_line and __checked.__errors is null;

drop table __dups;

insert into stg_registrations
select "registration_id", "registry", "kind", "service_name", "provider_name", "provider_role", "jurisdiction_code", "category", "products", "purpose", "filed_date", "filed_date_note", "batch", "published_date", "status", "cancelled_date", "remarks", $source, $load_id, __file, __line
from __checked
where __errors is null;

-- Normalising a key must not lose what the file said: the raw value of registration_id is kept.
insert into key_normalisations
select $load_id, $source, __file, __line, 'registration_id', "raw__registration_id"::varchar, "registration_id"::varchar
from __checked
where __errors is null and "raw__registration_id"::varchar is distinct from "registration_id"::varchar
    and clean_text("raw__registration_id"::varchar) is distinct from "registration_id"::varchar;

insert into quarantine
select
    $load_id, $source, c.__file, c.__line,
    list_transform(c.__errors, lambda e: e.column),
    r.raw_json,
    list_transform(c.__errors, lambda e: e.rule),
    array_to_string(list_transform(c.__errors, lambda e: e.column || ': ' || e.message), '; '),
    'invalid'
from __checked as c
left join (
    select raw_input.__line, to_json(record)::varchar as raw_json
    from raw_input, lateral (select raw_input.* exclude (__file, __line)) as record
    where raw_input.__line in (select __line from __checked where __errors is not null)
) as r on r.__line = c.__line
where c.__errors is not null;
