"""ETL benchmark: the full `python -m etl run` against DuckDB's plain `read_csv` on the same files.

    .venv/bin/python bench/bench_etl.py --incidents 10000000

Generates scaled inputs with bench/make_large.py (a CAC-layout list, incidents, consent), then
in the same run times, each in a fresh process:
  1. baseline: `create table … as select * from read_csv(file)` for every file (type inference
     on, no validation), into a new DuckDB file;
  2. the ETL end to end: extract, validate every row, quarantine, marts, atomic publish.
  3. the sector and ownership tagging alone (mart_registration_sectors, mart_provider_ownership)
     re-run on a copy of the built warehouse: its share of the ETL's time (goal: under 5% at
     10M incidents and 200k registrations).
Prints rows/s for both, the ratio ETL / baseline, and each process's peak memory (max RSS).
The goal for the ETL is within 2x of the baseline at 10M incident rows. Not a test: nothing
here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.make_large import make  # noqa: E402

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    mode, payload = sys.argv[1], json.loads(sys.argv[2])
    t0 = time.perf_counter()
    if mode == "baseline":
        import duckdb
        con = duckdb.connect(payload["db"])
        rows = 0
        for i, path in enumerate(payload["files"]):
            con.execute(f"create table t{i} as select * from read_csv('{path}')")
            rows += con.execute(f"select count(*) from t{i}").fetchone()[0]
        con.execute("checkpoint")
        con.close()
        code = 0
    elif mode == "tagging":
        # The sector and ownership marts alone, re-run on a copy of the built warehouse.
        import shutil
        import duckdb
        from core import sql
        from etl.pipeline import MODEL_FILES
        from etl.stage import install_macros
        shutil.copyfile(payload["db"], payload["copy"])
        con = duckdb.connect(payload["copy"])
        install_macros(con)
        t0 = time.perf_counter()
        for name in ("mart_registration_sectors", "mart_provider_ownership"):
            con.execute(sql.load(MODEL_FILES[name]))
        rows = con.execute("select count(*) from mart_registration_sectors").fetchone()[0]
        con.close()
        code = 0
    else:
        from etl.__main__ import main
        code = main(["run", "--sources", payload["sources"], "--db", payload["db"], "--quiet"])
        rows = None
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_mb, "code": code}))
    """
)


def child(mode: str, payload: dict) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, json.dumps(payload)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--registrations", type=int, default=200_000)
    parser.add_argument("--consent", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "etl")
    args = parser.parse_args()

    inputs = make(args.out / "inputs", args.incidents, args.registrations, args.consent)
    files = [inputs / "genai.csv", inputs / "incidents.csv", inputs / "consent.csv"]
    total_rows = args.incidents + args.registrations + args.consent
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    for stale in (args.out / "baseline.duckdb", args.out / "warehouse.duckdb"):
        stale.unlink(missing_ok=True)

    baseline = child("baseline", {"db": str(args.out / "baseline.duckdb"), "files": [str(f) for f in files]})
    assert baseline["rows"] == total_rows, baseline
    etl = child("etl", {"sources": str(inputs / "sources.toml"), "db": str(args.out / "warehouse.duckdb")})
    tagging = child("tagging", {"db": str(args.out / "warehouse.duckdb"), "copy": str(args.out / "tagging.duckdb")})
    (args.out / "tagging.duckdb").unlink(missing_ok=True)

    result = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "incidents": args.incidents,
        "registrations": args.registrations,
        "consent": args.consent,
        "input_mb": round(size_mb, 1),
        "baseline_seconds": round(baseline["seconds"], 2),
        "baseline_rows_per_s": round(total_rows / baseline["seconds"]),
        "baseline_peak_mb": round(baseline["peak_mb"]),
        "etl_seconds": round(etl["seconds"], 2),
        "etl_rows_per_s": round(total_rows / etl["seconds"]),
        "etl_peak_mb": round(etl["peak_mb"]),
        "etl_exit_code": etl["code"],
        "ratio": round(etl["seconds"] / baseline["seconds"], 2),
        "tagging_seconds": round(tagging["seconds"], 2),
        "tagging_rows": tagging["rows"],
        "tagging_share_pct": round(100 * tagging["seconds"] / etl["seconds"], 1),
    }
    print(f"inputs: {total_rows:,} rows ({args.incidents:,} incidents), {size_mb:,.0f} MB")
    print(
        f"plain read_csv: {result['baseline_seconds']:8.1f} s  {result['baseline_rows_per_s']:>10,} rows/s  "
        f"peak {result['baseline_peak_mb']:,} MB"
    )
    print(
        f"etl run:        {result['etl_seconds']:8.1f} s  {result['etl_rows_per_s']:>10,} rows/s  "
        f"peak {result['etl_peak_mb']:,} MB  (exit {etl['code']})"
    )
    print(f"ratio etl / plain: {result['ratio']:.2f}x (goal: within 2x)")
    print(
        f"sector and ownership tagging: {result['tagging_seconds']:.2f} s "
        f"({result['tagging_share_pct']:.1f}% of the run; goal: under 5%), {tagging['rows']:,} sector rows"
    )
    (args.out / "result.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
