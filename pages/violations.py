"""Violations and enforcement: what happened over time, where, the penalties, whether the
provider was registered, and who appears again and again."""

import pandas as pd
import streamlit as st

from core.connection import WarehouseMissing
from dashboard import charts, drill, kpis, queries, state, ui
from dashboard.cache import cached
from dashboard.formatting import format_value
from dashboard.i18n import vocab
from dashboard.queries import INCIDENT_BREAKDOWNS

f, t = ui.context()
ui.header(t, "page_violations", "violations_intro")


def _pick_category() -> None:
    picked = [c for c in ui.selected_custom("vio_main") if c]
    if picked:
        state.set_values(state.K_CAT, sorted(picked))


def _penalty_records(penalties: pd.DataFrame, custom: list) -> tuple | None:
    """A penalties bar: the month's actions with a penalty in the bar's currency (its amount is
    their sum; the link opens the actions it adds up)."""
    currency, month = custom[0], pd.Timestamp(custom[1])
    rows = penalties[(penalties["month_date"] == month) & (penalties["penalty_currency"] == currency)]
    if rows.empty:
        return None  # a mark remembered from before the filters changed
    linked = drill.penalties_in_month(f, month, currency)
    return linked, int(rows["action_count"].sum()), f"{month:%Y-%m} · {currency}"


def _month_records(monthly: pd.DataFrame, breakdown: str, shown: str, custom: list) -> tuple | None:
    """A stacked part's records: the month's records of the shown type (dated at least to the
    month) and of the part's category, severity or source; a part with no category (the
    source gives none) opens every record of the month."""
    group, month = custom[0], pd.Timestamp(custom[1])
    rows = monthly[monthly["month_date"] == month]
    if rows.empty:
        return None  # a mark remembered from before the filters changed
    what = f"{month:%Y-%m}"
    if isinstance(group, str) and group:
        rows = rows[rows["group_value"] == group]
        if rows.empty:
            return None
        what += " · " + str(rows["group_label"].iloc[0])
        part = {"category": {"category": group}, "severity": {"severity": group}, "source": {"source": group}}
        linked = drill.incidents_in_month(f, month, shown, **part[breakdown])
    else:
        linked = drill.incidents_in_month(f, month, shown)
    return linked, int(rows["record_count"].sum()), what


