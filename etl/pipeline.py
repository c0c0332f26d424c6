"""One ETL run: extract → validate → load every declared source, build the marts, publish.

Each run has one `load_id`. A source that fails (missing file, missing columns, unreadable)
keeps the rows it had in the previous build and is recorded as failed; the others load.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from core import sql
from core.schema import ENTITIES
from etl import __version__, incremental, publish
from etl.adapters import ADAPTERS
from etl.adapters.base import Context
from etl.archive import archive_published, archive_titles
from etl.config import Config, Source
from etl.errors import ConfigError, EnvironmentFailure, EtlError, SourceError, environment_cause
from etl.jurisdictions import reference_rows
from etl.profile import Profile
from etl.readers import drop_raw, fetch, original_lines, read_any, temp_workdir
from etl.stage import SQL_DIR, create_tables, install_macros, quarantine_rejects, stage

# The SQL by layer: etl/sql/staging/stg_<entity>.sql runs once per source (etl.stage); then the
# models, intermediate/int_* and marts/mart_*. Each model builds the table it is named after; the
# run order comes from the tables each one reads.
MODEL_LAYERS = ("intermediate", "marts")
MODEL_FILES = {p.stem: p for layer in MODEL_LAYERS for p in sorted((SQL_DIR / layer).glob("*.sql"))}
MODELS = tuple(sql.model_order({name: sql.load(path) for name, path in MODEL_FILES.items()}))
# The incident marts' incremental state and delta (etl.incremental.DELTA_MODELS), run by name.
INCIDENT_DELTA_FILES = ("incident_state.sql", "incident_delta.sql", "incident_state_keep.sql")
# Tables a build carries over from the previous one for a source that failed this time.
CARRIED_TABLES = tuple(e.stg_table for e in ENTITIES.values()) + ("quarantine", "key_normalisations")


@dataclass
class SourceResult:
    source: str
    entity: str
    status: str  # loaded / failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    seconds: float = 0.0
    message: str = ""
    rows_skipped: int = 0
    unchanged: bool = False  # an incremental run kept its rows: same declaration, same bytes


@dataclass
class RunResult:
    load_id: str
    db: str
    sources: list[SourceResult] = field(default_factory=list)
    seconds: float = 0.0
    profile: Profile = field(default_factory=Profile)
    incremental: bool = False

    @property
    def ok(self) -> bool:
        return all(s.status == "loaded" for s in self.sources)

    def to_dict(self) -> dict:
        return {
            "load_id": self.load_id,
            "db": self.db,
            "ok": self.ok,
            "incremental": self.incremental,
            "seconds": round(self.seconds, 3),
            "sources": [asdict(s) for s in self.sources],
            "profile": self.profile.to_dict(),
        }


# The build connection's memory (README: Memory). DuckDB's own default takes up to 80% of RAM;
# beyond this limit it spills to the temp directory, so a large build is slower, not killed.
DEFAULT_MEMORY_LIMIT = "1GB"
ENV_SETTINGS = {"memory_limit": "ETL_MEMORY_LIMIT", "temp_directory": "ETL_TEMP_DIRECTORY", "threads": "ETL_THREADS"}


def build_settings(config: Config, environ: dict[str, str] | None = None) -> dict:
    """memory_limit, temp_directory, threads: the environment over `[warehouse]` over defaults."""
    from etl.config import WAREHOUSE_KEYS

    environ = os.environ if environ is None else environ
    settings: dict = {"memory_limit": DEFAULT_MEMORY_LIMIT, **config.warehouse}
    for key, variable in ENV_SETTINGS.items():
        value = environ.get(variable, "").strip()
        if not value:
            continue
        if key == "threads":
            value = int(value) if value.isdigit() else value
        if problem := WAREHOUSE_KEYS[key].check(value):
            raise ConfigError(f"environment variable {variable}={environ[variable]!r} {problem}")
        settings[key] = value
    return settings


def _connect_build(build: Path, settings: dict, spill: Path) -> duckdb.DuckDBPyConnection:
    options = {"memory_limit": str(settings["memory_limit"]), "temp_directory": str(spill)}
    if settings.get("threads"):
        options["threads"] = int(settings["threads"])
    return duckdb.connect(str(build), config=options)


def _spill_dir(db: Path, settings: dict, workdir: Path) -> Path:
    """This run's spill folder: in the run's scratch folder, or one named after the run under the
    configured temp_directory (removed at the end, and by the next run if this one is killed)."""
    if not settings.get("temp_directory"):
        return workdir / "spill"
    root = Path(settings["temp_directory"])
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=publish.workdir_prefix(db), dir=root))


def new_load_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def file_sha256(paths: list[Path]) -> str:
    """sha256 of one file, or of the per-file digests in order for a glob."""
    digests = []
    for path in paths:
        h = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 22):
                h.update(chunk)
        digests.append(h.hexdigest())
    if len(digests) == 1:
        return digests[0]
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def _attach_previous(con: duckdb.DuckDBPyConnection, db: Path) -> bool:
    """Attach the live warehouse read-only as `prev`, or an empty stand-in."""
    if db.exists():
        try:
            con.execute("attach $p as prev (read_only)", {"p": str(db)})
            con.execute("select count(*) from prev.mart_registrations").fetchone()
            return True
        except duckdb.Error:
            con.execute("detach database if exists prev")
    con.execute("attach ':memory:' as prev")
    return False


def _prepare_previous_registrations(con: duckdb.DuckDBPyConnection, has_prev: bool) -> None:
    """`prev_registrations` and `prev_delisted`: the previous build's, or empty stand-ins."""
    if has_prev:
        con.execute("create or replace temp view prev_registrations as select * from prev.mart_registrations")
    else:
        con.execute(
            """create or replace temp table prev_registrations as
               select *, ''::varchar as first_seen_load_id, now() as first_seen_at,
                   ''::varchar as last_seen_load_id, now() as last_seen_at, ''::varchar as status_changed_load_id,
                   now() as status_changed_at, ''::varchar as previous_status,
                   ''::varchar as jurisdiction_name, ''::varchar as jurisdiction_name_en
               from int_registrations_current where false"""
        )
    try:
        con.execute("create or replace temp view prev_delisted as select * from prev.mart_registrations_delisted")
    except duckdb.Error:
        con.execute(
            """create or replace temp table prev_delisted as
               select *, ''::varchar as delisted_load_id, now() as delisted_at from prev_registrations where false"""
        )
    try:
        con.execute("create or replace temp view prev_changes as select * from prev.mart_registration_changes")
    except duckdb.Error:
        con.execute(
            """create or replace temp table prev_changes (change_type varchar, registration_id varchar,
               old_value varchar, new_value varchar, load_id varchar, previous_load_id varchar)"""
        )


