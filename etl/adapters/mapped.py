"""Any CSV, XLSX or JSON file, onboarded by configuration alone.

```toml
[source.options]
records = "data[].items[]"               # JSON only: where the records sit
date_format = "%m/%d/%Y"                 # strptime format of every date field (default: ISO, 2023/8/31, 2023年8月)
null_values = ["01/01/1970", "n/a"]      # cells that mean "missing", in any field
separator = ";,"                         # characters between values of list fields (default ;)
id_prefix = "gdpr"                       # incidents: prefix of incident_id (default: the source name)
[source.options.fields]                  # entity field = the file's header
incident_id = "id"
provider_names = "controller"
title = "controller"                     # one header may feed several fields
[source.options.constants]               # entity field = a fixed value for every row
record_type = "enforcement"
[source.options.values.category]         # a field's source words → ours; "*" for all others
"Non-compliance with lawful basis for data processing" = "privacy"
"*" = "other"
```

Fields not mapped are matched by name as in the canonical format (`options.columns`, header →
field, works too). Incidents' `country` goes through the country table (`Poland ` → `PL`).
Every configured value reaches SQL as a parameter. Cells replaced by `null_values` are counted in
the run's notes.
"""

from __future__ import annotations

import re
from dataclasses import replace

from core.schema import ENTITIES as SCHEMA
from etl.adapters import countries
from etl.adapters.base import Context, header_key, q, resolve_columns
from etl.errors import SourceError
from etl.readers import RawTable

ENTITIES = frozenset(SCHEMA)
HEADER_MARKERS: tuple[str, ...] = ()
OPTION_TABLES = ("fields", "constants", "values")
LOWERCASED = (
    "kind",
    "record_type",
    "category",
    "severity",
    "has_personal_info",
    "has_sensitive_info",
    "legal_basis",
    "occurred_precision",
    "status",
)


def _table(ctx: Context, key: str) -> dict:
    value = ctx.source.option(key) or {}
    if not isinstance(value, dict):
        raise SourceError(f"source {ctx.source.name!r}: options.{key} must be a table, e.g. {key} = {{ … }}")
    return value


def _check_fields(ctx: Context, entity: str, names, where: str) -> None:
    known = SCHEMA[entity].column_names
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SourceError(
            f"source {ctx.source.name!r}: options.{where} names {unknown}, which are not fields of {entity}; "
            f"expected any of {known}."
        )


