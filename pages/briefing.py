"""Briefing: pick a period and filters (prefilled from the sidebar), preview, download the ZIP
or single CSV files. The bytes come from dashboard.briefing, the same code as `python -m etl brief`.
"""

import io
from datetime import date

import pandas as pd
import streamlit as st

from core.connection import WarehouseMissing
from core.schema import OWNERSHIP_TYPES
from dashboard import briefing, queries, ui
from dashboard.cache import cached
from dashboard.filters import EPOCH, current_date, period_presets
from dashboard.i18n import vocab

PREVIEW_ROWS = 10

f, t = ui.context()
lang = f.lang
ui.header(t, "page_briefing", "briefing_intro")


def _period_options(first_year: int | None, today: date) -> list[str]:
    options = ["last-month", "last-quarter", "last-year"]
    options += [p for p in period_presets(first_year or today.year, today) if p not in ("12m", "all")]
    for year in range(today.year, (first_year or today.year) - 1, -1):
        options += [f"{year}-{m:02d}" for m in range(12, 0, -1) if date(year, m, 1) <= today]
    return [*options, "custom"]


def _period_label(key: str) -> str:
    if key in ("last-month", "last-quarter", "last-year", "custom"):
        return t(f"briefing_{key}")
    return key.replace("-Q", " Q")


def _sector_and_ownership() -> tuple[list[str], list[str]]:
    """The sector and ownership filters of the briefing, prefilled from the sidebar's."""
    sector_list = cached(queries.sector_options)
    sectors = st.multiselect(
        t("briefing_sectors"),
        sector_list,
        default=[s for s in f.sectors if s in sector_list],
        format_func=lambda s: vocab("sector", s, lang),
        placeholder=t("briefing_all"),
        key="br_sector",
    )
    ownership = st.multiselect(
        t("briefing_ownership"),
        list(OWNERSHIP_TYPES),
        default=list(f.ownership),
        format_func=lambda o: vocab("ownership", o, lang),
        placeholder=t("briefing_all"),
        key="br_own",
    )
    return sectors, ownership


try:
    today = current_date()
    first_date, _ = cached(queries.data_date_range)
    jurisdiction_df = cached(queries.jurisdiction_options)
    registry_list = cached(queries.registry_options)
    options = _period_options(first_date.year if first_date else None, today)
    # Prefill from the sidebar's filters: its period when a briefing can use it, else a range.
    if f.period in options:
        default_period = f.period
    elif f.start is not None and f.end is not None:
        default_period = "custom"
    else:
        default_period = "last-month"

    left, right = st.columns(2)
    with left:
        choice = st.selectbox(
            t("briefing_period"),
            options,
            index=options.index(default_period),
            format_func=_period_label,
            key="br_period",
        )
        if choice == "custom":
            col_from, col_to = st.columns(2)
            start = col_from.date_input(t("briefing_from"), value=f.start or EPOCH, min_value=EPOCH, key="br_from")
            end = col_to.date_input(t("briefing_to"), value=f.end or today, min_value=EPOCH, key="br_to")
            start, end = min(start, end), max(start, end)
            period = briefing.parse_period(f"{start.isoformat()}..{end.isoformat()}", today)
        else:
            period = briefing.parse_period(choice, today)
        threshold = st.slider(t("briefing_threshold"), 0, 100, 80, step=5, format="%d%%", key="br_threshold")
    with right:
        jurisdictions = ui.jurisdiction_picker(
            t("briefing_jurisdictions"),
            jurisdiction_df,
            lang,
            key="br_jur",
            placeholder=t("briefing_all"),
            default=[c for c in f.jurisdictions if c in set(jurisdiction_df["jurisdiction_code"])],
        )
        lists = st.multiselect(
            t("briefing_lists"),
            registry_list,
            default=[r for r in f.registries if r in registry_list],
            format_func=lambda r: vocab("registry", r, lang),
            placeholder=t("briefing_all"),
            key="br_reg",
        )
        categories = st.multiselect(
            t("briefing_categories"),
            list(briefing.CATEGORIES),
            default=[c for c in f.categories if c in briefing.CATEGORIES],
            format_func=lambda c: vocab("category", c, lang),
            placeholder=t("briefing_all"),
            key="br_cat",
        )
        provider = st.text_input(t("briefing_provider"), value=f.provider, max_chars=100, key="br_q")
        sectors, ownership = _sector_and_ownership()

    chosen = briefing.make_filters(
        period,
        jurisdictions=jurisdictions,
        registries=lists,
        categories=categories,
        provider=provider,
        sectors=sectors,
        ownership=ownership,
        today=today,
    )
    bundle = cached(briefing.build_bundle, chosen, threshold=threshold / 100)

    manifest = pd.read_csv(
        io.BytesIO(bundle.files["manifest.csv"]), encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    facts = {(r.section, r.name): r.value for r in manifest.itertuples()}
    st.caption(
        ui.md_escape(
            t(
                "briefing_as_of",
                start=facts[("period", "start_date")],
                end=facts[("period", "end_date")],
                prev_start=facts[("period", "previous_start_date")],
                prev_end=facts[("period", "previous_end_date")],
                as_of=facts[("data", "oldest_as_of")],
                load_id=facts[("data", "load_id")],
            )
        )
    )
    for text in manifest[manifest["section"] == "attribution"].itertuples():
        st.caption(ui.md_escape(t("attribution", source=text.name, text=text.value)))
    st.download_button(
        t("briefing_download_bundle"),
        data=bundle.data,
        file_name=bundle.name,
        mime="application/zip",
        key="br_dl_bundle",
        on_click="ignore",
        icon=":material/folder_zip:",
        type="primary",
    )

    for name in briefing.FILES:
        rows = bundle.rows.get(name)
        st.subheader(t("briefing_summary") if name == "summary.csv" else name)
        if rows == 0:
            st.info(t("briefing_no_rows"))
        elif rows is not None:
            shown = min(rows, PREVIEW_ROWS) if name != "summary.csv" else rows
            preview = pd.read_csv(
                io.BytesIO(bundle.files[name]), encoding="utf-8-sig", nrows=shown, dtype=str, keep_default_na=False
            )
            st.dataframe(preview, hide_index=True)
            if name != "summary.csv":
                st.caption(t("briefing_rows", rows=f"{rows:,}", shown=shown))
        st.download_button(
            t("briefing_download_file", name=name),
            data=bundle.files[name],
            file_name=name,
            mime="text/csv",
            key=f"br_dl_{name}",
            on_click="ignore",
            icon=":material/download:",
        )
except WarehouseMissing as exc:
    ui.warehouse_missing(exc, t)
except briefing.BriefingError as exc:
    st.error(t("briefing_failed", error=str(exc)))