def _run_model(con: duckdb.DuckDBPyConnection, name: str, params: dict, text: str | None = None) -> None:
    """Run a model's SQL (or `text` made from it) with the parameters it takes."""
    text = text or sql.load(MODEL_FILES[name])
    wanted = sql.parameters(text)
    con.execute(text, {k: v for k, v in params.items() if k in wanted})


def _carry_over(con: duckdb.DuckDBPyConnection, source: str, has_prev: bool) -> int:
    """Keep a failed source's rows from the previous build: nothing is lost by a bad run."""
    if not has_prev:
        return 0
    kept = 0
    for table in CARRIED_TABLES:
        try:
            con.execute(f"insert into {table} by name select * from prev.{table} where source = $s", {"s": source})
            if table not in ("quarantine", "key_normalisations"):
                kept += con.execute(f"select count(*) from {table} where source = $s", {"s": source}).fetchone()[0]
        except duckdb.Error:
            continue
    return kept


def _previous_data_load(con: duckdb.DuckDBPyConnection, source: str, has_prev: bool) -> str | None:
    if not has_prev:
        return None
    try:
        row = con.execute("select data_load_id from prev.etl_sources where source = $s", {"s": source}).fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def _keep_original_bytes(ctx: Context, path: Path, file: str) -> None:
    """A transcoded file's rows quarantined for undecodable bytes hold U+FFFD where the bytes
    were; their raw record also gets the line as the file held it (`__original_bytes`)."""
    lines = ctx.con.execute(
        """select source_line from quarantine
           where load_id = $l and source = $s and source_file = $f and list_contains(rules, 'encoding')""",
        {"l": ctx.load_id, "s": ctx.source.name, "f": file},
    ).fetchall()
    if not lines:
        return
    found = original_lines(path, {line for (line,) in lines})
    ctx.con.executemany(
        """update quarantine
           set raw_record = json_merge_patch(raw_record, json_object('__original_bytes', ?::varchar))::varchar
           where load_id = ? and source = ? and source_file = ? and source_line = ?""",
        [(text, ctx.load_id, ctx.source.name, file, line) for line, text in found.items()],
    )


