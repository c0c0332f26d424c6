"""ETL at scale (issue 12): the build's memory settings, the per-step profile, incremental runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.config import load_config
from etl.errors import ConfigError
from etl.pipeline import DEFAULT_MEMORY_LIMIT, _connect_build, build_settings
from tests.conftest import run_cli
from tests.fixtures.corpus import write_corpus_sources


def _with_warehouse(config: Path, extra: str) -> Path:
    text = config.read_text(encoding="utf-8").replace("[warehouse]\n", "[warehouse]\n" + extra + "\n", 1)
    config.write_text(text, encoding="utf-8")
    return config


def test_memory_settings_come_from_the_config_then_the_environment(tmp_path):
    config = _with_warehouse(
        write_corpus_sources(tmp_path / "in"), 'memory_limit = "300MB"\ntemp_directory = "spill"\nthreads = 1'
    )
    loaded = load_config(config)
    settings = build_settings(loaded, environ={})
    assert settings == {"memory_limit": "300MB", "temp_directory": str(config.parent / "spill"), "threads": 1}
    settings = build_settings(loaded, environ={"ETL_MEMORY_LIMIT": "2GB", "ETL_THREADS": "2"})
    assert settings["memory_limit"] == "2GB" and settings["threads"] == 2
    assert build_settings(load_config(write_corpus_sources(tmp_path / "plain")), environ={}) == {
        "memory_limit": DEFAULT_MEMORY_LIMIT
    }
    with pytest.raises(ConfigError, match="ETL_MEMORY_LIMIT"):
        build_settings(loaded, environ={"ETL_MEMORY_LIMIT": "lots"})


def test_a_bad_memory_limit_in_the_config_is_a_usage_error(tmp_path):
    config = _with_warehouse(write_corpus_sources(tmp_path / "in"), 'memory_limit = "lots"')
    result = run_cli("run", "--sources", str(config), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2, result.stderr
    assert "memory_limit" in result.stderr and "1GB" in result.stderr


def test_the_build_connection_gets_the_limit_and_the_spill_folder(tmp_path):
    con = _connect_build(tmp_path / "b.duckdb", {"memory_limit": "256MB", "threads": 1}, tmp_path / "spill")
    try:
        limit, temp, threads = con.execute(
            "select current_setting('memory_limit'), current_setting('temp_directory'), current_setting('threads')"
        ).fetchone()
    finally:
        con.close()
    assert limit.replace(" ", "") in ("256.0MB", "244.1MiB") and temp == str(tmp_path / "spill") and threads == 1


def test_a_run_under_a_small_limit_completes_and_leaves_no_spill_files(tmp_path):
    config = _with_warehouse(write_corpus_sources(tmp_path / "in"), 'temp_directory = "spill"')
    db = tmp_path / "out" / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--json", env={"ETL_MEMORY_LIMIT": "200MB"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True
    assert list((config.parent / "spill").iterdir()) == []
    assert sorted(p.name for p in db.parent.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_the_profile_names_every_step_with_its_time_and_peak_memory(tmp_path):
    from etl.pipeline import MODELS

    config = write_corpus_sources(tmp_path / "in")
    db = tmp_path / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--json", "--profile", "--quiet")
    assert result.returncode == 0, result.stderr
    profile = json.loads(result.stdout)["profile"]
    steps = {(s["step"], s["name"]) for s in profile["steps"]}
    assert {("model", m) for m in MODELS} <= steps
    assert {("setup", ""), ("checkpoint", ""), ("publish", "")} <= steps
    for step in ("read", "prestage", "type_validate", "duplicate_keys", "stage", "quarantine"):
        assert (step, "sample_incidents") in steps, step
    assert all(s["seconds"] >= 0 and s["peak_rss_mb"] > 10 for s in profile["steps"])
    assert profile["peak_rss_mb"] >= max(s["peak_rss_mb"] for s in profile["steps"])
    # The table on stderr: one line per step, then the total.
    table = result.stderr.splitlines()
    assert table[0].split()[:2] == ["step", "name"] and table[-1].startswith("total")
    assert any(line.split()[:2] == ["model", "mart_incidents"] for line in table)


# Incremental refresh --------------------------------------------------------------------------


def _tables(con, schema: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = $d and not temporary order by 1",
            {"d": schema},
        ).fetchall()
    ]


def _differences(full_db: Path, incr_db: Path) -> list[str]:
    """Every table of both builds, compared as multisets of rows; the load that loaded a row
    (`load_id`) and the run's own bookkeeping (timings, messages, the incremental state) aside."""
    import duckdb

    con = duckdb.connect()
    con.execute("attach $p as a (read_only)", {"p": str(full_db)})
    con.execute("attach $p as b (read_only)", {"p": str(incr_db)})
    problems = []
    tables = _tables(con, "a")
    if tables != _tables(con, "b"):
        return [f"tables differ: {tables} vs {_tables(con, 'b')}"]
    skip = {"etl_source_state", "etl_build_state"}
    run_columns = "load_id, source, entity, adapter, location, status, rows_read, rows_loaded, rows_quarantined, "
    run_columns += "input_sha256, headers, rows_skipped"
    for table in tables:
        if table in skip:
            continue
        cols = [r[0] for r in con.execute(f'describe a."{table}"').fetchall()]
        if table == "etl_runs":
            chosen = run_columns
        else:
            chosen = ", ".join(f'"{c}"' for c in cols if c != "load_id" or table in ("warehouse_meta",))
        for x, y in (("a", "b"), ("b", "a")):
            left, right = f'select {chosen} from {x}."{table}"', f'select {chosen} from {y}."{table}"'
            n = con.execute(f"select count(*) from ({left} except all {right})").fetchone()[0]
            if n:
                problems.append(f"{table}: {n} rows of {x} not in {y}")
    con.close()
    return problems


