"""The project's own formats (CSV, JSON, Parquet): one column per entity field, named as in
the README's column tables. Header case and spacing do not matter. List fields (`products`,
`provider_names`) hold values separated by `;`.

- registrations: `registry` comes from the declaration when the file has no such column;
  `status` defaults to `active`, or `cancelled` when a `cancelled_date` is given.
- incidents: `incident_id` is prefixed with `options.id_prefix` (default: the source name)
  unless it already has a `prefix:`.
- sector_rules and central_enterprises: the project's rule table (data/sector_rules.csv) and
  SASAC's list (data/central_enterprises.csv); `sector` and `field` are read in lowercase.
"""

from __future__ import annotations

from core.schema import ENTITIES as SCHEMA
from etl.adapters.base import Context, q, resolve_columns, sql_literal, text_or_null
from etl.readers import RawTable

ENTITIES = frozenset(SCHEMA)
HEADER_MARKERS: tuple[str, ...] = ()
LIST_SEPARATORS = "[;；]"


def prestage(ctx: Context, raw: RawTable) -> str:
    entity = SCHEMA[ctx.source.entity]
    wanted = {c.name: () for c in entity.columns}
    required = tuple(entity.required)
    if entity.name == "registrations":
        required = tuple(c for c in required if c not in ("registry", "status"))
    found = resolve_columns(raw, wanted, required, ctx.source)
    exprs = []
    for col in entity.columns:
        expr = text_or_null(found, col.name)
        if col.type == "varchar[]":
            expr = f"split_values({expr}, '{LIST_SEPARATORS}')" if col.name in found else "null::varchar[]"
        elif entity.name == "registrations" and col.name == "registry":
            expr = f"coalesce(clean_text({expr}), {sql_literal(ctx.source.registry or '')})"
        elif entity.name == "registrations" and col.name == "status":
            cancelled = text_or_null(found, "cancelled_date")
            expr = (
                f"coalesce(lower(clean_text({expr})), "
                f"case when clean_text({cancelled}) is not null then 'cancelled' else 'active' end)"
            )
        elif col.name == "occurred_precision" and col.name not in found:
            expr = f"date_precision({text_or_null(found, 'occurred_date')})"
        elif col.name in (
            "kind",
            "record_type",
            "category",
            "severity",
            "has_personal_info",
            "has_sensitive_info",
            "legal_basis",
            "occurred_precision",
            "sector",
            "field",
        ):
            expr = f"lower(clean_text({expr}))"
        elif entity.name == "incidents" and col.name == "incident_id":
            prefix = ctx.source.option("id_prefix", ctx.source.name)
            expr = (
                f"case when contains(clean_text({expr}), ':') then clean_text({expr}) "
                f"else {sql_literal(prefix + ':')} || clean_text({expr}) end"
            )
        exprs.append(f"{expr} as {q(col.name)}")
    return f"select {', '.join(exprs)}, __file, __line from {q(raw.table)}"
