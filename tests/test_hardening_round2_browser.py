"""Issue 15, finding 6, in Chromium: a shared link with a future `to` opens without an error, and
an error that does reach the page shows no traceback, exception text or server path
(`client.showErrorDetails = "none"` in .streamlit/config.toml)."""

from __future__ import annotations

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, free_port, require_browser, start_server, stop_server

pytest_plugins = ["conftest_dashboard"]
pytestmark = pytest.mark.browser


def _open_settled(url: str) -> tuple[str, int]:
    """Body text and the number of exception elements once Streamlit has finished the run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(url)
            page.wait_for_selector("[data-testid=stMain]", timeout=30_000)
            page.wait_for_function(
                "() => document.querySelector('h1, [data-testid=stException]')"
                " && !document.querySelector('[data-testid=stStatusWidget]')",
                timeout=30_000,
            )
            return page.inner_text("body"), page.locator("[data-testid=stException]").count()
        finally:
            browser.close()


def test_6_a_future_link_opens_in_the_browser(sample_db):
    require_browser()
    proc = start_server(sample_db, port := free_port())
    try:
        body, exceptions = _open_settled(f"http://127.0.0.1:{port}/explorer?from=2026-01-01&to=2999-12-31")
    finally:
        stop_server(proc)
    assert exceptions == 0, body
    assert "Explorer" in body and "Traceback" not in body


def test_6_an_error_in_the_page_shows_no_details(tmp_path):
    require_browser()
    broken = tmp_path / "warehouse.duckdb"
    broken.write_bytes(b"not a database, but present" * 100)
    proc = start_server(broken, port := free_port())
    try:
        body, exceptions = _open_settled(f"http://127.0.0.1:{port}/")
    finally:
        stop_server(proc)
    # A file that is not a DuckDB database is an error the pages do not catch: it reaches the
    # browser as Streamlit's redacted notice only.
    assert exceptions == 1
    assert "The original error message is redacted" in body
    for leak in ("Traceback", 'File "', ".py", str(tmp_path), "Error:", "duckdb"):
        assert leak not in body, (leak, body)
