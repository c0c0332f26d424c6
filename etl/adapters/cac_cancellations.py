"""CAC cancellation notices (算法备案编号注销公告): filing numbers that are no longer valid.

Reads JSON records (the real file: `notices[].records[]`, each with `code` and `cancel` =
`2025年7月`, inside a notice with `date` and `title`), or CSV / XLSX / Word / PDF with `备案编号`
and `注销时间`. The PDF notices' table (`序号/算法名称/角色/主体名称/…/备案编号/注销时间`) is read
like any other; a notice without `注销时间` takes its month from the title in the document, the
archive manifest's attachment title, `options.batch` or the file name; a notice published as plain
text gives every `网信算备…号` in its text.

The number is cleaned like the lists' (`cac_algorithm.number_sql`), so it meets the
registration it cancels in any list. The date is the notice's own date when it falls in the
month given; otherwise the first day of that month. Numbers no list holds stay in
`mart_cancellations_unmatched`.
"""

from __future__ import annotations

from pathlib import Path

from etl.adapters.base import Context, q, resolve_columns, sql_literal, text_or_null
from etl.adapters.cac_algorithm import number_sql
from etl.adapters.cac_genai import batch_from_text
from etl.documents import TEXT_COLUMN
from etl.errors import SourceError
from etl.readers import RawTable

ENTITIES = frozenset({"cancellations"})
HEADER_MARKERS = ("备案编号", "注销时间")

WANTED = {
    "registration_id": ("code", "备案编号", "算法备案编号", "备案号"),
    "month": ("cancel", "注销时间", "注销日期", "注销月份", "cancelled_date"),
    "notice_date": ("notices.date", "公告日期"),
    "notice": ("notices.title", "公告", "公告名称", "notice"),
}
REQUIRED = ("registration_id",)


def _notice_month(ctx: Context, raw: RawTable) -> str | None:
    """The month of a notice whose rows carry none: option, title in the document or manifest, file name."""
    return (
        ctx.source.option("batch")
        or next((b for line in raw.preamble if (b := batch_from_text(line))), None)
        or batch_from_text(Path(raw.file).name)
    )


def _from_text(ctx: Context, raw: RawTable) -> str:
    """Every filing number in a notice published as text (lines joined: numbers break over lines)."""
    month = _notice_month(ctx, raw)
    if not month:
        raise SourceError(
            f"{raw.file}: a cancellation notice without a table needs its month: none in its title, "
            "the archive manifest or the file name; set options.batch.",
            file=raw.file,
        )
    title = next(iter(raw.preamble), None)
    return f"""
        with joined as (
            select
                string_agg(regexp_replace({q(TEXT_COLUMN)}, '\\s+', '', 'g'), '' order by __line) as body,
                any_value(__file) as __file,
            from {q(raw.table)}
        ),
        found as (
            select __file, regexp_extract_all(body, '网信算备\\d+号') as numbers from joined
        )
        select
            unnest(numbers) as registration_id,
            {sql_literal(month)} as cancelled_date,
            {sql_literal(title) if title else "null::varchar"} as notice,
            __file,
            unnest(range(1, len(numbers) + 1))::bigint as __line
        from found
    """


def prestage(ctx: Context, raw: RawTable) -> str:
    if raw.headers == [TEXT_COLUMN]:
        return _from_text(ctx, raw)
    found = resolve_columns(raw, WANTED, REQUIRED, ctx.source)
    if "month" not in found:
        month_text = _notice_month(ctx, raw)
        if not month_text:
            raise SourceError(
                f"{raw.file}: required columns missing: month (any of: {', '.join(WANTED['month'])}), and no month "
                f"in the title, the archive manifest or the file name. Headers found: {raw.headers}.",
                file=raw.file,
            )
        found["month"] = sql_literal(month_text)
        if "notice" not in found and raw.preamble:
            found["notice"] = sql_literal(raw.preamble[0])
    month = f"clean_text({found['month']})"
    notice_date = f"clean_text({text_or_null(found, 'notice_date')})"
    return f"""
        select
            {number_sql(found["registration_id"])} as registration_id,
            case
                when date_trunc('month', parse_date({notice_date})) = date_trunc('month', parse_date({month}))
                    then {notice_date}
                else {month}
            end as cancelled_date,
            clean_text({text_or_null(found, "notice")}) as notice,
            __file,
            __line
        from {q(raw.table)}
    """
