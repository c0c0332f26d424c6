-- Staging of cancellations: type the adapter's text columns, check every rule, then good rows
-- go to stg_cancellations and failing rows to quarantine, each with every rule it broke and the raw
-- record it came from.
--
-- Written from the declarations in core/schema.py (columns, types, keys, vocabularies) and the
-- rules in etl/stage.py by `python -m etl.stage --write`; edit those, not this file (a test
-- fails when this file differs from what they give).
--
-- Reads: prestaged (the adapter's view: one text column per entity column, then __file, __line)
-- and raw_input (the file as read). Parameters: $source, $load_id, $run_date. Per-source macros
-- (etl/stage.py): source_number(text), source_decimal_separator(), other_decimal_separator(),
-- check_encoding(). Rules: control_character, date_parses, date_plausible, encoding, required.

-- Cheap first: one boolean per row. The error list is built only for the rows that failed.
create or replace temp table __checked as
with typed as (
    select
        normalize_key("registration_id") as "registration_id", "registration_id" as "raw__registration_id",
        parse_date("cancelled_date") as "cancelled_date", "cancelled_date" as "raw__cancelled_date",
        clean_text("notice") as "notice", "notice" as "raw__notice",
        __file, __line
    from prestaged
)
select
    * exclude ("raw__cancelled_date", "raw__notice"),
    case when
        coalesce(clean_text("raw__registration_id"::varchar) is null, false) or
        coalesce(contains("registration_id", chr(0)), false) or
        coalesce(check_encoding() and contains("registration_id", chr(65533)), false) or
        coalesce(clean_text("raw__cancelled_date"::varchar) is null, false) or
        coalesce("cancelled_date" is null and clean_text("raw__cancelled_date") is not null, false) or
        coalesce("cancelled_date" > $run_date::date or "cancelled_date" < date '2015-01-01', false) or
        coalesce(contains("notice", chr(0)), false) or
        coalesce(check_encoding() and contains("notice", chr(65533)), false)
    then list_filter([
        case when clean_text("raw__registration_id"::varchar) is null
            then {'rule': 'required', 'column': 'registration_id', 'message': 'registration_id is required but empty'} end,
        case when contains("registration_id", chr(0))
            then {'rule': 'control_character', 'column': 'registration_id', 'message': 'registration_id holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("registration_id", chr(65533))
            then {'rule': 'encoding', 'column': 'registration_id', 'message': 'registration_id holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__cancelled_date"::varchar) is null
            then {'rule': 'required', 'column': 'cancelled_date', 'message': 'cancelled_date is required but empty'} end,
        case when "cancelled_date" is null and clean_text("raw__cancelled_date") is not null
            then {'rule': 'date_parses', 'column': 'cancelled_date', 'message': 'cancelled_date ' || to_json(clean_text("raw__cancelled_date")) || ' is not a date; expected YYYY-MM-DD or YYYY/M/D'} end,
        case when "cancelled_date" > $run_date::date or "cancelled_date" < date '2015-01-01'
            then {'rule': 'date_plausible', 'column': 'cancelled_date', 'message': 'cancelled_date ' || "cancelled_date" || ' is ' || case when "cancelled_date" > $run_date::date then 'in the future' else 'before 2015-01-01' end} end,
        case when contains("notice", chr(0))
            then {'rule': 'control_character', 'column': 'notice', 'message': 'notice holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("notice", chr(65533))
            then {'rule': 'encoding', 'column': 'notice', 'message': 'notice holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end
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

insert into stg_cancellations
select "registration_id", "cancelled_date", "notice", $source, $load_id, __file, __line
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
