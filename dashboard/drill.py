"""Every chart mark opens its records: the Explorer filters (Filters with `show`) that list
exactly the records one mark of a chart counts, built from the page's filters plus the mark's own
dimension (a month, a province, a sector, a provider, a category) and, for a stacked bar, the
part's own dimension too (Filters.segment: the list and kind of a filings bar, a registration
category or provider role, an incident's severity or source), so a part opens only its records.

Streamlit-free, so tests check each mark's link the way the page builds it: the link's Explorer
row count (queries.search_count on the parsed URL) equals the mark's value.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from dashboard.filters import EPOCH, NOT_STATED, Filters, month_bounds

# The Explorer tab that lists each `show`.
REGISTRATION_SHOWS = ("active", "new", "cancelled")


def explorer_tab(show: str) -> str:
    return "registrations" if show in REGISTRATION_SHOWS else "incidents"


def _day(value: object) -> date:
    return pd.Timestamp(value).date()


def _segment(**values: object) -> tuple[tuple[str, str], ...]:
    """Filters.segment from the given SEGMENT_KEYS values; None is skipped, a missing value
    (NaN, the "not stated" bar) becomes NOT_STATED."""
    out = []
    for key, value in sorted(values.items()):
        if value is None:
            continue
        missing = isinstance(value, float) and value != value
        out.append((key, NOT_STATED if missing or value is pd.NA else str(value)))
    return tuple(out)


def _within_period(f: Filters, start: date, end: date) -> Filters:
    """A custom period [start, end] cut to the page's own period (a rolling 12 months starts
    mid-month, so its first month's bar counts only part of the month)."""
    lo = max(start, f.start) if f.start else start
    hi = min(end, f.end or f.today)
    return replace(f, period="custom", start=max(lo, EPOCH), end=hi, segment=())


def filed_in_month(f: Filters, month: object, registry: str | None = None, kind: str | None = None) -> Filters:
    """A bar of "filings by month": registrations filed in that month, within the period; a
    stacked part of it (one list and kind) when `registry` and `kind` are given."""
    m = _day(month)
    g = _within_period(f, *month_bounds(m.year, m.month))
    return replace(g, show="new", segment=_segment(list=registry, kind=kind))


def filed_in_sector_month(f: Filters, month: object, sector: str) -> Filters:
    """A part of "filings by sector" per month: that sector's registrations filed in the month."""
    return replace(filed_in_month(f, month), sectors=(sector,))


def filed_in_category(f: Filters, category: object, registry: str) -> Filters:
    """A part of the "filings by category" bars: filed in the period, of that category (NaN:
    the list states none) and speaking list."""
    return replace(f, show="new", segment=_segment(rcat=category, list=registry))


def filed_by_role(f: Filters, role: object, registry: str) -> Filters:
    """A part of the "filings by provider role" bars, as filed_in_category."""
    return replace(f, show="new", segment=_segment(role=role, list=registry))


def active_at(f: Filters, month_end: object) -> Filters:
    """A point of "active at each month end": registrations active on that day (_active_on)."""
    end = _day(month_end)
    return replace(_within_period(f, date(end.year, end.month, 1), end), show="active")


def active_in_jurisdiction(f: Filters, code: str) -> Filters:
    """A province tile or ranked bar: registrations active at the period end in that province."""
    return replace(f, jurisdictions=(code,), show="active", segment=())


def filed_in_sector(f: Filters, sector: str) -> Filters:
    """A ranked sector bar: registrations filed in the period with that sector."""
    return replace(f, sectors=(sector,), show="new", segment=())


def active_of_provider(f: Filters, provider: str) -> Filters:
    """A top-provider bar: the provider's registrations active at the period end. The leading
    `=` asks for the exact name (a substring search would also count "X Ltd Beijing Branch")."""
    return replace(f, provider="=" + provider, show="active", segment=())


def penalties_in_month(f: Filters, month: object, currency: str) -> Filters:
    """A bar of the penalties chart: the actions of that month (dated at least to the month, as
    the chart draws them) with a penalty in that currency; their count is the bar's actions."""
    m = _day(month)
    g = _within_period(f, *month_bounds(m.year, m.month))
    return replace(g, show=f"penalty-{currency}-month", segment=())


def incidents_in_month(
    f: Filters,
    month: object,
    record_type: str = "both",
    category: str | None = None,
    *,
    severity: str | None = None,
    source: str | None = None,
) -> Filters:
    """A bar of the monthly incidents chart: the records of that month (dated at least to the
    month, as the chart draws them) of the shown record type, and of the stacked part's
    category, severity or source when the chart is broken down by one."""
    m = _day(month)
    g = _within_period(f, *month_bounds(m.year, m.month))
    if category is not None:
        g = replace(g, categories=(category,))
    kind = "record" if record_type == "both" else record_type
    return replace(g, show=f"{kind}-month", segment=_segment(sev=severity, src=source))
