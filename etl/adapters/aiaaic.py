"""AIAAIC repository export (the Incidents sheet, as CSV or XLSX).

- A 3-row header: a title row (`Incidents`), the headers (`AIAAIC ID#, Headline, Occurred, …`),
  then sub-headers under `Impacted area` (`Jurisdiction, Sector`) and `External harm`
  (`Individual, Societal, Environmental`). The sub-header row and wholly blank rows are skipped
  and counted in the run's notes; the country is read from the column the sub-header calls
  `Jurisdiction`.
- Multi-values are separated by `;`. Commas appear too: a `;`-part with two or more commas is a
  comma list (`Anthropic, Apple, Bloomberg`); with one comma it is one name
  (`University of Massachussets, Amherst`); `, Inc.` and `, Ltd.` never split.
- Countries in any spelling (`US`, `USA`, `S Korea`, `Türkiye`, `California`) become ISO codes:
  `countries` lists them all, `country` is set when there is one, `jurisdiction_code` when a
  single US state or UK nation is named. Unknown spellings are listed in the run's notes.
- `Occurred`: `2024` (year), `2019-2024` (range, from its first year), `2023-` (open).
- Developers then deployers go to `provider_names`; `System name` to `service_name`. Technology,
  purpose, issues, sector, harms, consequence and response are kept in `description`.
- `category`: `deepfake` when the technology or headline says so, else the first of privacy,
  intellectual_property, misinformation, bias, security, safety whose words appear in
  `Ethical issue`, else `other`.
- Duplicate IDs (AIAAIC2094 appears twice): the first row in the file loads; later ones go to
  quarantine as `duplicate_key`, naming the line of the one kept. The run's notes list them.
"""

from __future__ import annotations

from etl.adapters import countries
from etl.adapters.base import Context, q, resolve_columns, sql_literal, text_or_null
from etl.adapters.shape import select_list
from etl.readers import RawTable

ENTITIES = frozenset({"incidents"})
HEADER_MARKERS = ("AIAAIC ID#",)

WANTED = {
    "incident_id": ("AIAAIC ID#", "AIAAIC ID", "ID"),
    "title": ("Headline", "Title"),
    "occurred": ("Occurred", "Released"),
    "deployer": ("Deployer", "Deployer(s)"),
    "developer": ("Developer", "Developer(s)"),
    "system": ("System name", "System name(s)", "System"),
    "technology": ("Technology", "Technology(ies)"),
    "purpose": ("Purpose",),
    "trigger": ("News trigger (taxonomy)", "News trigger"),
    "issues": ("Ethical issue (taxonomy)", "Issue(s)", "Ethical issue"),
    "country": ("Country", "Country(ies)", "Jurisdiction"),
    "harm": ("External harm (taxonomy)", "External harm"),
    "consequence": ("Consequence (taxonomy)",),
    "response": ("Response (taxonomy)",),
    "url": ("Summary/links", "Link", "URL"),
}
REQUIRED = ("incident_id", "title")

# (category, regular expression over the `Ethical issue` text), in priority order.
ISSUE_CATEGORIES = (
    ("privacy", "(?i)privacy|consent|confidentiality|surveillance"),
    ("intellectual_property", "(?i)copyright|appropriation|intellectual property"),
    ("misinformation", "(?i)mis/?disinformation|misinformation|disinformation"),
    # Not "bias" alone: "Automation bias" is about over-trusting a system, not discrimination.
    ("bias", "(?i)fairness|discrimination|representation"),
    ("security", "(?i)security"),
    ("safety", "(?i)safety|alignment|autonomous weapons"),
)
COMPANY_FORMS = r"((?:Inc|Ltd|LLC|L\.L\.C|Co|Corp|PLC|GmbH|S\.A|AG|Limited|LLP|Pty)\.?)"


def names_sql(expr: str) -> str:
    """A multi-value cell as a list of names (see the module notes on `;` and `,`)."""
    protected = f"regexp_replace(clean_text({expr}), ',\\s*{COMPANY_FORMS}(\\W|$)', chr(1) || ' \\1\\2', 'gi')"
    per_part = "lambda p: case when length(p) - length(replace(p, ',', '')) >= 2 then split_values(p, ',') else [p] end"
    return (
        f"list_transform(flatten(list_transform(split_values({protected}, '[;；]'), {per_part})), "
        "lambda x: replace(x, chr(1), ','))"
    )


def _subheaders(ctx: Context, raw: RawTable, id_expr: str) -> tuple[dict[str, str], int | None]:
    """Sub-header text per column and its line: the first non-blank row under the header, when
    it has no ID (the 3rd header row). A later row without an ID is data missing its ID."""
    cols = list(raw.headers)
    any_text = " or ".join(f"clean_text({q(h)}) is not null" for h in cols)
    row = ctx.con.execute(
        f"""select __line, {", ".join(f"clean_text({q(h)})" for h in cols)} from {q(raw.table)}
            where coalesce({any_text}, false)
            order by __line limit 1"""
    ).fetchone()
    if (
        not row
        or ctx.con.execute(
            f"select clean_text({id_expr}) is not null from {q(raw.table)} where __line = $l", {"l": row[0]}
        ).fetchone()[0]
    ):
        return {}, None
    return {h: v for h, v in zip(cols, row[1:], strict=False) if v}, row[0]


