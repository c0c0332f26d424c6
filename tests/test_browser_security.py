"""Hostile source text in a real browser: the sample's service named <script>…, provider named
<img onerror>…, incident titled <b>…<script>… with a javascript: url are shown as text on the pages
that list them, and nothing from the data becomes a script, an image, an iframe or a link, and no
dialog ever opens (an alert() that ran would open one).
"""

from __future__ import annotations

import pytest
from browser_support import grid_cells, wait_for_cell, wait_until_idle
from test_browser import browser, server  # noqa: F401  (module fixtures: served sample app, Chromium)

pytest_plugins = ["conftest_dashboard"]
pytestmark = pytest.mark.browser

HOSTILE_CELLS = (
    "<script>alert('xss')</script>模型",
    "[点我](javascript:alert(1))",
    "<img src=x onerror=alert(1)>有限公司",
    '=HYPERLINK("http://evil.example","点击")科技有限公司',
)
HOSTILE_TITLE = "<b>bold</b><script>alert(document.cookie)</script>"

# Everything the data could have turned into live markup, counted in the whole document (SVG too).
LIVE_MARKUP_JS = """() => {
    const hrefs = Array.from(document.querySelectorAll('a')).map(
        a => a.getAttribute('href') || a.getAttribute('xlink:href') || '');
    return {
        scripts: Array.from(document.scripts).filter(s => s.textContent.includes('alert(')).length,
        onerror: document.querySelectorAll('[onerror]').length,
        images_x: document.querySelectorAll('img[src="x"]').length,
        iframes: Array.from(document.querySelectorAll('iframe')).filter(f => (f.src || '').includes('evil')).length,
        links: hrefs.filter(h => /^\\s*javascript:/i.test(h) || h.includes('evil.example')),
        bold: Array.from(document.querySelectorAll('b, strong')).filter(b => b.textContent === 'bold').length,
    };
}"""
NOTHING_LIVE = {"scripts": 0, "onerror": 0, "images_x": 0, "iframes": 0, "links": [], "bold": 0}


@pytest.fixture(scope="module")
def context(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    # The first session on a fresh server runs the main page (Streamlit's pages/-directory check
    # happens before st.navigation has run once), so open it before any deep link.
    warm = context.new_page()
    warm.goto(server)
    warm.wait_for_selector(".js-plotly-plot", timeout=60_000)
    warm.close()
    yield context
    context.close()


def _open(context, url: str, dialogs: list[str]):
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    wait_until_idle(page)
    return page


def _cells(page) -> list[str]:
    page.wait_for_selector("[data-testid=stDataFrame] table td", state="attached", timeout=60_000)
    return grid_cells(page)


def _search(page, label: str, text: str, expect_cell: str) -> None:
    """Type a search and wait until the grid shows `expect_cell`, a row the search must find."""
    before = grid_cells(page)
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    wait_for_cell(page, expect_cell, before)


def _check(page, dialogs: list[str]) -> None:
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.evaluate(LIVE_MARKUP_JS) == NOTHING_LIVE
    assert dialogs == []


def test_explorer_registrations_and_incidents_show_hostile_text_as_text(context, server):  # noqa: F811
    dialogs: list[str] = []
    page = _open(context, f"{server}/explorer?period=all", dialogs)
    _search(page, "Number, service or provider contains", "alert(", HOSTILE_CELLS[0])
    cells = _cells(page)
    for value in HOSTILE_CELLS:
        assert value in cells, (value, cells[:20])
    _check(page, dialogs)

    page.locator("[data-testid=stButtonGroup] button", has_text="Incidents").first.click()
    # The Incidents tab is shown once its own search box is.
    page.get_by_label("Title, service, provider or id contains", exact=True).wait_for(timeout=60_000)
    wait_until_idle(page)
    _search(page, "Title, service, provider or id contains", "document.cookie", HOSTILE_TITLE)
    cells = _cells(page)
    # The url column (javascript:alert(1)) is off-screen in the virtualised grid; no link from it exists.
    assert HOSTILE_TITLE in cells, cells[:40]
    _check(page, dialogs)
    page.close()


def test_provider_detail_of_hostile_provider(context, server):  # noqa: F811
    dialogs: list[str] = []
    page = _open(context, f"{server}/explorer?period=all", dialogs)
    _search(page, "Provider", "<img src=x onerror=alert(1)>有限公司", "<img src=x onerror=alert(1)>有限公司")
    assert "<img src=x onerror=alert(1)>有限公司" in _cells(page)
    _check(page, dialogs)
    page.close()


def test_chart_labels_show_hostile_provider_as_text(context, server):  # noqa: F811
    dialogs: list[str] = []
    page = _open(context, f"{server}/licensing?period=all&q=onerror", dialogs)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    labels = page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot text'), t => t.textContent)")
    assert "<img src=x onerror=alert(1)>有限公司" in labels, labels[:40]
    _check(page, dialogs)
    page.close()


def test_data_quality_page_has_no_live_markup(context, server):  # noqa: F811
    dialogs: list[str] = []
    page = _open(context, f"{server}/data-quality", dialogs)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    assert page.locator("h1").first.inner_text() == "Data quality"
    _check(page, dialogs)
    page.close()