def source_paths(source: Source, workdir: Path) -> list[Path]:
    """The files of one source (a URL is downloaded into the workdir); a clear SourceError if none."""
    if source.is_url:
        paths = [fetch(source.location, float(source.option("timeout", 30)), workdir)]
    else:
        paths = source.paths()
        if not paths and source.fetch is not None:
            raise SourceError(
                f"{source.archive_root}: the raw archive holds no file for {source.name!r} yet; "
                f"fetch it first: python -m etl fetch --only {source.name} (with the same --sources)"
            )
        if not paths:
            raise SourceError(f"{source.location}: no file matches this location (relative to {source.base_dir}).")
    for path in paths:
        if not path.is_file():
            # A glob can match a folder, and a link can loop: say which, not "not found".
            why = "is a folder, not a file" if path.is_dir() else "file not found"
            if path.is_symlink() and not path.exists():
                why = "is a broken symlink or a symlink loop"
            raise SourceError(f"{path}: {why}. Check the location in the sources config.", file=str(path))
    return paths


def load_source(
    ctx: Context,
    workdir: Path,
    run_date,
    say: Callable[[str], None],
    profile: Profile | None = None,
    *,
    paths: list[Path] | None = None,
    sha: str | None = None,
) -> tuple[int, int, int, str, list[str]]:
    """Extract, validate and load one source. Returns read, loaded, quarantined, sha256, headers;
    rows left out on purpose (repeated headers) are counted in ctx.skipped."""
    source = ctx.source
    adapter = ADAPTERS[source.adapter]
    paths = paths if paths is not None else source_paths(source, workdir)
    profile = profile or Profile()
    if sha is None:
        t0 = time.perf_counter()
        with profile.step("checksum", source.name):
            sha = file_sha256(paths)
        say(f"  checksummed {len(paths)} file(s) in {time.perf_counter() - t0:.1f} s")
    read = loaded = quarantined = 0
    headers: list[str] = []
    for i, path in enumerate(paths):
        raw_name = f"raw_{source.name}_{i}"
        say(f"  reading {path}")
        t0 = time.perf_counter()
        with profile.step("read", source.name):
            raw = read_any(
                ctx.con, path, raw_name, source.options, header_markers=adapter.HEADER_MARKERS, workdir=workdir
            )
            # Batch rule (issue 11): the title in the document first, then the download's attachment title.
            raw.preamble.extend(archive_titles(path))
            raw.published = archive_published(path)  # the notice's date, a field apart from the batch
        say(f"  read {raw.rows + len(raw.rejects):,} rows in {time.perf_counter() - t0:.1f} s; validating")
        t0 = time.perf_counter()
        headers = raw.headers
        ctx.notes.extend(raw.notes)
        with profile.step("prestage", source.name):
            quarantined += quarantine_rejects(
                ctx.con, raw.rejects, source=source.name, load_id=ctx.load_id, file=raw.file
            )
            select = adapter.prestage(ctx, raw)
            ctx.con.execute(f'create or replace temp view "pre_{source.name}" as {select}')
        result = stage(
            ctx.con,
            source.entity,
            f"pre_{source.name}",
            raw_name,
            source=source.name,
            load_id=ctx.load_id,
            run_date=run_date,
            check_encoding=raw.encoding not in (None, "utf-8"),
            decimal_separator=str(source.option("decimal_separator", ".")),
            step=lambda label: profile.step(label, source.name),
        )
        if raw.encoding not in (None, "utf-8"):
            _keep_original_bytes(ctx, path, raw.file)
        say(f"  validated and staged in {time.perf_counter() - t0:.1f} s")
        read += raw.rows + len(raw.rejects)
        loaded += result.loaded
        quarantined += result.quarantined
        ctx.con.execute(f'drop view if exists "pre_{source.name}"')
        drop_raw(ctx.con, raw_name)
    return read, loaded, quarantined, sha, headers


def _can_start_from(db: Path) -> bool:
    """The live warehouse was built by this very code and records each source's state."""
    if not db.exists():
        return False
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return False
    try:
        row = con.execute("select code_fingerprint from etl_build_state").fetchone()
        con.execute("select count(*) from etl_source_state").fetchone()
    except duckdb.Error:
        return False
    finally:
        con.close()
    return bool(row) and row[0] == incremental.code_fingerprint()


