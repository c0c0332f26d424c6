"""Real processes: readers during repeated runs, SIGKILL at random points, the run lock."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.conftest import ROOT, query, run_cli, write_config

pytestmark = pytest.mark.slow

SAMPLE = ROOT / "data" / "sample"
FULL = [
    {
        "name": "csv",
        "entity": "registrations",
        "adapter": "cac_genai",
        "registry": "cac_genai",
        "location": str(SAMPLE / "cac_genai_*.csv"),
    },
    {
        "name": "xlsx",
        "entity": "registrations",
        "adapter": "cac_genai",
        "registry": "cac_genai",
        "location": str(SAMPLE / "cac_genai_*.xlsx"),
    },
    {
        "name": "deep",
        "entity": "registrations",
        "adapter": "canonical",
        "registry": "cac_deep_synthesis",
        "location": str(SAMPLE / "registrations_deep_synthesis.csv"),
    },
    {"name": "inc", "entity": "incidents", "adapter": "canonical", "location": str(SAMPLE / "incidents.csv")},
]


def start_etl(config, db):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "run", "--sources", str(config), "--db", str(db), "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


READER = textwrap.dedent(
    """
    import json, sys, time
    import duckdb
    import os
    db, stop_file, expected = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    reads, errors, seen = 0, [], set()
    end = time.time() + 600  # a safety net only: the test creates stop_file when its runs are done
    seen_file = stop_file + ".seen"
    while time.time() < end and not os.path.exists(stop_file):
        try:
            con = duckdb.connect(db, read_only=True)
            load_id = con.execute("select load_id from warehouse_meta").fetchone()[0]
            sources = con.execute("select count(*) from etl_runs where load_id = ?", [load_id]).fetchone()[0]
            registrations = con.execute("select count(*) from mart_registrations").fetchone()[0]
            incidents = con.execute("select count(*) from mart_incidents").fetchone()[0]
            con.close()
            if load_id not in seen:
                seen.add(load_id)
                # Tell the test which builds this reader has read (written whole, then renamed in).
                with open(seen_file + ".tmp", "w") as out:
                    out.write(" ".join(sorted(seen)))
                os.replace(seen_file + ".tmp", seen_file)
            # Each build is either the full one or the small one: never a mix of the two.
            if [registrations, incidents] != expected[str(sources)]:
                errors.append(f"mixed state: {sources} sources, {registrations} registrations, {incidents} incidents")
            reads += 1
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"reads": reads, "errors": errors[:5], "error_count": len(errors), "builds": len(seen)}))
    """
)


def test_readers_never_see_an_error_or_a_half_loaded_warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    full = write_config(tmp_path / "full.toml", FULL)
    small = write_config(tmp_path / "small.toml", FULL[:1])
    assert run_cli("run", "--sources", str(small), "--db", str(db), "--quiet").returncode == 0
    small_counts = list(
        query(db, "select (select count(*) from mart_registrations), (select count(*) from mart_incidents)")[0]
    )
    assert run_cli("run", "--sources", str(full), "--db", str(db), "--quiet").returncode == 0
    full_counts = list(
        query(db, "select (select count(*) from mart_registrations), (select count(*) from mart_incidents)")[0]
    )
    assert full_counts != small_counts
    expected = {"1": small_counts, "4": full_counts}
    stop_file = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(stop_file), json.dumps(expected)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen_file = tmp_path / "stop.seen"

    def wait_until_read(load_id: str) -> None:
        """Until the reader has read build `load_id` (it keeps reading all the while)."""
        deadline = time.time() + 300  # a safety net only: a reader loops in milliseconds
        while time.time() < deadline and reader.poll() is None:
            if seen_file.exists() and load_id in seen_file.read_text().split():
                return
            time.sleep(0.05)
        pytest.fail(
            f"the reader never read build {load_id}: {reader.stderr.read() if reader.poll() is not None else ''}"
        )

    wait_until_read(query(db, "select load_id from warehouse_meta")[0][0])
    for run in range(4):
        config = small if run % 2 == 0 else full
        assert run_cli("run", "--sources", str(config), "--db", str(db), "--quiet").returncode == 0
        # The next run starts only once this build has been read, so every build is seen.
        wait_until_read(query(db, "select load_id from warehouse_meta")[0][0])
    stop_file.touch()
    out, err = reader.communicate(timeout=120)
    report = json.loads(out)
    assert report["error_count"] == 0, report["errors"]
    assert report["reads"] >= 5
    assert report["builds"] == 5


def test_sigkill_at_random_points_leaves_the_previous_warehouse_intact(tmp_path):
    db = tmp_path / "w.duckdb"
    config = write_config(tmp_path / "full.toml", FULL)
    assert run_cli("run", "--sources", str(config), "--db", str(db), "--quiet").returncode == 0
    good_load = query(db, "select load_id from warehouse_meta")[0][0]
    good_counts = query(db, "select count(*) from mart_registrations")
    rng = random.Random(42)
    for _ in range(6):
        proc = start_etl(config, db)
        time.sleep(rng.uniform(0.05, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if proc.returncode == 0:  # finished before the kill: it published a new good build
            good_load = query(db, "select load_id from warehouse_meta")[0][0]
        assert query(db, "select load_id from warehouse_meta") == [(good_load,)]
        assert query(db, "select count(*) from mart_registrations") == good_counts
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    assert query(db, "select count(*) from mart_registrations") == good_counts
    # The next run removed what the killed ones left behind.
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".w.duckdb.build-")] == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".w.duckdb.work-")] == []


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from etl.publish import exclusive_lock
    with exclusive_lock(Path(sys.argv[1])):
        print("held", flush=True)
        time.sleep(120)
    """
)


def test_a_second_run_exits_clearly_and_a_dead_holder_does_not_block(tmp_path):
    db = tmp_path / "w.duckdb"
    config = write_config(tmp_path / "s.toml", FULL[:1])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = run_cli("run", "--sources", str(config), "--db", str(db), "--quiet")
        assert result.returncode == 1
        assert f"another ETL run is building {db} (pid {holder.pid}" in result.stderr
        assert "wait for it to finish" in result.stderr
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    # The lock file is still there, but its holder is dead: the next run goes ahead.
    assert (tmp_path / "w.duckdb.lock").exists()
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr


def test_two_real_runs_at_once(tmp_path):
    db = tmp_path / "w.duckdb"
    config = write_config(tmp_path / "s.toml", FULL)
    first = start_etl(config, db)
    # Wait until the first run holds the lock (it writes its pid into the lock file), then pause
    # it there, so the second run meets a held lock however fast or slow the machine is.
    lock = tmp_path / "w.duckdb.lock"
    deadline = time.time() + 120  # a safety net only
    while time.time() < deadline and first.poll() is None:
        if lock.exists() and lock.read_text().startswith(f"pid {first.pid},"):
            break
        time.sleep(0.01)
    first.send_signal(signal.SIGSTOP)
    assert first.poll() is None, "the first run ended before it could be paused holding the lock"
    try:
        second = run_cli("run", "--sources", str(config), "--db", str(db), "--quiet")
    finally:
        first.send_signal(signal.SIGCONT)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert second.returncode == 1
    assert "another ETL run is building" in second.stderr
