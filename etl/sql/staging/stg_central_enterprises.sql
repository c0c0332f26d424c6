-- Staging of central_enterprises: type the adapter's text columns, check every rule, then good rows
-- go to stg_central_enterprises and failing rows to quarantine, each with every rule it broke and the raw
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
        normalize_key("group_name") as "group_name", "group_name" as "raw__group_name",
        list_filter("other_names", lambda x: x is not null and trim(x) <> '') as "other_names", "other_names" as "raw__other_names",
        clean_text("source_url") as "source_url", "source_url" as "raw__source_url",
        parse_date("as_of") as "as_of", "as_of" as "raw__as_of",
        __file, __line
    from prestaged
)
select
    * exclude ("raw__other_names", "raw__source_url", "raw__as_of"),
    case when
        coalesce(clean_text("raw__group_name"::varchar) is null, false) or
        coalesce(contains("group_name", chr(0)), false) or
        coalesce(check_encoding() and contains("group_name", chr(65533)), false) or
        coalesce(clean_text("raw__source_url"::varchar) is null, false) or
        coalesce(contains("source_url", chr(0)), false) or
        coalesce(check_encoding() and contains("source_url", chr(65533)), false) or
        coalesce(clean_text("raw__as_of"::varchar) is null, false) or
        coalesce("as_of" is null and clean_text("raw__as_of") is not null, false) or
        coalesce("as_of" > $run_date::date or "as_of" < date '2003-01-01', false)
    then list_filter([
        case when clean_text("raw__group_name"::varchar) is null
            then {'rule': 'required', 'column': 'group_name', 'message': 'group_name is required but empty'} end,
        case when contains("group_name", chr(0))
            then {'rule': 'control_character', 'column': 'group_name', 'message': 'group_name holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("group_name", chr(65533))
            then {'rule': 'encoding', 'column': 'group_name', 'message': 'group_name holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__source_url"::varchar) is null
            then {'rule': 'required', 'column': 'source_url', 'message': 'source_url is required but empty'} end,
        case when contains("source_url", chr(0))
            then {'rule': 'control_character', 'column': 'source_url', 'message': 'source_url holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("source_url", chr(65533))
            then {'rule': 'encoding', 'column': 'source_url', 'message': 'source_url holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__as_of"::varchar) is null
            then {'rule': 'required', 'column': 'as_of', 'message': 'as_of is required but empty'} end,
        case when "as_of" is null and clean_text("raw__as_of") is not null
            then {'rule': 'date_parses', 'column': 'as_of', 'message': 'as_of ' || to_json(clean_text("raw__as_of")) || ' is not a date; expected YYYY-MM-DD or YYYY/M/D'} end,
        case when "as_of" > $run_date::date or "as_of" < date '2003-01-01'
            then {'rule': 'date_plausible', 'column': 'as_of', 'message': 'as_of ' || "as_of" || ' is ' || case when "as_of" > $run_date::date then 'in the future' else 'before 2003-01-01' end} end
    ], lambda e: e is not null) end as __errors
from typed;

-- Duplicate keys among otherwise good rows: the first line loads, later ones are quarantined.
-- An aggregate finds the few duplicated keys far faster than a window over every row.
create or replace temp table __dups as
select "group_name", min(__line) as __first_line
from __checked
where __errors is null and "group_name" is not null
group by "group_name"
having count(*) > 1;

update __checked
set __errors = [{
    'rule': 'duplicate_key',
    'column': 'group_name',
    'message': 'duplicate key ' || to_json(coalesce(__checked."group_name"::varchar, '')) || ' first seen on line ' || __dups.__first_line
}]
from __dups
where __checked."group_name" = __dups."group_name" and __checked.__line > __dups.__first_line and __checked.__errors is null;

drop table __dups;

insert into stg_central_enterprises
select "group_name", "other_names", "source_url", "as_of", $source, $load_id, __file, __line
from __checked
where __errors is null;

-- Normalising a key must not lose what the file said: the raw value of group_name is kept.
insert into key_normalisations
select $load_id, $source, __file, __line, 'group_name', "raw__group_name"::varchar, "group_name"::varchar
from __checked
where __errors is null and "raw__group_name"::varchar is distinct from "group_name"::varchar
    and clean_text("raw__group_name"::varchar) is distinct from "group_name"::varchar;

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
