"""The headline KPIs, computed without streamlit.

The Overview page shows these rows and the CSV briefing exports exactly the same rows, so both
call overview_kpis(). Each row compares the period with the previous period of equal length;
an open period ("all time") has no previous one, so previous and change are None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pandas as pd

from dashboard import queries
from dashboard.filters import Filters

DRILLDOWNS = {
    "kpi_active": "active",
    "kpi_new": "new",
    "kpi_cancelled": "cancelled",
    "kpi_incidents": "incident",
    "kpi_enforcement": "enforcement",
}


@dataclass(frozen=True)
class Kpi:
    key: str  # stable id; also the i18n key of the label
    column: str  # value column name; its suffix drives the format (_count, _pct, _cny)
    value: float | None
    previous: float | None
    change: float | None
    change_pct: float | None
    n: int | None  # how many records the figure rests on, where that matters
    page: str  # url path of the page behind the card
    is_higher_better: bool | None = None  # None: neither direction is "good"
    currency: str | None = None  # penalty cards: the currency of the amount (one card each)

    def as_row(self) -> dict:
        return asdict(self)

    @property
    def drilldown(self) -> str:
        """The Explorer drill-down (Filters.show) listing exactly the records this figure counts;
        "" when the figure is not a count of listable records (consent coverage)."""
        if self.currency:
            return f"penalty-{self.currency}"
        return DRILLDOWNS.get(self.key, "")


def _num(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def _kpi(
    key: str,
    column: str,
    value: object,
    previous: object,
    has_previous: bool,
    page: str,
    n: object = None,
    is_higher_better: bool | None = None,
) -> Kpi:
    v = _num(value)
    p = _num(previous) if has_previous else None
    change = v - p if v is not None and p is not None else None
    change_pct = change / p if change is not None and p not in (None, 0) else None
    return Kpi(
        key,
        column,
        v,
        p,
        change,
        change_pct,
        None if n is None or pd.isna(n) else int(n),
        page,
        is_higher_better,
    )


@queries.filters_unused(*queries.INCIDENTS)
def penalty_kpis(filters: Filters, path: Path | None = None) -> list[Kpi]:
    """One penalty card per currency present in the period or the previous one (CNY first):
    amounts are never converted nor added across currencies, so no total in one currency hides
    another. With no penalty at all, one CNY card of 0. CNY keeps the key kpi_penalties and the
    column penalty_cny; another currency is kpi_penalties_<ccy> / penalty_<ccy>."""
    has_prev = filters.previous() is not None
    rows = queries.penalties_by_currency(filters, path)
    if rows.empty:
        return [replace(_kpi("kpi_penalties", "penalty_cny", 0, 0, has_prev, "violations", n=0), currency="CNY")]
    out = []
    for row in rows.itertuples():
        code = str(row.penalty_currency)
        key, column = (
            ("kpi_penalties", "penalty_cny")
            if code == "CNY"
            else (
                f"kpi_penalties_{code.lower()}",
                f"penalty_{code.lower()}",
            )
        )
        kpi = _kpi(key, column, row.penalty_amount, row.prev_penalty_amount, has_prev, "violations", n=row.action_count)
        out.append(replace(kpi, currency=code))
    return out


def kpi_label(kpi: Kpi, t: Callable[..., str]) -> str:
    """The card's label: a penalty card names its currency."""
    if kpi.currency and kpi.key != "kpi_penalties":
        return t("kpi_penalties_in", currency=kpi.currency)
    return t(kpi.key)


@queries.filters_unused(*queries.INCIDENTS)
def overview_kpis(filters: Filters, path: Path | None = None) -> list[Kpi]:
    """Active registrations, new filings, cancellations, incidents, enforcement actions, total
    penalties per currency present and record-weighted consent coverage, each with its
    previous-period value."""
    has_prev = filters.previous() is not None
    reg = queries.registration_kpis(filters, path)
    inc = queries.incident_kpis(filters, path)
    con = queries.consent_kpis(filters, path)
    return [
        _kpi("kpi_active", "active_count", reg["active_count"], reg["prev_active_count"], has_prev, "licensing"),
        _kpi("kpi_new", "new_count", reg["new_count"], reg["prev_new_count"], has_prev, "licensing"),
        _kpi(
            "kpi_cancelled",
            "cancelled_count",
            reg["cancelled_count"],
            reg["prev_cancelled_count"],
            has_prev,
            "licensing",
        ),
        _kpi(
            "kpi_incidents", "incident_count", inc["incident_count"], inc["prev_incident_count"], has_prev, "violations"
        ),
        _kpi(
            "kpi_enforcement",
            "enforcement_count",
            inc["enforcement_count"],
            inc["prev_enforcement_count"],
            has_prev,
            "violations",
        ),
        *penalty_kpis(filters, path),
        _kpi(
            "kpi_consent",
            "coverage_pct",
            con["coverage_pct"],
            con["prev_coverage_pct"],
            has_prev,
            "consent",
            n=con["known_dataset_count"],
            is_higher_better=True,
        ),
    ]


def kpis_frame(kpis: list[Kpi]) -> pd.DataFrame:
    """KPI rows as a table (for downloads and the briefing)."""
    return pd.DataFrame([k.as_row() for k in kpis])
