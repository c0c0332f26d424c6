-- Staging of consent: type the adapter's text columns, check every rule, then good rows
-- go to stg_consent and failing rows to quarantine, each with every rule it broke and the raw
-- record it came from.
--
-- Written from the declarations in core/schema.py (columns, types, keys, vocabularies) and the
-- rules in etl/stage.py by `python -m etl.stage --write`; edit those, not this file (a test
-- fails when this file differs from what they give).
--
-- Reads: prestaged (the adapter's view: one text column per entity column, then __file, __line)
-- and raw_input (the file as read). Parameters: $source, $load_id, $run_date. Per-source macros
-- (etl/stage.py): source_number(text), source_decimal_separator(), other_decimal_separator(),
-- check_encoding(). Rules: consented_le_personal, control_character, date_parses, date_plausible, encoding, known_value, no_pi_no_records, number_parses, number_range, required.

-- Cheap first: one boolean per row. The error list is built only for the rows that failed.
create or replace temp table __checked as
with typed as (
    select
        normalize_key("registration_id") as "registration_id", "registration_id" as "raw__registration_id",
        normalize_key("dataset_name") as "dataset_name", "dataset_name" as "raw__dataset_name",
        clean_text("has_personal_info") as "has_personal_info", "has_personal_info" as "raw__has_personal_info",
        whole_number(source_number("personal_records")) as "personal_records", "personal_records" as "raw__personal_records",
        whole_number(source_number("consented_records")) as "consented_records", "consented_records" as "raw__consented_records",
        clean_text("has_sensitive_info") as "has_sensitive_info", "has_sensitive_info" as "raw__has_sensitive_info",
        clean_text("legal_basis") as "legal_basis", "legal_basis" as "raw__legal_basis",
        parse_date("audit_date") as "audit_date", "audit_date" as "raw__audit_date",
        __file, __line
    from prestaged
)
select
    * exclude ("raw__has_personal_info", "raw__personal_records", "raw__consented_records", "raw__has_sensitive_info", "raw__legal_basis", "raw__audit_date"),
    case when
        coalesce(clean_text("raw__registration_id"::varchar) is null, false) or
        coalesce(contains("registration_id", chr(0)), false) or
        coalesce(check_encoding() and contains("registration_id", chr(65533)), false) or
        coalesce(clean_text("raw__dataset_name"::varchar) is null, false) or
        coalesce(contains("dataset_name", chr(0)), false) or
        coalesce(check_encoding() and contains("dataset_name", chr(65533)), false) or
        coalesce(clean_text("raw__has_personal_info"::varchar) is null, false) or
        coalesce("has_personal_info" is not null and not list_contains(['yes', 'no', 'unknown'], "has_personal_info"), false) or
        coalesce(contains("has_personal_info", chr(0)), false) or
        coalesce(check_encoding() and contains("has_personal_info", chr(65533)), false) or
        coalesce("personal_records" is null and clean_text("raw__personal_records") is not null, false) or
        coalesce("personal_records" < 0 or "personal_records" > 1e15, false) or
        coalesce("consented_records" is null and clean_text("raw__consented_records") is not null, false) or
        coalesce("consented_records" < 0 or "consented_records" > 1e15, false) or
        coalesce("has_sensitive_info" is not null and not list_contains(['yes', 'no', 'unknown'], "has_sensitive_info"), false) or
        coalesce(contains("has_sensitive_info", chr(0)), false) or
        coalesce(check_encoding() and contains("has_sensitive_info", chr(65533)), false) or
        coalesce("legal_basis" is not null and not list_contains(['consent', 'separate_consent', 'contract', 'legal_duty', 'public_interest', 'publicly_available', 'anonymised', 'other', 'unknown'], "legal_basis"), false) or
        coalesce(contains("legal_basis", chr(0)), false) or
        coalesce(check_encoding() and contains("legal_basis", chr(65533)), false) or
        coalesce("audit_date" is null and clean_text("raw__audit_date") is not null, false) or
        coalesce("audit_date" > $run_date::date or "audit_date" < date '2015-01-01', false) or
        coalesce(consented_records > personal_records, false) or
        coalesce(has_personal_info = 'no' and coalesce(personal_records, 0) > 0, false)
    then list_filter([
        case when clean_text("raw__registration_id"::varchar) is null
            then {'rule': 'required', 'column': 'registration_id', 'message': 'registration_id is required but empty'} end,
        case when contains("registration_id", chr(0))
            then {'rule': 'control_character', 'column': 'registration_id', 'message': 'registration_id holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("registration_id", chr(65533))
            then {'rule': 'encoding', 'column': 'registration_id', 'message': 'registration_id holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__dataset_name"::varchar) is null
            then {'rule': 'required', 'column': 'dataset_name', 'message': 'dataset_name is required but empty'} end,
        case when contains("dataset_name", chr(0))
            then {'rule': 'control_character', 'column': 'dataset_name', 'message': 'dataset_name holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("dataset_name", chr(65533))
            then {'rule': 'encoding', 'column': 'dataset_name', 'message': 'dataset_name holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__has_personal_info"::varchar) is null
            then {'rule': 'required', 'column': 'has_personal_info', 'message': 'has_personal_info is required but empty'} end,
        case when "has_personal_info" is not null and not list_contains(['yes', 'no', 'unknown'], "has_personal_info")
            then {'rule': 'known_value', 'column': 'has_personal_info', 'message': 'has_personal_info ' || to_json("has_personal_info") || ' is not one of yes, no, unknown'} end,
        case when contains("has_personal_info", chr(0))
            then {'rule': 'control_character', 'column': 'has_personal_info', 'message': 'has_personal_info holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("has_personal_info", chr(65533))
            then {'rule': 'encoding', 'column': 'has_personal_info', 'message': 'has_personal_info holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when "personal_records" is null and clean_text("raw__personal_records") is not null
            then {'rule': 'number_parses', 'column': 'personal_records', 'message': 'personal_records ' || to_json(clean_text("raw__personal_records")) || case when source_number(clean_text("raw__personal_records")) is null and contains(clean_text("raw__personal_records"), other_decimal_separator()) then ' is not a number in this source''s format (decimal separator ''' || source_decimal_separator() || '''); if the file writes decimals as 12' || other_decimal_separator() || '5, set options.decimal_separator = ''' || other_decimal_separator() || '''' when source_number(clean_text("raw__personal_records")) is null then ' is not a number' when abs(source_number(clean_text("raw__personal_records"))) >= 1e18 then ' is implausibly large' else ' is not a whole number' end} end,
        case when "personal_records" < 0 or "personal_records" > 1e15
            then {'rule': 'number_range', 'column': 'personal_records', 'message': 'personal_records ' || "personal_records" || case when "personal_records" < 0 then ' is negative' else ' is implausibly large' end} end,
        case when "consented_records" is null and clean_text("raw__consented_records") is not null
            then {'rule': 'number_parses', 'column': 'consented_records', 'message': 'consented_records ' || to_json(clean_text("raw__consented_records")) || case when source_number(clean_text("raw__consented_records")) is null and contains(clean_text("raw__consented_records"), other_decimal_separator()) then ' is not a number in this source''s format (decimal separator ''' || source_decimal_separator() || '''); if the file writes decimals as 12' || other_decimal_separator() || '5, set options.decimal_separator = ''' || other_decimal_separator() || '''' when source_number(clean_text("raw__consented_records")) is null then ' is not a number' when abs(source_number(clean_text("raw__consented_records"))) >= 1e18 then ' is implausibly large' else ' is not a whole number' end} end,
        case when "consented_records" < 0 or "consented_records" > 1e15
            then {'rule': 'number_range', 'column': 'consented_records', 'message': 'consented_records ' || "consented_records" || case when "consented_records" < 0 then ' is negative' else ' is implausibly large' end} end,
        case when "has_sensitive_info" is not null and not list_contains(['yes', 'no', 'unknown'], "has_sensitive_info")
            then {'rule': 'known_value', 'column': 'has_sensitive_info', 'message': 'has_sensitive_info ' || to_json("has_sensitive_info") || ' is not one of yes, no, unknown'} end,
        case when contains("has_sensitive_info", chr(0))
            then {'rule': 'control_character', 'column': 'has_sensitive_info', 'message': 'has_sensitive_info holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("has_sensitive_info", chr(65533))
            then {'rule': 'encoding', 'column': 'has_sensitive_info', 'message': 'has_sensitive_info holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when "legal_basis" is not null and not list_contains(['consent', 'separate_consent', 'contract', 'legal_duty', 'public_interest', 'publicly_available', 'anonymised', 'other', 'unknown'], "legal_basis")
            then {'rule': 'known_value', 'column': 'legal_basis', 'message': 'legal_basis ' || to_json("legal_basis") || ' is not one of consent, separate_consent, contract, legal_duty, public_interest, publicly_available, anonymised, other, unknown'} end,
        case when contains("legal_basis", chr(0))
            then {'rule': 'control_character', 'column': 'legal_basis', 'message': 'legal_basis holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("legal_basis", chr(65533))
            then {'rule': 'encoding', 'column': 'legal_basis', 'message': 'legal_basis holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when "audit_date" is null and clean_text("raw__audit_date") is not null
            then {'rule': 'date_parses', 'column': 'audit_date', 'message': 'audit_date ' || to_json(clean_text("raw__audit_date")) || ' is not a date; expected YYYY-MM-DD or YYYY/M/D'} end,
        case when "audit_date" > $run_date::date or "audit_date" < date '2015-01-01'
            then {'rule': 'date_plausible', 'column': 'audit_date', 'message': 'audit_date ' || "audit_date" || ' is ' || case when "audit_date" > $run_date::date then 'in the future' else 'before 2015-01-01' end} end,
        case when consented_records > personal_records
            then {'rule': 'consented_le_personal', 'column': 'consented_records', 'message': 'consented_records ' || consented_records || ' is more than personal_records ' || personal_records} end,
        case when has_personal_info = 'no' and coalesce(personal_records, 0) > 0
            then {'rule': 'no_pi_no_records', 'column': 'personal_records', 'message': 'has_personal_info is no but personal_records is ' || personal_records} end
    ], lambda e: e is not null) end as __errors
from typed;

-- Duplicate keys among otherwise good rows: the first line loads, later ones are quarantined.
-- An aggregate finds the few duplicated keys far faster than a window over every row.
create or replace temp table __dups as
select "registration_id", "dataset_name", min(__line) as __first_line
from __checked
where __errors is null and "registration_id" is not null and "dataset_name" is not null
group by "registration_id", "dataset_name"
having count(*) > 1;

update __checked
set __errors = [{
    'rule': 'duplicate_key',
    'column': 'registration_id',
    'message': 'duplicate key ' || to_json(coalesce(__checked."registration_id"::varchar, '') || ' / ' || coalesce(__checked."dataset_name"::varchar, '')) || ' first seen on line ' || __dups.__first_line
}]
from __dups
where __checked."registration_id" = __dups."registration_id" and __checked."dataset_name" = __dups."dataset_name" and __checked.__line > __dups.__first_line and __checked.__errors is null;

drop table __dups;

insert into stg_consent
select "registration_id", "dataset_name", "has_personal_info", "personal_records", "consented_records", "has_sensitive_info", "legal_basis", "audit_date", $source, $load_id, __file, __line
from __checked
where __errors is null;

-- Normalising a key must not lose what the file said: the raw value of registration_id is kept.
insert into key_normalisations
select $load_id, $source, __file, __line, 'registration_id', "raw__registration_id"::varchar, "registration_id"::varchar
from __checked
where __errors is null and "raw__registration_id"::varchar is distinct from "registration_id"::varchar
    and clean_text("raw__registration_id"::varchar) is distinct from "registration_id"::varchar;

-- Normalising a key must not lose what the file said: the raw value of dataset_name is kept.
insert into key_normalisations
select $load_id, $source, __file, __line, 'dataset_name', "raw__dataset_name"::varchar, "dataset_name"::varchar
from __checked
where __errors is null and "raw__dataset_name"::varchar is distinct from "dataset_name"::varchar
    and clean_text("raw__dataset_name"::varchar) is distinct from "dataset_name"::varchar;

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
