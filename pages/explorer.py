"""Explorer: search registrations, providers and incidents in server-side pages, and open a
provider's full record: filings in every list, cancellations, incidents, consent, aliases."""

import streamlit as st

from core.connection import WarehouseMissing
from dashboard import queries, ui
from dashboard.cache import cached

f, t = ui.context()
ui.header(t, "page_explorer", "explorer_intro")
PAGE_SIZE = 50
PROVIDER_KEY = "exp_provider"


def _open_provider() -> None:
    # A row picked in the providers table opens its detail below.
    event = st.session_state.get("exp_providers_table") or {}
    rows = (event.get("selection") or {}).get("rows") or []
    current = st.session_state.get("_exp_provider_rows")
    if rows and current is not None and rows[0] < len(current):
        st.session_state[PROVIDER_KEY] = current[rows[0]]


try:
    tab = st.segmented_control(
        t("search"),
        options=["registrations", "providers", "incidents"],
        format_func=lambda k: t(f"tab_{k}"),
        default="registrations",
        key="exp_tab",
        required=True,
        label_visibility="collapsed",
    )
    if tab == "registrations":
        search = st.text_input(t("search_registrations"), key="exp_search_reg", max_chars=100)
        _, total = cached(queries.registrations_page, f, search, 0, 1)
        if total == 0:
            ui.empty(t, "no_registrations")
        else:
            page = ui.pager("exp_reg_page", total, PAGE_SIZE, t)
            rows, _ = cached(queries.registrations_page, f, search, page, PAGE_SIZE)
            ui.table(rows, key="exp_reg_table")
            ui.download(rows, "registrations_page", "exp_reg", t)
    elif tab == "providers":
        search = st.text_input(t("search_providers"), key="exp_search_prov", max_chars=100)
        _, total = cached(queries.providers_page, f, search, 0, 1)
        if total == 0:
            ui.empty(t, "nothing_found")
        else:
            page = ui.pager("exp_prov_page", total, PAGE_SIZE, t)
            rows, _ = cached(queries.providers_page, f, search, page, PAGE_SIZE)
            st.session_state["_exp_provider_rows"] = rows["provider_name"].tolist()
            ui.table(rows, key="exp_providers_table", on_select=_open_provider)
            ui.download(rows, "providers_page", "exp_prov", t)
    else:
        search = st.text_input(t("search_incidents"), key="exp_search_inc", max_chars=100)
        attribution = ui.show_attribution("incidents", t)
        _, total = cached(queries.incidents_page, f, search, 0, 1)
        if total == 0:
            ui.empty(t, "no_incidents")
        else:
            page = ui.pager("exp_inc_page", total, PAGE_SIZE, t)
            rows, _ = cached(queries.incidents_page, f, search, page, PAGE_SIZE)
            ui.table(rows, key="exp_inc_table")
            ui.download(rows, "incidents_page", "exp_inc", t, attribution)

    st.subheader(t("provider_detail"))
    name = st.text_input(t("provider_pick"), key=PROVIDER_KEY, help=t("provider_pick_help"), max_chars=200).strip()
    if name:
        detail = cached(queries.provider_detail, name)
        aliases = detail["aliases"]
        if aliases is None:
            st.caption(t("no_alias_table"))
        else:
            with st.expander(t("provider_aliases", n=len(aliases)), expanded=bool(len(aliases))):
                ui.table(aliases)
        sections = [
            ("provider_filings", "registrations"),
            ("provider_cancellations", "cancellations"),
            ("provider_incidents", "incidents"),
            ("provider_consent", "consent"),
        ]
        if not any(len(detail[part]) for _, part in sections):
            ui.empty(t, "nothing_found")
        for label, part in sections:
            frame = detail[part]
            with st.expander(t(label, n=f"{len(frame):,}"), expanded=part == "registrations" and len(frame) > 0):
                if frame.empty:
                    st.caption(t("nothing_found"))
                else:
                    ui.table(frame)
                    extra = ui.show_attribution("incidents", t) if part == "incidents" else []
                    ui.download(frame, f"provider_{part}", f"exp_detail_{part}", t, extra)
except WarehouseMissing as exc:
    ui.warehouse_missing(exc, t)
