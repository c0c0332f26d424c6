"""Consent coverage: record-weighted and service-level coverage with their N, unknown as its own
category, breakdowns, the trend by audit quarter, and the gap list below a threshold."""

import streamlit as st

from core.connection import WarehouseMissing
from dashboard import charts, queries, state, ui
from dashboard.cache import cached
from dashboard.formatting import format_value
from dashboard.i18n import vocab
from dashboard.queries import CONSENT_BREAKDOWNS

f, t = ui.context()
ui.header(t, "page_consent", "consent_intro")

STATUS_ORDER = ["covered", "partial", "none", "unknown", "not_applicable"]
SERVICE_ORDER = ["covered", "gap", "unknown", "not_applicable"]


def _pick_group() -> None:
    # Only the jurisdiction breakdown maps onto a global filter.
    if st.session_state.get("con_breakdown", "jurisdiction") == "jurisdiction":
        codes = [c for c in ui.selected_custom("con_main") if c]
        if codes:
            state.set_values(state.K_JUR, sorted(codes))


try:
    kpi = cached(queries.consent_kpis, f)
    services = cached(queries.consent_service_status, f)
    counts = dict(zip(services["service_status"], services["service_count"], strict=True))
    covered, gap, unknown = (int(counts.get(k, 0)) for k in ("covered", "gap", "unknown"))
    known_services = covered + gap

    if int(kpi["dataset_count"]) == 0:
        ui.empty(t, "no_consent")
    else:
        left, right = st.columns(2)
        with left, st.container(border=True):
            st.metric(t("record_coverage"), format_value("coverage_pct", kpi["coverage_pct"]))
            st.caption(
                t(
                    "record_coverage_help",
                    consented=f"{int(kpi['consented_records_count']):,}",
                    personal=f"{int(kpi['personal_records_count']):,}",
                    n=f"{int(kpi['known_dataset_count']):,}",
                    unknown=f"{int(kpi['unknown_dataset_count']):,}",
                )
            )
            ui.small_n(t, int(kpi["known_dataset_count"]) or None)
        with right, st.container(border=True):
            st.metric(
                t("service_coverage"),
                format_value("coverage_pct", covered / known_services if known_services else None),
            )
            st.caption(
                t(
                    "service_coverage_help",
                    covered=f"{covered:,}",
                    known=f"{known_services:,}",
                    unknown=f"{unknown:,}",
                    n=f"{known_services + unknown:,}",
                )
            )
            ui.small_n(t, known_services or None)

        # Main chart: coverage by jurisdiction / provider / category. Clicking a jurisdiction filters.
        breakdown = st.segmented_control(
            t("breakdown"),
            options=list(CONSENT_BREAKDOWNS),
            format_func=lambda b: t(f"by_{b}"),
            default="jurisdiction",
            key="con_breakdown",
            required=True,
        )
        groups = cached(queries.consent_coverage_by_group, f, breakdown, 30)
        if breakdown == "jurisdiction":
            groups["group_label"] = [
                (r.jurisdiction_name if f.lang == "zh" else r.jurisdiction_name_en)
                if isinstance(r.jurisdiction_name, str)
                else (r.group_value or t("unknown"))
                for r in groups.itertuples()
            ]
        elif breakdown == "category":
            groups["group_label"] = [vocab("registry", v, f.lang) for v in groups["group_value"]]
        else:
            groups["group_label"] = groups["group_value"].fillna(t("unknown"))

        def _coverage_by_group(df):
            fig = charts.bar_chart(
                df,
                x="coverage_pct",
                y="group_label",
                orientation="h",
                title=t("coverage_by_title", by=t(f"by_{breakdown}")),
                lang=f.lang,
                y_title=t(f"ax_{'jurisdiction' if breakdown == 'jurisdiction' else breakdown}"),
                labels={
                    "group_label": t(f"by_{breakdown}"),
                },
                hover=["known_dataset_count", "unknown_dataset_count", "service_coverage_pct"],
                custom=["group_value"],
                height=max(360, 22 * len(df) + 120),
            )
            return fig.update_xaxes(range=[0, 1])

        drawn = ui.chart_or_empty(
            groups[groups["known_dataset_count"] > 0],
            _coverage_by_group,
            key="con_main",
            t=t,
            empty_key="no_known_coverage",
            file_stem=f"consent_coverage_by_{breakdown}",
            on_select=_pick_group if breakdown == "jurisdiction" else None,
        )
        if drawn and breakdown == "jurisdiction":
            st.caption(t("click_to_filter"))

        left, right = st.columns(2)
        with left:
            datasets = cached(queries.consent_datasets_by_status, f)
            datasets["status_label"] = [vocab("coverage_status", s, f.lang) for s in datasets["coverage_status"]]
            ui.chart_or_empty(
                datasets,
                lambda df: charts.hide_legend(
                    charts.bar_chart(
                        df,
                        x="status_label",
                        y="dataset_count",
                        color="status_label",
                        title=t("dataset_status_title"),
                        lang=f.lang,
                        hover=["personal_records_count"],
                        category_orders={"status_label": [vocab("coverage_status", s, f.lang) for s in STATUS_ORDER]},
                        height=320,
                    )
                ),
                key="con_datasets",
                t=t,
                empty_key=None,  # the KPIs above already say when no declaration is in scope
                file_stem="consent_datasets_by_status",
            )
        with right:
            services["status_label"] = [vocab("service_status", s, f.lang) for s in services["service_status"]]
            ui.chart_or_empty(
                services,
                lambda df: charts.hide_legend(
                    charts.bar_chart(
                        df,
                        x="status_label",
                        y="service_count",
                        color="status_label",
                        title=t("service_status_title"),
                        lang=f.lang,
                        category_orders={"status_label": [vocab("service_status", s, f.lang) for s in SERVICE_ORDER]},
                        height=320,
                    )
                ),
                key="con_services",
                t=t,
                empty_key=None,
                file_stem="consent_services_by_status",
            )

        ui.chart_or_empty(
            cached(queries.consent_coverage_by_quarter, f),
            lambda df: charts.consent_trend(df, title=t("coverage_trend_title"), lang=f.lang),
            key="con_quarters",
            t=t,
            empty_key=None,  # the KPIs above already say when no declaration is in scope
            file_stem="consent_coverage_by_quarter",
        )

        threshold = st.slider(
            t("threshold"), min_value=0, max_value=100, value=80, step=5, format="%d%%", key="con_threshold"
        )
        st.subheader(t("gap_list_title", threshold=f"{threshold}%"))
        page_size = 50
        total = cached(queries.consent_gap_count, f, threshold / 100)
        if total == 0:
            ui.empty(t, "no_gaps")
        else:
            st.caption(t("gap_list_count", n=f"{total:,}"))
            page = ui.pager("con_gap_page", total, page_size, t)
            gaps = cached(queries.consent_gap_rows, f, threshold / 100, page, page_size)
            gaps["service_status"] = [vocab("service_status", s, f.lang) for s in gaps["service_status"]]
            ui.table(gaps, key="con_gap_table")
            ui.download(gaps, "consent_gap_list", "con_gaps", t)
except WarehouseMissing as exc:
    ui.warehouse_missing(exc, t)
