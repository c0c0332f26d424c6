"""Validate: type a pre-staged relation, check every rule, split good rows from quarantine.

An adapter maps a raw table onto the entity's columns as text (lists as VARCHAR[]). This
module does the rest the same way for every source: casts, named rules, the duplicate-key
check, then good rows go to `stg_<entity>` and failing rows to `quarantine`, each with every
rule it broke and the raw record it came from.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.compute as pc

from core import sql
from core.schema import (
    DATE_PRECISIONS,
    ENTITIES,
    INCIDENT_CATEGORIES,
    KINDS,
    LEGAL_BASES,
    LINEAGE_COLUMNS,
    RECORD_TYPES,
    SECTOR_RULE_FIELDS,
    SEVERITIES,
    STATUSES,
    YES_NO_UNKNOWN,
    Entity,
)
from etl.jurisdictions import aliases as jurisdiction_aliases
from etl.sqlquote import quote_ident, sql_literal

SQL_DIR = Path(__file__).parent / "sql"


# Identifiers from our declarations or a file's headers: the one audited helper (etl.sqlquote).
q = quote_ident


# Vocabularies checked for each entity column: a value outside one quarantines the row.
VOCABULARIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("registrations", "kind"): KINDS,
    ("registrations", "status"): STATUSES,
    ("incidents", "record_type"): RECORD_TYPES,
    ("incidents", "category"): INCIDENT_CATEGORIES,
    ("incidents", "severity"): SEVERITIES,
    ("incidents", "occurred_precision"): DATE_PRECISIONS,
    ("consent", "has_personal_info"): YES_NO_UNKNOWN,
    ("consent", "has_sensitive_info"): YES_NO_UNKNOWN,
    ("consent", "legal_basis"): LEGAL_BASES,
    ("sector_rules", "field"): SECTOR_RULE_FIELDS,
}

# Cross-column rules: (rule name, column, violation predicate, message expression).
CROSS_RULES: dict[str, list[tuple[str, str, str, str]]] = {
    "sector_rules": [
        (
            "sector_key",
            "sector",
            "not regexp_full_match(sector, '[a-z][a-z0-9_]{0,39}') or sector = 'unclassified'",
            "'sector ' || to_json(sector) || ' is not a sector key; expected lowercase letters, digits and _ "
            "(e.g. healthcare), and not unclassified, which is what no rule firing means'",
        ),
    ],
    "consent": [
        (
            "consented_le_personal",
            "consented_records",
            "consented_records > personal_records",
            "'consented_records ' || consented_records || ' is more than personal_records ' || personal_records",
        ),
        (
            "no_pi_no_records",
            "personal_records",
            "has_personal_info = 'no' and coalesce(personal_records, 0) > 0",
            "'has_personal_info is no but personal_records is ' || personal_records",
        ),
    ],
    "registrations": [
        (
            "cancelled_after_filed",
            "cancelled_date",
            "cancelled_date < filed_date",
            "'cancelled_date ' || cancelled_date || ' is before filed_date ' || filed_date",
        ),
    ],
}


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The SQL macros of macros.sql and provider_macros.sql (name matching), plus
    `jurisdiction_of(text)` built from etl.jurisdictions."""
    # NFKC for keys, vectorised (DuckDB has NFC only): full-width Ｇ1 and G1 are one key.
    con.create_function(
        "nfkc",
        lambda text: pc.utf8_normalize(text, form="NFKC"),
        [duckdb.sqltype("VARCHAR")],
        duckdb.sqltype("VARCHAR"),
        type="arrow",
        side_effects=False,
    )
    con.execute((SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    con.execute((SQL_DIR / "provider_macros.sql").read_text(encoding="utf-8"))
    # A province in any spelling to its code; other ISO 3166-2 codes (US-CA) pass through.
    # The aliases are a MAP literal, not a lookup table: a correlated subquery is planned as a
    # delim join that copies every column of the row it sits in (at 2M incidents it took the
    # typing of a staged row from 2.0 s to 3.6 s); a map lookup is a plain expression. The keys
    # and codes are the project's own (etl.jurisdictions), quoted as literals all the same.
    aliases = ", ".join(f"{sql_literal(k)}: {sql_literal(v)}" for k, v in sorted(jurisdiction_aliases().items()))
    con.execute(
        f"""create or replace macro jurisdiction_of(t) as case when t is not null then coalesce(
            MAP {{{aliases}}}[fold_key(t)],
            case when regexp_full_match(upper(trim(t)), '[A-Z]{{2}}-[A-Z0-9]{{1,3}}') then upper(trim(t)) end
        ) end"""
    )


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every stg table, quarantine and etl_runs, empty."""
    for entity in ENTITIES.values():
        cols = ", ".join(f"{q(c.name)} {c.type}" for c in (*entity.columns, *LINEAGE_COLUMNS))
        con.execute(f"create table if not exists {entity.stg_table} ({cols})")
    con.execute((SQL_DIR / "bookkeeping.sql").read_text(encoding="utf-8"))


@dataclass
class StageResult:
    loaded: int
    quarantined: int


# How number text is read: options.decimal_separator declares it per source, never guessed.
# The staging SQL calls source_number(); stage() defines it for each source (set_number_format).
NUMBER_PARSERS = {".": "parse_number", ",": "parse_number_decimal_comma"}

STAGING_DIR = SQL_DIR / "staging"


def _typed_expr(entity: Entity, column: str, ctype: str) -> str:
    raw = q(column)
    if column in entity.key:
        # Look-alike keys (full-width, zero-width, BOM, no-break spaces) are one key; a date in
        # a key (official_totals) is parsed after normalising.
        return f"parse_date(normalize_key({raw}))" if ctype == "date" else f"normalize_key({raw})"
    if ctype == "date":
        return f"parse_date({raw})"
    if ctype == "bigint":
        # source_number gives only finite numbers (NaN, Infinity are not numbers); beyond 1e18 a
        # number is not a plausible count and would not fit BIGINT, so it fails number_parses.
        return f"whole_number(source_number({raw}))"
    if ctype == "double":
        return f"source_number({raw})"
    if column == "jurisdiction_code":
        return f"jurisdiction_of({raw})"
    if ctype == "varchar[]":
        return f"list_filter({raw}, lambda x: x is not null and trim(x) <> '')"
    return f"clean_text({raw})"


def _rules(entity: Entity) -> list[tuple[str, str, str, str]]:
    """(rule, column, violation predicate over typed columns, message expression)."""
    rules: list[tuple[str, str, str, str]] = []
    latest = "$run_date::date"
    earliest = f"date {sql_literal(entity.min_date)}"
    for col in entity.columns:
        name, raw = col.name, f"raw__{col.name}"
        if col.required:
            # Checked on the text as given, so an unparseable value is reported as such, not as empty.
            empty = f"{q(name)} is null" if col.type == "varchar[]" else f"clean_text({q(raw)}::varchar) is null"
            rules.append(("required", name, empty, sql_literal(f"{name} is required but empty")))
        if col.type == "date":
            rules.append(
                (
                    "date_parses",
                    name,
                    f"{q(name)} is null and clean_text({q(raw)}) is not null",
                    f"{sql_literal(name + ' ')} || to_json(clean_text({q(raw)})) "
                    "|| ' is not a date; expected YYYY-MM-DD or YYYY/M/D'",
                )
            )
            rules.append(
                (
                    "date_plausible",
                    name,
                    f"{q(name)} > {latest} or {q(name)} < {earliest}",
                    f"{sql_literal(name + ' ')} || {q(name)} || ' is ' || case when {q(name)} > {latest} "
                    f"then 'in the future' else {sql_literal('before ' + entity.min_date)} end",
                )
            )
        if col.type in ("bigint", "double"):
            text = f"clean_text({q(raw)})"
            rules.append(
                (
                    "number_parses",
                    name,
                    f"{q(name)} is null and {text} is not null",
                    f"{sql_literal(name + ' ')} || to_json({text}) || case "
                    f"when source_number({text}) is null and contains({text}, other_decimal_separator()) then "
                    "' is not a number in this source''s format (decimal separator '''"
                    " || source_decimal_separator() || '''); if the file writes decimals as 12'"
                    " || other_decimal_separator() || '5, set options.decimal_separator = '''"
                    " || other_decimal_separator() || '''' "
                    f"when source_number({text}) is null then ' is not a number' "
                    f"when abs(source_number({text})) >= 1e18 then ' is implausibly large' "
                    "else ' is not a whole number' end",
                )
            )
            rules.append(
                (
                    "number_range",
                    name,
                    f"{q(name)} < 0 or {q(name)} > 1e15",
                    f"{sql_literal(name + ' ')} || {q(name)} || "
                    f"case when {q(name)} < 0 then ' is negative' else ' is implausibly large' end",
                )
            )
        vocab = VOCABULARIES.get((entity.name, name))
        if vocab:
            listed = "[" + ", ".join(sql_literal(v) for v in vocab) + "]"
            rules.append(
                (
                    "known_value",
                    name,
                    f"{q(name)} is not null and not list_contains({listed}, {q(name)})",
                    f"{sql_literal(name + ' ')} || to_json({q(name)}) || "
                    + sql_literal(" is not one of " + ", ".join(vocab)),
                )
            )
        if name == "jurisdiction_code":
            rules.append(
                (
                    "known_jurisdiction",
                    name,
                    f"{q(name)} is null and clean_text({q(raw)}) is not null",
                    f"'jurisdiction ' || to_json(clean_text({q(raw)})) || ' is not a known province or region'",
                )
            )
        if col.type == "varchar":
            # A NUL is never text: a file with one is corrupt at that row, not binary as a whole.
            rules.append(
                (
                    "control_character",
                    name,
                    f"contains({q(name)}, chr(0))",
                    sql_literal(f"{name} holds a NUL byte; remove it from the file (or re-export the file)"),
                )
            )
            # DuckDB's reader already rejects invalid UTF-8; U+FFFD can only come from our own
            # transcoding (GB18030 with replacement), so the check runs only then (check_encoding()).
            rules.append(
                (
                    "encoding",
                    name,
                    f"check_encoding() and contains({q(name)}, chr(65533))",
                    sql_literal(
                        f"{name} holds bytes that are not valid in the file's encoding; "
                        "re-save the file as UTF-8 or set options.encoding"
                    ),
                )
            )
    rules.extend(CROSS_RULES.get(entity.name, []))
    return rules


def _lines(items: list[str], indent: str, sep: str = ",") -> str:
    return f"{sep}\n".join(indent + item for item in items)


def typed_columns(entity: Entity) -> list[str]:
    """Each entity column typed from the adapter's text (`expr as name`), then its text as given
    (`raw__name`, which the rules read): the select list of the staging SQL's `typed` step."""
    return [
        f"{_typed_expr(entity, c.name, c.type)} as {q(c.name)}, {q(c.name)} as {q('raw__' + c.name)}"
        for c in entity.columns
    ]


def failure_predicates(entity: Entity) -> list[str]:
    """One null-safe predicate per rule over the typed columns: a row fails when any is true."""
    return [f"coalesce({pred}, false)" for _rule, _col, pred, _msg in _rules(entity)]


def staging_sql(entity: Entity) -> str:
    """The text of etl/sql/staging/stg_<entity>.sql, written from the entity's declarations."""
    typed = typed_columns(entity)
    rules = _rules(entity)
    checks = [
        f"case when {pred}\n"
        f"            then {{'rule': {sql_literal(rule)}, 'column': {sql_literal(col)}, 'message': {msg}}} end"
        for rule, col, pred, msg in rules
    ]
    any_failed = failure_predicates(entity)
    key = ", ".join(q(k) for k in entity.key)
    key_not_null = " and ".join(f"{q(k)} is not null" for k in entity.key)
    key_match = " and ".join(f"__checked.{q(k)} = __dups.{q(k)}" for k in entity.key)
    key_text = " || ' / ' || ".join(f"coalesce(__checked.{q(k)}::varchar, '')" for k in entity.key)
    raw_names = ", ".join(q("raw__" + c.name) for c in entity.columns if c.name not in entity.key)
    names = ", ".join(q(c.name) for c in entity.columns)
    rule_names = ", ".join(sorted({r[0] for r in rules}))
    normalisations = "\n\n".join(
        f"""-- Normalising a key must not lose what the file said: the raw value of {k} is kept.
insert into key_normalisations
select $load_id, $source, __file, __line, {sql_literal(k)}, {q("raw__" + k)}::varchar, {q(k)}::varchar
from __checked
where __errors is null and {q("raw__" + k)}::varchar is distinct from {q(k)}::varchar
    and clean_text({q("raw__" + k)}::varchar) is distinct from {q(k)}::varchar;"""
        for k in entity.key
    )
    return f"""-- Staging of {entity.name}: type the adapter's text columns, check every rule, then good rows
-- go to {entity.stg_table} and failing rows to quarantine, each with every rule it broke and the raw
-- record it came from.
--
-- Written from the declarations in core/schema.py (columns, types, keys, vocabularies) and the
-- rules in etl/stage.py by `python -m etl.stage --write`; edit those, not this file (a test
-- fails when this file differs from what they give).
--
-- Reads: prestaged (the adapter's view: one text column per entity column, then __file, __line)
-- and raw_input (the file as read). Parameters: $source, $load_id, $run_date. Per-source macros
-- (etl/stage.py): source_number(text), source_decimal_separator(), other_decimal_separator(),
-- check_encoding(). Rules: {rule_names}.

-- Cheap first: one boolean per row. The error list is built only for the rows that failed.
create or replace temp table __checked as
with typed as (
    select
{_lines(typed, "        ")},
        __file, __line
    from prestaged
)
select
    * exclude ({raw_names}),
    case when
{_lines(any_failed, "        ", " or")}
    then list_filter([
{_lines(checks, "        ")}
    ], lambda e: e is not null) end as __errors
from typed;

-- Duplicate keys among otherwise good rows: the first line loads, later ones are quarantined.
-- An aggregate finds the few duplicated keys far faster than a window over every row.
create or replace temp table __dups as
select {key}, min(__line) as __first_line
from __checked
where __errors is null and {key_not_null}
group by {key}
having count(*) > 1;

update __checked
set __errors = [{{
    'rule': 'duplicate_key',
    'column': {sql_literal(entity.key[0])},
    'message': 'duplicate key ' || to_json({key_text}) || ' first seen on line ' || __dups.__first_line
}}]
from __dups
where {key_match} and __checked.__line > __dups.__first_line and __checked.__errors is null;

drop table __dups;

insert into {entity.stg_table}
select {names}, $source, $load_id, __file, __line
from __checked
where __errors is null;

{normalisations}

insert into quarantine
select
    $load_id, $source, c.__file, c.__line,
    list_transform(c.__errors, lambda e: e.column),
    r.raw_json,
    list_transform(c.__errors, lambda e: e.rule),
    array_to_string(list_transform(c.__errors, lambda e: e.column || ': ' || e.message), '; '),
    'invalid'
from __checked as c
left join (
    select raw_input.__line, to_json(record)::varchar as raw_json
    from raw_input, lateral (select raw_input.* exclude (__file, __line)) as record
    where raw_input.__line in (select __line from __checked where __errors is not null)
) as r on r.__line = c.__line
where c.__errors is not null;
"""


def staging_path(entity_name: str) -> Path:
    return STAGING_DIR / f"stg_{entity_name}.sql"


def set_number_format(con: duckdb.DuckDBPyConnection, decimal_separator: str, check_encoding: bool) -> None:
    """The per-source macros the staging SQL calls: how numbers are written, and whether text
    came through our own transcoding (only then can U+FFFD mean undecodable bytes)."""
    parse = NUMBER_PARSERS[decimal_separator]
    other = "," if decimal_separator == "." else "."
    con.execute(f"create or replace temp macro source_number(t) as {parse}(t)")
    con.execute(f"create or replace temp macro source_decimal_separator() as {sql_literal(decimal_separator)}")
    con.execute(f"create or replace temp macro other_decimal_separator() as {sql_literal(other)}")
    con.execute(f"create or replace temp macro check_encoding() as {'true' if check_encoding else 'false'}")


# What each staging statement is, for the profile: by the table it creates, updates or fills.
_WRITES = re.compile(r"^\s*(create or replace temp table|insert into|update)\s+(\w+)", re.I | re.M)
STEP_LABELS = {
    "create __checked": "type_validate",
    "create __dups": "duplicate_keys",
    "update __checked": "duplicate_keys",
    "insert quarantine": "quarantine",
    "insert key_normalisations": "key_normalise",
}


def stage(
    con: duckdb.DuckDBPyConnection,
    entity_name: str,
    prestaged: str,
    raw_table: str,
    *,
    source: str,
    load_id: str,
    run_date: date,
    check_encoding: bool = True,
    decimal_separator: str = ".",
    step: Callable[[str], contextlib.AbstractContextManager] | None = None,
) -> StageResult:
    """Type and validate `prestaged`; append good rows to the stg table and the rest to quarantine,
    by running etl/sql/staging/stg_<entity>.sql. `step(label)`: a context that times each
    statement (etl.profile), labelled by what it writes (STEP_LABELS)."""
    con.execute(f"create or replace temp view prestaged as select * from {q(prestaged)}")
    con.execute(f"create or replace temp view raw_input as select * from {q(raw_table)}")
    set_number_format(con, decimal_separator, check_encoding)
    params = {"source": source, "load_id": load_id, "run_date": run_date}
    for statement in duckdb.extract_statements(sql.load(staging_path(entity_name))):
        target = _WRITES.search(statement.query)
        label = STEP_LABELS.get(f"{target[1].split()[0].lower()} {target[2].lower()}", "stage") if target else "stage"
        with step(label) if step else contextlib.nullcontext():
            con.execute(statement, {k: v for k, v in params.items() if k in statement.named_parameters})
    loaded, quarantined = con.execute(
        "select count(*) filter (where __errors is null), count(*) filter (where __errors is not null) from __checked"
    ).fetchone()
    con.execute("drop table __checked")
    con.execute("drop view prestaged")
    con.execute("drop view raw_input")
    return StageResult(loaded, quarantined)


def quarantine_rejects(con: duckdb.DuckDBPyConnection, rejects, *, source: str, load_id: str, file: str) -> int:
    """Records the reader could not parse go to quarantine as they were in the file."""
    rows = [
        (load_id, source, file, r.line, [r.column] if r.column else [], r.raw, ["structure"], r.reason, "unreadable")
        for r in rejects
    ]
    if rows:
        con.executemany("insert into quarantine values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    """`python -m etl.stage`: check (default) or --write etl/sql/staging/ from the declarations."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(
        prog="python -m etl.stage",
        description="Check (default) or rewrite etl/sql/staging/stg_<entity>.sql from core/schema.py's declarations.",
    )
    parser.add_argument("--write", action="store_true", help="rewrite the staging files that differ")
    args = parser.parse_args(argv)
    stale = []
    for entity in ENTITIES.values():
        path, text = staging_path(entity.name), staging_sql(entity)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        if args.write:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
        else:
            stale.append(path)
    expected = {staging_path(e.name) for e in ENTITIES.values()}
    for extra in sorted(set(STAGING_DIR.glob("*.sql")) - expected):
        print(f"{extra}: no entity is declared for it in core/schema.py; remove it", file=sys.stderr)
        stale.append(extra)
    for path in stale:
        if path in expected:
            print(f"{path}: differs from the declarations; run: python -m etl.stage --write", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
