"""Every figure opens its records: each KPI card of the Overview and Licensing pages links to the
Explorer with the same filters plus `show` (the records the card counts), and the Explorer's row
count for that URL equals the figure, on the sample and on the real lists."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dashboard import kpis, queries
from dashboard.filters import Filters, parse_query_params, to_query_params

pytest_plugins = ["conftest_dashboard"]

TODAY = date(2026, 11, 30)
VIEWS = [
    {"period": "all"},
    {"period": "2025"},
    {"period": "2025-Q2", "jur": "CN-BJ,CN-SH"},
    {"period": "2024", "reg": "cac_genai", "cat": "privacy"},
    {"from": "2024-03-01", "to": "2025-08-31", "q": "科技"},
]


def _explorer_count(f: Filters, show: str, db) -> int:
    # The link's URL, parsed as the Explorer parses it: the same filters, plus show.
    url = to_query_params(replace(f, show=show))
    linked = parse_query_params(url, today=TODAY).filters
    assert linked.show == show and replace(linked, show="") == replace(f, show="", today=linked.today)
    tab = "registrations" if show in ("active", "new", "cancelled") else "incidents"
    tab = "providers" if show == "providers" else tab
    return queries.search_count(tab, linked, "", db)


def _check(db, view: dict[str, str]) -> int:
    f = parse_query_params(view, today=TODAY).filters
    checked = 0
    for kpi in kpis.overview_kpis(f, db):
        if not kpi.drilldown:
            assert kpi.key == "kpi_consent"
            continue
        expected = kpi.n if kpi.currency else kpi.value
        assert _explorer_count(f, kpi.drilldown, db) == expected, (view, kpi.key, kpi.currency)
        checked += 1
    # The Licensing page's cards are the same registration KPIs (registration_kpis).
    reg = queries.registration_kpis(f, db)
    for show, column in (("active", "active_count"), ("new", "new_count"), ("cancelled", "cancelled_count")):
        assert _explorer_count(f, show, db) == reg[column], (view, show)
    # ... and "Providers with active registrations" (top_providers' provider_count) lists providers.
    providers = queries.top_providers(f, 20, db)
    expected = int(providers["provider_count"].iloc[0]) if len(providers) else 0
    assert _explorer_count(f, "providers", db) == expected, (view, "providers")
    return checked


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: "&".join(f"{k}={v[k]}" for k in v))
def test_every_kpi_opens_exactly_its_records_on_the_sample(sample_db, view):
    assert _check(sample_db, view) >= 5


@pytest.mark.parametrize("view", VIEWS[:2] + [{"period": "2021"}], ids=lambda v: "&".join(f"{k}={v[k]}" for k in v))
def test_every_kpi_opens_exactly_its_records_on_the_real_lists(real_db, view):
    assert _check(real_db, view) >= 5


def test_show_in_the_url_is_checked():
    assert parse_query_params({"show": "penalty-EUR"}, today=TODAY).filters.show == "penalty-EUR"
    bad = parse_query_params({"show": "drop table"}, today=TODAY)
    assert bad.filters.show == "" and bad.notices == [("show", "drop table")]
