"""The app against hostile input: SQL injection through the URL and the search boxes, source text
that looks like HTML or markdown, and the sign-in gate with a mocked OIDC user (AppTest.user).

The warehouse is the built-in sample, whose sources carry hostile names on purpose (a service
named <script>…, a provider named <img onerror>…, an incident whose description is markdown with
links); they load as valid rows, so every page that lists them must show them as plain text.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import duckdb
import pytest

from dashboard.access import is_allowed
from dashboard.i18n import t
from dashboard.pages import PAGES
from dashboard.ui import md_escape

pytest_plugins = ["conftest_dashboard"]

# Every page in dashboard.pages; the Briefing is covered by test_briefing_page.py.
ALL_PAGES = [page.key for page in PAGES if page.key != "briefing"]
TITLES = {page.key: t(page.title_key) for page in PAGES}
INJECTIONS = {
    "jur": "CN-BJ' OR 1=1 --",
    "reg": "cac_genai'); drop table mart_registrations; --",
    "cat": "privacy' union select * from quarantine --",
    "period": "2025' or '1'='1",
    "from": "2025-01-01'; drop table warehouse_meta; --",
    "to": "2025-12-31 or 1=1",
    "q": "'; drop table mart_registrations; --",
    "lang": "en'--",
    "sort": "provider_name; drop table mart_registrations",
    "page": "1 or 1=1",
}
# The hostile values in the sample sources (etl/sample.py).
HOSTILE_SERVICE = "<script>alert('xss')</script>模型"
HOSTILE_PROVIDER_IMG = "<img src=x onerror=alert(1)>有限公司"
HOSTILE_PROVIDER_FORMULA = '=HYPERLINK("http://evil.example","点击")科技有限公司'
HOSTILE_SERVICE_LINK = "[点我](javascript:alert(1))"
HOSTILE_TITLE = "<b>bold</b><script>alert(document.cookie)</script>"
# Markup that would become live HTML, a link or styled text if rendered as markdown unescaped.
LIVE_MARKUP = re.compile(
    r"(?<!\\)<\s*(script|img|iframe|b)\b"  # raw tags
    r"|(?<!\\)\]\((?:javascript|http)"  # [text](url) links
    r"|(?<!\\):red(?<!\\)\["  # colour directives
    r"|(?<!\\)\*\*markdown",  # emphasis from the description
    re.IGNORECASE,
)
TEXT_ELEMENTS = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success")


def _no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _rendered_markdown(at) -> list[str]:
    """Every string the page hands to Streamlit's markdown renderer: text elements, metric labels,
    expander labels and the option labels of segmented controls and selects."""
    texts: list[str] = []
    for kind in TEXT_ELEMENTS:
        texts += [str(e.value) for e in at.get(kind)]
    for metric in at.metric:
        texts += [metric.label, str(metric.value)]
    texts += [e.label for e in at.get("expander")]
    for kind in ("segmented_control", "selectbox", "multiselect"):
        for widget in at.get(kind):
            texts.append(widget.label)
            texts += [str(o) for o in getattr(widget, "options", [])]
    return texts


def _assert_inert(at) -> None:
    live = [text for text in _rendered_markdown(at) if LIVE_MARKUP.search(text)]
    assert not live, live


def _table_text(at) -> str:
    return "\n".join("\t".join(map(str, row)) for df in at.dataframe for row in df.value.itertuples())


def _plotly_strings(at) -> list[str]:
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for chart in at.get("plotly_chart"):
        walk(json.loads(chart.proto.spec))
    return out


def _digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def _counts(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables order by 1").fetchall()]
        return tuple((t, con.execute(f'select count(*) from "{t}"').fetchone()[0]) for t in tables)
    finally:
        con.close()


# SQL injection through the URL and the search boxes ------------------------------------------


@pytest.mark.parametrize("page", ALL_PAGES)
def test_sql_injection_in_url_is_ignored_or_literal(page, sample_db, use_db, open_page):
    use_db(sample_db)
    digest, counts = _digest(sample_db), _counts(sample_db)
    at = open_page(page, INJECTIONS)
    _no_exception(at)
    assert at.title[0].value == TITLES[page]
    # Codes, periods, dates and the language are checked against their vocabularies: dropped with a notice.
    notices = [w.value for w in at.warning if "not recognised" in w.value]
    assert len(notices) == 1, [w.value for w in at.warning]
    assert "OR 1=1" in notices[0] and "drop table mart\\_registrations" in notices[0]
    assert at.multiselect(key="f_jur").value == []
    assert at.multiselect(key="f_reg").value == []
    assert at.multiselect(key="f_cat").value == []
    assert at.selectbox(key="f_period").value == "12m"
    # The provider search is free text: kept, and matched literally (nothing has that name).
    assert at.text_input(key="f_q").value == INJECTIONS["q"]
    # Keys the app does not know (sort, page) are not applied and leave the canonical URL.
    assert "sort" not in at.query_params and "page" not in at.query_params
    assert _digest(sample_db) == digest and _counts(sample_db) == counts


def test_injected_provider_search_matches_nothing_and_literal_wildcards(sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page("explorer", {"period": "all"})
    at.text_input(key="exp_search_reg").set_value("' OR 1=1 --").run()
    _no_exception(at)
    assert any("No registrations" in i.value for i in at.info), [i.value for i in at.info]
    # % and _ are literal characters, not LIKE wildcards: no name has "%%" in it.
    at.text_input(key="exp_search_reg").set_value("%%").run()
    _no_exception(at)
    assert any("No registrations" in i.value for i in at.info)
    # A quote inside real text is fine: the hostile provider name itself is found.
    at.text_input(key="exp_search_reg").set_value('HYPERLINK("http').run()
    _no_exception(at)
    assert HOSTILE_PROVIDER_FORMULA in _table_text(at)


# Source text is never rendered as HTML or markdown ---------------------------------------------


def test_explorer_shows_hostile_registrations_as_plain_text(sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page("explorer", {"period": "all"})
    at.text_input(key="exp_search_reg").set_value("alert(").run()
    _no_exception(at)
    shown = _table_text(at)
    for value in (HOSTILE_SERVICE, HOSTILE_SERVICE_LINK, HOSTILE_PROVIDER_IMG, HOSTILE_PROVIDER_FORMULA):
        assert value in shown, value
    _assert_inert(at)

    at.segmented_control(key="exp_tab").set_value("incidents").run()
    at.text_input(key="exp_search_inc").set_value("document.cookie").run()
    _no_exception(at)
    shown = _table_text(at)
    assert HOSTILE_TITLE in shown
    # Source URLs are links now, so only http(s) addresses are shown: javascript: stays blank.
    assert "javascript:alert(1)" not in shown
    _assert_inert(at)


@pytest.mark.parametrize("provider", [HOSTILE_PROVIDER_IMG, HOSTILE_PROVIDER_FORMULA])
def test_provider_detail_of_hostile_provider_is_plain_text(provider, sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page("explorer", {"period": "all"})
    at.text_input(key="exp_provider").set_value(provider).run()
    _no_exception(at)
    shown = _table_text(at)
    assert provider in shown
    assert any(label.startswith("Filings") and "(1)" in label for label in (e.label for e in at.expander)), [
        e.label for e in at.expander
    ]
    _assert_inert(at)


def test_hostile_incident_in_provider_detail(sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page("explorer", {"period": "all"})
    at.text_input(key="exp_provider").set_value("@SUM(1+1)*cmd|' /C calc'!A0").run()
    _no_exception(at)
    assert HOSTILE_TITLE in _table_text(at)
    assert any(e.label == "Linked incidents and enforcement (1)" for e in at.expander), [e.label for e in at.expander]
    _assert_inert(at)


@pytest.mark.parametrize("page", ["licensing", "violations", "quality"])
def test_charts_and_text_escape_hostile_names(page, sample_db, use_db, open_page):
    """Licensing is filtered to the hostile provider, so its name is what the provider chart labels."""
    use_db(sample_db)
    at = open_page(page, {"period": "all", "q": "onerror"} if page == "licensing" else {"period": "all"})
    _no_exception(at)
    _assert_inert(at)
    strings = _plotly_strings(at)
    assert strings, "no chart rendered"
    raw = [s for s in strings if re.search(r"<\s*(script|img|iframe)\b|javascript:", s, re.IGNORECASE)]
    assert not raw, raw
    if page == "licensing":
        assert "&lt;img src=x onerror=alert(1)&gt;有限公司" in strings


def test_chart_builders_escape_labels_but_keep_click_values():
    import pandas as pd

    from dashboard import charts

    df = pd.DataFrame(
        {
            "provider_name": [HOSTILE_PROVIDER_IMG, "<a href='http://evil.example'>x</a>"],
            "group_value": [HOSTILE_PROVIDER_IMG, "plain"],
            "note": ["<b>n</b>", "&"],
            "active_count": [3, 1],
        }
    )
    fig = charts.bar_chart(
        df, x="active_count", y="provider_name", color="note", orientation="h", title="t", x_title="x",
        y_title="y", hover=["note"], custom=["group_value"],
    )  # fmt: skip
    trace = fig.data[0]
    assert list(trace.y) == ["&lt;img src=x onerror=alert(1)&gt;有限公司"]
    assert trace.name == "&lt;b&gt;n&lt;/b&gt;" and "<extra>&lt;b&gt;n&lt;/b&gt;</extra>" in trace.hovertemplate
    # customdata: the click value stays raw (it goes back to the page), the hover column is escaped.
    assert list(trace.customdata[0]) == [HOSTILE_PROVIDER_IMG, "&lt;b&gt;n&lt;/b&gt;"]
    assert fig.data[1].y[0] == "&lt;a href='http://evil.example'&gt;x&lt;/a&gt;" and fig.data[1].name == "&amp;"


# Access control: the sign-in gate with a mocked OIDC user -------------------------------------

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only-not-a-secret",
    "client_id": "dashboard",
    "client_secret": "test-only",
    "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration",
}
ACCESS = {"allowed_emails": ["Analyst@Partner.example"], "allowed_domains": ["example.org"]}


def _gated(user: dict, page: str = "overview", query_params: dict | None = None):
    """Open `page` as an allowed user, then run it again as `user`: the same session asking for
    the same page (AppTest cannot switch to a page the gate has not registered)."""
    from conftest_dashboard import PAGES, app_test

    at = app_test(query_params)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = ACCESS
    at.user = {"is_logged_in": True, "email": "someone@example.org"}
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page])
        at.run()
    assert at.title and at.title[-1].value == TITLES[page], [t.value for t in at.title]
    at.user = user
    at.run()
    return at


def _shows_no_data(at) -> None:
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert not at.get("download_button")
    # The sidebar filters are not drawn either: they would list jurisdictions and lists.
    assert not at.multiselect and not at.get("selectbox")


@pytest.mark.parametrize("page", ["overview", "licensing", "quality"])
def test_signed_out_user_sees_only_sign_in(page, sample_db, use_db):
    use_db(sample_db)
    at = _gated({"is_logged_in": False}, page)
    _no_exception(at)
    assert [t.value for t in at.title] == ["Sign in required"]
    assert [b.label for b in at.button] == ["Sign in"]
    _shows_no_data(at)


def test_sign_in_page_needs_no_warehouse(tmp_path, use_db):
    """The gate runs before the frame reads anything: a refused user never touches the data."""
    use_db(tmp_path / "absent.duckdb")
    at = _gated({"is_logged_in": False})
    _no_exception(at)
    assert [t.value for t in at.title] == ["Sign in required"]
    assert not at.code and not any("warehouse" in i.value.lower() for i in at.info)


@pytest.mark.parametrize(
    "email", ["analyst@partner.example", "someone@example.org", "SOMEONE@EXAMPLE.ORG"], ids=["email", "domain", "case"]
)
def test_allowed_user_sees_the_pages(email, sample_db, use_db):
    use_db(sample_db)
    at = _gated({"is_logged_in": True, "email": email, "email_verified": True}, "licensing")
    _no_exception(at)
    assert at.title[0].value == "Licensing trends"
    assert at.metric and at.get("plotly_chart")
    assert md_escape(f"Signed in as {email}") in [c.value for c in at.caption]
    assert "Sign out" in [b.label for b in at.button]


@pytest.mark.parametrize(
    "user",
    [
        {"is_logged_in": True, "email": "intruder@evil.example"},
        {"is_logged_in": True, "email": "someone@sub.example.org"},
        {"is_logged_in": True, "email": "someone@example.org", "email_verified": False},
        {"is_logged_in": True},
    ],
    ids=["other-domain", "subdomain", "unverified", "no-email"],
)
def test_other_users_are_refused_without_data(user, sample_db, use_db):
    use_db(sample_db)
    at = _gated(user, "explorer", {"period": "all"})
    _no_exception(at)
    assert [t.value for t in at.title] == ["Not allowed"]
    assert len(at.error) == 1
    assert [b.label for b in at.button] == ["Sign out"]
    _shows_no_data(at)


def test_refusal_escapes_the_email(sample_db, use_db):
    use_db(sample_db)
    at = _gated({"is_logged_in": True, "email": "[x](javascript:alert(1))@evil.example"})
    _no_exception(at)
    _assert_inert(at)
    assert "\\[x\\]\\(javascript" in at.error[0].value


def test_no_auth_section_means_no_gate(sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page("overview")
    _no_exception(at)
    assert at.title[0].value == "Overview"
    assert "Sign out" not in [b.label for b in at.button]


def test_allowlist_rule():
    access = {"allowed_emails": ["A@X.example"], "allowed_domains": ["@org.example", "other.example"]}
    assert is_allowed("a@x.example", access)
    assert is_allowed("b@org.example", access) and is_allowed("b@OTHER.example", access)
    assert not is_allowed("b@x.example", access)
    assert not is_allowed("b@sub.org.example", access)
    assert not is_allowed("org.example", access) and not is_allowed("", access) and not is_allowed(None, access)
    assert not is_allowed("a@x.example", {}) and not is_allowed("a@x.example", None)
    assert is_allowed("a@x.example", {"allowed_emails": "a@x.example"})


def test_shipped_server_config_is_loopback_with_xsrf_and_cors():
    import tomllib

    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["headless"] is True
    assert config["server"]["enableXsrfProtection"] is True and config["server"]["enableCORS"] is True
    assert config["browser"]["gatherUsageStats"] is False
    # The example secrets file names the sections the gate reads.
    example = tomllib.loads((root / ".streamlit" / "secrets.example.toml").read_text(encoding="utf-8"))
    assert {"redirect_uri", "cookie_secret"} <= set(example["auth"])
    assert {"allowed_emails", "allowed_domains"} <= set(example["access"])
    assert ".streamlit/secrets.toml" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()


# One build per page run ------------------------------------------------------------------------


def test_a_connection_pinned_to_an_old_build_refuses_the_new_one(sample_db, tmp_path):
    """The mechanism behind "never a mix" (tests/test_soak.py exercises it under load): once a run
    has pinned a build, a connection opened after a publish raises BuildChanged instead of
    reading the new file; the cache then reruns the page on the new build."""
    import os
    import shutil

    from core.connection import PINNED_VERSION, BuildChanged, connect, data_version

    live = tmp_path / "warehouse.duckdb"
    shutil.copy(sample_db, live)
    old = data_version(live)
    token = PINNED_VERSION.set(old)
    try:
        with connect(live) as con:  # the pinned build: reads normally
            assert con.execute("select count(*) from mart_registrations").fetchone()[0] > 0
        shutil.copy(sample_db, tmp_path / "next.duckdb")
        os.replace(tmp_path / "next.duckdb", live)  # a publish, as the ETL does it
        assert data_version(live) != old
        with pytest.raises(BuildChanged), connect(live):
            pass
    finally:
        PINNED_VERSION.reset(token)
    with connect(live) as con:  # unpinned (outside a page run): any build
        assert con.execute("select count(*) from mart_registrations").fetchone()[0] > 0