try:
    if f.registries:
        st.caption(t("registry_not_applied"))
    if f.categories:
        st.caption(t("category_filter_active", items=", ".join(vocab("category", c, f.lang) for c in f.categories)))
    attribution = ui.show_attribution("incidents", t)
    kpi = cached(queries.incident_kpis, f)
    linkage = cached(queries.incident_linkage, f)
    total = int(linkage["record_count"].sum()) if len(linkage) else 0
    linked = int(linkage.loc[linkage["linkage"].str.startswith(("filed_", "linked_")), "record_count"].sum())
    before = int(linkage.loc[linkage["linkage"] == "filed_before", "record_count"].sum())

    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("kpi_incidents"), format_value("incident_count", kpi["incident_count"]), border=True)
    c2.metric(t("kpi_enforcement"), format_value("enforcement_count", kpi["enforcement_count"]), border=True)
    # One amount per currency present (never a CNY zero that hides EUR fines), in one card.
    penalties = cached(kpis.penalty_kpis, f)
    c3.metric(
        t("kpi_penalties") if len(penalties) == 1 and penalties[0].key == "kpi_penalties" else t("penalties_total"),
        " · ".join(format_value(k.column, k.value) for k in penalties),
        border=True,
    )
    c4.metric(t("linked_share"), format_value("linked_pct", linked / total if total else None), border=True)

    if total == 0:
        ui.empty(t, "no_incidents")
    else:
        # Main chart: records per month, coloured by the chosen breakdown; click filters by category.
        left, right = st.columns(2)
        breakdown = left.segmented_control(
            t("breakdown"),
            options=list(INCIDENT_BREAKDOWNS),
            format_func=lambda b: t(f"by_{b}"),
            default="category",
            key="vio_breakdown",
            required=True,
        )
        shown = right.segmented_control(
            t("record_types"),
            options=["both", "incident", "enforcement"],
            format_func=lambda r: t(f"record_type.{r}"),
            default="both",
            key="vio_record_type",
            required=True,
        )
        monthly = cached(queries.incidents_by_month, f, breakdown)
        if shown != "both":
            monthly = monthly[monthly["record_type"] == shown]
        monthly = monthly.groupby(["month_date", "group_value"], as_index=False)["record_count"].sum()
        vocabulary = {"category": "category", "severity": "severity", "source": "source"}[breakdown]
        monthly["group_label"] = [vocab(vocabulary, v, f.lang) for v in monthly["group_value"]]
        on_select = _pick_category if breakdown == "category" else None
        drawn = ui.chart_or_empty(
            monthly,
            lambda df: charts.bar_chart(
                df,
                x="month_date",
                y="record_count",
                color="group_label",
                title=t("incidents_by_month_title", what=t(f"record_type.{shown}"), by=t(f"by_{breakdown}")),
                lang=f.lang,
                labels={
                    "group_label": t(f"by_{breakdown}"),
                },
                custom=["group_value", "month_date"],
                height=420,
                other_label=t("category.other"),
            ),
            key="vio_main",
            t=t,
            empty_key="no_incidents",
            file_stem="incidents_by_month",
            on_select=on_select,
            attribution=attribution,
            records=lambda custom: _month_records(monthly, breakdown, shown, custom),
        )
        if drawn and on_select:
            st.caption(t("click_to_filter"))
        ui.imprecise_dates_note(cached(queries.incidents_month_unknown, f), t)

        left, right = st.columns(2)
        with left:
            by_jurisdiction = cached(queries.incidents_by_jurisdiction, f).head(20)
            by_jurisdiction["jurisdiction_label"] = [
                (r.jurisdiction_name if f.lang == "zh" else r.jurisdiction_name_en)
                if isinstance(r.jurisdiction_name, str)
                else r.jurisdiction_code
                for r in by_jurisdiction.itertuples()
            ]
            long = by_jurisdiction.melt(
                id_vars=["jurisdiction_code", "jurisdiction_label"],
                value_vars=["incident_count", "enforcement_count"],
                var_name="record_type",
                value_name="type_count",
            )
            long["record_type"] = [t(f"record_type.{v.removesuffix('_count')}") for v in long["record_type"]]
            ui.chart_or_empty(
                long,
                lambda df: charts.bar_chart(
                    df,
                    x="type_count",
                    y="jurisdiction_label",
                    color="record_type",
                    orientation="h",
                    title=t("incidents_jurisdiction_title"),
                    lang=f.lang,
                    height=520,
                ),
                key="vio_jurisdiction",
                t=t,
                empty_key=None,  # the KPIs above already say when nothing is in scope
                file_stem="incidents_by_jurisdiction",
                attribution=attribution,
                data=by_jurisdiction,
            )
        with right:
            linkage_sum = linkage.groupby("linkage", as_index=False)["record_count"].sum()
            linkage_sum["linkage_label"] = [vocab("linkage", v, f.lang) for v in linkage_sum["linkage"]]
            ui.chart_or_empty(
                linkage_sum,
                lambda df: charts.hide_legend(
                    charts.bar_chart(
                        df,
                        x="record_count",
                        y="linkage_label",
                        color="linkage_label",
                        orientation="h",
                        title=t("linkage_title"),
                        lang=f.lang,
                        height=320,
                    )
                ),
                key="vio_linkage",
                t=t,
                empty_key=None,
                file_stem="incident_linkage",
                attribution=attribution,
                data=linkage,
            )
            st.caption(
                t(
                    "linkage_share",
                    linked=f"{linked:,}",
                    n=f"{total:,}",
                    share=format_value("linked_pct", linked / total if total else None),
                    before=f"{before:,}",
                )
            )

        st.subheader(t("penalties_title"))
        penalties = cached(queries.penalties_by_month, f)
        drawn = ui.chart_or_empty(
            penalties,
            lambda df: charts.bar_chart(
                df,
                x="month_date",
                y="penalty_amount",
                color="penalty_currency",
                title=t("penalties_title"),
                lang=f.lang,
                hover=["action_count"],
                custom=["penalty_currency", "month_date"],
            ),
            key="vio_penalties",
            t=t,
            empty_key="no_penalties",
            file_stem="penalties_by_month",
            attribution=attribution,
            records=lambda custom: _penalty_records(penalties, custom),
        )
        if drawn:
            st.caption(t("penalties_note"))
        ui.imprecise_dates_note(cached(queries.incidents_month_unknown, f), t, penalties=True)

        st.subheader(t("repeat_title"))
        repeat = cached(queries.repeat_providers, f, 25)
        if repeat.empty:
            ui.empty(t, "no_incidents")
        else:
            ui.table(repeat, key="vio_repeat_table")
            ui.download(repeat, "repeat_providers", "vio_repeat", t, attribution)
except WarehouseMissing as exc:
    ui.warehouse_missing(exc, t)