def prestage(ctx: Context, raw: RawTable) -> str:
    entity = SCHEMA[ctx.source.entity]
    fields, constants, values = (_table(ctx, k) for k in OPTION_TABLES)
    _check_fields(ctx, entity.name, fields, "fields")
    _check_fields(ctx, entity.name, constants, "constants")
    _check_fields(ctx, entity.name, values, "values")
    by_key = {header_key(h): h for h in raw.headers}
    found: dict[str, str] = {}
    for name, header in fields.items():
        if header_key(str(header)) not in by_key:
            raise SourceError(
                f"{raw.file}: options.fields maps {name} to header {header!r}, which the file lacks. "
                f"Headers found: {raw.headers}. Fix the header name in the sources config.",
                file=raw.file,
            )
        found[name] = q(by_key[header_key(str(header))])
    # Fields neither mapped nor constant: by their own name, or options.columns (header → field).
    rest = {c.name: () for c in entity.columns if c.name not in found and c.name not in constants}
    required = tuple(c for c in entity.required if c in rest and c not in ("registry", "status"))
    plain = replace(ctx.source, options={k: v for k, v in ctx.source.options.items() if k != "fields"})
    found.update(resolve_columns(raw, rest, required, plain))

    params: dict[str, object] = {}
    nulls = [str(v) for v in (ctx.source.option("null_values") or [])]
    params["nulls"] = nulls
    date_format = ctx.source.option("date_format")
    separator = ctx.source.option("separator", ";")
    separator_class = "[" + "".join(re.escape(ch) for ch in str(separator)) + "]"
    params["separator"] = separator_class
    if nulls:
        replaced = ctx.con.execute(
            "select "
            + ", ".join(f"count(*) filter (where list_contains($nulls, trim({expr})))" for expr in found.values())
            + f" from {q(raw.table)}",
            {"nulls": nulls},
        ).fetchone()
        counts = [f"{n} {name}" for name, n in zip(found, replaced, strict=True) if n]
        if counts:
            ctx.notes.append(f"null_values treated as missing: {', '.join(counts)}")

    place_join = ""
    exprs: dict[str, str] = {}
    for i, col in enumerate(entity.columns):
        name = col.name
        if name in constants:
            params[f"c{i}"] = str(constants[name])
            expr = f"$c{i}"
        elif name in found:
            expr = f"case when list_contains($nulls, trim({found[name]})) then null else {found[name]} end"
        else:
            expr = "null::varchar"
        if name in values:
            mapping = {str(k).strip().lower(): str(v) for k, v in values[name].items() if k != "*"}
            params[f"k{i}"], params[f"v{i}"] = list(mapping), list(mapping.values())
            params[f"d{i}"] = str(values[name]["*"]) if "*" in values[name] else None
            expr = (
                f"coalesce(map_extract_value(map($k{i}::varchar[], $v{i}::varchar[]), lower(clean_text({expr}))), "
                f"$d{i}::varchar, {expr})"
            )
        if col.type == "date" and date_format and name in found:
            params["date_format"] = str(date_format)
            expr = f"coalesce(strftime(strptime_date(clean_text({expr}), $date_format), '%Y-%m-%d'), {expr})"
        if col.type == "varchar[]":
            expr = f"split_values({expr}, $separator)" if name in found or name in constants else "null::varchar[]"
        elif name in LOWERCASED and (name in found or name in constants):
            expr = f"lower(clean_text({expr}))"
        exprs[name] = expr

    if entity.name == "registrations":
        params["registry"] = ctx.source.registry or ""
        exprs["registry"] = f"coalesce(clean_text({exprs['registry']}), $registry)"
        exprs["status"] = (
            f"coalesce({exprs['status']}, case when clean_text({exprs['cancelled_date']}) is not null "
            "then 'cancelled' else 'active' end)"
        )
    if entity.name == "incidents":
        params["prefix"] = str(ctx.source.option("id_prefix", ctx.source.name)) + ":"
        exprs["incident_id"] = (
            f"case when contains(clean_text({exprs['incident_id']}), ':') then clean_text({exprs['incident_id']}) "
            f"else $prefix || clean_text({exprs['incident_id']}) end"
        )
        if "occurred_precision" not in found and "occurred_precision" not in constants:
            exprs["occurred_precision"] = f"date_precision(clean_text({exprs['occurred_date']}))"
        if "country" in found:
            table, unknown = countries.resolve(ctx.con, raw.table, found["country"], f"__countries_{ctx.source.name}")
            if unknown:
                ctx.notes.append(f"{len(unknown)} country spelling(s) not recognised: {', '.join(unknown)}")
            place_join = f"left join {table} as places on places.text = clean_text({found['country']})"
            exprs["country"] = f"coalesce(places.country, case when places.text is null then {exprs['country']} end)"
            exprs["countries"] = "coalesce(places.countries, " + exprs["countries"] + ")"
            exprs["jurisdiction_code"] = f"coalesce({exprs['jurisdiction_code']}, places.region)"
    select = ", ".join(f"{exprs[c.name]} as {q(c.name)}" for c in entity.columns)
    target = f"__mapped_{ctx.source.name}"
    used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", select)}
    ctx.con.execute(
        f"create or replace temp table {q(target)} as select {select}, __file, __line from {q(raw.table)} {place_join}",
        used,
    )
    return f"select * from {q(target)}"
