"""The floor under issue 12's speed goal: what validating the incidents and writing them once
costs, against DuckDB's plain `read_csv` of the same file.

    .venv/bin/python bench/bench_etl_floor.py --incidents 10000000 --repeat 2

The goal asks `python -m etl run` to finish within 1.5x of a plain load. This bench times, on the
incidents file of bench/bench_etl.py's inputs (generated with bench/make_large.py when missing),
each step in a fresh process and under DuckDB's default memory settings (as the plain load; the
ETL itself runs under a 1 GB limit):
  1. plain: `create table … as select * from read_csv(file)` (type inference on, no checks), as
     bench/bench_etl.py's baseline does for every file;
  2. parse: the file read as the ETL reads it (every column as text, line numbers) and counted;
  3. type and check, nothing written: the ETL's own typing expressions and rule predicates
     (etl.stage.typed_columns and failure_predicates, over the canonical adapter's view), and a
     count of the rows that fail;
  4. typed and written once: the typed rows into one table, no rule checked;
  5. checked and written once: the typed rows and a failed flag into a temporary table, then the
     good rows into one table (the arrangement the ETL's staging uses; one statement with the rule
     predicates in its WHERE clause took 57 s at 10M here, against 38 s for this one).
  6. step 5 without line numbers (every row's source_line, which the quarantine and the lineage
     columns need, is what the window over the file's order costs).
Step 5 is the least a validating load can do: no quarantine record, no duplicate-key check, no
provider matching, no mart, no publish. Its ratio to step 1 is a floor for the ETL's. Prints the
median and the range of each step and its ratio to the plain load. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.make_large import make  # noqa: E402
from core.schema import ENTITIES  # noqa: E402
from etl.adapters import canonical  # noqa: E402
from etl.adapters.base import Context  # noqa: E402
from etl.config import load_config  # noqa: E402
from etl.readers import CSV_OPTIONS, RawTable  # noqa: E402
from etl.sqlquote import quote_ident, sql_literal  # noqa: E402
from etl.stage import failure_predicates, typed_columns  # noqa: E402

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    import duckdb
    payload = json.loads(sys.argv[1])
    con = duckdb.connect(payload["db"])
    if payload["macros"]:
        from etl.stage import install_macros, set_number_format
        install_macros(con)
        set_number_format(con, ".", False)
    for statement in payload["setup"]:
        con.execute(statement)
    t0 = time.perf_counter()
    for statement in payload["timed"]:
        con.execute(statement, payload["params"] if "$run_date" in statement else None)
    seconds = time.perf_counter() - t0
    rows = con.execute(payload["rows"]).fetchone()[0]
    con.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_mb}))
    """
)


def steps(inputs: Path) -> dict[str, dict]:
    """Each step's SQL: untimed setup (views, macros), the timed statements, a row count."""
    path = inputs / "incidents.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        columns = next(csv.reader(handle))  # make_large.py's headers: plain and distinct
    # As etl.readers.read_csv reads a file: every column as text against the header, line numbers
    # from the row order. A view takes no parameters: the path and the names are quoted literals.
    column_map = "{" + ", ".join(f"{sql_literal(k)}: 'VARCHAR'" for k in columns) + "}"

    def raw_view(line: str) -> str:
        return f"""create temp view raw_input as
            select {", ".join(quote_ident(c) for c in columns)}, {sql_literal(str(path))} as __file, {line} as __line
            from read_csv({sql_literal(str(path))}, header = true, columns = {column_map}, auto_detect = false,
                {CSV_OPTIONS})"""

    config = load_config(inputs / "sources.toml")
    source = next(s for s in config.sources if s.entity == "incidents")
    raw = RawTable("raw_input", str(path), list(columns), 0, [], [], "utf-8", [])
    prestaged = canonical.prestage(Context(con=None, source=source, load_id="floor"), raw)
    entity = ENTITIES["incidents"]
    names = ", ".join(quote_ident(c.name) for c in entity.columns)
    typed = "with typed as (select " + ", ".join(typed_columns(entity)) + f", __file, __line from ({prestaged}))"
    failed = "(" + " or ".join(failure_predicates(entity)) + ")"
    # Line numbers as the ETL's reader numbers the rows (a window over the file's order), or none.
    views, no_lines = [raw_view("(row_number() over () + 1)::bigint")], [raw_view("null::bigint")]
    checked = [
        f"create temp table checked as {typed} select {names}, __file, __line, {failed} as __failed from typed",
        f"create table t as select {names}, __file, __line from checked where not __failed",
    ]
    return {
        "plain": {"macros": False, "setup": [], "rows": "select count(*) from t",
                  "timed": [f"create table t as select * from read_csv({sql_literal(str(path))})"]},
        "parse": {"macros": False, "setup": views, "rows": "select n from t",
                  "timed": ["create temp table t as select count(__line) as n from raw_input"]},
        "type_and_check": {"macros": True, "setup": views, "rows": "select n from t",
                           "timed": [f"create temp table t as {typed} select count(*) filter (where {failed}) as n "
                                     "from typed"]},
        "typed_write": {"macros": True, "setup": views, "rows": "select count(*) from t",
                        "timed": [f"create table t as {typed} select {names}, __file, __line from typed"]},
        "checked_write": {"macros": True, "setup": views, "rows": "select count(*) from t", "timed": checked},
        "checked_write_no_lines": {"macros": True, "setup": no_lines, "rows": "select count(*) from t",
                                   "timed": checked},
    }  # fmt: skip


LABELS = {
    "plain": "plain read_csv into a table",
    "parse": "parse as the ETL reads (text, lines)",
    "type_and_check": "type and check, nothing written (rows: failing)",
    "typed_write": "typed and written once, no check",
    "checked_write": "checked and written once",
    "checked_write_no_lines": "the same without line numbers",
}


def run(step: dict, db: Path) -> dict:
    db.unlink(missing_ok=True)
    payload = {**step, "db": str(db), "params": {"run_date": date.today().isoformat()}}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(payload)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        check=False,
    )
    db.unlink(missing_ok=True)
    if out.returncode != 0:
        raise SystemExit(f"step failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="rounds; the summary gives the median and the range")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "etl", help="as bench/bench_etl.py")
    args = parser.parse_args()
    inputs = args.out / "inputs"
    if not (inputs / "incidents.csv").exists() or not (inputs / "sources.toml").exists():
        make(inputs, args.incidents, 200_000, 1_000_000)
    plan = steps(inputs)
    seen: dict[str, list[dict]] = {name: [] for name in plan}
    for i in range(args.repeat):
        for name, step in plan.items():  # the steps alternate, so a slow spell hits them alike
            seen[name].append(run(step, args.out / "floor.duckdb"))
        print(f"round {i + 1}/{args.repeat} done", file=sys.stderr, flush=True)
    rows = {r["rows"] for r in seen["plain"]}
    print(f"{inputs / 'incidents.csv'}: {rows.pop():,} rows; {args.repeat} round(s), median (range)")
    plain = statistics.median(r["seconds"] for r in seen["plain"])
    for name, runs in seen.items():
        times = sorted(r["seconds"] for r in runs)
        peak = max(r["peak_mb"] for r in runs)
        ratio = statistics.median(times) / plain
        print(f"{LABELS[name]:<48} {statistics.median(times):7.1f} s ({times[0]:.1f}-{times[-1]:.1f})"
              f" {ratio:5.2f}x  peak {peak:,.0f} MB  rows {runs[0]['rows']:,}")  # fmt: skip


if __name__ == "__main__":
    main()
