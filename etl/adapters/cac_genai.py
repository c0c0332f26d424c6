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
- The batch comes from the JSON records' enclosing batch, `options.batch`, or a
  `（2025年12月）` in the title above the header (a Word or PDF title paragraph included), then in
  the archive manifest's attachment title, then in the file name.
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
}
REQUIRED = ("service_name", "provider_name", "registration_id", "filed_date")
# Cells that mark a row as a repeated header rather than data.
SUBHEADER_IDS = ("备案号", "备案编号", "上线编号", "登记编号")


def batch_from_text(name: str) -> str | None:
    match = re.search(r"(20\d{2})\s*年\s*(\d{1,2})\s*月", name) or re.search(r"(20\d{2})-(\d{2})(?!\d)", name)
    return f"{match.group(1)}-{int(match.group(2)):02d}" if match else None


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
    batch = (
        ctx.source.option("batch")
        or next((b for line in raw.preamble if (b := batch_from_text(line))), None)
        or batch_from_text(Path(raw.file).name)
    )
    batch_expr = text_or_null(found, "batch")
    if batch:
        batch_expr = f"coalesce({batch_expr}, {sql_literal(batch)})"
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
            'active' as status,
            null::varchar as cancelled_date,
            null::varchar as remarks,
            __file,
            __line
        from {q(raw.table)}
        where not coalesce({subheader}, false)
    """
