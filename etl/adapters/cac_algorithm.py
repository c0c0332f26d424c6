"""CAC algorithm filing lists (算法备案清单): the deep-synthesis list and the algorithm
recommendation list, in XLSX, CSV (UTF-8, BOM, GB18030) or JSON records (`batches[].rows[]`).

- Header: `序号, 算法名称, 角色 (deep synthesis) or 算法类别 (recommendation), 主体名称, 应用产品,
  主要用途, 备案编号, 备注`. The role or the category is kept; repeated header rows are skipped.
- `应用产品` lists products joined by `、`; `--` (technical supporters) gives no product.
- The filing number `网信算备110108645502801230019号`: its first 6 digits are a GB/T 2260
  division code, whose first 2 give the province when the list has no `属地` column; the 2 digits
  before the last 4 are the filing year. Spaces and full-width digits in the number are removed.
- The lists carry no filing date. `filed_date` is `备案时间` when a file has it, else the first day
  of the publication batch (the same rule as the generative-AI list: `options.batch`, the
  record's batch title or period, a `（2023年6月）` in the document's or the archive manifest's
  title, the file name), else 1 January of the number's year; `filed_date_note` says which.
- `备注` is kept in `remarks`. `注销` / `撤销` there marks the number cancelled, with the month
  written beside it when there is one; renames (`变更`, `更名`) are counted in the run's notes.
"""

from __future__ import annotations

from etl.adapters.base import Context, q, resolve_columns, sql_literal, text_or_null
from etl.adapters.cac_genai import batch_sql, published_sql
from etl.jurisdictions import jurisdiction_from_division_code
from etl.readers import RawTable

ENTITIES = frozenset({"registrations"})
HEADER_MARKERS = ("序号", "备案编号")

WANTED = {
    "seq": ("序号",),
    "service_name": ("算法名称",),
    "provider_role": ("角色", "主体角色"),
    "category": ("算法类别",),
    "provider_name": ("主体名称", "备案主体"),
    "products": ("应用产品", "使用产品"),
    "purpose": ("主要用途",),
    "registration_id": ("备案编号", "备案号"),
    "remarks": ("备注",),
    "jurisdiction": ("属地",),
    "filed_date": ("备案时间", "备案日期"),
    "batch": ("batches.period", "批次"),
    "batch_title": ("batches.name", "batches.title"),
}
REQUIRED = ("service_name", "provider_name", "registration_id")
PRODUCT_SEPARATORS = "[、;；]"
# A month or a day written in a remark: 2024年3月, 2024年3月5日.
MONTH_IN_TEXT = r"(\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?)"


def _division_table(ctx: Context) -> str:
    """A temp table from each 2-digit GB/T 2260 prefix to its province (etl.jurisdictions)."""
    rows = [(f"{i:02d}", code) for i in range(10, 100) if (code := jurisdiction_from_division_code(f"{i:02d}"))]
    ctx.con.execute("create or replace temp table __division_provinces (prefix varchar, code varchar)")
    ctx.con.executemany("insert into __division_provinces values (?, ?)", rows)
    return "__division_provinces"


def products_sql(expr: str) -> str:
    """Split `应用产品` on 、 but not inside brackets: `阿里巴巴（APP、网站）` stays one product."""
    protected = f"to_halfwidth({expr})"
    for _ in range(3):  # each pass protects one more 、 inside the same brackets
        protected = f"regexp_replace({protected}, '(\\([^()、]*)、([^()]*\\))', '\\1' || chr(1) || '\\2', 'g')"
    return f"list_transform(split_values({protected}, '{PRODUCT_SEPARATORS}'), lambda x: replace(x, chr(1), '、'))"


def number_sql(expr: str) -> str:
    """A filing number as published, without spaces and in half-width characters."""
    return f"nullif(regexp_replace(to_halfwidth({expr}), '\\s+', '', 'g'), '')"


def prestage(ctx: Context, raw: RawTable) -> str:
    found = resolve_columns(raw, WANTED, REQUIRED, ctx.source)
    number = number_sql(found["registration_id"])
    subheader = f"{number} in ('备案编号', '备案号')"
    if "seq" in found:
        subheader += f" or trim({found['seq']}) = '序号'"
    table = q(raw.table)
    skipped = ctx.con.execute(f"select count(*) from {table} where {subheader}").fetchone()[0]
    if skipped:
        ctx.notes.append(f"{skipped} repeated header row(s) skipped")
        ctx.skipped += skipped
    remarks = f"clean_text({text_or_null(found, 'remarks')})"
    counts = ctx.con.execute(
        f"""select count(*) filter (where regexp_matches({remarks}, '注销|撤销')),
                   count(*) filter (where regexp_matches({remarks}, '变更|更名'))
            from {table} where not coalesce({subheader}, false)"""
    ).fetchone()
    if counts[0]:
        ctx.notes.append(f"{counts[0]} number(s) marked cancelled in 备注")
    if counts[1]:
        ctx.notes.append(f"{counts[1]} rename(s) or change(s) noted in 备注 (kept in remarks)")

    batch_expr = batch_sql(ctx, raw, found)
    divisions = _division_table(ctx)
    place = text_or_null(found, "jurisdiction")
    given_date = f"clean_text({text_or_null(found, 'filed_date')})"
    return f"""
        with rows as (
            select
                *,
                {number} as __number,
                regexp_extract({number}, '(\\d{{10,}})', 1) as __digits,
                {batch_expr} as __batch,
                {remarks} as __remarks,
            from {table}
            where not coalesce({subheader}, false)
        )
        select
            __number as registration_id,
            {sql_literal(ctx.source.registry or "")} as registry,
            'filing' as kind,
            {found["service_name"]} as service_name,
            clean_name({found["provider_name"]}) as provider_name,
            clean_text({text_or_null(found, "provider_role")}) as provider_role,
            coalesce(clean_text({place}), divisions.code) as jurisdiction_code,
            clean_text({text_or_null(found, "category")}) as category,
            {products_sql(text_or_null(found, "products"))} as products,
            {text_or_null(found, "purpose")} as purpose,
            coalesce(
                {given_date},
                case when parse_date(__batch) is not null then __batch end,
                case when __digits <> '' then '20' || substr(__digits, length(__digits) - 5, 2) end
            ) as filed_date,
            case
                when {given_date} is not null then date_note({given_date})
                when parse_date(__batch) is not null then 'batch date (the list gives no filing date)'
                when __digits <> '' then 'year from the filing number'
            end as filed_date_note,
            __batch as batch,
            {published_sql(raw)} as published_date,
            case when regexp_matches(__remarks, '注销|撤销') then 'cancelled' else 'active' end as status,
            case
                when regexp_matches(__remarks, '注销|撤销')
                    then nullif(regexp_extract(__remarks, {sql_literal(MONTH_IN_TEXT)}, 1), '')
            end as cancelled_date,
            __remarks as remarks,
            __file,
            __line
        from rows
        left join {divisions} as divisions
            on divisions.prefix = case when length(__digits) >= 6 then left(__digits, 2) end
    """