def _keep_header(src: Path, dst: Path) -> None:
    dst.write_text(src.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


def test_incremental_runs_build_the_same_warehouse_as_full_runs(tmp_path):
    """The same sequence of inputs, built full every time and incrementally: the same marts,
    quarantine, history and change table, load bookkeeping aside."""
    from datetime import UTC, datetime, timedelta

    from etl.pipeline import run

    config_path = write_corpus_sources(tmp_path / "in")
    folder = config_path.parent
    aside = tmp_path / "aside"
    aside.mkdir()
    batches = sorted((folder / "sample").glob("cac_genai_*.xlsx"))
    (folder / "sample" / batches[-1].name).rename(aside / batches[-1].name)
    incidents = folder / "sample" / "incidents.csv"
    cancellations = folder / "sample" / "cancellations.csv"

    def add_alias():
        with open(folder / "provider_aliases.csv", "a", encoding="utf-8") as out:
            out.write("zz_new,ZZ New,新公司,新公司有限公司,ZZ Newco,zz-new,CN\n")

    steps = [
        ("first build", lambda: None),
        ("nothing changed", lambda: None),
        ("nothing changed, again", lambda: None),
        ("provider alias table changed", add_alias),
        ("a new CAC batch", lambda: (aside / batches[-1].name).rename(folder / "sample" / batches[-1].name)),
        ("incidents missing: kept from before", lambda: incidents.rename(aside / "incidents.csv")),
        ("incidents back", lambda: (aside / "incidents.csv").rename(incidents)),
        ("a batch dropped: its numbers delisted", lambda: batches[0].rename(aside / batches[0].name)),
        ("cancellations missing: kept", lambda: cancellations.rename(aside / "cancellations.csv")),
        ("cancellations emptied: statuses change", lambda: _keep_header(aside / "cancellations.csv", cancellations)),
        ("nothing changed, next day: previous_status moves on", lambda: None),
    ]
    full_db, incr_db = tmp_path / "full" / "w.duckdb", tmp_path / "incr" / "w.duckdb"
    start = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
    kinds = []
    redone: dict[str, set[str]] = {}
    for i, (what, change) in enumerate(steps):
        change()
        config = load_config(config_path)
        now = start + timedelta(days=i // 3, hours=i)
        a = run(config, full_db, say=lambda _m: None, now=now, full=True)
        b = run(config, incr_db, say=lambda _m: None, now=now)
        assert [s.status for s in a.sources] == [s.status for s in b.sources], what
        if what.startswith("cancellations emptied"):
            from tests.conftest import query

            changed = "select count(*) from mart_registrations where previous_status is distinct from status"
            assert query(full_db, changed)[0][0] > 0  # the next step then sees previous_status change
        kinds.append((b.incremental, sum(s.unchanged for s in b.sources)))
        redone[what] = {st["name"] for st in b.profile.to_dict()["steps"] if st["step"] == "model"}
        assert _differences(full_db, incr_db) == [], what
    assert kinds[0] == (False, 0)
    # Runs after the first start from the live warehouse; unchanged sources keep their rows.
    assert all(incr for incr, _ in kinds[1:])
    assert kinds[2][1] == len(load_config(config_path).sources)
    assert 0 < kinds[3][1] < kinds[2][1]
    # Incidents unchanged: the incident marts were redone for the incidents reached, not rebuilt
    # (and the comparison above shows the result equals the full build's).
    for what in ("a new CAC batch", "a batch dropped: its numbers delisted"):
        assert {"mart_incident_providers (delta)", "mart_incidents (delta)"} <= redone[what], what
        assert "mart_incidents" not in redone[what], what


def test_the_incident_delta_refuses_a_model_whose_sql_it_cannot_scope():
    from etl.incremental import delta_sql

    text = "create or replace table mart_x as with incidents as (select * from stg_incidents) select * from incidents"
    scoped = delta_sql("mart_x", text)
    assert scoped.startswith("insert into mart_x by name")
    assert "where incident_id in (select incident_id from __affected_incidents)) as stg_incidents" in scoped
    with pytest.raises(RuntimeError, match="read stg_incidents once"):
        delta_sql("mart_x", text + " union all select * from stg_incidents")
    with pytest.raises(RuntimeError, match="create mart_x once"):
        delta_sql("mart_x", text.replace("create or replace table", "create table"))


# Faults during an incremental run ---------------------------------------------------------------


def _live_state(db: Path) -> tuple:
    from tests.conftest import query

    return (
        query(db, "select load_id from warehouse_meta"),
        query(db, "select count(*), count(distinct registration_id) from mart_registrations"),
        query(db, "select count(*) from mart_incidents"),
        query(db, "select count(*) from etl_runs"),
    )


def _strays(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in ("w.duckdb", "w.duckdb.lock"))


def test_an_incremental_run_killed_or_out_of_space_leaves_the_live_warehouse_intact(tmp_path):
    import os
    import resource
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT

    config = write_corpus_sources(tmp_path / "in")
    out = tmp_path / "out"
    db = out / "w.duckdb"
    assert run_cli("run", "--sources", str(config), "--db", str(db), "--quiet").returncode == 0
    with open(config.parent / "provider_aliases.csv", "a", encoding="utf-8") as handle:
        handle.write("zz_new,ZZ New,新公司,新公司有限公司,ZZ Newco,zz-new,CN\n")
    before = _live_state(db)

    # 1. SIGKILL once the incremental run has copied the live warehouse and is loading.
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl", "run", "--sources", str(config), "--db", str(db)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in proc.stderr:
        if line.startswith("[2/"):
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _live_state(db) == before
    assert any(name.startswith(".w.duckdb.build-") for name in _strays(out))  # what a kill leaves

    # 2. A write failure: a file-size limit smaller than the copy of the live warehouse.
    limit = db.stat().st_size // 2
    result = subprocess.run(
        [sys.executable, "-m", "etl", "run", "--sources", str(config), "--db", str(db), "--json"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["error"] == "environment"
    assert "file-size limit" in summary["message"] and "live warehouse is unchanged" in summary["message"]
    assert "Traceback" not in result.stderr
    assert _live_state(db) == before
    assert _strays(out) == []  # the killed run's leftovers too: removed under the lock

    # 3. The next run completes, incrementally, with the alias change in.
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--json", "--quiet")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["incremental"] is True
    from tests.conftest import query

    assert query(db, "select count(*) from mart_providers where provider_id = 'zz_new'") == [(1,)]
    assert _strays(out) == []
