"""The frame: page config, navigation, shared filter sidebar, data banners. No SQL.

Every run: check access (dashboard.access: sign-in and allowlist when [auth] is configured; no
page or query runs for anyone else), pin the warehouse build this run reads, apply the URL (on a
new session or a new link), draw the sidebar filters, write the canonical URL back, then run the
selected page. Pages read the settled filters from
dashboard.state.filters().
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.connection import WarehouseMissing, WarehouseOutdated, shared_connection
from core.schema import INCIDENT_CATEGORIES, OWNERSHIP_TYPES
from dashboard import access, queries, state, ui
from dashboard.cache import cached, pin_build
from dashboard.filters import LANGS, current_date
from dashboard.i18n import LANGS as LANG_NAMES
from dashboard.i18n import translator, vocab
from dashboard.pages import DEFAULT, PAGES

st.set_page_config(page_title="GenAI licensing dashboard", page_icon=":material/policy:", layout="wide")

# Before anything reads the warehouse: with [auth] configured, only allowed users get past here.
_url_lang = st.query_params.get("lang")
access.gate(st.session_state.get(state.K_LANG) or (_url_lang if _url_lang in LANGS else "en"))
pin_build()

# Vocabularies for checking URL values; None while the warehouse is missing (then any
# well-formed code is kept, and the pages explain how to build the warehouse).
try:
    # The frame's queries read the pinned build through one connection (core.connection).
    with shared_connection():
        jurisdiction_df = cached(queries.jurisdiction_options)
        registry_list = cached(queries.registry_options)
        first_date, _last_date = cached(queries.data_date_range)
        info = cached(queries.warehouse_info)
        freshness = cached(queries.source_freshness)
        sector_list = cached(queries.sector_options)
        missing: WarehouseMissing | None = None
except WarehouseMissing as exc:
    jurisdiction_df, registry_list, first_date, info, freshness, missing = None, None, None, {}, None, exc
    sector_list = None

state.apply_url(
    None if jurisdiction_df is None else jurisdiction_df["jurisdiction_code"].tolist(),
    registry_list,
    list(INCIDENT_CATEGORIES),
    sector_list,
    list(OWNERSHIP_TYPES),
)
lang = st.session_state.get(state.K_LANG, "en")
t = translator(lang)

with st.sidebar:
    st.segmented_control(
        t("language"),
        options=list(LANGS),
        format_func=lambda code: LANG_NAMES[code],
        key=state.K_LANG,
        required=True,
    )
    lang = st.session_state.get(state.K_LANG) or "en"
    t = translator(lang)
    st.subheader(t("filters"))

    today = current_date()

    def period_label(key: str) -> str:
        if key == "12m":
            return t("last_12m")
        if key == "all":
            return t("all_time")
        if key == "custom":
            return t("custom_range")
        return key.replace("-Q", " Q")

    st.selectbox(
        t("period"),
        options=state.period_options(first_date.year if first_date else None, today),
        format_func=period_label,
        key=state.K_PERIOD,
    )
    if st.session_state[state.K_PERIOD] == "custom":
        state.clamp_custom_range(today)
        col_from, col_to = st.columns(2)
        col_from.date_input(t("period_from"), key=state.K_FROM, min_value=date(1980, 1, 1), max_value=today)
        col_to.date_input(t("period_to"), key=state.K_TO, min_value=date(1980, 1, 1), max_value=today)

    ui.jurisdiction_picker(
        t("jurisdictions"),
        jurisdiction_df,
        lang,
        key=state.K_JUR,
        placeholder=t("jurisdictions_all"),
        keep=st.session_state.get(state.K_JUR, []),
    )
    registry_options = list(registry_list or [])
    registry_options += [r for r in st.session_state.get(state.K_REG, []) if r not in registry_options]
    st.multiselect(
        t("registries"),
        options=registry_options,
        format_func=lambda r: vocab("registry", r, lang),
        key=state.K_REG,
        placeholder=t("registries_all"),
    )
    st.text_input(t("provider_search"), key=state.K_Q, help=t("provider_search_help"), max_chars=100)
    sector_options = list(sector_list or [])
    sector_options += [s for s in st.session_state.get(state.K_SECTOR, []) if s not in sector_options]
    st.multiselect(
        t("sectors"),
        options=sector_options,
        format_func=lambda s: vocab("sector", s, lang),
        key=state.K_SECTOR,
        placeholder=t("sectors_all"),
        help=t("sectors_help"),
    )
    st.multiselect(
        t("ownership"),
        options=list(OWNERSHIP_TYPES),
        format_func=lambda o: vocab("ownership", o, lang),
        key=state.K_OWN,
        placeholder=t("ownership_all"),
        help=t("ownership_help"),
    )
    st.multiselect(
        t("ax_category"),
        options=list(INCIDENT_CATEGORIES),
        format_func=lambda c: vocab("category", c, lang),
        key=state.K_CAT,
        placeholder=t("all"),
        help=t("registry_not_applied"),
    )
    st.button(t("reset_filters"), on_click=state.reset, icon=":material/restart_alt:")

    filters = state.current_filters()
    state.write_url(filters)

    # Freshness: when each source's rows were loaded, from etl_runs via etl_sources.
    if freshness is not None and len(freshness):
        stamps = pd.to_datetime(freshness["data_as_of_at"], utc=True)
        newest = stamps.max()
        label = t("data_as_of", date=newest.strftime("%Y-%m-%d %H:%M UTC") if pd.notna(newest) else "—")
        # The build's load id, so a reader (and the soak test) can tell which build a page shows.
        label += f" · {t('load')} {info.get('load_id') or '—'}"
        with st.expander(label, icon=":material/schedule:"):
            for row, stamp in zip(freshness.itertuples(), stamps, strict=True):
                when = stamp.strftime("%Y-%m-%d %H:%M") if pd.notna(stamp) else t("never_loaded")
                st.caption(ui.md_escape(t("data_as_of_source", source=row.source, date=when)))

# The banner and URL notices are drawn by each page's header (dashboard.ui.header): elements the
# frame puts in the main area before page.run() do not survive reruns in Streamlit 1.67.
st.session_state["_is_sample"] = bool(info.get("is_sample"))
st.session_state[ui.OUTDATED] = missing if isinstance(missing, WarehouseOutdated) else None

navigation: dict[str, list] = {}
for spec in PAGES:
    navigation.setdefault(t(spec.section), []).append(
        st.Page(spec.file, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path, default=spec is DEFAULT)
    )
page = st.navigation(navigation)
st.session_state[ui.FRAME_RAN] = True


# The page's queries too share one connection, closed when the page's run ends.
with shared_connection():
    page.run()