def prestage(ctx: Context, raw: RawTable) -> str:
    found = resolve_columns(raw, WANTED, REQUIRED, ctx.source)
    ident = f"clean_text({found['incident_id']})"
    subheaders, sub_line = _subheaders(ctx, raw, found["incident_id"])
    by_sub = {v.lower(): h for h, v in subheaders.items()}
    country_col = q(by_sub["jurisdiction"]) if "jurisdiction" in by_sub else text_or_null(found, "country")
    all_text = " or ".join(f"clean_text({q(h)}) is not null" for h in raw.headers)
    table = q(raw.table)
    # Left out: the sub-header row and blank rows. A row with text but no ID is kept, and fails
    # the required rule into quarantine rather than vanishing.
    keep = f"({ident} is not null or (coalesce({all_text}, false) and __line is distinct from {int(sub_line or 0)}))"
    skipped = ctx.con.execute(
        f"select count(*) filter (where __line = {int(sub_line or 0)}), "
        f"count(*) filter (where not coalesce({all_text}, false)) from {table}"
    ).fetchone()
    if skipped[0]:
        ctx.notes.append(f"{skipped[0]} sub-header row(s) without an ID skipped")
    if skipped[1]:
        ctx.notes.append(f"{skipped[1]} blank row(s) skipped")
    ctx.skipped += skipped[0] + skipped[1]
    duplicates = ctx.con.execute(
        f"select {ident}, count(*) from {table} where {ident} is not null group by 1 having count(*) > 1 order by 1"
    ).fetchall()
    if duplicates:
        listed = ", ".join(f"{d} ×{n}" for d, n in duplicates)
        ctx.notes.append(
            f"{len(duplicates)} duplicate ID(s) ({listed}): the first row loads, later ones are quarantined"
        )
    place_table, unknown = countries.resolve(
        ctx.con, raw.table, country_col, f"__countries_{ctx.source.name}", where=f"{ident} is not null"
    )
    if unknown:
        ctx.notes.append(f"{len(unknown)} country spelling(s) not recognised, no code given: {', '.join(unknown)}")

    occurred = f"clean_text({text_or_null(found, 'occurred')})"
    title = found["title"]
    issues = f"coalesce(clean_text({text_or_null(found, 'issues')}), '')"
    technology = f"coalesce(clean_text({text_or_null(found, 'technology')}), '')"
    category = f"case when regexp_matches({technology} || ' ' || {title}, '(?i)deep[ -]?fake') then 'deepfake'"
    for name, pattern in ISSUE_CATEGORIES:
        category += f" when regexp_matches({issues}, {sql_literal(pattern)}) then '{name}'"
    category += " else 'other' end"
    harm_cols = [q(h) for h, v in subheaders.items() if v.lower() in ("individual", "societal", "environmental")]
    harm_cols = harm_cols or [text_or_null(found, "harm")]
    sector = q(by_sub["sector"]) if "sector" in by_sub else "null::varchar"
    labelled = [
        ("Technology", text_or_null(found, "technology")),
        ("Purpose", text_or_null(found, "purpose")),
        ("News trigger", text_or_null(found, "trigger")),
        ("Ethical issues", text_or_null(found, "issues")),
        ("Sector", sector),
        ("External harm", "nullif(concat_ws('; ', " + ", ".join(f"clean_text({h})" for h in harm_cols) + "), '')"),
        ("Consequence", text_or_null(found, "consequence")),
        ("Response", text_or_null(found, "response")),
    ]
    description = (
        "nullif(concat_ws('. ', "
        + ", ".join(f"{sql_literal(label + ': ')} || clean_text({expr})" for label, expr in labelled)
        + "), '')"
    )
    developers = names_sql(text_or_null(found, "developer"))
    deployers = names_sql(text_or_null(found, "deployer"))
    prefix = str(ctx.source.option("id_prefix", "aiaaic"))
    columns = select_list(
        "incidents",
        {
            "incident_id": f"{sql_literal(prefix + ':')} || {ident}",
            "record_type": "'incident'",
            "occurred_date": f"case when regexp_matches({occurred}, '^\\d{{4}}\\s*-') then left({occurred}, 4) "
            f"else {occurred} end",
            "occurred_precision": f"""case
                when regexp_full_match({occurred}, '\\d{{4}}\\s*-\\s*\\d{{4}}') then 'range'
                when regexp_full_match({occurred}, '\\d{{4}}\\s*-') then 'open'
                else date_precision({occurred})
            end""",
            "title": title,
            "description": description,
            "country": "places.country",
            "countries": "places.countries",
            "jurisdiction_code": "places.region",
            "provider_names": "list_filter(__providers, lambda x, i: list_position(__providers, x) = i)",
            "service_name": f"clean_text({text_or_null(found, 'system')})",
            "category": category,
            "url": f"clean_text({text_or_null(found, 'url')})",
        },
    )
    return f"""
        with rows as (
            select
                raw.*,
                list_concat(coalesce({developers}, []), coalesce({deployers}, [])) as __providers,
            from {table} as raw
            where {keep}
        )
        select
            {columns}
        from rows
        left join {place_table} as places on places.text = clean_text({country_col})
    """
