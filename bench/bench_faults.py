"""Fault bench: SIGKILL the ETL at random points across full and incremental runs.

    .venv/bin/python bench/bench_faults.py --kills 100

Builds the sample inputs (python -m etl sample) in --out, then repeatedly starts
`python -m etl run` on them (a full run, an incremental run with nothing changed, or an
incremental run after the provider alias table changed) and kills it with SIGKILL after a random
delay within a run's length. After every kill it checks that the live warehouse opens read-only,
is the last build that was published whole (its load id, and its contents equal to a full
reference build of the inputs that build read), and, every --verify-every kills, that the next
run completes with the right contents and that no build or scratch file is left behind.
A run killed after its publish (the rename done, the process not yet exited) leaves its own build
live: that is counted apart and checked against the reference of the inputs it read.
Not a test: it prints a summary and exits 1 when any check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.incremental import BOOKKEEPING_COLUMN  # noqa: E402

ALIAS_LINE = "zz_bench,ZZ Bench,测试公司,测试公司有限公司,ZZ Bench Co,zz-bench,CN\n"
# Contents compared: every table the dashboard reads, history and load bookkeeping aside (a
# warehouse refreshed many times has other first-seen loads than a reference built once).
HISTORY_TABLES = {"mart_registration_changes", "mart_registrations_delisted", "etl_runs", "warehouse_meta"}
HISTORY_COLUMNS = {"previous_status"}


def etl(args: list[str], **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "run", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def contents(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute("select table_name from duckdb_tables() where not temporary order by 1").fetchall()
            if r[0] not in HISTORY_TABLES and not r[0].startswith(("etl_source_state", "etl_build_state"))
        ]
        out = {}
        for table in tables:
            cols = [
                r[0]
                for r in con.execute(f'describe "{table}"').fetchall()
                if not BOOKKEEPING_COLUMN.search(r[0]) and r[0] not in HISTORY_COLUMNS and r[0] != "message"
            ]
            listed = ", ".join(f'"{c}"' for c in cols)
            out[table] = con.execute(
                f"select count(*) || ':' || coalesce(sum(hash({listed})), 0) from \"{table}\""
            ).fetchone()[0]
        return out
    finally:
        con.close()


def load_id(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select load_id from warehouse_meta").fetchone()[0]
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--verify-every", type=int, default=10)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "faults")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    shutil.rmtree(args.out, ignore_errors=True)
    inputs = args.out / "inputs"
    subprocess.run(
        [sys.executable, "-m", "etl", "sample", "--out", str(inputs / "sample")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
    )
    # The sample's config and the tables beside it (provider aliases, sector rules, …).
    for path in (ROOT / "data").glob("*.csv"):
        shutil.copy(path, inputs / path.name)
    shutil.copy(ROOT / "data" / "sources.toml", inputs / "sources.toml")
    aliases = inputs / "provider_aliases.csv"
    base_aliases = aliases.read_text(encoding="utf-8")
    config = str(inputs / "sources.toml")

    def set_variant(changed: bool) -> None:
        aliases.write_text(base_aliases + (ALIAS_LINE if changed else ""), encoding="utf-8")

    # References: a full build of each input variant.
    reference, seconds = {}, []
    for variant in (False, True):
        set_variant(variant)
        ref = args.out / f"reference_{int(variant)}" / "w.duckdb"
        t0 = time.perf_counter()
        proc = etl(["--sources", config, "--db", str(ref), "--full"])
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"the reference build failed:\n{err[-2000:]}")
        seconds.append(time.perf_counter() - t0)
        reference[variant] = contents(ref)
    run_seconds = max(seconds)

    live = args.out / "live" / "w.duckdb"
    set_variant(False)
    proc = etl(["--sources", config, "--db", str(live), "--quiet"])
    proc.communicate()
    live_variant, live_load = False, load_id(live)
    failures: list[str] = []
    kinds = {"full": 0, "incremental, unchanged": 0, "incremental, aliases changed": 0}
    finished_before_kill = verified = published_then_killed = 0
    for i in range(1, args.kills + 1):
        kind = rng.choice(list(kinds))
        kinds[kind] += 1
        variant = (not live_variant) if kind == "incremental, aliases changed" else live_variant
        set_variant(variant)
        proc = etl(["--sources", config, "--db", str(live), "--quiet", *(["--full"] if kind == "full" else [])])
        time.sleep(rng.uniform(0, run_seconds))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        if proc.returncode == 0:  # it finished first: its build is the live one now
            finished_before_kill += 1
            live_variant = variant
        elif proc.returncode != -signal.SIGKILL:
            failures.append(f"kill {i} ({kind}): exit {proc.returncode}: {err.strip()[-300:]}")
        try:
            now_load = load_id(live)
            if proc.returncode != 0 and now_load != live_load:
                # Only the killed run can have changed the live file (one run at a time here): it
                # published its build whole (an atomic rename) and was killed before it exited.
                # Its contents are checked below against the reference of the inputs it read.
                published_then_killed += 1
                live_variant = variant
            live_load = now_load
            if contents(live) != reference[live_variant]:
                failures.append(f"kill {i} ({kind}): live contents differ from the reference build")
        except duckdb.Error as exc:
            failures.append(f"kill {i} ({kind}): the live warehouse does not open: {exc}")
        if i % args.verify_every == 0 or i == args.kills:
            proc = etl(["--sources", config, "--db", str(live), "--quiet"])
            _, err = proc.communicate()
            verified += 1
            if proc.returncode != 0:
                failures.append(f"after kill {i}: the next run failed: {err.strip()[-300:]}")
                continue
            live_variant, live_load = variant, load_id(live)
            if contents(live) != reference[variant]:
                failures.append(f"after kill {i}: the next run's contents differ from the reference build")
            strays = [p.name for p in live.parent.iterdir() if p.name not in ("w.duckdb", "w.duckdb.lock")]
            if strays:
                failures.append(f"after kill {i}: files left behind: {strays}")
        print(f"\r{i}/{args.kills} kills, {len(failures)} failures", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    summary = {
        "kills": args.kills,
        "by_kind": kinds,
        "finished_before_the_kill": finished_before_kill,
        "published_then_killed_before_exit": published_then_killed,
        "verified_next_runs": verified,
        "run_seconds": round(run_seconds, 1),
        "failures": failures,
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