def run(
    config: Config,
    db: Path,
    *,
    say: Callable[[str], None] | None = None,
    now: datetime | None = None,
    profile: bool = False,
    full: bool = False,
) -> RunResult:
    """Build a new warehouse from every enabled source and publish it atomically.

    Unless `full`, a run starts from a copy of the live warehouse and redoes only what changed
    inputs reach (etl.incremental); the result is the same as a full build's.
    `profile`: each step's peak RSS of its own (etl.profile); the steps are timed either way."""
    say = say or (lambda msg: print(msg, file=sys.stderr, flush=True))
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    settings = build_settings(config)
    spill_root = Path(settings["temp_directory"]) if settings.get("temp_directory") else None
    with publish.exclusive_lock(db):
        publish.remove_stale_builds(db, *([spill_root] if spill_root else []))
        now = now or datetime.now(UTC)
        load_id = new_load_id(now)
        result = RunResult(load_id=load_id, db=str(db), profile=Profile(per_step_peaks=profile))
        prof = result.profile
        build = publish.build_path(db, load_id)
        workdir = temp_workdir(db.parent, publish.workdir_prefix(db))
        spill = _spill_dir(db, settings, workdir)
        con = None
        try:
            with prof.step("setup"):
                result.incremental = not full and _can_start_from(db)
                if result.incremental:
                    say(f"starting from a copy of {db} (only what changed is redone; --full rebuilds all)")
                    shutil.copyfile(db, build)
                con = _connect_build(build, settings, spill)
                install_macros(con)
                create_tables(con)
                con.execute(incremental.STATE_DDL)
                if result.incremental:
                    for table in ("ref_jurisdictions", "etl_sources", "warehouse_meta", "etl_build_state"):
                        con.execute(f"delete from {table}")
                con.executemany("insert into ref_jurisdictions values (?, ?, ?, ?, ?)", reference_rows())
                has_prev = _attach_previous(con, db)
                states: dict[str, incremental.SourceState] = {}
                if has_prev and result.incremental:
                    _fingerprint, states = incremental.previous_states(con)
                elif has_prev:
                    with contextlib.suppress(duckdb.Error):
                        con.execute("insert into etl_runs by name select * from prev.etl_runs")
            enabled = [s for s in config.sources if s.enabled]
            changed_tables: set[str] = set()
            if result.incremental:
                changed_tables |= _drop_undeclared(con, {s.name for s in enabled})
            for n, source in enumerate(enabled, start=1):
                say(f"[{n}/{len(enabled)}] {source.name} ({source.adapter} → {source.entity})")
                outcome = _load_one(
                    con, source, load_id, has_prev, workdir, now, say, prof, states if result.incremental else None
                )
                result.sources.append(outcome)
                if not outcome.unchanged:
                    changed_tables.add(ENTITIES[source.entity].stg_table)
            say("building marts")
            params = {"load_id": load_id, "loaded_at": now}
            if result.incremental:
                _prepare_previous_registrations(con, has_prev)
                _run_changed_models(con, params, changed_tables, prof, say)
            else:
                for model in MODELS:
                    t0 = time.perf_counter()
                    with prof.step("model", model):
                        _run_model(con, model, params)
                    say(f"  {model} in {time.perf_counter() - t0:.1f} s")
                    if model == "int_registrations_current":
                        # The empty stand-in for a first build takes its columns from this model.
                        _prepare_previous_registrations(con, has_prev)
                with prof.step("incident_state"):
                    _keep_incident_state(con, computed=False)
            con.execute(
                "insert into warehouse_meta values ($load_id, $at, $version, $sample)",
                {"load_id": load_id, "at": now, "version": __version__, "sample": config.is_sample},
            )
            con.execute("insert into etl_build_state values ($c)", {"c": incremental.code_fingerprint()})
            con.execute("detach database prev")
            with prof.step("checkpoint"):
                con.execute("checkpoint")
        except BaseException as exc:
            if con is not None:
                with contextlib.suppress(duckdb.Error):
                    con.close()
            # The build, its WAL and DuckDB's spill folder: a failed run leaves nothing behind.
            for leftover in (build, build.with_name(build.name + ".wal")):
                leftover.unlink(missing_ok=True)
            shutil.rmtree(build.with_name(build.name + ".tmp"), ignore_errors=True)
            shutil.rmtree(workdir, ignore_errors=True)
            shutil.rmtree(spill, ignore_errors=True)
            cause = None if isinstance(exc, EtlError) else environment_cause(exc)
            if cause:
                first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise EnvironmentFailure(
                    f"could not build the warehouse beside {db}: {cause} ({first_line}). "
                    "The live warehouse is unchanged."
                ) from None
            raise
        with prof.step("publish"):
            con.close()
            shutil.rmtree(workdir, ignore_errors=True)
            shutil.rmtree(spill, ignore_errors=True)
            publish.swap_in(build, db)
    result.seconds = time.perf_counter() - started
    return result


