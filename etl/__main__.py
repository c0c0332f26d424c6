"""Command line: `python -m etl run | fetch | status | sample | brief | export`.

A thin layer over both sides, as sqlite-utils' cli.py sits over db.py: `run` and `sample` call
the write side (etl), `status`, `brief` and `export` the read side (dashboard.status,
dashboard.briefing, dashboard.research_export),
each imported inside its command. This is the one module allowed to import both
(tests/test_layering.py). It parses arguments, calls one function, prints, and turns typed
errors into messages and exit codes.

Exit codes: 0 all sources loaded (quarantined rows allowed), 1 a source failed or the run
could not start, 2 usage error. Errors are printed as one readable message, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from etl.errors import EnvironmentFailure, EtlError, LockBusy, UsageError, environment_cause

DEFAULT_DB = Path("data/warehouse.duckdb")
DEFAULT_SOURCES = Path("data/sources.toml")
DEFAULT_OFFICIAL = Path("data/official.toml")
DEFAULT_RAW = Path("data/raw")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m etl",
        description="Load licence registries, incidents and consent declarations into the DuckDB warehouse.",
        epilog=(
            "Exit codes: 0 all sources loaded (quarantined rows allowed); 1 a source failed, or the machine "
            "stopped the run (disk full, permission, file-size limit: the cause is named); 2 usage error, "
            "including a sources config that does not fit the declared schema. With --json, every exit "
            "path prints a JSON document."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="extract, validate and load every declared source, then publish atomically")
    run.add_argument("--sources", type=Path, default=DEFAULT_SOURCES, help="sources config (default: %(default)s)")
    run.add_argument("--db", type=Path, default=DEFAULT_DB, help="warehouse file (default: %(default)s)")
    run.add_argument(
        "--json", action="store_true", help="print a JSON summary on stdout for schedulers (also on errors)"
    )
    run.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    run.add_argument(
        "--full",
        action="store_true",
        help="rebuild everything from the inputs; by default a run redoes only what changed inputs reach",
    )
    run.add_argument(
        "--profile",
        action="store_true",
        help="print the time and peak memory (RSS) of each step on stderr: read, type and validate, quarantine, "
        "each model, publish (the --json summary always has the steps under 'profile')",
    )

    fetch = sub.add_parser(
        "fetch", help="download the official files of every source with [source.fetch] into the raw archive"
    )
    fetch.add_argument("--sources", type=Path, default=DEFAULT_OFFICIAL, help="sources config (default: %(default)s)")
    fetch.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="fetch only this source (repeatable)"
    )
    fetch.add_argument(
        "--offline", action="store_true", help="no network: list the archived files a run would read, per source"
    )
    fetch.add_argument("--json", action="store_true", help="print a JSON summary on stdout for schedulers")
    fetch.add_argument("--quiet", action="store_true", help="no progress lines on stderr")

    status = sub.add_parser("status", help="last runs, per-source freshness and quarantine counts")
    status.add_argument("--db", type=Path, default=DEFAULT_DB, help="warehouse file (default: %(default)s)")
    status.add_argument(
        "--raw", type=Path, default=DEFAULT_RAW, help="raw archive, for each source's last fetch (default: %(default)s)"
    )
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")

    sample = sub.add_parser("sample", help="write the deterministic built-in sample inputs")
    sample.add_argument("--scale", type=float, default=1.0, help="multiply the sample sizes (default: 1)")
    sample.add_argument("--out", type=Path, default=Path("data/sample"), help="output folder (default: %(default)s)")
    sample.add_argument("--seed", type=int, default=42, help="random seed (default: %(default)s)")
    brief = sub.add_parser("brief", help="write a CSV briefing (ZIP) for a period and filters")
    brief.add_argument(
        "--period",
        required=True,
        help="YYYY, YYYY-MM, YYYY-Qn, FROM..TO (ISO dates), last-month, last-quarter or last-year",
    )
    brief.add_argument("--jurisdiction", action="append", default=[], help="jurisdiction code, e.g. CN-BJ (repeatable)")
    brief.add_argument("--list", action="append", default=[], help="registry list, e.g. cac_genai (repeatable)")
    brief.add_argument("--category", action="append", default=[], help="incident category (repeatable)")
    brief.add_argument("--provider", default="", help="provider name contains this text")
    brief.add_argument(
        "--sector", action="append", default=[], help="registration sector, e.g. healthcare (repeatable)"
    )
    brief.add_argument(
        "--ownership", action="append", default=[], help="provider ownership type, e.g. central_soe (repeatable)"
    )
    brief.add_argument("--threshold", type=float, default=80, help="consent gap threshold in %% (default: 80)")
    brief.add_argument("--max-age", help="refuse when any source's data is older than this, e.g. 36h or 2d")
    brief.add_argument("--db", type=Path, default=DEFAULT_DB, help="warehouse file (default: %(default)s)")
    brief.add_argument("--out", type=Path, default=Path("."), help="folder for the ZIP (default: current folder)")
    export = sub.add_parser(
        "export", help="write every mart (Parquet or CSV), a data dictionary and a manifest for research"
    )
    export.add_argument(
        "--format", choices=("parquet", "csv"), default="parquet", help="file format (default: %(default)s)"
    )
    export.add_argument("--out", type=Path, required=True, help="folder to write into (created if missing)")
    export.add_argument("--db", type=Path, default=DEFAULT_DB, help="warehouse file (default: %(default)s)")
    return parser


def _cmd_export(args: argparse.Namespace) -> int:
    # Like `brief`, a read-side command: dashboard.research_export reads the warehouse read-only.
    from core.connection import WarehouseMissing
    from dashboard import research_export

    try:
        rows = research_export.export(args.out, fmt=args.format, path=args.db)
    except research_export.ExportError as exc:
        raise UsageError(str(exc)) from None
    except WarehouseMissing as exc:
        raise EtlError(str(exc)) from None
    for file, count in rows.items():
        print(f"{args.out / file}: {count:,} rows")
    print(f"{args.out / 'columns.csv'}, {args.out / 'manifest.csv'}")
    return 0


def _cmd_brief(args: argparse.Namespace) -> int:
    # dashboard.briefing is streamlit-free, so the command and the Briefing page share it.
    from core.connection import WarehouseMissing
    from dashboard import briefing
    from dashboard.filters import current_date

    try:
        target = briefing.brief(
            args.period,
            today=current_date(),
            jurisdictions=args.jurisdiction,
            registries=args.list,
            categories=args.category,
            provider=args.provider,
            sectors=args.sector,
            ownership=args.ownership,
            threshold_pct=args.threshold,
            max_age_text=args.max_age,
            path=args.db,
            out=args.out,
        )
    except briefing.BriefingUsageError as exc:
        raise UsageError(str(exc)) from None
    except (briefing.BriefingError, WarehouseMissing) as exc:
        raise EtlError(str(exc)) from None
    print(target)
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from etl.config import load_config
    from etl.pipeline import run

    config = load_config(args.sources)
    say = (lambda _msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    result = run(config, args.db, say=say, profile=args.profile, full=args.full)
    if args.profile:
        print(result.profile.table(), file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        for s in result.sources:
            line = f"{s.source}: {s.status}, {s.rows_loaded:,} loaded, {s.rows_quarantined:,} quarantined"
            # A loaded source's notes say what was read (sheet, header row, skipped rows).
            if s.status == "loaded":
                print(f"{line} ({s.message})" if s.message else line)
            else:
                print(f"{line}: {s.message}")
        print(f"load {result.load_id} published to {result.db} in {result.seconds:.1f} s")
    return 0 if result.ok else 1


def _cmd_fetch(args: argparse.Namespace) -> int:
    from etl.config import load_config
    from etl.fetch import fetch_all, print_report

    config = load_config(args.sources)
    say = (lambda _msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    return print_report(fetch_all(config, only=args.only, offline=args.offline, say=say), as_json=args.json)


def _cmd_status(args: argparse.Namespace) -> int:
    from core.connection import WarehouseMissing
    from dashboard.status import read_status
    from etl.archive import Archive, last_fetch

    try:
        status = read_status(args.db)
    except WarehouseMissing:
        raise EtlError(f"{args.db}: no warehouse yet. Build it with: python -m etl run") from None
    # The CLI is the one layer over both sides: the read side gives what the warehouse holds,
    # the write side's raw archive gives each fetched source's last fetch.
    archive = Archive(args.raw) if args.raw and args.raw.is_dir() else None
    for s in status["sources"]:
        s["last_fetch"] = last_fetch(archive, s["source"]) if archive else None
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=2))
        return 0
    now = datetime.now(UTC)
    print(
        f"warehouse {status['warehouse']}: load {status['load_id']} built {status['built_at']}"
        + (" (built-in sample data)" if status["is_sample"] else "")
    )
    print(f"{'source':<28} {'status':<8} {'rows':>10} {'quarantined':>11}  data as of")
    for s in status["sources"]:
        age = ""
        if s["data_as_of"]:
            hours = (now - datetime.fromisoformat(s["data_as_of"])).total_seconds() / 3600
            age = f"{s['data_as_of'][:19]} ({hours:.1f} h ago)"
        print(f"{s['source']:<28} {s['last_status'] or '-':<8} {s['rows'] or 0:>10,} {s['quarantined']:>11,}  {age}")
        if s["last_status"] == "failed":
            print(f"    {s['message']}")
        if s.get("last_fetch"):
            fetch = s["last_fetch"]
            why = f" ({fetch['message']})" if fetch["message"] else ""
            print(f"    last fetch {fetch['finished_at']}: {fetch['status']}{why}")
        for file in s.get("files", []):
            print(f"    file in use: {file}")
    print("\nlast runs:")
    for r in status["runs"]:
        print(
            f"  {r['load_id']}  {r['sources']} sources, {r['failed']} failed, "
            f"{r['rows_loaded']:,} loaded, {r['rows_quarantined']:,} quarantined"
        )
    return 0


def _cmd_sample(args: argparse.Namespace) -> int:
    from etl.sample import write_sample

    if args.scale <= 0:
        raise UsageError("--scale must be greater than 0")
    for path in write_sample(args.out, scale=args.scale, seed=args.seed):
        print(path)
    return 0


def _failure(exc: BaseException) -> tuple[str, int, str]:
    """(message, exit code, kind) for an error that ends a command."""
    if isinstance(exc, UsageError):
        return str(exc), 2, "usage"
    if isinstance(exc, LockBusy):
        return str(exc), 1, "busy"
    if isinstance(exc, EnvironmentFailure):
        return str(exc), 1, "environment"
    if isinstance(exc, EtlError):
        return str(exc), 1, "error"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted; the live warehouse is unchanged", 1, "interrupted"
    cause = environment_cause(exc)
    first_line = str(exc).splitlines()[0] if str(exc) else ""
    if cause:
        return f"{cause} ({type(exc).__name__}: {first_line})", 1, "environment"
    return (
        f"unexpected {type(exc).__name__}: {first_line}. Please report this with the command you ran.",
        1,
        "unexpected",
    )


def main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        # argparse has printed its message; a scheduler asking for --json still gets a document.
        if exc.code not in (0, None) and "--json" in given:
            print(json.dumps({"ok": False, "exit_code": exc.code, "error": "usage", "message": "bad arguments"}))
        raise
    handlers = {
        "run": _cmd_run,
        "fetch": _cmd_fetch,
        "status": _cmd_status,
        "sample": _cmd_sample,
        "brief": _cmd_brief,
        "export": _cmd_export,
    }
    try:
        return handlers[args.command](args)
    except (Exception, KeyboardInterrupt) as exc:  # the one boundary: never a raw traceback
        message, code, kind = _failure(exc)
        print(message if kind == "interrupted" else f"error: {message}", file=sys.stderr)
        if getattr(args, "json", False):
            # A scheduler reading --json gets a document on every exit path, not only on success.
            print(json.dumps({"ok": False, "exit_code": code, "error": kind, "message": message}, ensure_ascii=False))
        return code


if __name__ == "__main__":
    sys.exit(main())
