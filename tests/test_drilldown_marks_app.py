"""Every chart mark opens its records, in the running app (AppTest): a mark selected in a chart
(its plotly selection in the session, as a click leaves it) gets the link "Open the N records of …
in the Explorer"; the link's URL, opened in the Explorer, lists N rows, and N is the mark's value
in the chart's own data."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qsl

import pandas as pd
import pytest

from dashboard import drill, queries
from dashboard.filters import NOT_STATED, parse_query_params

pytest_plugins = ["conftest_dashboard"]

TODAY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setenv("DASHBOARD_TODAY", TODAY.isoformat())


def _selection(points: list) -> dict:
    return {"selection": {"points": points, "point_indices": list(range(len(points))), "box": [], "lasso": []}}


def _select(at, key: str, custom: list) -> None:
    at.session_state[key] = _selection([{"customdata": custom}])
    at.run()


def _mark_link(at) -> tuple[int, dict[str, str]]:
    links = [p.proto for p in at.get("page_link") if p.proto.label.startswith("Open the ")]
    assert len(links) == 1, [p.proto.label for p in at.get("page_link")]
    n = int(re.match(r"Open the ([\d,]+) records", links[0].label).group(1).replace(",", ""))
    assert links[0].page == "explorer"
    return n, dict(parse_qsl(links[0].query_string))


def _explorer_count(url: dict[str, str], db) -> int:
    linked = parse_query_params(url, today=TODAY).filters
    return queries.search_count(drill.explorer_tab(linked.show), linked, "", db)


def _iso(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _check(at, key: str, custom: list, expected: int, db) -> None:
    _select(at, key, custom)
    n, url = _mark_link(at)
    assert n == expected, (key, custom, n, expected)
    assert _explorer_count(url, db) == n, (key, custom, url)
    at.session_state[key] = _selection([])  # one selected mark at a time


VIEW = {"period": "2025", "jur": "CN-BJ,CN-SH,CN-ZJ"}


def test_licensing_marks_link_to_exactly_their_records(sample_db, use_db, open_page):
    use_db(sample_db)
    at = open_page("licensing", VIEW)
    f = parse_query_params(VIEW, today=TODAY).filters
    # A stacked part of a month's bar: that month's filings of one list and kind, not the month.
    filings = queries.filings_by_month(f, sample_db)
    last = filings[filings["month_date"] == filings["month_date"].max()]
    assert len(last) > 1, "the test needs a month with two parts"
    part = last.iloc[-1]
    assert int(part.filing_count) < int(last["filing_count"].sum())
    _check(at, "lic_filings", [_iso(part.month_date), part.registry, part.kind], int(part.filing_count), sample_db)
    # Category and provider-role bars: the part numbered `mark` (largest first, as drawn).
    categories = queries.registrations_by_category(f, sample_db)
    for key, column in (("lic_category", "category"), ("lic_role", "provider_role")):
        parts = (
            categories.assign(**{column: categories[column].fillna(NOT_STATED)})
            .groupby([column, "registry"], as_index=False)["filing_count"]
            .sum()
            .sort_values(["filing_count", column, "registry"], ascending=[False, True, True], ignore_index=True)
        )
        for mark in range(min(len(parts), 4)):
            _check(at, key, [mark], int(parts["filing_count"].iloc[mark]), sample_db)
    sector_part = queries.filings_by_sector_month(f, sample_db).iloc[-1]
    custom = [_iso(sector_part.month_date), sector_part.sector]
    _check(at, "lic_sector_month", custom, int(sector_part.filing_count), sample_db)
    active = queries.active_registrations_by_month(f, sample_db).iloc[5]
    _check(at, "lic_active", [_iso(active.month_end_date), 0, 0], int(active.active_count), sample_db)
    places = queries.registrations_by_jurisdiction(f, sample_db)
    place = places[places["active_count"] > 0].iloc[1]
    _check(at, "lic_map", [place.jurisdiction_code, "x", 0], int(place.active_count), sample_db)
    _check(at, "lic_jur_bar", [place.jurisdiction_code], int(place.active_count), sample_db)
    sector = queries.sectors_ranked(f, sample_db).iloc[0]
    _check(at, "lic_sector_rank", [sector.sector], int(sector.filing_count), sample_db)
    provider = queries.top_providers(f, 20, sample_db).iloc[0]
    _check(at, "lic_providers", [int(provider.provider_rank)], int(provider.active_count), sample_db)


def test_overview_and_violations_month_bars_link_to_exactly_their_records(sample_db, use_db, open_page):
    use_db(sample_db)
    view = {"period": "all"}
    f = parse_query_params(view, today=TODAY).filters
    at = open_page("overview", view)
    month = queries.filings_by_month(f, sample_db).groupby("month_date")["filing_count"].sum()
    _check(at, "ov_filings", [_iso(month.index[3])], int(month.iloc[3]), sample_db)
    incidents = queries.incidents_by_month(f, "category", sample_db)
    kinds = incidents.groupby(["month_date", "record_type"], as_index=False)["record_count"].sum()
    for row in kinds.tail(3).itertuples():
        _check(at, "ov_incidents", [row.record_type, _iso(row.month_date)], int(row.record_count), sample_db)

    at = open_page("violations", view)
    monthly = queries.incidents_by_month(f, "category", sample_db)
    row = monthly.groupby(["month_date", "group_value"], as_index=False)["record_count"].sum().iloc[-1]
    _check(at, "vio_main", [row.group_value, _iso(row.month_date)], int(row.record_count), sample_db)
    # Enforcement only, broken down by severity, then by source: a stacked part opens the month's
    # enforcement actions of that severity (or source) only, not the whole month.
    at.segmented_control(key="vio_record_type").set_value("enforcement").run()
    for breakdown in ("severity", "source"):
        at.segmented_control(key="vio_breakdown").set_value(breakdown).run()
        parts = queries.incidents_by_month(f, breakdown, sample_db)
        parts = parts[parts["record_type"] == "enforcement"]
        month = parts[parts["month_date"] == parts.groupby("month_date")["record_count"].sum().idxmax()]
        for row in month.itertuples():
            _check(at, "vio_main", [row.group_value, _iso(row.month_date)], int(row.record_count), sample_db)


def test_a_provider_whose_name_is_part_of_another_links_to_its_own_records_on_the_real_lists(
    real_db, use_db, open_page
):
    # On the real lists "中国工商银行股份有限公司" is part of another provider's name: a substring
    # search would list one record more than its bar counts; the link asks for the exact name.
    use_db(real_db)
    view = {"period": "all"}
    f = parse_query_params(view, today=TODAY).filters
    at = open_page("licensing", view)
    providers = queries.top_providers(f, 20, real_db)
    for row in providers.itertuples():
        _check(at, "lic_providers", [int(row.provider_rank)], int(row.active_count), real_db)
    place = queries.registrations_by_jurisdiction(f, real_db).iloc[0]
    _check(at, "lic_map", [place.jurisdiction_code, "x", 0], int(place.active_count), real_db)


def test_the_explorer_names_a_stacked_part_and_show_all_clears_it(sample_db, use_db, open_page):
    # A link to a category bar's part: the Explorer says which part, lists its rows, and "Show
    # all records" drops the part with the drill-down.
    use_db(sample_db)
    url = {"period": "all", "show": "new", "rcat": NOT_STATED, "list": "cac_genai"}
    at = open_page("explorer", url)
    note = [i.value.replace("\\", "") for i in at.info if "Showing exactly" in i.value]  # markdown escapes
    assert len(note) == 1 and "New filings in period · (not stated) · CAC generative-AI services" in note[0], note
    f = parse_query_params(url, today=TODAY).filters
    n = queries.search_count("registrations", f, "", sample_db)
    everything = queries.search_count("registrations", parse_query_params({"period": "all"}).filters, "", sample_db)
    assert 0 < n < everything
    assert any(f"{n:,}" in c.value for c in at.caption), [c.value for c in at.caption]
    at.button(key="exp_show_clear").click().run()
    assert not [i.value for i in at.info if "Showing exactly" in i.value]
    assert any(f"{everything:,}" in c.value for c in at.caption), [c.value for c in at.caption]
