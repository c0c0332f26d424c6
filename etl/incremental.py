"""Incremental refresh: redo only what an input change reaches, with the same result as a full build.

A run starts from a copy of the live warehouse when the live one was built by the same code
(`code_fingerprint`: every file of etl/ and core/). Then, per source, the fingerprint of its
declaration and its input bytes (sha256) is compared with the one recorded in `etl_source_state`:
- unchanged: its staged rows, quarantine and key normalisations are kept as they are;
- changed, new or failed before: its rows are deleted and it is loaded again;
- no longer declared: its rows are deleted.
A source whose rows were quarantined as dated in the future (or before the entity's earliest
date) is loaded again when the run date differs: the same bytes can give other rows another day.

Models are then planned from the tables each one reads (core.sql.references), never by name:
a model runs when a table it reads changed. A model that takes the load's id or time ($load_id,
$loaded_at) or reads the previous build (prev_*) keeps history and runs every time; its output
counts as changed for the models that read it only when a column other than load bookkeeping
(`load_id`, `*_load_id`, `*_at`, `previous_*`) differs from the previous build; so a model that
reads a history model must not carry those columns on (tests/test_etl_scale.py compares an
incremental build with a full one on every table and would show it). Temporary models (int_*, not
kept in the warehouse) run whenever a model that runs reads them.

The incident marts (DELTA_MODELS) are the largest: when the incidents themselves are unchanged
and only the alias table or the registrations changed, they are redone for the incidents that
change reaches (etl/sql/incident_delta.sql), not rebuilt: those rows are deleted and the model's
own SQL is run for them alone (delta_sql). Past DELTA_MAX_SHARE of the incidents a rebuild is
cheaper, and the models are rebuilt whole.

`--full` (or any doubt: another code version, no state in the live warehouse) builds from empty.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.config import Source
from etl.sqlquote import quote_ident

ROOT = Path(__file__).resolve().parents[1]
STATE_DDL = """
create table if not exists etl_source_state (
    source varchar primary key,
    fingerprint varchar,  -- sha256 of the declaration, the input bytes and the code
    input_sha256 varchar,
    files varchar,        -- JSON [[path, size, mtime_ns, sha256], ...]: re-hash only what changed
    load_id varchar,      -- the load that read these bytes
    run_date date,
    rows_read bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    rows_skipped bigint,
    headers varchar[],
    message varchar,
);
create table if not exists etl_build_state (code_fingerprint varchar);
"""
# Columns of a history model that carry the load's own bookkeeping or the previous build's values.
BOOKKEEPING_COLUMN = re.compile(r"(^|_)load_id$|_at$|^previous_")


# Models redone per incident when the incidents are unchanged; the share past which they are rebuilt.
DELTA_MODELS = ("mart_incident_providers", "mart_incidents")
DELTA_MAX_SHARE = 0.25


def delta_sql(name: str, text: str) -> str:
    """A DELTA_MODELS model's SQL turned into the insert of its rows for `__affected_incidents`
    alone: `create or replace table <name> as` becomes an insert, and its one read of
    stg_incidents reads only those incidents. Raises when the SQL no longer has exactly one of
    each, so an edit to the model cannot silently make the delta differ from a rebuild."""
    create, read = f"create or replace table {name} as", "from stg_incidents"
    if text.count(create) != 1 or len(re.findall(rf"\b{read}\b", text)) != 1:
        raise RuntimeError(f"{name}: its SQL must create {name} once and read stg_incidents once")
    scoped = (
        "from (select * from stg_incidents"
        " where incident_id in (select incident_id from __affected_incidents)) as stg_incidents"
    )
    return re.sub(rf"\b{read}\b", scoped, text.replace(create, f"insert into {name} by name"))


@functools.cache
def code_fingerprint() -> str:
    """The ETL's code and SQL, and the neutral core it builds on: a change means a full build."""
    h = hashlib.sha256()
    for folder in ("etl", "core"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".sql", ".toml", ".json", ".csv") and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@dataclass
class SourceState:
    fingerprint: str
    input_sha256: str
    files: list
    load_id: str
    run_date: object
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_skipped: int
    headers: list
    message: str


