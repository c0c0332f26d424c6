"""Data quality: ETL runs, per-source freshness and row counts, the quarantine with its raw
rows, and warnings for sources whose columns changed since the previous load."""

import pandas as pd
import streamlit as st

from core.connection import WarehouseMissing
from dashboard import charts, queries, ui
from dashboard.cache import cached

f, t = ui.context()
ui.header(t, "page_quality", "quality_intro")
PAGE_SIZE = 50

try:
    freshness = cached(queries.source_freshness)
    changes = cached(queries.source_header_changes)

    # Warnings first: a failed source or a changed header is what an analyst must notice.
    for row in freshness.itertuples():
        if row.latest_status not in (None, "loaded") and isinstance(row.latest_status, str):
            st.error(ui.md_escape(t("source_failed", source=row.source, message=row.latest_message or "")))
    st.subheader(t("header_changes_title"))
    if changes.empty:
        st.caption(t("no_header_changes"))
    for row in changes.itertuples():
        st.warning(
            ui.md_escape(
                t(
                    "header_change_warning",
                    source=row.source,
                    load=row.previous_load_id,
                    added=row.added_columns or "—",
                    removed=row.removed_columns or "—",
                )
            )
        )

    st.subheader(t("freshness_title"))
    if freshness.empty:
        ui.empty(t, "no_data")
    else:
        ui.table(freshness, key="dq_freshness")
        ui.download(freshness, "source_freshness", "dq_freshness", t)
        long = freshness.melt(
            id_vars=["source"],
            value_vars=["rows_loaded_count", "rows_quarantined_count"],
            var_name="row_kind",
            value_name="row_count",
        )
        long["row_kind"] = long["row_kind"].map(
            {"rows_loaded_count": t("rows_loaded"), "rows_quarantined_count": t("rows_quarantined")}
        )
        ui.chart_or_empty(
            long,
            lambda df: charts.bar_chart(
                df,
                x="row_count",
                y="source",
                color="row_kind",
                orientation="h",
                title=t("rows_by_source_title"),
                lang=f.lang,
                height=max(300, 40 * len(freshness) + 120),
            ).update_xaxes(type="log" if df["row_count"].max() > 10_000 else "linear"),
            key="dq_rows",
            t=t,
            empty_key=None,  # one row per source: never empty here
            file_stem="rows_by_source",
        )

    # Every loaded row's file: for a fetched source, the raw archive file (python -m etl fetch).
    files = cached(queries.source_files)
    st.subheader(t("source_files_title"))
    if files.empty:
        ui.empty(t, "no_data")
    else:
        ui.table(files, key="dq_files")
        ui.download(files, "source_files", "dq_files", t)

    st.subheader(t("quarantine_title"))
    reasons = cached(queries.quarantine_by_reason)

    def _pick() -> None:
        picked = ui.selected_custom("dq_reasons", 0)
        rules = ui.selected_custom("dq_reasons", 1)
        if picked:
            st.session_state["dq_source"] = picked[0]
            st.session_state["dq_rule"] = rules[0] if rules else ""

    if ui.chart_or_empty(
        reasons,
        lambda df: charts.bar_chart(
            df,
            x="row_count",
            y="source",
            color="rule",
            orientation="h",
            title=t("quarantine_by_reason_title"),
            lang=f.lang,
            custom=["source", "rule"],
            height=max(280, 40 * df["source"].nunique() + 120),
        ),
        key="dq_reasons",
        t=t,
        empty_key="no_quarantine",
        file_stem="quarantine_by_reason",
        on_select=_pick,
    ):
        left, right = st.columns(2)
        source = left.selectbox(
            t("quarantine_source"),
            options=["", *sorted(reasons["source"].unique())],
            format_func=lambda s: s or t("all"),
            key="dq_source",
        )
        rule = right.selectbox(
            t("quarantine_rule"),
            options=["", *sorted(reasons["rule"].unique())],
            format_func=lambda r: r or t("all"),
            key="dq_rule",
        )
        _, total = cached(queries.quarantine_rows, source, rule, 0, 1)
        if total == 0:
            ui.empty(t, "no_quarantine")
        else:
            page = ui.pager("dq_page", total, PAGE_SIZE, t)
            rows, _ = cached(queries.quarantine_rows, source, rule, page, PAGE_SIZE)
            ui.table(rows, key="dq_quarantine")
            ui.download(rows, "quarantine", "dq_quarantine", t)

    st.subheader(t("runs_title"))
    runs = cached(queries.etl_runs_recent, 200)
    runs["started_at"] = pd.to_datetime(runs["started_at"], utc=True)
    ui.table(runs, key="dq_runs", height=320)
    ui.download(runs, "etl_runs", "dq_runs", t)
except WarehouseMissing as exc:
    ui.warehouse_missing(exc, t)
