"""What the real-browser tests share: finding Chromium, and serving the app on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# When a Streamlit run has finished: its frontend sets the app root's `data-test-script-state`
# (initial, then running, then notRunning; Streamlit's own end-to-end tests wait on it), the
# "Running..." status widget is gone, no element of an earlier run is left marked stale, and no
# placeholder skeleton is left (elements whose code loads lazily, such as data grids, show one
# for up to a second or two after the run has finished).
# A fresh page load starts at "initial", so after `goto` this waits for the whole first run.
APP_IDLE_JS = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid=stStatusWidget]')
        && !document.querySelector('[data-stale=true]')
        && !document.querySelector('[data-testid=stSkeleton]');
}"""

# The grid's cells, as text.
CELLS_JS = """() => Array.from(document.querySelectorAll('[data-testid=stDataFrame] table td'), td => td.textContent)"""

# The grid shows a cell with exactly this text, and its cells are no longer `before` (the new
# run's table has replaced the old one).
CELL_JS = f"""([text, before]) => {{
    const cells = ({CELLS_JS})();
    return cells.includes(text) && JSON.stringify(cells) !== JSON.stringify(before);
}}"""

# The value of the KPI card with this label, once it differs from `before`.
METRIC_CHANGED_JS = """([label, before]) => {
    const card = Array.from(document.querySelectorAll('[data-testid=stMetric]'))
        .find(m => (m.querySelector('[data-testid=stMetricLabel]') || {}).innerText?.trim() === label);
    const value = card && card.querySelector('[data-testid=stMetricValue]');
    return !!value && value.innerText.trim() !== before;
}"""


def wait_until_idle(page, timeout: float = 60_000) -> None:
    """Wait for the visible state of a finished run (see APP_IDLE_JS), never for a fixed time."""
    page.wait_for_function(APP_IDLE_JS, timeout=timeout)


def grid_cells(page) -> list[str]:
    return page.evaluate(CELLS_JS)


def wait_for_cell(page, text: str, before: list[str], timeout: float = 60_000) -> None:
    """After a search: wait until the grid has changed from `before` and shows `text`, then
    until the run has finished."""
    page.wait_for_function(CELL_JS, arg=[text, before], timeout=timeout)
    wait_until_idle(page, timeout)


def wait_for_metric_change(page, label: str, before: str, timeout: float = 60_000) -> None:
    """After a filter change: wait until the KPI `label` shows a value other than `before` (the
    new run's number has arrived), then until the run has finished."""
    page.wait_for_function(METRIC_CHANGED_JS, arg=[label, before], timeout=timeout)
    wait_until_idle(page, timeout)


def require_browser() -> None:
    """Skip with the reason when Chromium or Playwright is missing, except where CI demands it."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} not found (apt-get install chromium fonts-noto-cjk)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright is not installed (pip install -e '.[dev]')"
    if problem:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    """`python -m dashboard.serve` on 127.0.0.1:port reading `db`, once it answers its health check."""
    env = {**os.environ, "WAREHOUSE_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.serve", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 120  # a safety net only: a slow start waits, it does not fail
    while True:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"streamlit did not start:\n{proc.communicate()[0].decode(errors='replace')}")
        time.sleep(0.2)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
