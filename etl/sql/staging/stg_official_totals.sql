-- Staging of official_totals: type the adapter's text columns, check every rule, then good rows
-- go to stg_official_totals and failing rows to quarantine, each with every rule it broke and the raw
-- record it came from.
--
-- Written from the declarations in core/schema.py (columns, types, keys, vocabularies) and the
-- rules in etl/stage.py by `python -m etl.stage --write`; edit those, not this file (a test
-- fails when this file differs from what they give).
--
-- Reads: prestaged (the adapter's view: one text column per entity column, then __file, __line)
-- and raw_input (the file as read). Parameters: $source, $load_id, $run_date. Per-source macros
-- (etl/stage.py): source_number(text), source_decimal_separator(), other_decimal_separator(),
-- check_encoding(). Rules: control_character, date_parses, date_plausible, encoding, number_parses, number_range, required.

-- Cheap first: one boolean per row. The error list is built only for the rows that failed.
create or replace temp table __checked as
with typed as (
    select
        parse_date(normalize_key("date")) as "date", "date" as "raw__date",
        normalize_key("list") as "list", "list" as "raw__list",
        whole_number(source_number("filed")) as "filed", "filed" as "raw__filed",
        whole_number(source_number("registered")) as "registered", "registered" as "raw__registered",
        clean_text("source_url") as "source_url", "source_url" as "raw__source_url",
        clean_text("note") as "note", "note" as "raw__note",
        __file, __line
    from prestaged
)
select
    * exclude ("raw__filed", "raw__registered", "raw__source_url", "raw__note"),
    case when
        coalesce(clean_text("raw__date"::varchar) is null, false) or
        coalesce("date" is null and clean_text("raw__date") is not null, false) or
        coalesce("date" > $run_date::date or "date" < date '2015-01-01', false) or
        coalesce(clean_text("raw__list"::varchar) is null, false) or
        coalesce(contains("list", chr(0)), false) or
        coalesce(check_encoding() and contains("list", chr(65533)), false) or
        coalesce("filed" is null and clean_text("raw__filed") is not null, false) or
        coalesce("filed" < 0 or "filed" > 1e15, false) or
        coalesce("registered" is null and clean_text("raw__registered") is not null, false) or
        coalesce("registered" < 0 or "registered" > 1e15, false) or
        coalesce(contains("source_url", chr(0)), false) or
        coalesce(check_encoding() and contains("source_url", chr(65533)), false) or
        coalesce(contains("note", chr(0)), false) or
        coalesce(check_encoding() and contains("note", chr(65533)), false)
    then list_filter([
        case when clean_text("raw__date"::varchar) is null
            then {'rule': 'required', 'column': 'date', 'message': 'date is required but empty'} end,
        case when "date" is null and clean_text("raw__date") is not null
            then {'rule': 'date_parses', 'column': 'date', 'message': 'date ' || to_json(clean_text("raw__date")) || ' is not a date; expected YYYY-MM-DD or YYYY/M/D'} end,
        case when "date" > $run_date::date or "date" < date '2015-01-01'
            then {'rule': 'date_plausible', 'column': 'date', 'message': 'date ' || "date" || ' is ' || case when "date" > $run_date::date then 'in the future' else 'before 2015-01-01' end} end,
        case when clean_text("raw__list"::varchar) is null
            then {'rule': 'required', 'column': 'list', 'message': 'list is required but empty'} end,
        case when contains("list", chr(0))
            then {'rule': 'control_character', 'column': 'list', 'message': 'list holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("list", chr(65533))
            then {'rule': 'encoding', 'column': 'list', 'message': 'list holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when "filed" is null and clean_text("raw__filed") is not null
            then {'rule': 'number_parses', 'column': 'filed', 'message': 'filed ' || to_json(clean_text("raw__filed")) || case when source_number(clean_text("raw__filed")) is null and contains(clean_text("raw__filed"), other_decimal_separator()) then ' is not a number in this source''s format (decimal separator ''' || source_decimal_separator() || '''); if the file writes decimals as 12' || other_decimal_separator() || '5, set options.decimal_separator = ''' || other_decimal_separator() || '''' when source_number(clean_text("raw__filed")) is null then ' is not a number' when abs(source_number(clean_text("raw__filed"))) >= 1e18 then ' is implausibly large' else ' is not a whole number' end} end,
        case when "filed" < 0 or "filed" > 1e15
            then {'rule': 'number_range', 'column': 'filed', 'message': 'filed ' || "filed" || case when "filed" < 0 then ' is negative' else ' is implausibly large' end} end,
        case when "registered" is null and clean_text("raw__registered") is not null
            then {'rule': 'number_parses', 'column': 'registered', 'message': 'registered ' || to_json(clean_text("raw__registered")) || case when source_number(clean_text("raw__registered")) is null and contains(clean_text("raw__registered"), other_decimal_separator()) then ' is not a number in this source''s format (decimal separator ''' || source_decimal_separator() || '''); if the file writes decimals as 12' || other_decimal_separator() || '5, set options.decimal_separator = ''' || other_decimal_separator() || '''' when source_number(clean_text("raw__registered")) is null then ' is not a number' when abs(source_number(clean_text("raw__registered"))) >= 1e18 then ' is implausibly large' else ' is not a whole number' end} end,
        case when "registered" < 0 or "registered" > 1e15
            then {'rule': 'number_range', 'column': 'registered', 'message': 'registered ' || "registered" || case when "registered" < 0 then ' is negative' else ' is implausibly large' end} end,
        case when contains("source_url", chr(0))
            then {'rule': 'control_character', 'column': 'source_url', 'message': 'source_url holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("source_url", chr(65533))
            then {'rule': 'encoding', 'column': 'source_url', 'message': 'source_url holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("note", chr(0))
            then {'rule': 'control_character', 'column': 'note', 'message': 'note holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("note", chr(65533))
            then {'rule': 'encoding', 'column': 'note', 'message': 'note holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end
    ], lambda e: e is not null) end as __errors
from typed;

-- Duplicate keys among otherwise good rows: the first line loads, later ones are quarantined.
-- An aggregate finds the few duplicated keys far faster than a window over every row.
create or replace temp table __dups as
select "date", "list", min(__line) as __first_line
from __checked
where __errors is null and "date" is not null and "list" is not null
group by "date", "list"
having count(*) > 1;

update __checked
set __errors = [{
    'rule': 'duplicate_key',
    'column': 'date',
    'message': 'duplicate key ' || to_json(coalesce(__checked."date"::varchar, '') || ' / ' || coalesce(__checked."list"::varchar, '')) || ' first seen on line ' || __dups.__first_line
}]
from __dups
where __checked."date" = __dups."date" and __checked."list" = __dups."list" and __checked.__line > __dups.__first_line and __checked.__errors is null;

drop table __dups;

insert into stg_official_totals
select "date", "list", "filed", "registered", "source_url", "note", $source, $load_id, __file, __line
from __checked
where __errors is null;

-- Normalising a key must not lose what the file said: the raw value of date is kept.
insert into key_normalisations
select $load_id, $source, __file, __line, 'date', "raw__date"::varchar, "date"::varchar
from __checked
where __errors is null and "raw__date"::varchar is distinct from "date"::varchar
    and clean_text("raw__date"::varchar) is distinct from "date"::varchar;

-- Normalising a key must not lose what the file said: the raw value of list is kept.
insert into key_normalisations
select $load_id, $source, __file, __line, 'list', "raw__list"::varchar, "list"::varchar
from __checked
where __errors is null and "raw__list"::varchar is distinct from "list"::varchar
    and clean_text("raw__list"::varchar) is distinct from "list"::varchar;

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
