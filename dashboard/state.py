"""Filter state in the Streamlit session and in the URL.

The sidebar widgets hold the state; the URL mirrors it. A URL is applied when a session starts
(a shared link) and whenever it changes to something this session did not write (back/forward,
a link from another page). Page switches that drop the query string keep the session's filters.
After the widgets run, the canonical URL for the current filters is written back.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import streamlit as st

from dashboard.filters import (
    DEFAULT_PERIOD,
    EPOCH,
    Filters,
    current_date,
    parse_query_params,
    period_presets,
    to_query_params,
)

K_LANG, K_PERIOD, K_FROM, K_TO, K_JUR, K_REG, K_Q, K_CAT, K_SHOW, K_SECTOR, K_OWN, K_SEGMENT = (
    "f_lang",
    "f_period",
    "f_from",
    "f_to",
    "f_jur",
    "f_reg",
    "f_q",
    "f_cat",
    "f_show",
    "f_sector",
    "f_own",
    "f_segment",
)
_WRITTEN = "_url_written"
_SYNCED = "_url_synced"
_NOTICES = "_url_notices"
_PARSED = "_url_parsed"
_FILTERS = "_filters"


def _load_widgets(f: Filters) -> None:
    ss = st.session_state
    ss[K_LANG] = f.lang
    ss[K_PERIOD] = f.period
    # The custom-range widgets accept EPOCH..today only; a preset such as this year ends later.
    ss[K_FROM] = _within(f.start or (f.today - timedelta(days=364)), f.today)
    ss[K_TO] = _within(f.end or f.today, f.today)
    ss[K_JUR] = list(f.jurisdictions)
    ss[K_REG] = list(f.registries)
    ss[K_Q] = f.provider
    ss[K_CAT] = list(f.categories)
    ss[K_SHOW] = f.show
    ss[K_SECTOR] = list(f.sectors)
    ss[K_OWN] = list(f.ownership)
    ss[K_SEGMENT] = f.segment


def apply_url(
    known_jurisdictions: list[str] | None,
    known_registries: list[str] | None,
    known_categories: list[str],
    known_sectors: list[str] | None = None,
    known_ownership: list[str] | None = None,
) -> None:
    """Load the URL into the widgets when it is new to this session; remember any notices."""
    ss = st.session_state
    current = st.query_params.to_dict()
    if _SYNCED in ss and (not current or current == ss.get(_WRITTEN)):
        return
    result = parse_query_params(
        current,
        known_jurisdictions=known_jurisdictions,
        known_registries=known_registries,
        known_categories=known_categories,
        known_sectors=known_sectors,
        known_ownership=known_ownership,
    )
    _load_widgets(result.filters)
    ss[_NOTICES] = result.notices
    ss[_PARSED] = result.filters
    ss[_SYNCED] = True


def reset() -> None:
    """Callback for the reset button: defaults, language kept."""
    lang = st.session_state.get(K_LANG, "en")
    _load_widgets(Filters(lang=lang).with_period(DEFAULT_PERIOD))


def _within(day: date, today: date) -> date:
    return min(max(day, EPOCH), today)


def clamp_custom_range(today: date) -> None:
    """Keep the custom range inside the date widgets' EPOCH..today, whatever set it (a URL, a
    clicked month, a preset, or a session left open past midnight): a value outside would raise
    StreamlitValueAboveMaxError in the widget."""
    ss = st.session_state
    for key in (K_FROM, K_TO):
        if isinstance(ss.get(key), date):
            ss[key] = _within(ss[key], today)


def set_period_range(start: date, end: date) -> None:
    """Callback helper: focus the period on a range (e.g. a clicked month)."""
    today = current_date()
    st.session_state[K_PERIOD] = "custom"
    st.session_state[K_FROM] = _within(start, today)
    st.session_state[K_TO] = _within(end, today)


def set_values(key: str, values: list[str]) -> None:
    """Callback helper: replace a multiselect filter's values (e.g. a clicked province)."""
    st.session_state[key] = values


def period_options(first_year: int | None, today: date) -> list[str]:
    options = period_presets(first_year or today.year, today)
    current = st.session_state.get(K_PERIOD)
    if current and current not in options and current != "custom":
        options.append(current)
    return [*options, "custom"]


def current_filters() -> Filters:
    """Filters from the widget values (after the sidebar ran)."""
    ss = st.session_state
    base = Filters(
        jurisdictions=tuple(sorted(ss.get(K_JUR, []))),
        registries=tuple(sorted(ss.get(K_REG, []))),
        provider=(ss.get(K_Q) or "").strip()[:100],
        categories=tuple(sorted(ss.get(K_CAT, []))),
        show=ss.get(K_SHOW) or "",
        sectors=tuple(sorted(ss.get(K_SECTOR, []))),
        ownership=tuple(sorted(ss.get(K_OWN, []))),
        segment=tuple(ss.get(K_SEGMENT) or ()),
        lang=ss.get(K_LANG, "en"),
    )
    period = ss.get(K_PERIOD, DEFAULT_PERIOD)
    if period == "custom":
        start, end = ss.get(K_FROM) or EPOCH, ss.get(K_TO) or base.today
        start, end = min(start, end), max(start, end)
        return base.with_period("custom", max(start, EPOCH), end)
    try:
        return base.with_period(period)
    except ValueError:
        return base.with_period(DEFAULT_PERIOD)


def write_url(f: Filters) -> None:
    """Mirror the filters into the address bar so the view can be shared as a link."""
    ss = st.session_state
    qp = to_query_params(f)
    if st.query_params.to_dict() != qp:
        st.query_params.from_dict(qp)
    ss[_WRITTEN] = qp
    ss[_FILTERS] = f
    parsed = ss.get(_PARSED)
    if parsed is not None and replace(parsed, today=f.today) != f:
        ss[_NOTICES] = []  # the user has moved on from the link that had bad values


def notices() -> list[tuple[str, str]]:
    return list(st.session_state.get(_NOTICES, []))


def filters() -> Filters:
    """The filters the frame settled on for this run (pages read this)."""
    f = st.session_state.get(_FILTERS)
    return f if isinstance(f, Filters) else current_filters()