def previous_states(con: duckdb.DuckDBPyConnection) -> tuple[str | None, dict[str, SourceState]]:
    """(code fingerprint, per-source state) of the live warehouse attached as `prev`."""
    try:
        row = con.execute("select code_fingerprint from prev.etl_build_state").fetchone()
        rows = con.execute(
            """select source, fingerprint, input_sha256, files, load_id, run_date, rows_read, rows_loaded,
                   rows_quarantined, rows_skipped, headers, message from prev.etl_source_state"""
        ).fetchall()
    except duckdb.Error:
        return None, {}
    states = {r[0]: SourceState(r[1], r[2], json.loads(r[3] or "[]"), *r[4:]) for r in rows}
    return (row[0] if row else None), states


def file_digests(paths: list[Path], known: list, hasher) -> list[list]:
    """[path, size, mtime_ns, sha256] per file; a file whose path, size and mtime are as recorded
    keeps its recorded digest (a rewrite changes the mtime), others are hashed."""
    recorded = {(p, size, mtime): sha for p, size, mtime, sha in known}
    out = []
    for path in paths:
        st = os.stat(path)
        key = (str(path), st.st_size, st.st_mtime_ns)
        sha = recorded.get(key) or hasher([path])
        out.append([*key, sha])
    return out


def combined_sha(digests: list[list]) -> str:
    """As etl.pipeline.file_sha256: one file's digest, or the digest of the per-file digests."""
    if len(digests) == 1:
        return digests[0][3]
    return hashlib.sha256("\n".join(d[3] for d in digests).encode()).hexdigest()


def source_fingerprint(source: Source, digests: list[list], titles: list[list[str]]) -> str:
    declared = {
        "entity": source.entity,
        "adapter": source.adapter,
        "location": source.location,
        "registry": source.registry,
        "attribution": source.attribution,
        "options": source.options,
        "files": [[d[0], d[3]] for d in digests],
        "titles": titles,  # archive titles beside the files (batch names)
        "code": code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(declared, sort_keys=True, default=str).encode()).hexdigest()


def date_sensitive(con: duckdb.DuckDBPyConnection, source: str) -> bool:
    """The source has rows quarantined by date_plausible (a date in the future may not be one later)."""
    return bool(
        con.execute(
            "select count(*) from quarantine where source = $s and list_contains(rules, 'date_plausible')",
            {"s": source},
        ).fetchone()[0]
    )


@dataclass(frozen=True)
class Model:
    name: str
    reads: frozenset[str]
    history: bool  # takes $load_id / $loaded_at or reads the previous build
    temporary: bool


def models(model_texts: dict[str, str], tables: set[str]) -> dict[str, Model]:
    """Each model with the tables (stg, ref, other models) it reads."""
    from core import sql

    known = set(model_texts) | tables
    out = {}
    for name, text in model_texts.items():
        refs = sql.references(text)
        history = bool(sql.parameters(text) & {"load_id", "loaded_at"}) or any(r.startswith("prev_") for r in refs)
        temporary = bool(re.search(r"create\s+(or\s+replace\s+)?temp(orary)?\s+table", text, re.I))
        out[name] = Model(name, frozenset(refs & known - {name}), history, temporary)
    return out


def same_content(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """The new `table` equals prev.`table`, load bookkeeping columns aside."""
    try:
        new_cols = [r[0] for r in con.execute(f"describe {quote_ident(table)}").fetchall()]
        old_cols = [r[0] for r in con.execute(f"describe prev.{quote_ident(table)}").fetchall()]
    except duckdb.Error:
        return False
    if new_cols != old_cols:
        return False
    cols = ", ".join(quote_ident(c) for c in new_cols if not BOOKKEEPING_COLUMN.search(c))
    if not cols:
        return True
    t = quote_ident(table)
    differ = con.execute(
        f"""select (select count(*) from {t}) <> (select count(*) from prev.{t})
               or exists (select {cols} from {t} except all select {cols} from prev.{t})"""
    ).fetchone()[0]
    return not differ
