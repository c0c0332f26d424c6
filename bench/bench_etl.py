"""ETL benchmark: `python -m etl run` against DuckDB's plain `read_csv` and a naive pandas peer.

    .venv/bin/python bench/bench_etl.py --incidents 10000000 --repeat 2

Generates scaled inputs with bench/make_large.py (a CAC-layout list, incidents, consent, the
provider alias table), then, in the same run and each in a fresh process:
  1. baseline: `create table … as select * from read_csv(file)` for every file (type inference
     on, no validation), into a new DuckDB file;
  2. the ETL, full build (`--full --profile`): extract, validate every row, quarantine, provider
     matching, marts, atomic publish; its time and peak RSS per step;
  3. the ETL again with nothing changed (incremental: same sha256);
  4. the ETL after the provider alias table changed (one line added, a provider no incident names);
  5. the ETL after a new CAC batch (genai_new.csv, 1,000 rows);
  5b. last, the ETL after an alias change that reaches incidents: 200 of the incidents' provider
     names (provider-0 … provider-199) added to the aliases of baidu, a provider the list holds,
     so every incident naming them is linked anew (the incident marts are redone for those alone);
  6. the sector and ownership tagging alone (mart_registration_sectors, mart_provider_ownership)
     re-run on a copy of the full build: its share of the full build (goal: under 5%);
  7. THE NAIVE PANDAS PEER (bench/pandas_peer.py): pandas read_csv, the same kind of checks,
     bad rows set aside, good rows into DuckDB (first repetition only, or --peer-every-time).
Each changed-input run starts from the original inputs: after each, the inputs are restored and
an untimed run brings the warehouse back to them. Prints seconds, rows/s and peak RSS for each,
the ratios ETL / plain load and ETL / peer, the
incremental runs as a share of the full build, and with --repeat N the median and the spread.
Goals (issue 12): full build within 1.5x of the plain load, peak RSS ≤ 2 GB, an unchanged run
≤ 5% and a one-small-source run ≤ 20% of a full build. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
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
    import contextlib, io, json, resource, sys, time
    mode, payload = sys.argv[1], json.loads(sys.argv[2])
    t0 = time.perf_counter()
    profile = None
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
    elif mode == "peer":
        from bench.pandas_peer import main
        main([payload["db"], *payload["files"]])
        code, rows = 0, None
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
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["run", "--sources", payload["sources"], "--db", payload["db"], "--quiet", "--json",
                         *payload["flags"]])
        summary = json.loads(out.getvalue())
        profile, rows = summary.get("profile"), None
        incremental = summary.get("incremental")
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if profile:  # --profile resets the kernel's high-water mark per step: the run's peak is theirs
        peak_mb = max(peak_mb, profile["peak_rss_mb"])
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_mb, "code": code, "profile": profile}))
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


def one_round(inputs: Path, out: Path, files: list[Path], total_rows: int, peer: bool) -> dict:
    for stale in (out / "baseline.duckdb", out / "warehouse.duckdb", out / "peer.duckdb"):
        stale.unlink(missing_ok=True)
    (inputs / "genai_new.csv").unlink(missing_ok=True)
    aliases = inputs / "provider_aliases.csv"
    original_aliases = aliases.read_text(encoding="utf-8")
    sources, db = str(inputs / "sources.toml"), str(out / "warehouse.duckdb")
    baseline = child("baseline", {"db": str(out / "baseline.duckdb"), "files": [str(f) for f in files]})
    assert baseline["rows"] == total_rows, baseline
    full = child("etl", {"sources": sources, "db": db, "flags": ["--full", "--profile"]})
    tagging = child("tagging", {"db": db, "copy": str(out / "tagging.duckdb")})
    (out / "tagging.duckdb").unlink(missing_ok=True)
    unchanged = child("etl", {"sources": sources, "db": db, "flags": ["--profile"]})

    def changed_run(path: Path, text: str, settle: bool = True) -> dict:
        """The ETL, timed, with `path` holding `text`; then the file as it was (or gone), and with
        `settle` an untimed run that brings the warehouse back to the original inputs."""
        before = path.read_bytes() if path.exists() else None
        try:
            path.write_text(text, encoding="utf-8")
            return child("etl", {"sources": sources, "db": db, "flags": ["--profile"]})
        finally:
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before)
            if settle:
                child("etl", {"sources": sources, "db": db, "flags": []})

    one_more = "zz_bench,ZZ Bench,测试公司,测试公司有限公司,ZZ Bench Co,zz-bench,CN\n"
    alias_changed = changed_run(aliases, original_aliases + one_more)
    lines = (inputs / "genai.csv").read_text(encoding="utf-8").splitlines()
    new_rows = [lines[0]] + [line.replace("MoXing", "XinPi").replace("模型", "新批模型", 1) for line in lines[1:1001]]
    new_batch = changed_run(inputs / "genai_new.csv", "\n".join(new_rows) + "\n")
    # Last in the round: the next round starts with a full build.
    alias_reaching = changed_run(aliases, _aliases_reaching_incidents(original_aliases), settle=False)
    result = {"baseline": baseline, "full": full, "unchanged": unchanged, "alias_changed": alias_changed}
    result["alias_reaching"] = alias_reaching
    result["tagging"] = tagging
    result["new_batch"] = new_batch
    if peer:
        result["peer"] = child("peer", {"db": str(out / "peer.duckdb"), "files": [str(f) for f in files]})
    return result


def _aliases_reaching_incidents(text: str, names: int = 200) -> str:
    """The alias table with `names` of the incidents' provider names (bench/make_large.py names
    them provider-0 … provider-49999) added to baidu's aliases."""
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    for row in rows[1:]:
        if row and row[header.index("provider_id")] == "baidu":
            col = header.index("aliases")
            row[col] = ";".join([row[col], *(f"provider-{i}" for i in range(names))])
            break
    else:
        raise SystemExit("the bench alias table has no baidu row to add names to")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:8.1f}"
    return f"{statistics.median(values):8.1f} (min {min(values):.1f}, max {max(values):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--registrations", type=int, default=200_000)
    parser.add_argument("--consent", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the summary gives the median and the range")
    parser.add_argument("--peer-every-time", action="store_true", help="run the pandas peer in every round")
    parser.add_argument("--no-peer", action="store_true", help="skip the pandas peer")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "etl")
    args = parser.parse_args()

    inputs = make(args.out / "inputs", args.incidents, args.registrations, args.consent)
    files = [inputs / "genai.csv", inputs / "incidents.csv", inputs / "consent.csv"]
    total_rows = args.incidents + args.registrations + args.consent
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    rounds = []
    for i in range(args.repeat):
        peer = not args.no_peer and (i == 0 or args.peer_every_time)
        rounds.append(one_round(inputs, args.out, files, total_rows, peer))
        print(f"round {i + 1}/{args.repeat} done", file=sys.stderr, flush=True)

    def series(key: str, field: str = "seconds") -> list[float]:
        return [r[key][field] for r in rounds if key in r]

    print(f"inputs: {total_rows:,} rows ({args.incidents:,} incidents), {size_mb:,.0f} MB; {args.repeat} round(s)")
    print(f"{'':40} {'seconds':>34} {'peak RSS MB':>36}")
    labels = [
        ("baseline", "plain DuckDB read_csv"),
        ("full", "etl run --full"),
        ("unchanged", "etl run, nothing changed"),
        ("alias_changed", "etl run, alias table changed"),
        ("alias_reaching", "etl run, alias change reaching incidents"),
        ("new_batch", "etl run, one new CAC batch"),
        ("tagging", "sector + ownership tagging alone"),
        ("peer", "NAIVE PANDAS PEER (bench/)"),
    ]
    for key, label in labels:
        if series(key):
            print(f"{label:40} {spread(series(key)):>34} {spread(series(key, 'peak_mb')):>36}")
    full, base = statistics.median(series("full")), statistics.median(series("baseline"))
    print(f"ratio etl full / plain read_csv: {full / base:.2f}x (goal ≤ 1.5x)")
    if series("peer"):
        print(f"ratio etl full / naive pandas peer: {full / statistics.median(series('peer')):.2f}x")
    goals = (("unchanged", 5), ("alias_changed", 20), ("alias_reaching", 20), ("new_batch", 20), ("tagging", 5))
    for key, goal in goals:
        print(f"{key} / full: {100 * statistics.median(series(key)) / full:.1f}% (goal ≤ {goal}%)")
    print("\nfull build, per step (first round; peak RSS of the step itself):")
    for step in rounds[0]["full"]["profile"]["steps"]:
        print(f"  {step['step']:<15} {step['name'][:32]:<32} {step['seconds']:8.2f} s {step['peak_rss_mb']:8,.0f} MB")
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "incidents": args.incidents,
        "registrations": args.registrations,
        "consent": args.consent,
        "input_mb": round(size_mb, 1),
        "rounds": rounds,
    }
    (args.out / "result.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
