-- The sector(s) of every registration, from the rule table (stg_sector_rules; the seed is
-- data/sector_rules.csv, which an analyst edits). A rule fires when its pattern appears in its
-- field (any case; full-width folded to half-width); of the rules that fire on a registration,
-- only those of the highest priority count. Each kept sector names the rule that fired (and every
-- rule that fired for it); a registration no rule fires on gets one row, sector 'unclassified'.
-- Rules are matched once per distinct field text, then joined back to the registrations.
create or replace table mart_registration_sectors as
with registrations as (
    select * from mart_registrations
),

rules as (
    select
        sector,
        field,
        pattern,
        priority,
        lower(to_halfwidth(pattern)) as pattern_folded,
        left(lower(to_halfwidth(pattern)), 1) as first_char,
    from stg_sector_rules
),

field_texts as (
    select registration_id, 'service_name' as field, service_name as text from registrations
    union all
    select registration_id, 'service_name' as field, latest_service_name as text
    from registrations
    where latest_service_name <> service_name
    union all
    select registration_id, 'provider_name' as field, provider_name as text from registrations
    union all
    select registration_id, 'purpose' as field, purpose as text from registrations
    union all
    select registration_id, 'category' as field, category as text from registrations
    union all
    select registration_id, 'products' as field, unnest(products) as text from registrations
),

distinct_texts as (
    select distinct field, text, lower(to_halfwidth(text)) as text_folded
    from field_texts
    where text is not null
),

-- Each text's characters: a pattern is looked for only in the texts holding its first character
-- (an equi-join), not in every text.
text_chars as (
    select field, text, text_folded, unnest(string_split(text_folded, '')) as first_char
    from distinct_texts
),

text_hits as (
    select distinct
        text_chars.field,
        text_chars.text,
        rules.sector,
        rules.pattern,
        rules.priority,
    from text_chars
    inner join rules on rules.field = text_chars.field and rules.first_char = text_chars.first_char
    where contains(text_chars.text_folded, rules.pattern_folded)
),

hits as (
    select distinct field_texts.registration_id, text_hits.sector, text_hits.field, text_hits.pattern, text_hits.priority
    from field_texts
    inner join text_hits on text_hits.field = field_texts.field and text_hits.text = field_texts.text
),

top_priority as (
    select registration_id, max(priority) as priority
    from hits
    group by registration_id
),

tagged as (
    select
        hits.registration_id,
        hits.sector,
        any_value(hits.priority) as priority,
        -- The rule reported first: fields in the order a reader trusts them, then the longest
        -- pattern; every rule that fired for the sector, sorted.
        arg_min(
            hits.field || ': ' || hits.pattern,
            {
                'field': list_position(['service_name', 'purpose', 'products', 'category', 'provider_name'], hits.field),
                'length': -length(hits.pattern),
                'pattern': hits.pattern,
            }
        ) as rule,
        list_sort(list(hits.field || ': ' || hits.pattern)) as rules,
    from hits
    inner join top_priority
        on top_priority.registration_id = hits.registration_id and top_priority.priority = hits.priority
    group by hits.registration_id, hits.sector
),

sectors as (
    select registration_id, sector, rule, rules, priority
    from tagged
    union all
    select registrations.registration_id, 'unclassified' as sector, null as rule, []::varchar[] as rules, null as priority
    from registrations
    anti join top_priority on top_priority.registration_id = registrations.registration_id
),

-- Each row also carries what the dashboard's period and filters read of its registration
-- (filed_date; jurisdiction_code, registries, provider_name for _registration_scope), so the
-- sector charts count from this table alone: joining it back to mart_registrations on the id
-- was nearly all of their time (at 200k registrations, 50 ms of a 60 ms query against 4 ms).
final as (
    select
        sectors.*,
        registrations.filed_date,
        registrations.jurisdiction_code,
        registrations.registries,
        registrations.provider_name,
    from sectors
    inner join registrations on registrations.registration_id = sectors.registration_id
)

select * from final
order by registration_id, sector
