"""Streamlit building blocks shared by the pages: headers, charts with downloads, tables,
pagers, KPI cards, empty states and attribution. Pages lay these out; they hold no SQL.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.connection import WarehouseMissing, WarehouseOutdated
from dashboard import queries, state
from dashboard.cache import cached
from dashboard.export import to_csv_bytes
from dashboard.filters import Filters
from dashboard.formatting import column_config, format_change, format_value, show_controls
from dashboard.i18n import column_labels, translator
from dashboard.kpis import Kpi, kpi_label
from dashboard.pages import BY_KEY

SMALL_N = 30
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "responsive": True}
_WEB_URL = re.compile(r"^https?://[^\s<>\"']+$", re.I)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: object) -> str:
    """Text from a source or config, made inert for markdown (no links, no emphasis, no HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", show_controls(str(text)))


FRAME_RAN = "_frame_ran"


def context() -> tuple[Filters, Callable[..., str]]:
    # A page runs only inside the frame (app.py: sign-in gate, filters, URL state). Started with
    # `streamlit run app.py` instead of `python -m dashboard.serve`, Streamlit's legacy pages/
    # mode can run a page file on its own for the first deep link; that run shows nothing.
    if not st.session_state.get(FRAME_RAN):
        st.warning("Open the dashboard from its start page. Start the server with: python -m dashboard.serve")
        st.stop()
    f = state.filters()
    return f, translator(f.lang)


# Set by the frame (app.py) when the warehouse lacks tables or columns this version reads.
OUTDATED = "_warehouse_outdated"


def header(t: Callable[..., str], title_key: str, intro_key: str) -> None:
    """Page title and intro, preceded by the frame's messages: the sample-data banner and a
    notice listing any URL parameters that were ignored."""
    if st.session_state.get("_is_sample"):
        st.info(t("sample_banner"), icon=":material/science:")
    if bad := state.notices():
        items = ", ".join(f"{t('url_key.' + key)}={value}" for key, value in bad)
        st.warning(md_escape(t("url_notice", items=items)), icon=":material/link_off:")
    st.title(t(title_key))
    st.caption(t(intro_key))
    if outdated := st.session_state.get(OUTDATED):
        # The frame found a build by an older version: say how to rebuild it, and stop here
        # rather than draw a page from half the tables it needs.
        warehouse_missing(outdated, t)
        st.stop()


def warehouse_missing(exc: WarehouseMissing, t: Callable[..., str]) -> None:
    if isinstance(exc, WarehouseOutdated):
        st.info(t("warehouse_outdated", path=str(exc.path), missing=", ".join(exc.missing[:5])))
    else:
        st.info(t("warehouse_missing", path=str(exc.path)))
    st.code(f"python -m etl run --sources data/sources.toml --db {exc.path}\n# or: make run", language="bash")


def empty(t: Callable[..., str], key: str) -> None:
    st.info(t(key))


def attributions(entity: str) -> list[tuple[str, str]]:
    df = cached(queries.source_attributions)
    rows = df[df["entity"] == entity]
    return [(r.source, r.attribution) for r in rows.itertuples()]


def show_attribution(entity: str, t: Callable[..., str]) -> list[str]:
    """Caption the licence text of every source feeding this entity; returns it for exports."""
    texts = []
    for source, text in attributions(entity):
        st.caption(md_escape(t("attribution", source=source, text=text)))
        texts.append(f"{source}: {text}")
    return texts


def small_n(t: Callable[..., str], n: int | float | None) -> None:
    if n is not None and 0 < n < SMALL_N:
        st.warning(t("small_n", n=int(n)))


def _lang() -> str:
    return st.session_state.get(state.K_LANG) or "en"


def _labelled_csv(df: pd.DataFrame, lang: str, attribution: tuple[str, ...]) -> bytes:
    return to_csv_bytes(df.rename(columns=column_labels(df.columns, lang)), attribution)


def download(
    df: pd.DataFrame, file_stem: str, key: str, t: Callable[..., str], attribution: Iterable[str] = ()
) -> None:
    """A CSV of `df` with the column labels of the page's language as headers."""
    st.download_button(
        t("download_csv"),
        # Deferred: the CSV is written only when someone clicks, not on every rerun of the page.
        data=partial(_labelled_csv, df, _lang(), tuple(attribution)),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"dl_{key}",
        on_click="ignore",
        icon=":material/download:",
    )


# A chart's mark -> the Explorer filters listing its records, the mark's value and a short text
# naming it (dashboard/drill.py); None when the mark has no such list.
MarkRecords = Callable[[list[Any]], tuple[Filters, int, str] | None]


def _chart(
    fig: go.Figure,
    data: pd.DataFrame,
    *,
    key: str,
    t: Callable[..., str],
    file_stem: str | None = None,
    on_select: Callable[[], None] | None = None,
    attribution: Iterable[str] = (),
    records: MarkRecords | None = None,
) -> None:
    """A chart, its data as CSV, (when given) a click handler that filters the page, and (when
    `records` is given) under it a link to the Explorer listing the records of the clicked mark."""
    handler: Callable[[], None] | str = on_select if on_select is not None else "ignore"
    if records is not None:
        handler = partial(_remember_mark, key, on_select)
    st.plotly_chart(
        fig,
        key=key,
        on_select=handler,
        selection_mode="points",
        config=PLOTLY_CONFIG,
        theme=None,
    )
    if records is not None:
        mark_link(key, records, t)
    download(data, file_stem or key, key, t, attribution)


def selected_customdata(key: str) -> list[Any] | None:
    """The customdata of the first point selected in chart `key`, or None."""
    event = st.session_state.get(key) or {}
    for point in (event.get("selection") or {}).get("points") or []:
        custom = point.get("customdata")
        if isinstance(custom, list | tuple):
            return list(custom)
    return None


def _remember_mark(key: str, on_select: Callable[[], None] | None) -> None:
    """A click on a chart: keep the clicked mark (a click that filters the page redraws the chart,
    which clears its selection), then run the page's own handler."""
    st.session_state[f"_mark_{key}"] = selected_customdata(key)
    if on_select is not None:
        on_select()


def mark_link(key: str, records: MarkRecords, t: Callable[..., str]) -> None:
    """Under a chart: "Open these N records in the Explorer" for the clicked mark, with the page's
    filters plus the mark's own dimension and `show` (the Explorer then lists exactly N rows);
    before any click, a hint that a click opens them."""
    custom = selected_customdata(key)
    if custom is None:
        custom = st.session_state.get(f"_mark_{key}")
    made = records(custom) if custom is not None else None
    if made is None:
        st.caption(t("mark_click_hint"))
        return
    from dashboard.filters import to_query_params

    linked, n, what = made
    st.page_link(
        BY_KEY["explorer"].file,
        label=t("open_mark_records", n=f"{n:,}", what=md_escape(what)),
        query_params=to_query_params(linked),
        icon=":material/table_rows:",
    )


def chart_or_empty(
    df: pd.DataFrame,
    build: Callable[[pd.DataFrame], go.Figure],
    *,
    key: str,
    t: Callable[..., str],
    empty_key: str | None,
    file_stem: str | None = None,
    on_select: Callable[[], None] | None = None,
    attribution: Iterable[str] = (),
    data: pd.DataFrame | None = None,
    records: MarkRecords | None = None,
) -> bool:
    """The one way a page draws a chart: the empty-state message `empty_key` when `df` has no
    rows (nothing when None: the page already says so), else the chart `build(df)` with its CSV
    download (`data`, when the table worth downloading is not the one drawn) and attribution.
    `records` (a mark's customdata -> its Explorer filters, value and name) adds the link to the
    records of the clicked mark. Returns whether a chart was drawn."""
    if df.empty:
        if empty_key is not None:
            empty(t, empty_key)
        return False
    _chart(
        build(df),
        df if data is None else data,
        key=key,
        t=t,
        file_stem=file_stem,
        on_select=on_select,
        attribution=attribution,
        records=records,
    )
    return True


def selected_custom(key: str, index: int = 0) -> list[Any]:
    """Values of customdata[index] for the points selected in chart `key` (for on_select)."""
    event = st.session_state.get(key) or {}
    points = (event.get("selection") or {}).get("points") or []
    out: list[Any] = []
    for point in points:
        custom = point.get("customdata")
        if isinstance(custom, list | tuple) and len(custom) > index and custom[index] not in out:
            out.append(custom[index])
    return out


def _text_cell(value: Any) -> Any:
    """A text column's cell as shown: blank when missing (None, pd.NA, or the NaN that pandas 3's
    str dtype holds for a missing value), bidirectional controls made visible."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return show_controls(value)


def table(
    df: pd.DataFrame,
    *,
    key: str | None = None,
    labels: dict[str, str] | None = None,
    height: int | str = "auto",
    on_select: Callable[[], None] | str = "ignore",
) -> Any:
    """A read-only table with the column labels of the page's language as headers, formats from
    the column suffixes and blanks for missing text. Cells are plain text or numbers: nothing
    from a source is rendered as markdown or HTML, and bidirectional controls are shown, not
    obeyed. Only a `url` column becomes a link, and only for http(s) addresses; any other scheme
    (javascript: …) is left blank."""
    shown = df.copy()
    for column in shown.columns:
        if column == "url" or column.endswith("_url"):
            shown[column] = shown[column].map(lambda v: v if isinstance(v, str) and _WEB_URL.match(v) else None)
        elif shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column]):
            shown[column] = shown[column].map(_text_cell)
    return st.dataframe(
        shown,
        hide_index=True,
        column_config=column_config(list(shown.columns), {**column_labels(shown.columns, _lang()), **(labels or {})}),
        key=key,
        height=height,
        on_select=on_select,
        selection_mode="single-row",
    )


def jurisdiction_picker(
    label: str,
    jurisdictions: pd.DataFrame | None,
    lang: str,
    *,
    key: str,
    placeholder: str,
    keep: Iterable[str] = (),
    **kwargs: Any,
) -> list[str]:
    """The jurisdiction multiselect (sidebar and Briefing): codes from jurisdiction_options,
    shown as "name (code)" in the page language. Codes in `keep` stay selectable even when
    this build does not know them (a shared link, a missing warehouse)."""
    if jurisdictions is None:
        names: dict[str, str] = {}
        options: list[str] = []
    else:
        name_column = "jurisdiction_name" if lang == "zh" else "jurisdiction_name_en"
        names = dict(zip(jurisdictions["jurisdiction_code"], jurisdictions[name_column], strict=True))
        options = jurisdictions["jurisdiction_code"].tolist()
    options += [code for code in keep if code not in options]
    return st.multiselect(
        label,
        options=options,
        format_func=lambda code: f"{names.get(code) or code} ({code})",
        key=key,
        placeholder=placeholder,
        **kwargs,
    )


def pager(key: str, total: int, page_size: int, t: Callable[..., str]) -> int:
    """A page number input; returns the 0-based page. Resets when the result size changes."""
    pages = max(1, -(-total // page_size))
    if st.session_state.get(f"{key}_total") != total:
        st.session_state[f"{key}_total"] = total
        st.session_state[key] = 1
    page = st.number_input(t("page"), min_value=1, max_value=pages, step=1, key=key)
    st.caption(t("page_of", page=page, pages=pages, total=f"{total:,}"))
    return int(page) - 1


def kpi_card(kpi: Kpi, t: Callable[..., str], lang: str, days: int | None) -> None:
    with st.container(border=True):
        delta = format_change(kpi.column, kpi.change, kpi.change_pct)
        # Counts are neither good nor bad when they rise, so they stay grey; coverage is.
        color = "off" if kpi.is_higher_better is None else "normal" if kpi.is_higher_better else "inverse"
        st.metric(
            kpi_label(kpi, t),
            format_value(kpi.column, kpi.value),
            delta=delta,
            delta_color=color,
            delta_description=t("previous_period", days=days) if days else None,
            help=None if days else t("no_previous"),
        )
        if kpi.key == "kpi_penalties" and kpi.n is not None:
            st.caption(t("kpi_penalties_n", n=f"{kpi.n:,}"))
        elif kpi.currency and kpi.n is not None:
            st.caption(t("kpi_penalties_in_n", n=f"{kpi.n:,}", currency=kpi.currency))
        elif kpi.key == "kpi_consent" and kpi.n is not None:
            st.caption(t("kpi_consent_n", n=f"{kpi.n:,}"))
            small_n(t, kpi.n)
        st.page_link(
            BY_KEY[kpi.page].file,
            label=t("open_page", page=t(BY_KEY[kpi.page].title_key)),
            query_params=_link_params(),
        )
        if kpi.drilldown:
            records_link(kpi.drilldown, t)


def records_link(show: str, t: Callable[..., str]) -> None:
    """A link to the Explorer listing exactly the records a figure counts (URL `show`)."""
    from dashboard.filters import to_query_params

    st.page_link(
        BY_KEY["explorer"].file,
        label=t("open_records"),
        query_params=to_query_params(replace(state.filters(), show=show, segment=())),
        icon=":material/table_rows:",
    )


def _link_params() -> dict[str, str]:
    from dashboard.filters import to_query_params

    return to_query_params(replace(state.filters(), show="", segment=()))


def imprecise_dates_note(counts: pd.DataFrame, t: Callable[..., str], *, penalties: bool = False) -> None:
    """Under a monthly chart: how many records it leaves out because their date is known only to
    the year, as a range or open-ended (queries.incidents_month_unknown). Nothing when none."""
    column = "penalty_record_count" if penalties else "record_count"
    n = int(counts[column].sum()) if len(counts) else 0
    if n:
        st.caption(t("imprecise_left_out", n=f"{n:,}"))
