"""Regulator enforcement notices in a generic shape: app or service, developer, violation types,
issuing body, date. Feeds `incidents` with `record_type = enforcement`.

Built-in header spellings cover the Chinese app-violation lists (`app, dev, probs, orgs, first`,
or `应用名称, 开发者, 问题, 通报机关, 通报日期`) and notice lists (`title, date, org(s), kind, url`);
`options.columns` maps any other header. JSON records may hold lists (`["超范围收集/违规收集"]`);
CSV cells separate them with `;` or `、`.

- Names keep their display form through `clean_name`: spaces left by PDF extraction inside Chinese
  text are removed (`字体美化大 师` → `字体美化大师`) and `（山西）` / `(山西)` are one form.
- `incident_id`: the file's id (`options.id_prefix`, default the source name, before it), else a
  stable digest of the app and developer after normalisation, else of the URL, else of title and
  date. The same app and developer named twice is a duplicate, quarantined and reported.
- `category` is `options.category` (default `privacy`: these notices are about personal
  information), `country` is `options.country` (e.g. `CN`). A single issuing body that starts
  with a province (`广东省通信管理局`) gives `jurisdiction_code`.
"""

from __future__ import annotations

from etl.adapters.base import Context, q, resolve_columns, sql_literal, text_or_null
from etl.adapters.shape import select_list
from etl.errors import SourceError
from etl.readers import RawTable

ENTITIES = frozenset({"incidents"})
HEADER_MARKERS: tuple[str, ...] = ()

WANTED = {
    "incident_id": ("id", "incident_id", "编号"),
    "service_name": ("app", "app_name", "应用名称", "App名称", "APP名称", "应用", "service", "产品名称"),
    "provider": ("dev", "developer", "开发者", "运营者", "开发运营者", "企业名称", "provider_names", "company"),
    "violations": ("probs", "violations", "violation_types", "问题", "主要问题", "违规类型", "违规问题"),
    "issuing_body": ("orgs", "org", "issuing_body", "通报机关", "发布机关", "authority"),
    "date": ("date", "first", "reported_date", "通报日期", "发布日期", "日期"),
    "last_date": ("last", "最近通报日期"),
    "notices": ("docs",),
    "apps_named": ("apps_count", "应用数量"),
    "title": ("title", "标题", "通报标题"),
    "action": ("kind", "action", "enforcement_action", "处置", "处置方式"),
    "url": ("url", "链接", "page"),
    "penalty": ("penalty_amount", "amount", "罚款金额"),
}
REQUIRED: tuple[str, ...] = ()


def list_sql(expr: str) -> str:
    """A JSON array, or text separated by ; or 、, as a list of cleaned values."""
    return (
        f"case when json_valid({expr}) and starts_with(trim({expr}), '[') "
        f"then list_transform(from_json({expr}, '[\"VARCHAR\"]'), lambda x: clean_name(x)) "
        f"else split_values(clean_name({expr}), '[;；、]') end"
    )


def prestage(ctx: Context, raw: RawTable) -> str:
    found = resolve_columns(raw, WANTED, REQUIRED, ctx.source)
    if "service_name" not in found and "title" not in found:
        raise SourceError(
            f"{raw.file}: an enforcement source needs an app or service column (app, 应用名称, …) or a title "
            f"column (title, 标题). Headers found: {raw.headers}. Map one with options.columns.",
            file=raw.file,
        )
    service = f"clean_name({text_or_null(found, 'service_name')})"
    provider = f"clean_name({text_or_null(found, 'provider')})"
    bodies = list_sql(text_or_null(found, "issuing_body"))
    title = f"clean_text({text_or_null(found, 'title')})"
    date = f"clean_text({text_or_null(found, 'date')})"
    url = f"clean_text({text_or_null(found, 'url')})"
    given_id = f"clean_text({text_or_null(found, 'incident_id')})"
    digest = f"""left(md5(coalesce(
        name_key({service}) || '|' || coalesce(name_key({provider}), ''),
        {url},
        {title} || '|' || coalesce({date}, '')
    )), 16)"""
    prefix = str(ctx.source.option("id_prefix", ctx.source.name))
    notices = text_or_null(found, "notices")
    notice_count = (
        f"case when json_valid({notices}) and starts_with(trim({notices}), '[') "
        f"then json_array_length({notices})::varchar else clean_text({notices}) end"
    )
    description = f"""nullif(concat_ws('. ',
        'Violations: ' || nullif(array_to_string(__violations, '; '), ''),
        'Notices: ' || {notice_count},
        'Apps named: ' || clean_text({text_or_null(found, "apps_named")}),
        'Last named: ' || clean_text({text_or_null(found, "last_date")})
    ), '')"""
    body = "case when len(__bodies) = 1 then __bodies[1] end"
    columns = select_list(
        "incidents",
        {
            "incident_id": f"{sql_literal(prefix + ':')} || coalesce({given_id}, {digest})",
            "record_type": "'enforcement'",
            "reported_date": date,
            "title": f"coalesce({title}, {service} || coalesce(' (' || {provider} || ')', ''))",
            "description": description,
            "country": f"nullif({sql_literal(str(ctx.source.option('country', '')))}, '')",
            "jurisdiction_code": f"coalesce(jurisdiction_of(left({body}, 3)), jurisdiction_of(left({body}, 2)))",
            "provider_names": f"case when {provider} is not null then [{provider}] end",
            "service_name": service,
            "category": sql_literal(str(ctx.source.option("category", "privacy"))),
            "issuing_body": "nullif(array_to_string(__bodies, '、'), '')",
            "violation_types": "__violations",
            "enforcement_action": f"clean_text({text_or_null(found, 'action')})",
            "penalty_amount": text_or_null(found, "penalty"),
            "penalty_currency": f"case when {text_or_null(found, 'penalty')} is not null "
            f"then nullif({sql_literal(str(ctx.source.option('currency', '')))}, '') end",
            "url": url,
        },
    )
    return f"""
        with rows as (
            select
                raw.*,
                {list_sql(text_or_null(found, "violations"))} as __violations,
                {bodies} as __bodies,
            from {q(raw.table)} as raw
        )
        select
            {columns}
        from rows
    """