def _drop_undeclared(con: duckdb.DuckDBPyConnection, declared: set[str]) -> set[str]:
    """Rows of sources no longer declared (or disabled) leave the copy, as a full build drops them."""
    changed = set()
    for table in CARRIED_TABLES:
        gone = [r[0] for r in con.execute(f"select distinct source from {table}").fetchall() if r[0] not in declared]
        if gone:
            con.execute(f"delete from {table} where list_contains($g, source)", {"g": gone})
            changed.add(table)
    con.execute("delete from etl_source_state where not list_contains($d, source)", {"d": sorted(declared)})
    return changed


def _run_changed_models(con, params: dict, changed: set[str], prof: Profile, say) -> None:
    """Run the models a change reaches, in model order (etl.incremental explains the rules)."""
    texts = {name: sql.load(MODEL_FILES[name]) for name in MODELS}
    tables = {e.stg_table for e in ENTITIES.values()} | {"ref_jurisdictions"}
    plan = incremental.models(texts, tables)
    present: set[str] = set()  # temporary models computed in this run

    def run_one(name: str) -> None:
        for dep in plan[name].reads:
            if dep in plan and plan[dep].temporary and dep not in present:
                run_one(dep)
        t0 = time.perf_counter()
        with prof.step("model", name):
            _run_model(con, name, params)
        say(f"  {name} in {time.perf_counter() - t0:.1f} s")
        if plan[name].temporary:
            present.add(name)

    # Incidents unchanged: the incident marts are redone only for the incidents a change reaches.
    delta: dict[str, int | None] = {}

    def affected_incidents() -> int | None:
        if "affected" not in delta:
            for dep in ("int_provider_names", "int_registration_providers"):
                if dep not in present:
                    run_one(dep)
            with prof.step("incident_delta"):
                delta["affected"] = _affected_incidents(con)
            say(f"  incidents a change reaches: {delta['affected']}")
        return delta["affected"]

    for name in MODELS:
        model = plan[name]
        inputs_changed = bool(model.reads & changed)
        if not inputs_changed and not model.history:
            continue
        if model.temporary and name in present and not inputs_changed:
            continue
        if name in incremental.DELTA_MODELS and "stg_incidents" not in changed:
            affected = affected_incidents()
            if affected == 0:
                say(f"  {name}: no incident reached, kept as it was")
                continue
            if affected is not None:
                t0 = time.perf_counter()
                with prof.step("model", f"{name} (delta)"):
                    _run_model_delta(con, name, params)
                say(f"  {name}: {affected} incidents redone in {time.perf_counter() - t0:.1f} s")
                changed.add(name)
                continue
        run_one(name)
        if inputs_changed or model.temporary or not incremental.same_content(con, name):
            changed.add(name)
        else:
            say(f"  {name}: same rows as the previous build (load bookkeeping aside)")
    if "int_registration_providers" in present:
        with prof.step("incident_state"):
            _keep_incident_state(con, computed="affected" in delta)


def _run_sql_file(con: duckdb.DuckDBPyConnection, name: str) -> None:
    for statement in duckdb.extract_statements(sql.load(SQL_DIR / name)):
        con.execute(statement)


def _keep_incident_state(con: duckdb.DuckDBPyConnection, *, computed: bool) -> None:
    """Keep what the incident marts depend on besides the incidents (etl/sql/incident_state.sql),
    for the next incremental run to compare with."""
    if not computed:
        _run_sql_file(con, "incident_state.sql")
    _run_sql_file(con, "incident_state_keep.sql")


