"""CAC cancellation notices (算法备案编号注销公告): filing numbers that are no longer valid.

Reads JSON records (the real file: `notices[].records[]`, each with `code` and `cancel` =
`2025年7月`, inside a notice with `date` and `title`), or CSV / XLSX with `备案编号` and
`注销时间`. The number is cleaned like the lists' (`cac_algorithm.number_sql`), so it meets the
registration it cancels in any list. The date is the notice's own date when it falls in the
month given; otherwise the first day of that month. Numbers no list holds stay in
`mart_cancellations_unmatched`.
"""

from __future__ import annotations

from etl.adapters.base import Context, q, resolve_columns, text_or_null
from etl.adapters.cac_algorithm import number_sql
from etl.readers import RawTable

ENTITIES = frozenset({"cancellations"})
HEADER_MARKERS = ("备案编号", "注销时间")

WANTED = {
    "registration_id": ("code", "备案编号", "算法备案编号", "备案号"),
    "month": ("cancel", "注销时间", "注销日期", "注销月份", "cancelled_date"),
    "notice_date": ("notices.date", "公告日期"),
    "notice": ("notices.title", "公告", "公告名称", "notice"),
}
REQUIRED = ("registration_id", "month")


def prestage(ctx: Context, raw: RawTable) -> str:
    found = resolve_columns(raw, WANTED, REQUIRED, ctx.source)
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
