-- Staging of sector_rules: type the adapter's text columns, check every rule, then good rows
-- go to stg_sector_rules and failing rows to quarantine, each with every rule it broke and the raw
-- record it came from.
--
-- Written from the declarations in core/schema.py (columns, types, keys, vocabularies) and the
-- rules in etl/stage.py by `python -m etl.stage --write`; edit those, not this file (a test
-- fails when this file differs from what they give).
--
-- Reads: prestaged (the adapter's view: one text column per entity column, then __file, __line)
-- and raw_input (the file as read). Parameters: $source, $load_id, $run_date. Per-source macros
-- (etl/stage.py): source_number(text), source_decimal_separator(), other_decimal_separator(),
-- check_encoding(). Rules: control_character, encoding, known_value, number_parses, number_range, required, sector_key.

-- Cheap first: one boolean per row. The error list is built only for the rows that failed.
create or replace temp table __checked as
with typed as (
    select
        normalize_key("sector") as "sector", "sector" as "raw__sector",
        normalize_key("field") as "field", "field" as "raw__field",
        normalize_key("pattern") as "pattern", "pattern" as "raw__pattern",
        whole_number(source_number("priority")) as "priority", "priority" as "raw__priority",
        clean_text("note") as "note", "note" as "raw__note",
        __file, __line
    from prestaged
)
select
    * exclude ("raw__priority", "raw__note"),
    case when
        coalesce(clean_text("raw__sector"::varchar) is null, false) or
        coalesce(contains("sector", chr(0)), false) or
        coalesce(check_encoding() and contains("sector", chr(65533)), false) or
        coalesce(clean_text("raw__field"::varchar) is null, false) or
        coalesce("field" is not null and not list_contains(['service_name', 'provider_name', 'purpose', 'products', 'category'], "field"), false) or
        coalesce(contains("field", chr(0)), false) or
        coalesce(check_encoding() and contains("field", chr(65533)), false) or
        coalesce(clean_text("raw__pattern"::varchar) is null, false) or
        coalesce(contains("pattern", chr(0)), false) or
        coalesce(check_encoding() and contains("pattern", chr(65533)), false) or
        coalesce(clean_text("raw__priority"::varchar) is null, false) or
        coalesce("priority" is null and clean_text("raw__priority") is not null, false) or
        coalesce("priority" < 0 or "priority" > 1e15, false) or
        coalesce(contains("note", chr(0)), false) or
        coalesce(check_encoding() and contains("note", chr(65533)), false) or
        coalesce(not regexp_full_match(sector, '[a-z][a-z0-9_]{0,39}') or sector = 'unclassified', false)
    then list_filter([
        case when clean_text("raw__sector"::varchar) is null
            then {'rule': 'required', 'column': 'sector', 'message': 'sector is required but empty'} end,
        case when contains("sector", chr(0))
            then {'rule': 'control_character', 'column': 'sector', 'message': 'sector holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("sector", chr(65533))
            then {'rule': 'encoding', 'column': 'sector', 'message': 'sector holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__field"::varchar) is null
            then {'rule': 'required', 'column': 'field', 'message': 'field is required but empty'} end,
        case when "field" is not null and not list_contains(['service_name', 'provider_name', 'purpose', 'products', 'category'], "field")
            then {'rule': 'known_value', 'column': 'field', 'message': 'field ' || to_json("field") || ' is not one of service_name, provider_name, purpose, products, category'} end,
        case when contains("field", chr(0))
            then {'rule': 'control_character', 'column': 'field', 'message': 'field holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("field", chr(65533))
            then {'rule': 'encoding', 'column': 'field', 'message': 'field holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__pattern"::varchar) is null
            then {'rule': 'required', 'column': 'pattern', 'message': 'pattern is required but empty'} end,
        case when contains("pattern", chr(0))
            then {'rule': 'control_character', 'column': 'pattern', 'message': 'pattern holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("pattern", chr(65533))
            then {'rule': 'encoding', 'column': 'pattern', 'message': 'pattern holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__priority"::varchar) is null
            then {'rule': 'required', 'column': 'priority', 'message': 'priority is required but empty'} end,
        case when "priority" is null and clean_text("raw__priority") is not null
            then {'rule': 'number_parses', 'column': 'priority', 'message': 'priority ' || to_json(clean_text("raw__priority")) || case when source_number(clean_text("raw__priority")) is null and contains(clean_text("raw__priority"), other_decimal_separator()) then ' is not a number in this source''s format (decimal separator ''' || source_decimal_separator() || '''); if the file writes decimals as 12' || other_decimal_separator() || '5, set options.decimal_separator = ''' || other_decimal_separator() || '''' when source_number(clean_text("raw__priority")) is null then ' is not a number' when abs(source_number(clean_text("raw__priority"))) >= 1e18 then ' is implausibly large' else ' is not a whole number' end} end,
        case when "priority" < 0 or "priority" > 1e15
            then {'rule': 'number_range', 'column': 'priority', 'message': 'priority ' || "priority" || case when "priority" < 0 then ' is negative' else ' is implausibly large' end} end,
        case when contains("note", chr(0))
            then {'rule': 'control_character', 'column': 'note', 'message': 'note holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("note", chr(65533))
            then {'rule': 'encoding', 'column': 'note', 'message': 'note holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when not regexp_full_match(sector, '[a-z][a-z0-9_]{0,39}') or sector = 'unclassified'
            then {'rule': 'sector_key', 'column': 'sector', 'message': 'sector ' || to_json(sector) || ' is not a sector key; expected lowercase letters, digits and _ (e.g. healthcare), and not unclassified, which is what no rule firing means'} end
    ], lambda e: e is not null) end as __errors
from typed;

-- Duplicate keys among otherwise good rows: the first line loads, later ones are quarantined.
-- An aggregate finds the few duplicated keys far faster than a window over every row.
create or replace temp table __dups as
select "sector", "field", "pattern", min(__line) as __first_line
from __checked
where __errors is null and "sector" is not null and "field" is not null and "pattern" is not null
group by "sector", "field", "pattern"
having count(*) > 1;

update __checked
set __errors = [{
    'rule': 'duplicate_key',
    'column': 'sector',
    'message': 'duplicate key ' || to_json(coalesce(__checked."sector"::varchar, '') || ' / ' || coalesce(__checked."field"::varchar, '') || ' / ' || coalesce(__checked."pattern"::varchar, '')) || ' first seen on line ' || __dups.__first_line
}]
from __dups
where __checked."sector" = __dups."sector" and __checked."field" = __dups."field" and __checked."pattern" = __dups."pattern" and __checked.__line > __dups.__first_line and __checked.__errors is null;

drop table __dups;

insert into stg_sector_rules
select "sector", "field", "pattern", "priority", "note", $source, $load_id, __file, __line
from __checked
where __errors is null;

-- Normalising a key must not lose what the file said: the raw value of sector is kept.
insert into key_normalisations
select $load_id, $source, __file, __line, 'sector', "raw__sector"::varchar, "sector"::varchar
from __checked
where __errors is null and "raw__sector"::varchar is distinct from "sector"::varchar
    and clean_text("raw__sector"::varchar) is distinct from "sector"::varchar;

-- Normalising a key must not lose what the file said: the raw value of field is kept.
insert into key_normalisations
select $load_id, $source, __file, __line, 'field', "raw__field"::varchar, "field"::varchar
from __checked
where __errors is null and "raw__field"::varchar is distinct from "field"::varchar
    and clean_text("raw__field"::varchar) is distinct from "field"::varchar;

-- Normalising a key must not lose what the file said: the raw value of pattern is kept.
insert into key_normalisations
select $load_id, $source, __file, __line, 'pattern', "raw__pattern"::varchar, "pattern"::varchar
from __checked
where __errors is null and "raw__pattern"::varchar is distinct from "pattern"::varchar
    and clean_text("raw__pattern"::varchar) is distinct from "pattern"::varchar;

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
