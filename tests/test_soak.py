"""Soak: several browser sessions read the served app while the ETL republishes the warehouse.

The app server runs on loopback against a temporary warehouse built by the real ETL. Four browser
contexts load Overview and Licensing again and again, each reading the load id in the sidebar's
data-as-of stamp and the two registration KPIs; meanwhile `python -m etl run` republishes the same
file, alternating two sources configs whose numbers differ (the sample, and the sample without
the deep-synthesis list). Every page load must succeed (HTTP 200, no exception box, a chart) and
show exactly the numbers of the build whose load id it shows: old data or new data, never a mix.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from browser_support import APP_IDLE_JS, CHROMIUM, CHROMIUM_ARGS, free_port, require_browser, start_server, stop_server

from dashboard import queries
from dashboard.filters import Filters

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
# The soak is counted, not timed: it republishes PUBLICATIONS times, each time waiting until a
# page load has shown the new build before the next, then until every session has loaded twice
# more. How fast the machine is changes how long it takes, never the verdict.
PUBLICATIONS = int(os.environ.get("SOAK_PUBLICATIONS", "4"))
SAFETY_SECONDS = 900  # only a hang reaches this, and then the test fails saying what it waited for
SESSIONS = 4
PATHS = ["", "licensing"]  # Overview and Licensing both show the two registration KPIs
ACTIVE, NEW = "Active registrations at period end", "New filings in period"

READ_PAGE_JS = """() => {
    const stamp = Array.from(document.querySelectorAll('[data-testid=stSidebar] summary'))
        .map(s => s.innerText).find(t => t.includes('Data as of')) || '';
    const metrics = {};
    for (const m of document.querySelectorAll('[data-testid=stMetric]')) {
        const label = m.querySelector('[data-testid=stMetricLabel]');
        const value = m.querySelector('[data-testid=stMetricValue]');
        if (label && value) metrics[label.innerText.trim()] = value.innerText.trim();
    }
    return {
        stamp,
        metrics,
        h1: (document.querySelector('h1') || {}).innerText || '',
        exceptions: document.querySelectorAll('[data-testid=stException]').length,
        charts: document.querySelectorAll('.js-plotly-plot').length,
    };
}"""


def _config(tmp: Path, name: str, disable: str | None) -> Path:
    """The sample sources config with absolute locations, optionally with one source disabled."""
    text = (ROOT / "data" / "sources.toml").read_text(encoding="utf-8")
    text = re.sub(r'location = "(?!/)', f'location = "{ROOT / "data"}/', text)
    if disable:
        text = text.replace(f'name = "{disable}"\n', f'name = "{disable}"\nenabled = false\n', 1)
        assert "enabled = false" in text
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _publish(config: Path, db: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "etl", "run", "--sources", str(config), "--db", str(db), "--json", "--quiet"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["ok"], summary
    return summary["load_id"]


def _expected(db: Path) -> tuple[str, dict[str, int]]:
    """The load id and the two KPIs (all time) of the build now at `db`, by the app's own queries."""
    kpi = queries.registration_kpis(Filters().with_period("all"), db)
    return queries.warehouse_info(db)["load_id"], {ACTIVE: int(kpi["active_count"]), NEW: int(kpi["new_count"])}


class Loads:
    """Page loads as the sessions record them, with a condition the publisher waits on."""

    def __init__(self) -> None:
        self.records: list[dict] = []
        self.changed = threading.Condition()

    def add(self, record: dict) -> None:
        with self.changed:
            self.records.append(record)
            self.changed.notify_all()

    def wait_for(self, predicate, stop: threading.Event) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: stop.is_set() or predicate(self.records), timeout=SAFETY_SECONDS)


def _shows(load: dict, load_id: str) -> bool:
    return f"load {load_id}" in (load.get("stamp") or "")


async def _session(browser, base: str, stop: threading.Event, loads: Loads, index: int) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    n = index
    try:
        while not stop.is_set():
            path = PATHS[n % len(PATHS)]
            n += 1
            record: dict = {"session": index, "path": path}
            try:
                response = await page.goto(f"{base}/{path}?period=all")
                record["status"] = response.status if response else None
                await page.wait_for_selector("h1", timeout=60_000)
                await page.wait_for_selector(".js-plotly-plot", timeout=60_000)
                await page.wait_for_function(APP_IDLE_JS, timeout=60_000)
                record.update(await page.evaluate(READ_PAGE_JS))
            except Exception as exc:  # recorded and asserted on below, with the page it happened on
                record["error"] = f"{type(exc).__name__}: {exc}"
            record["dialogs"] = list(dialogs)
            loads.add(record)
    finally:
        await context.close()


