"""Every chart mark opens its records: for each mark of the Overview, Licensing and Violations
charts, the Explorer link the page builds (dashboard/drill.py: the page's filters plus the mark's
own month, province, sector, provider or category, and `show`) lists as many rows as the mark's
value, on the sample and on the real lists."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dashboard import drill, queries
from dashboard.filters import NOT_STATED, Filters, parse_query_params, to_query_params

pytest_plugins = ["conftest_dashboard"]

TODAY = date(2026, 11, 30)
VIEWS = [
    {"period": "all"},
    {"period": "12m"},
    {"period": "2025", "jur": "CN-BJ,CN-SH"},
    {"from": "2024-03-10", "to": "2025-08-20", "q": "科技"},
]


def _count(linked: Filters, db) -> int:
    """The Explorer's row count for the link: its URL parsed back as the Explorer parses it."""
    url = to_query_params(linked)
    parsed = parse_query_params(url, today=TODAY).filters
    assert (parsed.show, parsed.segment) == (linked.show, linked.segment)
    return queries.search_count(drill.explorer_tab(parsed.show), parsed, "", db)


def _marks(f: Filters, db) -> list[tuple[str, Filters, int]]:
    """(what, link filters, the mark's value) for every mark of the charts that link."""
    out: list[tuple[str, Filters, int]] = []
    filings = queries.filings_by_month(f, db)
    for month, n in filings.groupby("month_date")["filing_count"].sum().items():
        out.append((f"filed {month}", drill.filed_in_month(f, month), int(n)))
    # Each stacked part of a month's bar (Licensing: one list and kind).
    for row in filings.itertuples():
        linked = drill.filed_in_month(f, row.month_date, row.registry, row.kind)
        out.append((f"filed {row.month_date} {row.registry} {row.kind}", linked, int(row.filing_count)))
    for row in queries.filings_by_sector_month(f, db).itertuples():
        linked = drill.filed_in_sector_month(f, row.month_date, row.sector)
        out.append((f"filed {row.month_date} {row.sector}", linked, int(row.filing_count)))
    # Category and provider-role bars, split by the list that speaks for each number: one part
    # each (a missing category or role is its own "not stated" bar).
    categories = queries.registrations_by_category(f, db)
    for column, link in (("category", drill.filed_in_category), ("provider_role", drill.filed_by_role)):
        parts = categories.assign(**{column: categories[column].fillna(NOT_STATED)})
        for (value, registry), n in parts.groupby([column, "registry"])["filing_count"].sum().items():
            out.append((f"{column} {value} {registry}", link(f, value, registry), int(n)))
    for row in queries.active_registrations_by_month(f, db).itertuples():
        out.append((f"active {row.month_end_date}", drill.active_at(f, row.month_end_date), int(row.active_count)))
    for row in queries.registrations_by_jurisdiction(f, db).itertuples():
        if isinstance(row.jurisdiction_code, str) and row.active_count:
            code = row.jurisdiction_code
            out.append((code, drill.active_in_jurisdiction(f, code), int(row.active_count)))
    for row in queries.sectors_ranked(f, db).itertuples():
        out.append((row.sector, drill.filed_in_sector(f, row.sector), int(row.filing_count)))
    for row in queries.top_providers(f, 20, db).itertuples():
        out.append((row.provider_name, drill.active_of_provider(f, row.provider_name), int(row.active_count)))
    monthly = queries.incidents_by_month(f, "category", db)
    for shown in ("both", "incident", "enforcement"):
        part = monthly if shown == "both" else monthly[monthly["record_type"] == shown]
        for month, n in part.groupby("month_date")["record_count"].sum().items():
            out.append((f"{shown} {month}", drill.incidents_in_month(f, month, shown), int(n)))
        for (month, category), n in part.groupby(["month_date", "group_value"])["record_count"].sum().items():
            linked = drill.incidents_in_month(f, month, shown, category)
            out.append((f"{shown} {month} {category}", linked, int(n)))
    # Penalty bars (amounts per month and currency) open the actions they add up.
    for row in queries.penalties_by_month(f, db).itertuples():
        linked = drill.penalties_in_month(f, row.month_date, row.penalty_currency)
        out.append((f"penalty {row.month_date} {row.penalty_currency}", linked, int(row.action_count)))
    # Stacked by severity or by source: each part opens that severity's or source's records.
    for breakdown in ("severity", "source"):
        monthly = queries.incidents_by_month(f, breakdown, db)
        for shown in ("both", "incident", "enforcement"):
            part = monthly if shown == "both" else monthly[monthly["record_type"] == shown]
            for (month, group), n in part.groupby(["month_date", "group_value"])["record_count"].sum().items():
                linked = drill.incidents_in_month(f, month, shown, **{breakdown: group})
                out.append((f"{shown} {month} {breakdown} {group}", linked, int(n)))
    return out


