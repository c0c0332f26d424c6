-- Staging of incidents: type the adapter's text columns, check every rule, then good rows
-- go to stg_incidents and failing rows to quarantine, each with every rule it broke and the raw
-- record it came from.
--
-- Written from the declarations in core/schema.py (columns, types, keys, vocabularies) and the
-- rules in etl/stage.py by `python -m etl.stage --write`; edit those, not this file (a test
-- fails when this file differs from what they give).
--
-- Reads: prestaged (the adapter's view: one text column per entity column, then __file, __line)
-- and raw_input (the file as read). Parameters: $source, $load_id, $run_date. Per-source macros
-- (etl/stage.py): source_number(text), source_decimal_separator(), other_decimal_separator(),
-- check_encoding(). Rules: control_character, date_parses, date_plausible, encoding, known_jurisdiction, known_value, number_parses, number_range, required.

-- Cheap first: one boolean per row. The error list is built only for the rows that failed.
create or replace temp table __checked as
with typed as (
    select
        normalize_key("incident_id") as "incident_id", "incident_id" as "raw__incident_id",
        clean_text("record_type") as "record_type", "record_type" as "raw__record_type",
        parse_date("occurred_date") as "occurred_date", "occurred_date" as "raw__occurred_date",
        clean_text("occurred_precision") as "occurred_precision", "occurred_precision" as "raw__occurred_precision",
        parse_date("reported_date") as "reported_date", "reported_date" as "raw__reported_date",
        clean_text("title") as "title", "title" as "raw__title",
        clean_text("description") as "description", "description" as "raw__description",
        clean_text("country") as "country", "country" as "raw__country",
        list_filter("countries", lambda x: x is not null and trim(x) <> '') as "countries", "countries" as "raw__countries",
        jurisdiction_of("jurisdiction_code") as "jurisdiction_code", "jurisdiction_code" as "raw__jurisdiction_code",
        list_filter("provider_names", lambda x: x is not null and trim(x) <> '') as "provider_names", "provider_names" as "raw__provider_names",
        clean_text("service_name") as "service_name", "service_name" as "raw__service_name",
        clean_text("category") as "category", "category" as "raw__category",
        clean_text("severity") as "severity", "severity" as "raw__severity",
        clean_text("issuing_body") as "issuing_body", "issuing_body" as "raw__issuing_body",
        list_filter("violation_types", lambda x: x is not null and trim(x) <> '') as "violation_types", "violation_types" as "raw__violation_types",
        clean_text("enforcement_action") as "enforcement_action", "enforcement_action" as "raw__enforcement_action",
        source_number("penalty_amount") as "penalty_amount", "penalty_amount" as "raw__penalty_amount",
        clean_text("penalty_currency") as "penalty_currency", "penalty_currency" as "raw__penalty_currency",
        clean_text("status") as "status", "status" as "raw__status",
        clean_text("registration_id") as "registration_id", "registration_id" as "raw__registration_id",
        clean_text("url") as "url", "url" as "raw__url",
        __file, __line
    from prestaged
)
select
    * exclude ("raw__record_type", "raw__occurred_date", "raw__occurred_precision", "raw__reported_date", "raw__title", "raw__description", "raw__country", "raw__countries", "raw__jurisdiction_code", "raw__provider_names", "raw__service_name", "raw__category", "raw__severity", "raw__issuing_body", "raw__violation_types", "raw__enforcement_action", "raw__penalty_amount", "raw__penalty_currency", "raw__status", "raw__registration_id", "raw__url"),
    case when
        coalesce(clean_text("raw__incident_id"::varchar) is null, false) or
        coalesce(contains("incident_id", chr(0)), false) or
        coalesce(check_encoding() and contains("incident_id", chr(65533)), false) or
        coalesce(clean_text("raw__record_type"::varchar) is null, false) or
        coalesce("record_type" is not null and not list_contains(['incident', 'enforcement'], "record_type"), false) or
        coalesce(contains("record_type", chr(0)), false) or
        coalesce(check_encoding() and contains("record_type", chr(65533)), false) or
        coalesce("occurred_date" is null and clean_text("raw__occurred_date") is not null, false) or
        coalesce("occurred_date" > $run_date::date or "occurred_date" < date '1980-01-01', false) or
        coalesce("occurred_precision" is not null and not list_contains(['day', 'month', 'year', 'range', 'open', 'unknown'], "occurred_precision"), false) or
        coalesce(contains("occurred_precision", chr(0)), false) or
        coalesce(check_encoding() and contains("occurred_precision", chr(65533)), false) or
        coalesce("reported_date" is null and clean_text("raw__reported_date") is not null, false) or
        coalesce("reported_date" > $run_date::date or "reported_date" < date '1980-01-01', false) or
        coalesce(clean_text("raw__title"::varchar) is null, false) or
        coalesce(contains("title", chr(0)), false) or
        coalesce(check_encoding() and contains("title", chr(65533)), false) or
        coalesce(contains("description", chr(0)), false) or
        coalesce(check_encoding() and contains("description", chr(65533)), false) or
        coalesce(contains("country", chr(0)), false) or
        coalesce(check_encoding() and contains("country", chr(65533)), false) or
        coalesce("jurisdiction_code" is null and clean_text("raw__jurisdiction_code") is not null, false) or
        coalesce(contains("jurisdiction_code", chr(0)), false) or
        coalesce(check_encoding() and contains("jurisdiction_code", chr(65533)), false) or
        coalesce(contains("service_name", chr(0)), false) or
        coalesce(check_encoding() and contains("service_name", chr(65533)), false) or
        coalesce(clean_text("raw__category"::varchar) is null, false) or
        coalesce("category" is not null and not list_contains(['deepfake', 'privacy', 'misinformation', 'bias', 'safety', 'security', 'intellectual_property', 'fraud', 'unlicensed_service', 'labelling', 'content', 'other'], "category"), false) or
        coalesce(contains("category", chr(0)), false) or
        coalesce(check_encoding() and contains("category", chr(65533)), false) or
        coalesce("severity" is not null and not list_contains(['low', 'medium', 'high', 'critical', 'unknown'], "severity"), false) or
        coalesce(contains("severity", chr(0)), false) or
        coalesce(check_encoding() and contains("severity", chr(65533)), false) or
        coalesce(contains("issuing_body", chr(0)), false) or
        coalesce(check_encoding() and contains("issuing_body", chr(65533)), false) or
        coalesce(contains("enforcement_action", chr(0)), false) or
        coalesce(check_encoding() and contains("enforcement_action", chr(65533)), false) or
        coalesce("penalty_amount" is null and clean_text("raw__penalty_amount") is not null, false) or
        coalesce("penalty_amount" < 0 or "penalty_amount" > 1e15, false) or
        coalesce(contains("penalty_currency", chr(0)), false) or
        coalesce(check_encoding() and contains("penalty_currency", chr(65533)), false) or
        coalesce(contains("status", chr(0)), false) or
        coalesce(check_encoding() and contains("status", chr(65533)), false) or
        coalesce(contains("registration_id", chr(0)), false) or
        coalesce(check_encoding() and contains("registration_id", chr(65533)), false) or
        coalesce(contains("url", chr(0)), false) or
        coalesce(check_encoding() and contains("url", chr(65533)), false)
    then list_filter([
        case when clean_text("raw__incident_id"::varchar) is null
            then {'rule': 'required', 'column': 'incident_id', 'message': 'incident_id is required but empty'} end,
        case when contains("incident_id", chr(0))
            then {'rule': 'control_character', 'column': 'incident_id', 'message': 'incident_id holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("incident_id", chr(65533))
            then {'rule': 'encoding', 'column': 'incident_id', 'message': 'incident_id holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__record_type"::varchar) is null
            then {'rule': 'required', 'column': 'record_type', 'message': 'record_type is required but empty'} end,
        case when "record_type" is not null and not list_contains(['incident', 'enforcement'], "record_type")
            then {'rule': 'known_value', 'column': 'record_type', 'message': 'record_type ' || to_json("record_type") || ' is not one of incident, enforcement'} end,
        case when contains("record_type", chr(0))
            then {'rule': 'control_character', 'column': 'record_type', 'message': 'record_type holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("record_type", chr(65533))
            then {'rule': 'encoding', 'column': 'record_type', 'message': 'record_type holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when "occurred_date" is null and clean_text("raw__occurred_date") is not null
            then {'rule': 'date_parses', 'column': 'occurred_date', 'message': 'occurred_date ' || to_json(clean_text("raw__occurred_date")) || ' is not a date; expected YYYY-MM-DD or YYYY/M/D'} end,
        case when "occurred_date" > $run_date::date or "occurred_date" < date '1980-01-01'
            then {'rule': 'date_plausible', 'column': 'occurred_date', 'message': 'occurred_date ' || "occurred_date" || ' is ' || case when "occurred_date" > $run_date::date then 'in the future' else 'before 1980-01-01' end} end,
        case when "occurred_precision" is not null and not list_contains(['day', 'month', 'year', 'range', 'open', 'unknown'], "occurred_precision")
            then {'rule': 'known_value', 'column': 'occurred_precision', 'message': 'occurred_precision ' || to_json("occurred_precision") || ' is not one of day, month, year, range, open, unknown'} end,
        case when contains("occurred_precision", chr(0))
            then {'rule': 'control_character', 'column': 'occurred_precision', 'message': 'occurred_precision holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("occurred_precision", chr(65533))
            then {'rule': 'encoding', 'column': 'occurred_precision', 'message': 'occurred_precision holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when "reported_date" is null and clean_text("raw__reported_date") is not null
            then {'rule': 'date_parses', 'column': 'reported_date', 'message': 'reported_date ' || to_json(clean_text("raw__reported_date")) || ' is not a date; expected YYYY-MM-DD or YYYY/M/D'} end,
        case when "reported_date" > $run_date::date or "reported_date" < date '1980-01-01'
            then {'rule': 'date_plausible', 'column': 'reported_date', 'message': 'reported_date ' || "reported_date" || ' is ' || case when "reported_date" > $run_date::date then 'in the future' else 'before 1980-01-01' end} end,
        case when clean_text("raw__title"::varchar) is null
            then {'rule': 'required', 'column': 'title', 'message': 'title is required but empty'} end,
        case when contains("title", chr(0))
            then {'rule': 'control_character', 'column': 'title', 'message': 'title holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("title", chr(65533))
            then {'rule': 'encoding', 'column': 'title', 'message': 'title holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("description", chr(0))
            then {'rule': 'control_character', 'column': 'description', 'message': 'description holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("description", chr(65533))
            then {'rule': 'encoding', 'column': 'description', 'message': 'description holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("country", chr(0))
            then {'rule': 'control_character', 'column': 'country', 'message': 'country holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("country", chr(65533))
            then {'rule': 'encoding', 'column': 'country', 'message': 'country holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when "jurisdiction_code" is null and clean_text("raw__jurisdiction_code") is not null
            then {'rule': 'known_jurisdiction', 'column': 'jurisdiction_code', 'message': 'jurisdiction ' || to_json(clean_text("raw__jurisdiction_code")) || ' is not a known province or region'} end,
        case when contains("jurisdiction_code", chr(0))
            then {'rule': 'control_character', 'column': 'jurisdiction_code', 'message': 'jurisdiction_code holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("jurisdiction_code", chr(65533))
            then {'rule': 'encoding', 'column': 'jurisdiction_code', 'message': 'jurisdiction_code holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("service_name", chr(0))
            then {'rule': 'control_character', 'column': 'service_name', 'message': 'service_name holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("service_name", chr(65533))
            then {'rule': 'encoding', 'column': 'service_name', 'message': 'service_name holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__category"::varchar) is null
            then {'rule': 'required', 'column': 'category', 'message': 'category is required but empty'} end,
        case when "category" is not null and not list_contains(['deepfake', 'privacy', 'misinformation', 'bias', 'safety', 'security', 'intellectual_property', 'fraud', 'unlicensed_service', 'labelling', 'content', 'other'], "category")
            then {'rule': 'known_value', 'column': 'category', 'message': 'category ' || to_json("category") || ' is not one of deepfake, privacy, misinformation, bias, safety, security, intellectual_property, fraud, unlicensed_service, labelling, content, other'} end,
        case when contains("category", chr(0))
            then {'rule': 'control_character', 'column': 'category', 'message': 'category holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("category", chr(65533))
            then {'rule': 'encoding', 'column': 'category', 'message': 'category holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when "severity" is not null and not list_contains(['low', 'medium', 'high', 'critical', 'unknown'], "severity")
            then {'rule': 'known_value', 'column': 'severity', 'message': 'severity ' || to_json("severity") || ' is not one of low, medium, high, critical, unknown'} end,
        case when contains("severity", chr(0))
            then {'rule': 'control_character', 'column': 'severity', 'message': 'severity holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("severity", chr(65533))
            then {'rule': 'encoding', 'column': 'severity', 'message': 'severity holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("issuing_body", chr(0))
            then {'rule': 'control_character', 'column': 'issuing_body', 'message': 'issuing_body holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("issuing_body", chr(65533))
            then {'rule': 'encoding', 'column': 'issuing_body', 'message': 'issuing_body holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("enforcement_action", chr(0))
            then {'rule': 'control_character', 'column': 'enforcement_action', 'message': 'enforcement_action holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("enforcement_action", chr(65533))
            then {'rule': 'encoding', 'column': 'enforcement_action', 'message': 'enforcement_action holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when "penalty_amount" is null and clean_text("raw__penalty_amount") is not null
            then {'rule': 'number_parses', 'column': 'penalty_amount', 'message': 'penalty_amount ' || to_json(clean_text("raw__penalty_amount")) || case when source_number(clean_text("raw__penalty_amount")) is null and contains(clean_text("raw__penalty_amount"), other_decimal_separator()) then ' is not a number in this source''s format (decimal separator ''' || source_decimal_separator() || '''); if the file writes decimals as 12' || other_decimal_separator() || '5, set options.decimal_separator = ''' || other_decimal_separator() || '''' when source_number(clean_text("raw__penalty_amount")) is null then ' is not a number' when abs(source_number(clean_text("raw__penalty_amount"))) >= 1e18 then ' is implausibly large' else ' is not a whole number' end} end,
        case when "penalty_amount" < 0 or "penalty_amount" > 1e15
            then {'rule': 'number_range', 'column': 'penalty_amount', 'message': 'penalty_amount ' || "penalty_amount" || case when "penalty_amount" < 0 then ' is negative' else ' is implausibly large' end} end,
        case when contains("penalty_currency", chr(0))
            then {'rule': 'control_character', 'column': 'penalty_currency', 'message': 'penalty_currency holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("penalty_currency", chr(65533))
            then {'rule': 'encoding', 'column': 'penalty_currency', 'message': 'penalty_currency holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("status", chr(0))
            then {'rule': 'control_character', 'column': 'status', 'message': 'status holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("status", chr(65533))
            then {'rule': 'encoding', 'column': 'status', 'message': 'status holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("registration_id", chr(0))
            then {'rule': 'control_character', 'column': 'registration_id', 'message': 'registration_id holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("registration_id", chr(65533))
            then {'rule': 'encoding', 'column': 'registration_id', 'message': 'registration_id holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("url", chr(0))
            then {'rule': 'control_character', 'column': 'url', 'message': 'url holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("url", chr(65533))
            then {'rule': 'encoding', 'column': 'url', 'message': 'url holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end
    ], lambda e: e is not null) end as __errors
from typed;

-- Duplicate keys among otherwise good rows: the first line loads, later ones are quarantined.
-- An aggregate finds the few duplicated keys far faster than a window over every row.
create or replace temp table __dups as
select "incident_id", min(__line) as __first_line
from __checked
where __errors is null and "incident_id" is not null
group by "incident_id"
having count(*) > 1;

update __checked
set __errors = [{
    'rule': 'duplicate_key',
    'column': 'incident_id',
    'message': 'duplicate key ' || to_json(coalesce(__checked."incident_id"::varchar, '')) || ' first seen on line ' || __dups.__first_line
}]
from __dups
where __checked."incident_id" = __dups."incident_id" and __checked.__line > __dups.__first_line and __checked.__errors is null;

drop table __dups;

insert into stg_incidents
select "incident_id", "record_type", "occurred_date", "occurred_precision", "reported_date", "title", "description", "country", "countries", "jurisdiction_code", "provider_names", "service_name", "category", "severity", "issuing_body", "violation_types", "enforcement_action", "penalty_amount", "penalty_currency", "status", "registration_id", "url", $source, $load_id, __file, __line
from __checked
where __errors is null;

-- Normalising a key must not lose what the file said: the raw value of incident_id is kept.
insert into key_normalisations
select $load_id, $source, __file, __line, 'incident_id', "raw__incident_id"::varchar, "incident_id"::varchar
from __checked
where __errors is null and "raw__incident_id"::varchar is distinct from "incident_id"::varchar
    and clean_text("raw__incident_id"::varchar) is distinct from "incident_id"::varchar;

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
