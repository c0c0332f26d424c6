"""Benchmark the CSV briefing on a large warehouse: time, peak memory and rows per file.

    python bench/make_large.py --out bench/out/large --incidents 1000000
    python -m etl run --sources bench/out/large/sources.toml --db bench/out/large/warehouse.duckdb
    python bench/bench_briefing.py --db bench/out/large/warehouse.duckdb --period 1980-01-01..2030-12-31

Each run is `python -m etl brief` in its own process (as a scheduler runs it), so peak RSS is
that process's alone (ru_maxrss of the child). For comparison it also reads the same incidents
query into one pandas DataFrame, which is what a non-streaming export would hold in memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MATERIALISE = """
import resource, sys, time
from pathlib import Path
from dashboard import briefing, queries
from core.connection import connect
period = briefing.parse_period(sys.argv[2], __import__("datetime").date.today())
filters = briefing.make_filters(period)
params = {**briefing._params(filters, 0.8), "window_start": period.start, "window_end": period.end}
text = queries.sql_text("incidents_in_period")
t0 = time.perf_counter()
with connect(Path(sys.argv[1])) as con:
    df = con.execute(text, queries.bind(text, params)).df()
print(len(df), time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_brief(db: Path, period: str, out: Path, extra: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "etl", "brief", "--db", str(db), "--period", period, "--out", str(out), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"brief failed ({proc.returncode}): {proc.stderr}")
    target = Path(proc.stdout.strip())
    with zipfile.ZipFile(target) as bundle:
        sizes = {i.filename: i.file_size for i in bundle.infolist()}
        manifest = bundle.read("manifest.csv").decode("utf-8-sig").splitlines()
    rows = {line.split(",")[1]: int(line.split(",")[2]) for line in manifest if line.startswith("rows,")}
    return {"seconds": seconds, "zip_bytes": target.stat().st_size, "sizes": sizes, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a warehouse built from bench/make_large.py inputs")
    parser.add_argument("--period", default="1980-01-01..2030-12-31", help="briefing period (default: everything)")
    parser.add_argument(
        "--no-compare",
        action="store_true",
        help="skip the materialise-in-pandas comparison (needs about 2 GB per million incidents)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-briefing-") as tmp:
        before = _child_peak_mb()
        result = run_brief(args.db, args.period, Path(tmp), [])
        peak = _child_peak_mb()
        print(f"python -m etl brief --period {args.period}")
        print(f"  time        {result['seconds']:.1f} s")
        print(f"  peak RSS    {peak:.0f} MB" + ("" if peak > before else " (not above an earlier child's)"))
        print(f"  ZIP         {result['zip_bytes'] / 1e6:.1f} MB")
        for name, rows in result["rows"].items():
            size = result["sizes"][name] / 1e6
            print(f"  {name:<28} {rows:>12,} rows {size:>10.1f} MB")
        incidents = result["rows"].get("incidents.csv", 0)
        if incidents:
            print(f"  incidents   {incidents / result['seconds']:,.0f} rows/s end to end")

    if not args.no_compare:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run(
            [sys.executable, "-c", MATERIALISE, str(args.db), args.period],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
        )
        if proc.returncode == 0:
            # DuckDB may draw a progress bar on stdout; the figures are the last three words.
            rows, seconds, maxrss = proc.stdout.split()[-3:]
            print("for comparison, the incidents query read into one pandas DataFrame:")
            print(f"  {int(rows):,} rows in {float(seconds):.1f} s, peak RSS {int(maxrss) / 1024:.0f} MB")
        else:
            print(f"comparison failed: {proc.stderr.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