def _check(db, view: dict[str, str]) -> int:
    f = parse_query_params(view, today=TODAY).filters
    marks = _marks(f, db)
    wrong = [(what, n, _count(linked, db)) for what, linked, n in marks if _count(linked, db) != n]
    assert not wrong, (view, wrong[:10])
    return len(marks)


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: "&".join(f"{k}={v[k]}" for k in v))
def test_every_chart_mark_opens_exactly_its_records_on_the_sample(sample_db, view):
    assert _check(sample_db, view) > 10


@pytest.mark.parametrize("view", VIEWS[:2], ids=lambda v: "&".join(f"{k}={v[k]}" for k in v))
def test_every_chart_mark_opens_exactly_its_records_on_the_real_lists(real_db, view):
    assert _check(real_db, view) > 100


def test_a_month_link_is_cut_to_the_period():
    f = parse_query_params({"from": "2025-03-10", "to": "2025-08-20"}, today=TODAY).filters
    first = drill.filed_in_month(f, date(2025, 3, 1))
    assert (first.start, first.end, first.show) == (date(2025, 3, 10), date(2025, 3, 31), "new")
    last = drill.incidents_in_month(f, date(2025, 8, 1), "enforcement", "privacy")
    assert to_query_params(last) == {
        "period": "custom",
        "from": "2025-08-01",
        "to": "2025-08-20",
        "cat": "privacy",
        "show": "enforcement-month",
    }


def test_a_stacked_part_carries_its_own_dimension_in_the_url():
    f = parse_query_params({"period": "2025"}, today=TODAY).filters
    part = drill.filed_in_month(f, date(2025, 4, 1), "cac_genai", "registration")
    assert to_query_params(part) == {
        "period": "custom",
        "from": "2025-04-01",
        "to": "2025-04-30",
        "show": "new",
        "kind": "registration",
        "list": "cac_genai",
    }
    bar = drill.filed_in_category(f, float("nan"), "cac_genai")  # the "not stated" bar
    assert to_query_params(bar) == {"period": "2025", "show": "new", "rcat": NOT_STATED, "list": "cac_genai"}
    severe = drill.incidents_in_month(f, date(2025, 4, 1), "incident", severity="high")
    assert to_query_params(severe)["sev"] == "high"
    # A part's link starts from the page's filters, never from a segment left from an earlier link.
    assert drill.filed_in_month(replace(f, segment=(("sev", "high"),)), date(2025, 4, 1)).segment == ()
    assert drill.active_in_jurisdiction(replace(f, segment=(("list", "cac_genai"),)), "CN-BJ").segment == ()


def test_a_segment_in_the_url_is_checked_and_dropped_when_wrong():
    parsed = parse_query_params(
        {"rcat": "生成合成类", "role": "服务提供者", "list": "nope", "kind": "licence", "sev": "dire", "src": "a b"},
        known_registries=["cac_genai"],
        today=TODAY,
    )
    assert parsed.filters.segment == (("kind", "licence"), ("rcat", "生成合成类"), ("role", "服务提供者"))
    assert sorted(key for key, _ in parsed.notices) == ["list", "sev", "src"]
