"""AI Incident Database snapshot: `incidents.csv`, optionally with `classifications_MIT.csv`.

- `incident_id` becomes `aiid:<id>` (`options.id_prefix` changes the prefix); the report URL is
  https://incidentdatabase.ai/cite/<id>.
- The entity columns (`Alleged developer of AI system`, `Alleged deployer of AI system`) hold JSON
  arrays of slugs (`["navya","keolis-north-america"]`); developers then deployers, each once, go
  to `provider_names` and are matched to providers by slug. A cell that is not a JSON array is
  split on `;`. Harmed parties are not providers and are not loaded as such.
- `category`: `deepfake` when the title says so; else from the MIT risk subdomain in
  `options.classifications` (a path relative to the config, like `location`); else `other`.
- The snapshot is CC BY-SA 4.0: declare `attribution` on the source so exports carry it; a run
  without one says so in its notes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.adapters.base import Context, q, resolve_columns, sql_literal, text_or_null
from etl.adapters.shape import select_list
from etl.errors import SourceError
from etl.readers import RawTable

ENTITIES = frozenset({"incidents"})
HEADER_MARKERS = ("incident_id",)

WANTED = {
    "incident_id": ("incident_id", "Incident ID"),
    "date": ("date",),
    "title": ("title",),
    "description": ("description",),
    "developers": ("Alleged developer of AI system",),
    "deployers": ("Alleged deployer of AI system",),
}
REQUIRED = ("incident_id", "date", "title")
CLASSIFICATION_COLUMNS = ("Incident ID", "Risk Subdomain")

# MIT AI Risk Repository subdomains (their leading number) to our categories.
MIT_SUBDOMAINS = {
    "1.1": "bias",
    "1.2": "content",
    "1.3": "bias",
    "2.1": "privacy",
    "2.2": "security",
    "3.1": "misinformation",
    "3.2": "misinformation",
    "4.1": "misinformation",
    "4.2": "security",
    "4.3": "fraud",
    "5.1": "safety",
    "5.2": "safety",
    "6.1": "other",
    "6.2": "other",
    "6.3": "other",
    "6.4": "other",
    "6.5": "other",
    "7.1": "safety",
    "7.2": "safety",
    "7.3": "safety",
    "7.4": "safety",
    "7.5": "safety",
    "7.6": "safety",
}
DEEPFAKE_PATTERN = "(?i)deep[ -]?fake"


def slug_list_sql(expr: str) -> str:
    """A JSON array of slugs as VARCHAR[]; other text split on `;`."""
    return (
        f"case when json_valid({expr}) and starts_with(trim({expr}), '[') "
        f"then from_json({expr}, '[\"VARCHAR\"]') else split_values({expr}, '[;；]') end"
    )


def _load_classifications(ctx: Context) -> str | None:
    """The MIT classifications as `__aiid_mit(incident_id, category)`, or None when not declared."""
    declared = ctx.source.option("classifications")
    if not declared:
        return None
    path = Path(declared)
    if not path.is_absolute():
        path = ctx.source.base_dir / path
    if not path.is_file():
        raise SourceError(
            f"{path}: classifications file not found (options.classifications of source {ctx.source.name!r}). "
            "Point it at the snapshot's classifications_MIT.csv, or remove the option.",
            file=str(path),
        )
    try:
        ctx.con.execute(
            "create or replace temp table __aiid_mit_raw as "
            "select * from read_csv($p, header = true, all_varchar = true)",
            {"p": str(path)},
        )
    except duckdb.Error as exc:
        raise SourceError(f"{path}: cannot read as CSV: {str(exc).splitlines()[0]}", file=str(path)) from None
    headers = [r[0] for r in ctx.con.execute("describe __aiid_mit_raw").fetchall()]
    missing = [c for c in CLASSIFICATION_COLUMNS if c not in headers]
    if missing:
        raise SourceError(
            f"{path}: classifications file lacks columns {missing}; headers found: {headers}. "
            "Expected the AIID snapshot's classifications_MIT.csv.",
            file=str(path),
        )
    ctx.con.execute("create or replace temp table __aiid_subdomains (code varchar, category varchar)")
    ctx.con.executemany("insert into __aiid_subdomains values (?, ?)", sorted(MIT_SUBDOMAINS.items()))
    ctx.con.execute(
        """
        create or replace temp table __aiid_mit as
        select
            trim(raw."Incident ID") as mit_incident_id,
            -- One category per incident: the first subdomain in numeric order when there are several.
            arg_min(subdomains.category, raw."Risk Subdomain") as mit_category,
        from __aiid_mit_raw as raw
        left join __aiid_subdomains as subdomains
            on subdomains.code = regexp_extract(raw."Risk Subdomain", '^\\s*(\\d+\\.\\d+)', 1)
        group by all
        """
    )
    n = ctx.con.execute("select count(*) from __aiid_mit").fetchone()[0]
    ctx.notes.append(f"{n} MIT classifications from {path.name}")
    return "__aiid_mit"


def prestage(ctx: Context, raw: RawTable) -> str:
    found = resolve_columns(raw, WANTED, REQUIRED, ctx.source)
    if not ctx.source.attribution:
        ctx.notes.append(
            "no attribution declared: the AI Incident Database is CC BY-SA 4.0; "
            'add attribution = "AI Incident Database (incidentdatabase.ai), CC BY-SA 4.0" to the source'
        )
    prefix = str(ctx.source.option("id_prefix", "aiid"))
    classifications = _load_classifications(ctx)
    ident = f"clean_text({found['incident_id']})"
    developers = slug_list_sql(text_or_null(found, "developers"))
    deployers = slug_list_sql(text_or_null(found, "deployers"))
    mit_join = (
        f"left join {classifications} as mit on mit.mit_incident_id = {ident}"
        if classifications
        else "left join (select null::varchar as mit_category) as mit on false"
    )
    title = found["title"]
    columns = select_list(
        "incidents",
        {
            "incident_id": f"{sql_literal(prefix + ':')} || {ident}",
            "record_type": "'incident'",
            "occurred_date": found["date"],
            "occurred_precision": f"date_precision(clean_text({found['date']}))",
            "title": title,
            "description": text_or_null(found, "description"),
            "provider_names": "list_filter(__providers, lambda x, i: list_position(__providers, x) = i)",
            "category": f"case when regexp_matches({title}, {sql_literal(DEEPFAKE_PATTERN)}) then 'deepfake' "
            "else coalesce(mit.mit_category, 'other') end",
            "url": f"'https://incidentdatabase.ai/cite/' || {ident}",
        },
    )
    return f"""
        with rows as (
            select
                raw.*,
                list_concat(coalesce({developers}, []), coalesce({deployers}, [])) as __providers,
            from {q(raw.table)} as raw
        )
        select
            {columns}
        from rows
        {mit_join}
    """
