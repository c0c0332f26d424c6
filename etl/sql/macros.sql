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
-- no trimming, and testing the first and last character is far cheaper than trimming every
-- value (ord of each end: about half the time of ten prefix/suffix tests, measured at 1M rows).
create or replace macro has_edge_space(t) as (
    ord(t) in (32, 9, 10, 13, 12288) or ord(t[-1]) in (32, 9, 10, 13, 12288)
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

-- Number text without spaces of any kind (thin, no-break, ideographic) and underscores.
create or replace macro number_text(t) as
    regexp_replace(to_halfwidth(trim(t)), '[\s_\x{00A0}\x{2009}\x{202F}]', '', 'g');

-- Only finite numbers are numbers (NaN and Infinity are not); -0 is 0.
create or replace macro finite_or_null(x) as case when isfinite(x) then x + 0.0 end;

-- A number from text, with thousands commas (1,234.5) or spaces; null when it is not one.
-- A comma that is not a thousands separator (12,5 or 1.234,5) is never guessed at: the value
-- is not a number unless the source declares options.decimal_separator = ",".
create or replace macro parse_number(t) as finite_or_null(case
    when not contains(number_text(t), ',') then try_cast(number_text(t) as double)
    when regexp_full_match(number_text(t), '[+-]?\d{1,3}(,\d{3})+(\.\d+)?')
        then try_cast(replace(number_text(t), ',', '') as double)
end);

-- The same with a decimal comma: 12,5 and 1.234,5 (dots or spaces between thousands).
create or replace macro parse_number_decimal_comma(t) as finite_or_null(case
    when regexp_full_match(number_text(t), '[+-]?\d{1,3}(\.\d{3})+(,\d+)?')
        then try_cast(replace(replace(number_text(t), '.', ''), ',', '.') as double)
    when regexp_full_match(number_text(t), '[+-]?\d+(,\d+)?')
        then try_cast(replace(number_text(t), ',', '.') as double)
end);

-- A whole number that fits BIGINT, or null.
create or replace macro whole_number(x) as case when x = trunc(x) and abs(x) < 1e18 then x::bigint end;

-- A key as it is compared for duplicates: NFKC (full-width to half-width), without zero-width
-- characters, soft hyphens or BOMs, trimmed of every kind of space (U+00A0 from PDF and web
-- copies included). ASCII keys skip the Python NFKC call.
create or replace macro normalize_key(t) as nullif(regexp_replace(
    case when regexp_matches(t, '[^\x00-\x7F]') then nfkc(t) else t end,
    '^[\s\p{Z}]+|[\s\p{Z}]+$|[\x{200B}-\x{200D}\x{2060}\x{FEFF}\x{00AD}]', '', 'g'
), '');

-- Split a multi-value text on any of the separators the sources use.
create or replace macro split_values(t, seps) as list_filter(
    list_transform(regexp_split_to_array(t, seps), lambda x: clean_text(x)),
    lambda x: x is not null and x not in ('--', '-', '—', '/')
);
