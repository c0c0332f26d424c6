"""The headline KPIs, computed without streamlit.

The Overview page shows these rows and the CSV briefing exports exactly the same rows, so both
call overview_kpis(). Each row compares the period with the previous period of equal length;
an open period ("all time") has no previous one, so previous and change are None.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from dashboard import queries
from dashboard.filters import Filters


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

    def as_row(self) -> dict:
        return asdict(self)


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


def overview_kpis(filters: Filters, path: Path | None = None) -> list[Kpi]:
    """Active registrations, new filings, cancellations, incidents, enforcement actions, total
    penalties (CNY) and record-weighted consent coverage, each with its previous-period value."""
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
        _kpi(
            "kpi_penalties",
            "penalty_cny",
            inc["penalty_cny"],
            inc["prev_penalty_cny"],
            has_prev,
            "violations",
            n=inc["penalty_count"],
        ),
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
