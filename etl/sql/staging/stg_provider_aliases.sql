-- Staging of provider_aliases: type the adapter's text columns, check every rule, then good rows
-- go to stg_provider_aliases and failing rows to quarantine, each with every rule it broke and the raw
-- record it came from.
--
-- Written from the declarations in core/schema.py (columns, types, keys, vocabularies) and the
-- rules in etl/stage.py by `python -m etl.stage --write`; edit those, not this file (a test
-- fails when this file differs from what they give).
--
-- Reads: prestaged (the adapter's view: one text column per entity column, then __file, __line)
-- and raw_input (the file as read). Parameters: $source, $load_id, $run_date. Per-source macros
-- (etl/stage.py): source_number(text), source_decimal_separator(), other_decimal_separator(),
-- check_encoding(). Rules: control_character, encoding, required.

-- Cheap first: one boolean per row. The error list is built only for the rows that failed.
create or replace temp table __checked as
with typed as (
    select
        normalize_key("provider_id") as "provider_id", "provider_id" as "raw__provider_id",
        clean_text("name_en") as "name_en", "name_en" as "raw__name_en",
        clean_text("name_zh") as "name_zh", "name_zh" as "raw__name_zh",
        list_filter("legal_names", lambda x: x is not null and trim(x) <> '') as "legal_names", "legal_names" as "raw__legal_names",
        list_filter("aliases", lambda x: x is not null and trim(x) <> '') as "aliases", "aliases" as "raw__aliases",
        list_filter("slugs", lambda x: x is not null and trim(x) <> '') as "slugs", "slugs" as "raw__slugs",
        clean_text("country") as "country", "country" as "raw__country",
        __file, __line
    from prestaged
)
select
    * exclude ("raw__name_en", "raw__name_zh", "raw__legal_names", "raw__aliases", "raw__slugs", "raw__country"),
    case when
        coalesce(clean_text("raw__provider_id"::varchar) is null, false) or
        coalesce(contains("provider_id", chr(0)), false) or
        coalesce(check_encoding() and contains("provider_id", chr(65533)), false) or
        coalesce(clean_text("raw__name_en"::varchar) is null, false) or
        coalesce(contains("name_en", chr(0)), false) or
        coalesce(check_encoding() and contains("name_en", chr(65533)), false) or
        coalesce(contains("name_zh", chr(0)), false) or
        coalesce(check_encoding() and contains("name_zh", chr(65533)), false) or
        coalesce(contains("country", chr(0)), false) or
        coalesce(check_encoding() and contains("country", chr(65533)), false)
    then list_filter([
        case when clean_text("raw__provider_id"::varchar) is null
            then {'rule': 'required', 'column': 'provider_id', 'message': 'provider_id is required but empty'} end,
        case when contains("provider_id", chr(0))
            then {'rule': 'control_character', 'column': 'provider_id', 'message': 'provider_id holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("provider_id", chr(65533))
            then {'rule': 'encoding', 'column': 'provider_id', 'message': 'provider_id holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when clean_text("raw__name_en"::varchar) is null
            then {'rule': 'required', 'column': 'name_en', 'message': 'name_en is required but empty'} end,
        case when contains("name_en", chr(0))
            then {'rule': 'control_character', 'column': 'name_en', 'message': 'name_en holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("name_en", chr(65533))
            then {'rule': 'encoding', 'column': 'name_en', 'message': 'name_en holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("name_zh", chr(0))
            then {'rule': 'control_character', 'column': 'name_zh', 'message': 'name_zh holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("name_zh", chr(65533))
            then {'rule': 'encoding', 'column': 'name_zh', 'message': 'name_zh holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end,
        case when contains("country", chr(0))
            then {'rule': 'control_character', 'column': 'country', 'message': 'country holds a NUL byte; remove it from the file (or re-export the file)'} end,
        case when check_encoding() and contains("country", chr(65533))
            then {'rule': 'encoding', 'column': 'country', 'message': 'country holds bytes that are not valid in the file''s encoding; re-save the file as UTF-8 or set options.encoding'} end
    ], lambda e: e is not null) end as __errors
from typed;

-- Duplicate keys among otherwise good rows: the first line loads, later ones are quarantined.
-- An aggregate finds the few duplicated keys far faster than a window over every row.
create or replace temp table __dups as
select "provider_id", min(__line) as __first_line
from __checked
where __errors is null and "provider_id" is not null
group by "provider_id"
having count(*) > 1;

update __checked
set __errors = [{
    'rule': 'duplicate_key',
    'column': 'provider_id',
    'message': 'duplicate key ' || to_json(coalesce(__checked."provider_id"::varchar, '')) || ' first seen on line ' || __dups.__first_line
}]
from __dups
where __checked."provider_id" = __dups."provider_id" and __checked.__line > __dups.__first_line and __checked.__errors is null;

drop table __dups;

insert into stg_provider_aliases
select "provider_id", "name_en", "name_zh", "legal_names", "aliases", "slugs", "country", $source, $load_id, __file, __line
from __checked
where __errors is null;

-- Normalising a key must not lose what the file said: the raw value of provider_id is kept.
insert into key_normalisations
select $load_id, $source, __file, __line, 'provider_id', "raw__provider_id"::varchar, "provider_id"::varchar
from __checked
where __errors is null and "raw__provider_id"::varchar is distinct from "provider_id"::varchar
    and clean_text("raw__provider_id"::varchar) is distinct from "provider_id"::varchar;

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
