"""Overview: the headline KPIs with their change, small trends, and links to the pages behind."""

import pandas as pd
import streamlit as st

from core.connection import WarehouseMissing
from dashboard import charts, drill, kpis, queries, state, ui
from dashboard.cache import cached
from dashboard.filters import month_bounds

f, t = ui.context()
ui.header(t, "page_overview", "overview_intro")


def _focus_month() -> None:
    months = ui.selected_custom("ov_filings")
    if months:
        month = pd.Timestamp(months[0]).date()
        state.set_period_range(*month_bounds(month.year, month.month))


def _filed_in_month(monthly: pd.DataFrame, custom: list) -> tuple | None:
    """A bar's records: the registrations filed in its month (dashboard/drill.py)."""
    month = pd.Timestamp(custom[0])
    if not (monthly["month_date"] == month).any():
        return None  # a mark remembered from before the filters changed
    n = int(monthly.loc[monthly["month_date"] == month, "filing_count"].sum())
    return drill.filed_in_month(f, month), n, t("drill_filed_month", month=f"{month:%Y-%m}")


def _incidents_in_month(monthly: pd.DataFrame, custom: list) -> tuple | None:
    """A stacked part's records: the month's incidents or enforcement actions (dated at least
    to the month, as the chart draws them)."""
    record_type, month = custom[0], pd.Timestamp(custom[1])
    rows = monthly[(monthly["month_date"] == month) & (monthly["record_type_value"] == record_type)]
    if rows.empty:
        return None
    what = f"{month:%Y-%m} · {rows['record_type'].iloc[0]}"
    return drill.incidents_in_month(f, month, record_type), int(rows["record_count"].sum()), what


try:
    rows = cached(kpis.overview_kpis, f)
    days = (f.end - f.start).days + 1 if f.start and f.end else None
    for start in (0, 4):
        columns = st.columns(4)
        for column, kpi in zip(columns, rows[start : start + 4], strict=False):
            with column:
                ui.kpi_card(kpi, t, f.lang, days)
    attribution = ui.show_attribution("incidents", t)
    kpi_table = kpis.kpis_frame(rows).assign(label=[kpis.kpi_label(k, t) for k in rows])
    ui.download(kpi_table, "kpis", "ov_kpis", t, attribution)

    st.subheader(t("overview_trends"))
    left, middle, right = st.columns(3)
    with left:
        filings = cached(queries.filings_by_month, f)
        monthly = filings.groupby("month_date", as_index=False)["filing_count"].sum()
        drawn = ui.chart_or_empty(
            monthly,
            lambda df: charts.bar_chart(
                df,
                x="month_date",
                y="filing_count",
                title=t("trend_filings"),
                lang=f.lang,
                custom=["month_date"],
                height=300,
            ),
            key="ov_filings",
            t=t,
            empty_key="no_registrations",
            file_stem="new_filings_by_month",
            on_select=_focus_month,
            records=lambda custom, monthly=monthly: _filed_in_month(monthly, custom),
        )
        if drawn:
            st.caption(t("overview_click"))
    with middle:
        incidents = cached(queries.incidents_by_month, f, "category")
        monthly = incidents.groupby(["month_date", "record_type"], as_index=False)["record_count"].sum()
        monthly["record_type_value"] = monthly["record_type"]
        monthly["record_type"] = [t(f"record_type.{v}") for v in monthly["record_type"]]
        ui.chart_or_empty(
            monthly,
            lambda df: charts.bar_chart(
                df,
                x="month_date",
                y="record_count",
                color="record_type",
                title=t("trend_incidents"),
                lang=f.lang,
                custom=["record_type_value", "month_date"],
                height=300,
            ),
            key="ov_incidents",
            t=t,
            empty_key="no_incidents",
            file_stem="incidents_by_month",
            attribution=attribution,
            data=monthly.drop(columns="record_type_value"),
            records=lambda custom, monthly=monthly: _incidents_in_month(monthly, custom),
        )
        ui.imprecise_dates_note(cached(queries.incidents_month_unknown, f), t)
    with right:
        ui.chart_or_empty(
            cached(queries.consent_coverage_by_quarter, f),
            lambda df: charts.consent_trend(df, title=t("trend_consent"), lang=f.lang, height=300),
            key="ov_consent",
            t=t,
            empty_key="no_consent",
            file_stem="consent_coverage_by_quarter",
        )
except WarehouseMissing as exc:
    ui.warehouse_missing(exc, t)
