"""AppTest for every page: sample and empty warehouses, filters, URL parameters, language."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dashboard.i18n import t
from dashboard.pages import BY_KEY, PAGES

# The session-scoped warehouse fixtures (sample_db, empty_db, attributed_db, use_db).
pytest_plugins = ["conftest_dashboard"]

# Every page in dashboard.pages; the Briefing has its own tests (test_briefing_page.py).
ALL_PAGES = [page.key for page in PAGES if page.key != "briefing"]


def _no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _metric(at, label: str) -> float:
    for metric in at.metric:
        if metric.label == label:
            return float(re.sub(r"[^\d.]", "", metric.value) or "nan")
    raise AssertionError(f"no metric {label!r} in {[m.label for m in at.metric]}")


def _caption_number(at, pattern: str) -> int:
    for caption in at.caption:
        if m := re.search(pattern, caption.value):
            return int(m.group(1).replace(",", ""))
    raise AssertionError(f"no caption matching {pattern!r} in {[c.value for c in at.caption]}")


def number(at, page: str) -> float:
    """One figure per page that a jurisdiction filter must change."""
    if page == "overview":
        return _metric(at, "Active registrations at period end")
    if page == "licensing":
        return _metric(at, "New filings in period")
    if page == "violations":
        return _metric(at, "Incidents")
    if page == "consent":
        return _caption_number(at, r"over N = ([\d,]+) datasets")
    if page == "explorer":
        return _caption_number(at, r"· ([\d,]+) rows")
    raise KeyError(page)


def _charts(at) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize("page", ALL_PAGES)
def test_page_renders_on_sample(page, sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page(page)
    _no_exception(at)
    assert at.title[0].value == t(BY_KEY[page].title_key)
    if page != "explorer":
        assert _charts(at) >= 1
    assert any("Built-in sample data" in i.value for i in at.info), "sample banner missing"
    assert len(at.get("download_button")) >= 1


@pytest.mark.parametrize("page", ALL_PAGES)
def test_page_renders_on_empty_warehouse(page, empty_db, use_db, open_page):
    use_db(empty_db)
    at = open_page(page)
    _no_exception(at)
    texts = [i.value for i in at.info] + [c.value for c in at.caption]
    if page != "overview":
        assert any("No " in text or "match" in text for text in texts), texts
    assert not any("Built-in sample data" in i.value for i in at.info)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_missing_warehouse_shows_how_to_build(page, tmp_path, use_db, open_page):
    use_db(tmp_path / "absent.duckdb")
    at = open_page(page)
    _no_exception(at)
    assert any("No warehouse yet" in i.value for i in at.info)
    assert any("python -m etl run" in c.value for c in at.code)


@pytest.mark.parametrize("page", ["overview", "licensing", "violations", "consent", "explorer"])
def test_jurisdiction_filter_narrows_numbers_and_url(page, sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page(page, {"period": "all"})
    before = number(at, page)
    at.multiselect(key="f_jur").set_value(["CN-BJ"]).run()
    _no_exception(at)
    after = number(at, page)
    assert 0 < after < before
    assert at.query_params["jur"] == ["CN-BJ"] or at.query_params["jur"] == "CN-BJ"


def test_quality_quarantine_source_filter_narrows_rows(sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page("quality")
    before = _caption_number(at, r"· ([\d,]+) rows")
    at.selectbox(key="dq_source").set_value("sample_incidents").run()
    _no_exception(at)
    after = _caption_number(at, r"· ([\d,]+) rows")
    assert before == 11 and after == 5


@pytest.mark.parametrize("page", ["overview", "licensing", "violations", "consent", "explorer"])
def test_url_parameters_set_the_filters(page, sample_db, use_db, open_page):
    use_db(sample_db)
    unfiltered = number(open_page(page, {"period": "all"}), page)
    at = open_page(page, {"period": "all", "jur": "CN-BJ,CN-SH", "reg": "cac_genai"})
    _no_exception(at)
    assert at.multiselect(key="f_jur").value == ["CN-BJ", "CN-SH"]
    assert at.multiselect(key="f_reg").value == ["cac_genai"]
    assert at.selectbox(key="f_period").value == "all"
    assert number(at, page) < unfiltered
    assert not at.warning or not any("not recognised" in w.value for w in at.warning)


def test_url_custom_range_and_provider(sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page("licensing", {"from": "2025-01-01", "to": "2025-06-30", "q": "北京"})
    _no_exception(at)
    assert at.selectbox(key="f_period").value == "custom"
    assert str(at.date_input(key="f_from").value) == "2025-01-01"
    assert at.text_input(key="f_q").value == "北京"
    full = open_page("licensing", {"from": "2025-01-01", "to": "2025-06-30"})
    assert 0 < number(at, "licensing") < number(full, "licensing")


@pytest.mark.parametrize("page", ALL_PAGES)
def test_invalid_url_parameters_show_a_notice(page, sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page(page, {"jur": "CN-BJ,XX-NOPE", "period": "2025-Q9", "lang": "fr", "reg": "<b>x</b>"})
    _no_exception(at)
    notices = [w.value for w in at.warning if "not recognised" in w.value]
    assert len(notices) == 1, [w.value for w in at.warning]
    for fragment in ("XX\\-NOPE", "2025\\-Q9", "fr"):
        assert fragment in notices[0]
    # The good part of the link still applies; the bad parts fall back to defaults.
    assert at.multiselect(key="f_jur").value == ["CN-BJ"]
    assert at.selectbox(key="f_period").value == "12m"


@pytest.mark.parametrize("page", ALL_PAGES)
def test_language_switch_changes_labels(page, sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page(page)
    english = at.title[0].value
    at.segmented_control(key="f_lang").set_value("zh").run()
    _no_exception(at)
    chinese = at.title[0].value
    assert chinese != english
    assert re.search(r"[\u4e00-\u9fff]", chinese)
    assert at.multiselect(key="f_jur").label == "属地"
    assert at.query_params["lang"] in ("zh", ["zh"])


def test_language_from_url(sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page("overview", {"lang": "zh"})
    _no_exception(at)
    assert at.title[0].value == "概览"
    assert any(m.label == "期末有效备案数" for m in at.metric)


def test_attribution_shown_with_incident_data(attributed_db, use_db, open_page):
    use_db(attributed_db)
    for page in ("overview", "violations", "explorer"):
        at = open_page(page)
        if page == "explorer":
            at.segmented_control(key="exp_tab").set_value("incidents").run()
        _no_exception(at)
        captions = [c.value for c in at.caption if "Attribution" in c.value]
        assert captions, page
        # Escaped: the config text cannot become HTML or a live link.
        assert "\\<script\\>" in captions[0] and "\\[click\\]" in captions[0]


def test_overview_kpi_change_against_previous_period(sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page("overview", {"period": "2025"})
    active = next(m for m in at.metric if m.label == "Active registrations at period end")
    assert active.delta and active.delta.startswith(("+", "-"))
    at_all = open_page("overview", {"period": "all"})
    assert all(not m.delta for m in at_all.metric), "all time has no previous period"


@pytest.mark.parametrize(("lang", "header"), [("en", "Registration number"), ("zh", "备案编号")])
def test_tables_show_labels_of_the_page_language(lang, header, sample_db, use_db, open_page):
    import json

    use_db(sample_db)
    at = open_page("explorer", {"period": "all", "lang": lang})
    _no_exception(at)
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["registration_id"]["label"] == header
    # A missing text cell is a blank, never the word None.
    assert not (at.dataframe[0].value.astype(object) == "None").any().any()


def test_tables_show_blanks_not_none_for_missing_text(sample_db, use_db, open_page):
    # The freshness table's list column is empty for sources that are not registries. pandas 3
    # holds a missing value of its str dtype as NaN, which the grid would show as "None".
    use_db(sample_db)
    at = open_page("quality")
    _no_exception(at)
    text_cells = [
        value
        for frame in at.dataframe
        for column in frame.value.columns
        if frame.value[column].dtype == object or pd.api.types.is_string_dtype(frame.value[column])
        for value in frame.value[column]
    ]
    assert text_cells and "" in text_cells
    assert not any(value is None or (isinstance(value, float) and value != value) for value in text_cells)


@pytest.mark.parametrize("page", ["licensing", "consent", "explorer"])
def test_sector_and_ownership_url_parameters_set_the_filters(page, sample_db, use_db, open_page):
    use_db(sample_db)
    unfiltered = number(open_page(page, {"period": "all"}), page)
    at = open_page(page, {"period": "all", "sector": "healthcare", "own": "other_enterprise"})
    _no_exception(at)
    assert at.multiselect(key="f_sector").value == ["healthcare"]
    assert at.multiselect(key="f_own").value == ["other_enterprise"]
    assert 0 < number(at, page) < unfiltered
    # An unknown sector is dropped with a notice, as any URL value.
    at = open_page(page, {"period": "all", "sector": "astrology"})
    assert at.multiselect(key="f_sector").value == []
    assert any("astrology" in w.value for w in at.warning)


def test_explorer_provider_detail_says_the_ownership_and_how_it_was_decided(sample_db, use_db, open_page):
    import duckdb

    use_db(sample_db)
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        name, basis = con.execute(
            "select provider_name, ownership_basis from mart_provider_ownership "
            "where ownership_type = 'central_soe' order by provider_name limit 1"
        ).fetchone()
    finally:
        con.close()
    at = open_page("explorer")
    at.text_input(key="exp_provider").set_value(name).run()
    _no_exception(at)
    shown = [m.value.replace("\\", "") for m in at.markdown]
    assert any(v.startswith("Ownership: central SOE · ") and basis in v for v in shown), shown


@pytest.mark.parametrize("page", ALL_PAGES)
def test_a_warehouse_built_by_an_older_version_shows_how_to_rebuild(page, sample_db, tmp_path, use_db, open_page):
    # A build from before the sector tables and the inferred cancellation dates: every page says
    # to rebuild it (and what it lacks) instead of showing a traceback.
    import shutil

    import duckdb

    old = tmp_path / "old.duckdb"
    shutil.copyfile(sample_db, old)
    with duckdb.connect(str(old)) as con:
        con.execute("drop table mart_registration_sectors")
        con.execute("alter table mart_registrations drop column cancelled_date_basis")
    use_db(old)
    at = open_page(page)
    _no_exception(at)
    texts = [i.value for i in at.info]
    assert any("built by an older version" in text and "mart_registration_sectors" in text for text in texts), texts
    assert any("python -m etl run" in c.value for c in at.code)
