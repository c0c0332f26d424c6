-- Macros every model uses. Loaded once per ETL connection (etl.stage.install_macros).

-- Full-width to half-width ASCII, the ideographic space to a space.
create or replace macro translate_halfwidth(t) as
    translate(t, '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　', '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ');

-- translate() walks its whole mapping for every character: check first, translate only the few
-- values that hold full-width characters.
create or replace macro to_halfwidth(t) as case
    when regexp_matches(t, '[\x{FF01}-\x{FF5E}\x{3000}]') then translate_halfwidth(t)
    else t
end;

-- Trimmed text (ASCII and ideographic spaces, tabs, line breaks), empty as null. Inner text is
-- kept as published: full-width folding is for matching keys (fold_key) only. Most values need
-- no trimming, and testing the two ends is far cheaper than trimming every value.
create or replace macro has_edge_space(t) as (
    prefix(t, ' ') or suffix(t, ' ') or prefix(t, chr(9)) or suffix(t, chr(9))
    or prefix(t, chr(10)) or suffix(t, chr(10)) or prefix(t, chr(13)) or suffix(t, chr(13))
    or prefix(t, chr(12288)) or suffix(t, chr(12288))
);

create or replace macro clean_text(t) as case
    when t = '' then null
    when has_edge_space(t) then nullif(trim(t, ' ' || chr(9) || chr(10) || chr(13) || chr(12288)), '')
    else t
end;

-- The key a spelling is looked up by: half-width, no spaces, lowercase.
create or replace macro fold_key(t) as
    lower(regexp_replace(to_halfwidth(t), '\s+', '', 'g'));

-- A date from the forms the sources use: 2023-08-31, 2023/8/31, 2023.8.31, 2023年8月31日,
-- with any note after it (2026/5/1（补登）); 2023-08 and 2023 give the first day.
-- The cast is only a fast path for plain ISO text: on its own it also accepts DuckDB's special
-- words (infinity, -infinity, inf, epoch, in any case and with spaces) and turns them into
-- 9999-12-31, 0001-01-01 or 1970-01-01. A date comes only from text that holds its digits;
-- year 0000 is no year (make_date would give 1 BC).
create or replace macro parse_date(t) as coalesce(
    case when regexp_matches(t, '^\s*[1-9]\d{3}-\d{1,2}-\d{1,2}\s*$') then try_cast(t as date) end,
    case
        when regexp_matches(t, '^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}') then try(make_date(
            nullif(regexp_extract(t, '^\s*(\d{4})', 1)::int, 0),
            regexp_extract(t, '^\s*\d{4}\s*[-/.年]\s*(\d{1,2})', 1)::int,
            regexp_extract(t, '^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*(\d{1,2})', 1)::int
        ))
        when regexp_matches(t, '^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*月?\s*$') then try(make_date(
            nullif(regexp_extract(t, '^\s*(\d{4})', 1)::int, 0),
            regexp_extract(t, '^\s*\d{4}\s*[-/.年]\s*(\d{1,2})', 1)::int,
            1
        ))
        when regexp_matches(t, '^\s*\d{4}\s*年?\s*$') then try(make_date(nullif(regexp_extract(t, '(\d{4})', 1)::int, 0), 1, 1))
    end
);

-- strptime with a source's declared format. strptime accepts the same special words as the cast
-- (try_strptime('infinity', '%Y-%m-%d') is 9999-12-31): text without a digit is no date, and
-- neither is year 0000 (1 BC).
create or replace macro strptime_date(t, fmt) as case
    when regexp_matches(t, '[0-9]') and year(try_strptime(t, fmt)) > 0 then try_strptime(t, fmt)
end;

-- How precise a date text is: day, month or year.
create or replace macro date_precision(t) as case
    when t is null then null
    when regexp_matches(t, '^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}') then 'day'
    when regexp_matches(t, '^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*月?\s*$') then 'month'
    when regexp_matches(t, '^\s*\d{4}\s*年?\s*$') then 'year'
    else 'unknown'
end;

-- The note written after a date, without its brackets: 2026/5/1（补登） gives 补登.
create or replace macro date_note(t) as case when regexp_matches(t, '[^0-9/.\s-]') and date_precision(t) = 'day' then nullif(trim(regexp_replace(
    regexp_replace(to_halfwidth(t), '^\s*[0-9]{4}\s*[-/.年]\s*[0-9]{1,2}\s*[-/.月]\s*[0-9]{1,2}\s*日?', ''),
    '^[\s(\[]+|[\s)\]]+$', '', 'g'
)), '') end;

-- A number from text with thousands separators or spaces; null when it is not one.
create or replace macro parse_number(t) as coalesce(
    try_cast(t as double),
    try_cast(regexp_replace(to_halfwidth(t), '[,\s_]', '', 'g') as double)
);

-- Split a multi-value text on any of the separators the sources use.
create or replace macro split_values(t, seps) as list_filter(
    list_transform(regexp_split_to_array(t, seps), lambda x: clean_text(x)),
    lambda x: x is not null and x not in ('--', '-', '—', '/')
);