async def _browse(base: str, stop: threading.Event, loads: Loads) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # The first session of a fresh server gets the main page whatever the path (Streamlit's
            # pages/-directory check runs before st.navigation has run once): open it first.
            warm = await browser.new_page()
            await warm.goto(base)
            await warm.wait_for_selector(".js-plotly-plot", timeout=60_000)
            await warm.close()
            await asyncio.gather(*(_session(browser, base, stop, loads, i) for i in range(SESSIONS)))
        finally:
            await browser.close()


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def test_pages_show_one_build_while_the_etl_republishes(tmp_path):
    require_browser()
    full = _config(tmp_path, "full.toml", None)
    partial = _config(tmp_path, "partial.toml", "sample_deep_synthesis")
    db = tmp_path / "warehouse.duckdb"

    # One build of each config first, to learn each config's numbers from the app's own queries.
    expected: dict[str, dict[str, int]] = {}
    for config in (partial, full):
        load_id = _publish(config, db)
        got_id, numbers = _expected(db)
        assert got_id == load_id
        expected[config.name] = numbers
    assert expected["full.toml"] != expected["partial.toml"], expected
    config_of = {load_id: "full.toml"}

    port = free_port()
    server = start_server(db, port)
    loads = Loads()
    errors: list[str] = []
    stop = threading.Event()

    def republish() -> None:
        # Publish, then wait until some page load shows the new build, PUBLICATIONS times,
        # alternating the two configs; pages keep loading all along, so loads overlap publishes.
        try:
            for i in range(PUBLICATIONS):
                config = (partial, full)[i % 2]
                load_id = _publish(config, db)
                config_of[load_id] = config.name
                if not loads.wait_for(lambda records, lid=load_id: any(_shows(r, lid) for r in records), stop):
                    errors.append(f"no page load showed build {load_id} ({config.name}) in {SAFETY_SECONDS} s")
                    return
            # Then every session loads at least twice more, after the last publication.
            after = len(loads.records)
            if not loads.wait_for(
                lambda records: all(sum(1 for r in records[after:] if r["session"] == s) >= 2 for s in range(SESSIONS)),
                stop,
            ):
                errors.append(f"the sessions did not load twice more in {SAFETY_SECONDS} s")
        except Exception as exc:  # reported by the main thread
            errors.append(repr(exc))
        finally:
            stop.set()

    started = time.monotonic()
    try:
        publisher = threading.Thread(target=republish, daemon=True)
        publisher.start()
        asyncio.run(_browse(f"http://127.0.0.1:{port}", stop, loads))
        stop.set()
        publisher.join(timeout=300)
    finally:
        stop.set()
        stop_server(server)

    records = loads.records
    publications = len(config_of) - 1  # the first full build was published before the soak
    print(
        f"\nsoak: {len(records)} page loads, {publications} publications, "
        f"{time.monotonic() - started:.0f} s, {SESSIONS} sessions"
    )
    assert not errors, errors
    assert publications == PUBLICATIONS
    assert len(records) >= 2 * SESSIONS, f"only {len(records)} page loads"

    failures, mixes, seen = [], [], set()
    for load in records:
        if load.get("error") or load.get("status") != 200 or load.get("exceptions") or not load.get("charts"):
            failures.append(load)
            continue
        match = re.search(r"load (\d{8}T\d{6}\d*Z)", load["stamp"])
        shown = {label: _number(load["metrics"][label]) for label in (ACTIVE, NEW) if label in load["metrics"]}
        if not match or match.group(1) not in config_of or len(shown) != 2:
            failures.append(load)
            continue
        seen.add(config_of[match.group(1)])
        if shown != expected[config_of[match.group(1)]]:
            mixes.append({**load, "expected": expected[config_of[match.group(1)]]})
    print(f"soak: {len(failures)} failed loads, {len(mixes)} mixed builds, configs seen {sorted(seen)}")
    assert not failures, failures[:3]
    assert not mixes, mixes[:3]
    assert all(not load["dialogs"] for load in records)
    # Both builds were actually served during the soak, so the check above compared both.
    assert seen == {"full.toml", "partial.toml"}, seen
