"""CAC generative-AI service list (生成式人工智能服务已备案信息), in its real layouts.

- Two header generations: `模型名称/备案号` (to 2025-01) and `大模型名称/备案编号` (from 2025-03).
- The registration part has its own sub-header (`应用/功能名称, 登记单位, 上线编号, 登记时间`),
  which can appear mid-file: such rows are headers, not data, and are skipped and counted.
- Filing vs registration is told by the number: registrations end in `S` and four digits.
  Rows of the on-device table (its header has `适用场景`, since 2026-08) are kind `on_device`:
  kept apart, never counted as filings.
- Dates such as `2026/5/1（补登）` keep their note in `filed_date_note`.
- `属地` is a province in any form, or `国资委` (central SOE); the number's pinyin prefix
  (`Beijing-`, `ZheJiang-`, `Shinghai-`) stands in when `属地` is empty or unknown.
- The batch is the official publication's label, the month in its title, taken the same way
  for every format (batch_sql): `options.batch`; else the record's own batch title or period
  (JSON `batches.name`, `batches.period`, a `批次` column); else a `（2025年12月）` in the title
  above the header (a Word or PDF title paragraph, an XLSX or CSV title row), then in the
  archive manifest's attachment title; else the file name.
"""

from __future__ import annotations

import re
from pathlib import Path

from etl.adapters.base import Context, q, resolve_columns, sql_literal, text_or_null
from etl.readers import RawTable

ENTITIES = frozenset({"registrations"})
HEADER_MARKERS = ("序号",)

WANTED = {
    "seq": ("序号",),
    "jurisdiction": ("属地",),
    "service_name": ("模型名称", "大模型名称", "应用/功能名称", "应用名称", "功能名称", "服务名称"),
    "provider_name": ("备案单位", "登记单位", "主体名称"),
    "registration_id": ("备案号", "备案编号", "上线编号", "登记编号"),
    "filed_date": ("备案时间", "登记时间", "上线时间"),
    "purpose": ("适用场景",),
    "batch": ("batches.period", "批次"),
    "batch_title": ("batches.name", "batches.title"),
}
REQUIRED = ("service_name", "provider_name", "registration_id", "filed_date")
# Cells that mark a row as a repeated header rather than data.
SUBHEADER_IDS = ("备案号", "备案编号", "上线编号", "登记编号")


def batch_from_text(name: str) -> str | None:
    match = re.search(r"(20\d{2})\s*年\s*(\d{1,2})\s*月", name) or re.search(r"(20\d{2})-(\d{2})(?!\d)", name)
    return f"{match.group(1)}-{int(match.group(2)):02d}" if match else None


_MONTH_IN_TITLE = r"(20\d{2})\s*年\s*(\d{1,2})\s*月"


def batch_sql(ctx: Context, raw: RawTable, found: dict[str, str]) -> str:
    """The batch as an SQL expression, the same rule for every format and both list adapters:
    the option; the record's batch title, then its batch field; the title in the document (or
    the archive manifest's attachment title, which the pipeline appends to the preamble); the
    file name."""
    option = ctx.source.option("batch")
    if option:
        return sql_literal(str(option))
    title = f"clean_text({text_or_null(found, 'batch_title')})"
    from_title = (
        f"case when regexp_matches({title}, {sql_literal(_MONTH_IN_TITLE)}) then "
        f"regexp_extract({title}, {sql_literal(_MONTH_IN_TITLE)}, 1) || '-' || "
        f"lpad(regexp_extract({title}, {sql_literal(_MONTH_IN_TITLE)}, 2), 2, '0') end"
    )
    fallback = next((b for line in raw.preamble if (b := batch_from_text(line))), None) or batch_from_text(
        Path(raw.file).name
    )
    fallback_sql = sql_literal(fallback) if fallback else "null"
    return f"coalesce({from_title}, clean_text({text_or_null(found, 'batch')}), {fallback_sql}::varchar)"


def published_sql(raw: RawTable) -> str:
    """The notice's publication date (its archive manifest's `published`), a field apart from
    the batch: the batch is the title's month, the date the day the notice went out."""
    return f"{sql_literal(raw.published)}::varchar" if raw.published else "null::varchar"


def prestage(ctx: Context, raw: RawTable) -> str:
    found = resolve_columns(raw, WANTED, REQUIRED, ctx.source)
    reg_id = found["registration_id"]
    subheader = f"trim({reg_id}) in ({', '.join(sql_literal(s) for s in SUBHEADER_IDS)})"
    if "seq" in found:
        subheader += f" or trim({found['seq']}) = '序号'"
    skipped = ctx.con.execute(f"select count(*) from {q(raw.table)} where {subheader}").fetchone()[0]
    if skipped:
        ctx.notes.append(f"{skipped} embedded sub-header row(s) skipped")
        ctx.skipped += skipped
    batch_expr = batch_sql(ctx, raw, found)
    place = text_or_null(found, "jurisdiction")
    prefix = f"regexp_extract(clean_text({reg_id}), '^([A-Za-z]+)-', 1)"
    return f"""
        select
            clean_text({reg_id}) as registration_id,
            {sql_literal(ctx.source.registry or "")} as registry,
            case
                -- The on-device table (header with 适用场景, since 2026-08) is its own kind, never a filing.
                when clean_text({text_or_null(found, "purpose")}) is not null then 'on_device'
                when regexp_matches(clean_text({reg_id}), '[Ss]\\d+$') then 'registration'
                else 'filing'
            end as kind,
            {found["service_name"]} as service_name,
            {found["provider_name"]} as provider_name,
            null::varchar as provider_role,
            coalesce(
                case when jurisdiction_of({place}) is not null then {place} end,
                case when jurisdiction_of({prefix}) is not null then {prefix} end,
                {place}
            ) as jurisdiction_code,
            null::varchar as category,
            null::varchar[] as products,
            {text_or_null(found, "purpose")} as purpose,
            {found["filed_date"]} as filed_date,
            date_note({found["filed_date"]}) as filed_date_note,
            {batch_expr} as batch,
            {published_sql(raw)} as published_date,
            'active' as status,
            null::varchar as cancelled_date,
            null::varchar as remarks,
            __file,
            __line
        from {q(raw.table)}
        where not coalesce({subheader}, false)
    """
