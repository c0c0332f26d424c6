"""Explorer: search registrations, providers and incidents in server-side pages, and open a
provider's full record: filings in every list, cancellations, incidents, consent, aliases."""

import streamlit as st

from core.connection import WarehouseMissing
from dashboard import queries, state, ui
from dashboard.cache import cached
from dashboard.filters import NOT_STATED, SEGMENT_KEYS
from dashboard.i18n import vocab

f, t = ui.context()
ui.header(t, "page_explorer", "explorer_intro")
PAGE_SIZE = 50
PROVIDER_KEY = "exp_provider"
# One block serves every tab: its words and widget keys.
TABS = {
    "registrations": {
        "label": "search_registrations",
        "search_key": "exp_search_reg",
        "empty": "no_registrations",
        "pager_key": "exp_reg_page",
        "table_key": "exp_reg_table",
        "download_key": "exp_reg",
    },
    "providers": {
        "label": "search_providers",
        "search_key": "exp_search_prov",
        "empty": "nothing_found",
        "pager_key": "exp_prov_page",
        "table_key": "exp_providers_table",
        "download_key": "exp_prov",
    },
    "incidents": {
        "label": "search_incidents",
        "search_key": "exp_search_inc",
        "empty": "no_incidents",
        "pager_key": "exp_inc_page",
        "table_key": "exp_inc_table",
        "download_key": "exp_inc",
    },
}


def _open_provider() -> None:
    # A row picked in the providers table opens its detail below.
    event = st.session_state.get("exp_providers_table") or {}
    rows = (event.get("selection") or {}).get("rows") or []
    current = st.session_state.get("_exp_provider_rows")
    if rows and current is not None and rows[0] < len(current):
        st.session_state[PROVIDER_KEY] = current[rows[0]]


SHOW_TAB = {"active": "registrations", "new": "registrations", "cancelled": "registrations", "providers": "providers"}
SHOW_LABEL = {
    "active": "kpi_active",
    "new": "kpi_new",
    "cancelled": "kpi_cancelled",
    "providers": "providers_active",
    "incident": "kpi_incidents",
    "enforcement": "kpi_enforcement",
    "record-month": "drill_record_month",
    "incident-month": "drill_incident_month",
    "enforcement-month": "drill_enforcement_month",
}


# A chart part's own dimension (Filters.segment): the vocabulary that labels its value.
SEGMENT_VOCAB = {"rcat": "category_cac", "role": "role", "list": "registry", "kind": "kind", "sev": "severity"}


def _clear_show() -> None:
    st.session_state[state.K_SHOW] = ""
    st.session_state[state.K_SEGMENT] = ()


def _segment_label(key: str, value: str) -> str:
    shown = None if value == NOT_STATED else value
    return vocab(SEGMENT_VOCAB[key], shown, f.lang) if key in SEGMENT_VOCAB else str(value)


def drilldown_note() -> None:
    """A link from a KPI card or a chart mark lists exactly the records it counted (URL `show`,
    and a stacked part's own value): say so, open the right tab once, and offer the way back to
    every record."""
    if not f.show and not f.segment:
        st.session_state.pop("_exp_show", None)
        return
    if f.show and st.session_state.get("_exp_show") != f.show:
        st.session_state["exp_tab"] = SHOW_TAB.get(f.show, "incidents")
        st.session_state["_exp_show"] = f.show
    if f.show.startswith("penalty-"):
        what = t("kpi_penalties_in", currency=f.show.removeprefix("penalty-").removesuffix("-month"))
    elif f.show:
        what = t(SHOW_LABEL[f.show])
    else:
        what = ""
    parts = [_segment_label(k, v) for k, v in sorted(f.segment, key=lambda kv: SEGMENT_KEYS.index(kv[0]))]
    what = " · ".join(p for p in [what, *parts] if p)
    st.info(t("drilldown_active", what=ui.md_escape(what)))
    st.button(t("drilldown_clear"), key="exp_show_clear", on_click=_clear_show)


def _ownership(ownership) -> None:
    """The provider's ownership type and how it was decided (one line per matching name)."""
    for row in ownership.itertuples():
        kind = vocab("ownership", row.ownership_type, f.lang)
        st.markdown(ui.md_escape(t("provider_ownership", kind=kind)) + " · " + ui.md_escape(row.ownership_basis))


try:
    drilldown_note()
    tab = st.segmented_control(
        t("search"),
        options=list(TABS),
        format_func=lambda k: t(f"tab_{k}"),
        default="registrations",
        key="exp_tab",
        required=True,
        label_visibility="collapsed",
    )
    spec = TABS[tab]
    search = st.text_input(t(spec["label"]), key=spec["search_key"], max_chars=100)
    attribution = ui.show_attribution("incidents", t) if tab == "incidents" else []
    total = cached(queries.search_count, tab, f, search)
    if total == 0:
        ui.empty(t, spec["empty"])
    else:
        page = ui.pager(spec["pager_key"], total, PAGE_SIZE, t)
        rows = cached(queries.search_rows, tab, f, search, page, PAGE_SIZE)
        if tab == "providers":
            st.session_state["_exp_provider_rows"] = rows["provider_name"].tolist()
            ui.table(rows, key=spec["table_key"], on_select=_open_provider)
        else:
            ui.table(rows, key=spec["table_key"])
        ui.download(rows, f"{tab}_page", spec["download_key"], t, attribution)

    st.subheader(t("provider_detail"))
    name = st.text_input(t("provider_pick"), key=PROVIDER_KEY, help=t("provider_pick_help"), max_chars=200).strip()
    if name:
        detail = cached(queries.provider_detail, name)
        _ownership(detail["ownership"])
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