def _affected_incidents(con: duckdb.DuckDBPyConnection) -> int | None:
    """How many incidents a change of names or registrations reaches (etl/sql/incident_delta.sql),
    left in `__affected_incidents`; None when the incident marts are better rebuilt whole (more
    than incremental.DELTA_MAX_SHARE of the incidents, or no state kept by the previous build)."""
    _run_sql_file(con, "incident_state.sql")
    try:
        con.execute("select 1 from etl_name_match_state limit 0")
    except duckdb.Error:
        return None
    _run_sql_file(con, "incident_delta.sql")
    affected, total = con.execute(
        "select (select count(*) from __affected_incidents), (select count(*) from stg_incidents)"
    ).fetchone()
    return None if affected > incremental.DELTA_MAX_SHARE * total else affected


def _run_model_delta(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> None:
    """Redo a model's rows for the incidents in `__affected_incidents` only: delete them, then
    insert what the model's own SQL gives for them (incremental.delta_sql)."""
    con.execute(f"delete from {name} where incident_id in (select incident_id from __affected_incidents)")
    _run_model(con, name, params, incremental.delta_sql(name, sql.load(MODEL_FILES[name])))


def _load_one(
    con,
    source: Source,
    load_id: str,
    has_prev: bool,
    workdir: Path,
    now: datetime,
    say,
    prof: Profile,
    states: dict[str, incremental.SourceState] | None = None,
) -> SourceResult:
    """Load one source into the build. `states` (an incremental run): the build is a copy of the
    live warehouse, and a source whose inputs are as recorded keeps its rows."""
    ctx = Context(con=con, source=source, load_id=load_id)
    t0 = time.perf_counter()
    started_at = datetime.now(UTC)
    sha, headers, status = None, [], "loaded"
    read = loaded = quarantined = 0
    data_load_id = load_id
    digests, fingerprint = None, None
    try:
        if states is not None and not source.is_url:
            paths = source_paths(source, workdir)
            state = states.get(source.name)
            with prof.step("checksum", source.name):
                digests = incremental.file_digests(paths, state.files if state else [], file_sha256)
            fingerprint = incremental.source_fingerprint(source, digests, [archive_titles(p) for p in paths])
            if (
                state is not None
                and state.fingerprint == fingerprint
                and (state.run_date == now.date() or not incremental.date_sensitive(con, source.name))
            ):
                return _record_unchanged(con, source, load_id, state, started_at, t0, say)
        con.execute("begin")
        if states is not None:
            # The copy holds this source's previous rows: replaced if the load succeeds, and
            # back again (the rollback) if it fails, as a full build carries them over.
            for table in CARRIED_TABLES:
                con.execute(f"delete from {table} where source = $s", {"s": source.name})
        if digests is not None:
            read, loaded, quarantined, sha, headers = load_source(
                ctx, workdir, now.date(), say, prof, paths=paths, sha=incremental.combined_sha(digests)
            )
        else:
            read, loaded, quarantined, sha, headers = load_source(ctx, workdir, now.date(), say, prof)
        con.execute("commit")
        message = "; ".join(ctx.notes)
    except Exception as exc:  # noqa: BLE001 - one source's failure must never stop the others
        # DuckDB may have ended the transaction itself (a failed write aborts it): a rollback
        # that fails again must not hide the real error nor stop the other sources.
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        status = "failed"
        kept = _kept_rows(con, source.name) if states is not None else _carry_over(con, source.name, has_prev)
        data_load_id = _previous_data_load(con, source.name, has_prev)
        if not isinstance(exc, SourceError):
            first_line = str(exc).splitlines()[0] if str(exc) else ""
            cause = environment_cause(exc)
            exc = SourceError(
                f"{source.location}: could not be loaded: {cause} ({type(exc).__name__}: {first_line})"
                if cause
                else f"{source.location}: could not be loaded ({type(exc).__name__}: {first_line})"
            )
        message = f"{exc} (kept {kept} rows from the previous load)" if kept else str(exc)
    seconds = time.perf_counter() - t0
    _insert_run_rows(
        con,
        source,
        load_id,
        started_at,
        status,
        read,
        loaded,
        quarantined,
        sha,
        headers,
        message,
        ctx.skipped if status == "loaded" else 0,
        data_load_id,
    )
    if status == "loaded":
        say(
            f"  {source.name}: {loaded:,} loaded, {quarantined:,} quarantined of {read:,} read in {seconds:.1f} s"
            + (f" ({read / seconds:,.0f} rows/s)" if seconds > 0 and read else "")
        )
    else:
        say(f"  {source.name}: FAILED: {message}")
    skipped = ctx.skipped if status == "loaded" else 0
    _record_state(
        con,
        source,
        status,
        digests,
        fingerprint,
        sha,
        load_id,
        now,
        (read, loaded, quarantined, skipped),
        headers,
        message,
    )
    return SourceResult(source.name, source.entity, status, read, loaded, quarantined, seconds, message, skipped)


def _record_state(con, source, status, digests, fingerprint, sha, load_id, now, counts, headers, message) -> None:
    """What the next incremental run compares with. A failed source has none: it is loaded again."""
    con.execute("delete from etl_source_state where source = $s", {"s": source.name})
    if status != "loaded" or source.is_url:
        return
    paths = source.paths()
    if digests is None:
        if len(paths) != 1:
            return  # a full build hashed the files together: the next run hashes them one by one
        digests = [[str(paths[0]), *_stat(paths[0]), sha]]
        fingerprint = incremental.source_fingerprint(source, digests, [archive_titles(p) for p in paths])
    read, loaded, quarantined, skipped = counts
    con.execute(
        """insert into etl_source_state values ($source, $fp, $sha, $files, $load_id, $run_date, $read,
           $loaded, $quarantined, $skipped, $headers, $message)""",
        {
            "source": source.name,
            "fp": fingerprint,
            "sha": sha,
            "files": json.dumps(digests),
            "load_id": load_id,
            "run_date": now.date(),
            "read": read,
            "loaded": loaded,
            "quarantined": quarantined,
            "skipped": skipped,
            "headers": headers,
            "message": message,
        },
    )


def _stat(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def _kept_rows(con, source: str) -> int:
    return sum(
        con.execute(f"select count(*) from {e.stg_table} where source = $s", {"s": source}).fetchone()[0]
        for e in ENTITIES.values()
    )


def _record_unchanged(con, source: Source, load_id: str, state, started_at, t0: float, say) -> SourceResult:
    """A source whose declaration and bytes are as recorded: its rows stay; the run is recorded."""
    message = "; ".join(
        x for x in (state.message, f"input unchanged since load {state.load_id} (same sha256): rows kept") if x
    )
    _insert_run_rows(
        con,
        source,
        load_id,
        started_at,
        "loaded",
        state.rows_read,
        state.rows_loaded,
        state.rows_quarantined,
        state.input_sha256,
        state.headers,
        message,
        state.rows_skipped,
        load_id,
    )
    say(f"  {source.name}: unchanged (same sha256 as load {state.load_id}); {state.rows_loaded:,} rows kept")
    seconds = time.perf_counter() - t0
    return SourceResult(
        source.name,
        source.entity,
        "loaded",
        state.rows_read,
        state.rows_loaded,
        state.rows_quarantined,
        seconds,
        message,
        state.rows_skipped,
        unchanged=True,
    )


def _insert_run_rows(
    con,
    source: Source,
    load_id: str,
    started_at: datetime,
    status: str,
    read: int,
    loaded: int,
    quarantined: int,
    sha: str | None,
    headers: list[str],
    message: str,
    skipped: int,
    data_load_id: str | None,
) -> None:
    """The run's row in etl_runs and the source's row in etl_sources."""
    con.execute(
        """insert into etl_runs values ($load_id, $source, $entity, $adapter, $location, $started, $finished,
           $status, $read, $loaded, $quarantined, $sha, $headers, $message, $skipped)""",
        {
            "load_id": load_id,
            "source": source.name,
            "entity": source.entity,
            "adapter": source.adapter,
            "location": source.location,
            "started": started_at,
            "finished": datetime.now(UTC),
            "status": status,
            "read": read,
            "loaded": loaded,
            "quarantined": quarantined,
            "sha": sha,
            "headers": headers,
            "message": message,
            "skipped": skipped,
        },
    )
    con.execute(
        """insert into etl_sources
           values ($source, $entity, $adapter, $registry, $location, $attribution, $data_load_id)""",
        {
            "source": source.name,
            "entity": source.entity,
            "adapter": source.adapter,
            "registry": source.registry,
            "location": source.location,
            "attribution": source.attribution,
            "data_load_id": data_load_id,
        },
    )
