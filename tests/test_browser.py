"""The served app end to end in Chromium: every page renders a chart without an exception, a
filter changes the URL and the numbers, the URL reproduces the view in a fresh browser, and a
downloaded CSV starts with a UTF-8 BOM. Screenshots go to /tmp/shots/ for a human to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    require_browser,
    start_server,
    stop_server,
    wait_for_metric_change,
    wait_until_idle,
)

from dashboard.i18n import t
from dashboard.pages import DEFAULT
from dashboard.pages import PAGES as PAGE_TABLE

pytest_plugins = ["conftest_dashboard"]
pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots"))
# url path -> what the page must show; "" is the default page (Overview).
PAGES = {"" if page is DEFAULT else page.url_path: t(page.title_key) for page in PAGE_TABLE}


@pytest.fixture(scope="module")
def server(sample_db):
    require_browser()
    port = free_port()
    proc = start_server(sample_db, port)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(context, url: str, *, chart: bool = True):
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    if chart:
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    wait_until_idle(page)
    return page


def _metric_text(page, label: str) -> str:
    card = page.locator("[data-testid=stMetric]", has_text=label).first
    return card.locator("[data-testid=stMetricValue]").inner_text().strip()


def _metric(page, label: str) -> int:
    return int(re.sub(r"[^\d]", "", _metric_text(page, label)))


def test_a_deep_link_on_a_fresh_server_opens_its_page_with_its_filters(browser, server):
    # The first test of the module, so the server has served nobody yet: Streamlit's legacy
    # pages/ mode must not catch the link (dashboard.serve switches it off).
    context = browser.new_context()
    page = _open(context, f"{server}/explorer?jur=CN-BJ", chart=False)
    body = page.inner_text("body")
    assert "Page not found" not in body
    assert page.locator("h1").first.inner_text().startswith("Explorer")
    assert "jur=CN-BJ" in page.url
    # A legacy page address (the file name of pages/data_quality.py) does not run a page file
    # outside the frame.
    other = _open(browser.new_context(), f"{server}/data_quality", chart=False)
    assert "How each load went" not in other.inner_text("[data-testid=stMain]")
    context.close()


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders_a_chart_without_exceptions(browser, server, path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    # Explorer and Briefing show tables, not charts.
    has_chart = path not in ("explorer", "briefing")
    page = _open(context, f"{server}/{path}", chart=has_chart)
    assert page.locator("h1").first.inner_text() == PAGES[path]
    if has_chart:
        assert page.locator(".js-plotly-plot").count() >= 1
    else:
        page.wait_for_selector("[data-testid=stDataFrame]", timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(SHOTS / f"{path or 'overview'}.png"), full_page=True)
    context.close()


def test_filter_changes_url_and_numbers_and_link_reproduces_view(browser, server):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = _open(context, f"{server}/licensing")
    before_text = _metric_text(page, "New filings in period")
    before = _metric(page, "New filings in period")

    # Pick Beijing in the sidebar's jurisdiction filter.
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.locator("[data-testid=stMultiSelect]").first.click()
    page.keyboard.type("CN-BJ")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"jur=CN-BJ"), timeout=20_000)
    wait_for_metric_change(page, "New filings in period", before_text)
    after = _metric(page, "New filings in period")
    assert 0 < after < before
    shared = page.url

    # The copied address opens the same view in a fresh browser context.
    fresh = browser.new_context(viewport={"width": 1500, "height": 1100})
    other = _open(fresh, shared)
    assert _metric(other, "New filings in period") == after
    assert "CN-BJ" in other.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first.inner_text()
    other.screenshot(path=str(SHOTS / "licensing_shared_link.png"), full_page=True)

    # The same link in Chinese shows the same numbers under Chinese labels.
    other.goto(shared + "&lang=zh")
    other.wait_for_selector("h1", timeout=60_000)
    wait_until_idle(other)
    assert other.locator("h1").first.inner_text() == "备案趋势"
    assert _metric(other, "期内新增备案") == after
    other.screenshot(path=str(SHOTS / "licensing_zh.png"), full_page=True)
    fresh.close()
    context.close()


def test_clicking_a_province_filters_the_page(browser, server):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = _open(context, f"{server}/licensing?period=all")
    before_text = _metric_text(page, "New filings in period")
    before = _metric(page, "New filings in period")
    tiles = page.locator(".js-plotly-plot").first.locator(".scatterlayer .point")
    assert tiles.count() >= 30
    tiles.first.click(force=True)
    page.wait_for_url(re.compile(r"jur=CN-"), timeout=20_000)
    wait_for_metric_change(page, "New filings in period", before_text)
    assert _metric(page, "New filings in period") < before
    context.close()


def test_a_clicked_province_opens_exactly_its_records_in_the_explorer(browser, server):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = _open(context, f"{server}/licensing?period=all")
    page.locator(".js-plotly-plot").first.locator(".scatterlayer .point").first.click(force=True)
    page.wait_for_url(re.compile(r"jur=CN-"), timeout=20_000)
    link = page.get_by_role("link", name=re.compile(r"^Open the [\d,]+ records of"))
    link.first.wait_for(timeout=30_000)
    n = int(re.search(r"Open the ([\d,]+) records", link.first.inner_text()).group(1).replace(",", ""))
    assert n > 0
    link.first.click()
    page.wait_for_url(re.compile(r"/explorer\?.*show=active"), timeout=20_000)
    rows = page.get_by_text(re.compile(r"· [\d,]+ rows"))
    rows.first.wait_for(timeout=30_000)
    assert int(re.search(r"· ([\d,]+) rows", rows.first.inner_text()).group(1).replace(",", "")) == n
    context.close()


def test_a_clicked_category_bar_opens_exactly_its_part_in_the_explorer(browser, server):
    # The category bars are stacked by list: a click opens that category on that list (rcat, list).
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = _open(context, f"{server}/licensing?period=all")
    chart = page.locator(".js-plotly-plot", has_text=t("category_title"))
    chart.scroll_into_view_if_needed()
    chart.locator(".barlayer .point").first.click(force=True)
    link = page.get_by_role("link", name=re.compile(r"^Open the [\d,]+ records of"))
    link.first.wait_for(timeout=30_000)
    n = int(re.search(r"Open the ([\d,]+) records", link.first.inner_text()).group(1).replace(",", ""))
    assert n > 0
    link.first.click()
    page.wait_for_url(re.compile(r"/explorer\?.*rcat=.*"), timeout=20_000)
    assert "list=" in page.url and "show=new" in page.url
    rows = page.get_by_text(re.compile(r"· [\d,]+ rows"))
    rows.first.wait_for(timeout=30_000)
    assert int(re.search(r"· ([\d,]+) rows", rows.first.inner_text()).group(1).replace(",", "")) == n
    context.close()


def test_csv_download_has_bom(browser, server):
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    page = _open(context, f"{server}/licensing?lang=zh")
    with page.expect_download(timeout=60_000) as info:
        page.locator("[data-testid=stDownloadButton] button").first.click()
    path = info.value.path()
    data = Path(path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    # Headers are the column labels of the page's language (jurisdiction_code -> 属地).
    assert text.splitlines()[0].startswith("属地,")
    assert "北京市" in text
    context.close()
