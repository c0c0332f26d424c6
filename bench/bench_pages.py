"""Time every dashboard page's server-side run, cold and warm, and report peak memory.

    .venv/bin/python bench/bench_pages.py --db /path/to/large/warehouse.duckdb
    .venv/bin/python bench/bench_pages.py --scale 20        # build one from `etl sample --scale 20`

Each page is run through streamlit.testing's AppTest (the frame and the page, as a browser
request would run them): "cold" after clearing st.cache_data, so every query reads the
warehouse; "warm" straight after, from the cache (the median of --repeat runs); then one sidebar
filter changed at a time from the default view (last 12 months, nothing else set), each timed
on its own and set back untimed: category (fraud), jurisdiction (CN-BJ), provider search
(baidu), period "year" (last calendar year) and period "all" (all time, every row). A change
the page does not read (the incident category on Licensing) hits the cache. Module imports are
paid once before timing, and each script is compiled once, as a server does (AppTest alone
would recompile app.py and the page on every run); every cold run starts with no cached query
result and no memoised figure (dashboard.charts). With --runs N, every page is timed N times and the median and range
of each figure are printed at the end. The machine's load average is printed before and after:
on a shared machine the figures move with it, so run the bench more than once.
Goals (issue 12): cold ≤ 1 s, warm ≤ 0.1 s, ≤ 0.5 s after any single filter change, peak RSS < 1 GB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_COLD, GOAL_WARM, GOAL_FILTER, GOAL_RSS_MB = 1.0, 0.1, 0.5, 1024
# One filter change at a time: (label, widget kind, session key, value).
FILTER_CHANGES = (
    ("category", "multiselect", "f_cat", ["fraud"]),
    ("jurisdiction", "multiselect", "f_jur", ["CN-BJ"]),
    ("provider", "text_input", "f_q", "baidu"),
    ("year", "selectbox", "f_period", str(date.today().year - 1)),
    ("all-time", "selectbox", "f_period", "all"),
)


def time_filter_changes(at) -> list[tuple[str, float]]:
    """Change one sidebar filter, time the rerun, set it back (untimed). A change that did not
    take (the widget refused the value) stops the bench rather than timing a rerun of nothing."""
    out = []
    for label, kind, key, value in FILTER_CHANGES:
        try:
            widget = getattr(at, kind)(key=key)
        except (KeyError, AttributeError):
            continue  # this page's frame has no such widget
        before = widget.value
        widget.set_value(value)
        start = time.perf_counter()
        at.run()
        out.append((label, time.perf_counter() - start))
        if at.session_state[key] != value:
            raise SystemExit(f"the {label} change did not take: {key} is {at.session_state[key]!r}, not {value!r}")
        getattr(at, kind)(key=key).set_value(before)
        at.run()
    return out


def build(scale: int, workdir: Path) -> Path:
    """Scaled sample inputs plus a config pointing at them, loaded by the real ETL."""
    inputs = workdir / "inputs"
    subprocess.run(
        [sys.executable, "-m", "etl", "sample", "--scale", str(scale), "--out", str(inputs)], cwd=ROOT, check=True
    )
    config = (ROOT / "data" / "sources.toml").read_text(encoding="utf-8").replace('"sample/', f'"{inputs}/')
    for table in ("provider_aliases.csv", "sector_rules.csv", "central_enterprises.csv"):
        config = config.replace(f'location = "{table}"', f'location = "{ROOT / "data" / table}"')
    (workdir / "sources.toml").write_text(config, encoding="utf-8")
    db = workdir / "warehouse.duckdb"
    subprocess.run(
        [sys.executable, "-m", "etl", "run", "--sources", str(workdir / "sources.toml"), "--db", str(db), "--quiet"],
        cwd=ROOT,
        check=True,
    )
    return db


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="warehouse to read (e.g. one built by bench/make_large.py)")
    parser.add_argument("--scale", type=int, help="build a warehouse from `etl sample --scale N` instead")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per page (the median is reported)")
    parser.add_argument("--runs", type=int, default=1, help="passes over every page (median, range)")
    args = parser.parse_args()
    if not args.db and not args.scale:
        parser.error("give --db PATH or --scale N")
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench_pages_")
        print(f"building a warehouse at scale {args.scale} …", file=sys.stderr)
        args.db = build(args.scale, Path(tmp.name))
    os.environ["WAREHOUSE_DB"] = str(args.db.resolve())
    os.chdir(ROOT)

    import duckdb
    import streamlit as st

    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    # A server compiles each script once (one ScriptCache for its life); AppTest makes a new
    # ScriptCache on every run and so recompiles app.py and the page each time (~0.03-0.06 s
    # here). The bench keeps one, as the server does.
    import streamlit.testing.v1.app_test as app_test_module
    import streamlit.testing.v1.local_script_runner as local_runner_module
    from conftest_dashboard import app_test  # AppTest as dashboard.serve runs the app
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    script_cache = ScriptCache()
    app_test_module.ScriptCache = local_runner_module.ScriptCache = lambda: script_cache

    from dashboard.pages import PAGES

    with duckdb.connect(str(args.db), read_only=True) as con:
        sizes = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                 for t in ("mart_registrations", "mart_incidents", "mart_consent")}  # fmt: skip
    print(f"warehouse {args.db} ({args.db.stat().st_size / 1e6:,.0f} MB): "
          + ", ".join(f"{t} {n:,}" for t, n in sizes.items()))  # fmt: skip

    from dashboard import charts

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    at = app_test(timeout=120)
    at.run()  # imports and first render, not timed
    rows = []
    seen: dict[tuple[str, str], list[float]] = {}  # (page, measure) -> one figure per pass
    for n in range(args.runs):
        if args.runs > 1:
            print(f"pass {n + 1} of {args.runs}")
        # Every page but the Briefing, which bench/bench_briefing.py times on its own.
        for page in (p for p in PAGES if p.key != "briefing"):
            name = page.key
            st.cache_data.clear()
            charts.clear_memo()  # cold: no query result and no figure kept from before
            at.switch_page(page.file)
            start = time.perf_counter()
            at.run()
            cold = time.perf_counter() - start
            if at.exception:
                print(f"{name}: exception {at.exception[0].value}", file=sys.stderr)
                return 1
            warm_runs = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                at.run()
                warm_runs.append(time.perf_counter() - start)
            warm = sorted(warm_runs)[len(warm_runs) // 2]
            changes = time_filter_changes(at)
            worst = max((s for _, s in changes), default=0.0)
            rows.append((name, cold, warm, worst))
            for label, s in (("cold", cold), ("warm", warm), *changes):
                seen.setdefault((name, label), []).append(s)
            print(f"{name:<13} cold {cold:6.3f} s {'ok' if cold <= GOAL_COLD else 'SLOW'}   "
                  f"warm {warm:6.3f} s {'ok' if warm <= GOAL_WARM else 'SLOW'}   "
                  + "  ".join(f"{label} {s:5.3f} s{'' if s <= GOAL_FILTER else ' SLOW'}" for label, s in changes)
                  + f"   peak RSS {rss_mb():,.0f} MB")  # fmt: skip
    if args.runs > 1:
        print(f"median (min-max) of {args.runs} passes, seconds:")
        for name in dict.fromkeys(page for page, _ in seen):
            cells = []
            for (page, label), values in seen.items():
                if page == name:
                    values = sorted(values)
                    cells.append(f"{label} {statistics.median(values):.2f} ({values[0]:.2f}-{values[-1]:.2f})")
            print(f"{name:<13} " + "  ".join(cells))
    peak = rss_mb()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"peak RSS {peak:,.0f} MB {'ok' if peak < GOAL_RSS_MB else 'OVER'} (goal < {GOAL_RSS_MB} MB)")
    if tmp is not None:
        tmp.cleanup()
    ok = all(c <= GOAL_COLD and w <= GOAL_WARM and f <= GOAL_FILTER for _, c, w, f in rows) and peak < GOAL_RSS_MB
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
