"""The served app in Chromium: the Briefing page's ZIP download opens, holds every file, and is
the same briefing the command writes. Skips (with the reason) without Chromium, except under
REQUIRE_BROWSER=1 (CI), where that is a failure."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    require_browser,
    start_server,
    stop_server,
    wait_until_idle,
)

from tests.conftest import FIXTURES, run_cli

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def brief_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("brief_browser") / "warehouse.duckdb"
    result = run_cli("run", "--sources", str(FIXTURES / "briefing" / "inputs" / "sources.toml"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture(scope="module")
def server(brief_db):
    require_browser()
    port = free_port()
    proc = start_server(brief_db, port)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


def test_bundle_downloads_from_the_browser_and_opens(server, brief_db, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = chromium.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            # The first page a fresh server serves can show a spurious "Page not found" dialog
            # (any deep link, not only this page), so open the app once before the deep link.
            page.goto(server)
            page.wait_for_selector("h1", timeout=60_000)
            page.goto(f"{server}/briefing?period=2026-Q2")
            button = page.get_by_role("button", name=re.compile("Download briefing"))
            button.wait_for(timeout=60_000)
            # Wait until the run has finished: elements of an unfinished run are inert.
            wait_until_idle(page, timeout=60_000)
            page.screenshot(path=str(tmp_path / "briefing.png"), full_page=True)
            with page.expect_download(timeout=60_000) as info:
                button.click()
            download = info.value
            assert download.suggested_filename == "briefing_2026-Q2_all.zip"
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
        finally:
            chromium.close()

    cli = run_cli("brief", "--db", str(brief_db), "--out", str(tmp_path / "cli"), "--period", "2026-Q2")
    assert cli.returncode == 0, cli.stderr
    with zipfile.ZipFile(saved) as got, zipfile.ZipFile(cli.stdout.strip()) as expected:
        assert got.testzip() is None
        assert got.namelist() == expected.namelist()
        assert got.read("incidents.csv") == expected.read("incidents.csv")
        summary = got.read("summary.csv")
        assert summary.startswith(b"\xef\xbb\xbf") and "期末有效备案数".encode() in summary
