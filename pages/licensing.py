"""Licensing trends: filings over time, active registrations, where, what, who, what changed."""

import pandas as pd
import streamlit as st

from core.connection import WarehouseMissing
from dashboard import charts, drill, queries, state, ui
from dashboard.cache import cached
from dashboard.filters import NOT_STATED
from dashboard.formatting import format_value
from dashboard.i18n import vocab

f, t = ui.context()
ui.header(t, "page_licensing", "licensing_intro")


def _pick_jurisdiction(key: str) -> None:
    codes = [c for c in ui.selected_custom(key) if c]
    if codes:
        state.set_values(state.K_JUR, sorted(codes))


def _jurisdiction_label(row: object) -> str:
    name = row.jurisdiction_name if f.lang == "zh" else row.jurisdiction_name_en  # type: ignore[attr-defined]
    return str(name) if isinstance(name, str) else (row.jurisdiction_code or t("unknown"))  # type: ignore[attr-defined]


def _value(frame: pd.DataFrame, column: str, key: object, value: str) -> int:
    """The value of the mark whose `column` is `key` (summed over its stacked parts)."""
    return int(frame.loc[frame[column] == key, value].sum())


def _active_in(frame: pd.DataFrame, custom: list) -> tuple | None:
    """A province's records: registrations active at the period end there."""
    code = custom[0]
    if not isinstance(code, str) or not code:
        return None  # the "unknown province" mark has no filter value
    name = frame.loc[frame["jurisdiction_code"] == code, "jurisdiction_label"]
    if name.empty:
        return None  # a mark remembered from before the filters changed
    what = str(name.iloc[0])
    return drill.active_in_jurisdiction(f, code), _value(frame, "jurisdiction_code", code, "active_count"), what


def _filed_in(frame: pd.DataFrame, custom: list) -> tuple | None:
    """A part of a month's bar: the month's filings of one list and kind (the stacked series)."""
    month, registry, kind = pd.Timestamp(custom[0]), custom[1], custom[2]
    rows = frame[(frame["month_date"] == month) & (frame["registry"] == registry) & (frame["kind"] == kind)]
    if rows.empty:
        return None  # a mark remembered from before the filters changed
    what = f"{month:%Y-%m} · {rows['series'].iloc[0]}"
    return drill.filed_in_month(f, month, registry, kind), int(rows["filing_count"].sum()), what


def _filed_in_sector_month(frame: pd.DataFrame, custom: list) -> tuple | None:
    month, sector = pd.Timestamp(custom[0]), custom[1]
    rows = frame[(frame["month_date"] == month) & (frame["sector"] == sector)]
    if rows.empty:
        return None
    what = f"{month:%Y-%m} · {rows['sector_label'].iloc[0]}"
    return drill.filed_in_sector_month(f, month, sector), int(rows["filing_count"].sum()), what


def _by_list(categories: pd.DataFrame, column: str, vocabulary: str, label: str) -> pd.DataFrame:
    """Filings by category (or provider role) and the list that speaks for each number, one row
    per stacked part; `mark` numbers the parts, so a click hands back a number, never a name
    from a source."""
    parts = (
        categories.assign(**{column: categories[column].fillna(NOT_STATED)})
        .groupby([column, "registry"], as_index=False)["filing_count"]
        .sum()
        .sort_values(["filing_count", column, "registry"], ascending=[False, True, True], ignore_index=True)
    )
    return parts.assign(
        **{label: [vocab(vocabulary, None if v == NOT_STATED else v, f.lang) for v in parts[column]]},
        registry_label=[vocab("registry", r, f.lang) for r in parts["registry"]],
        mark=range(len(parts)),
    )


def _filed_in_part(parts: pd.DataFrame, column: str, label: str, custom: list) -> tuple | None:
    """A stacked part of the category or role bars: exactly that category (or role) and list."""
    rows = parts[parts["mark"] == custom[0]]
    if rows.empty:
        return None
    row = rows.iloc[0]
    link = drill.filed_in_category if column == "category" else drill.filed_by_role
    return link(f, row[column], row["registry"]), int(row["filing_count"]), f"{row[label]} · {row['registry_label']}"


def _active_at(frame: pd.DataFrame, custom: list) -> tuple | None:
    day = pd.Timestamp(custom[0])
    if not (frame["month_end_date"] == day).any():
        return None
    n = _value(frame, "month_end_date", day, "active_count")
    return drill.active_at(f, day), n, t("drill_active_on", day=f"{day:%Y-%m-%d}")


def _filed_in_sector(frame: pd.DataFrame, custom: list) -> tuple | None:
    sector = custom[0]
    if not sector or not (frame["sector"] == sector).any():
        return None
    n = _value(frame, "sector", sector, "filing_count")
    return drill.filed_in_sector(f, sector), n, vocab("sector", sector, f.lang)


def _active_of(frame: pd.DataFrame, custom: list) -> tuple | None:
    # The bar carries its rank, not the name: a name from a source never travels raw in a chart.
    rows = frame[frame["provider_rank"] == custom[0]]
    if rows.empty:
        return None
    provider = str(rows["provider_name"].iloc[0])
    return drill.active_of_provider(f, provider), int(rows["active_count"].iloc[0]), provider


def official_totals_section() -> None:
    """Against the official totals: the lists' cumulative counts at each official date."""
    st.subheader(t("official_title"))
    rows = cached(queries.official_totals_reconciliation, f)
    if rows.empty:
        st.info(t("official_none"))
        return
    st.caption(t("official_intro"))
    ui.table(rows, key="lic_official_table")
    st.caption(t("official_explain"))
    ui.download(rows, "official_totals_reconciliation", "lic_official", t)


def _pick_sector(key: str) -> None:
    sectors = [s for s in ui.selected_custom(key) if s]
    if sectors:
        state.set_values(state.K_SECTOR, sorted(sectors))


def _sectors_section() -> None:
    """What is being licensed: filings by sector over time, and the sectors ranked for the period."""
    st.subheader(t("sectors_title"))
    st.caption(t("sectors_caption"))
    by_month = cached(queries.filings_by_sector_month, f)
    by_month = by_month.assign(sector_label=[vocab("sector", s, f.lang) for s in by_month["sector"]])
    ranked = cached(queries.sectors_ranked, f)
    ranked = ranked.assign(sector_label=[vocab("sector", s, f.lang) for s in ranked["sector"]])
    left, right = st.columns([3, 2])
    with left:
        ui.chart_or_empty(
            by_month,
            lambda df: charts.bar_chart(
                df,
                x="month_date",
                y="filing_count",
                color="sector_label",
                title=t("sectors_by_month_title"),
                lang=f.lang,
                custom=["month_date", "sector"],
            ),
            key="lic_sector_month",
            t=t,
            empty_key="no_registrations",
            file_stem="filings_by_sector_month",
            records=lambda custom: _filed_in_sector_month(by_month, custom),
        )
    with right:
        ui.chart_or_empty(
            ranked,
            lambda df: charts.bar_chart(
                df,
                x="filing_count",
                y="sector_label",
                orientation="h",
                title=t("sectors_ranked_title"),
                lang=f.lang,
                hover=["sector_share_pct", "previous_filing_count"],
                custom=["sector"],
                height=460,
            ),
            key="lic_sector_rank",
            t=t,
            empty_key="no_registrations",
            file_stem="sectors_ranked",
            on_select=lambda: _pick_sector("lic_sector_rank"),
            records=lambda custom: _filed_in_sector(ranked, custom),
        )


def _ownership_section() -> None:
    """Who holds them: filings by the provider's ownership type."""
    st.subheader(t("ownership_title"))
    st.caption(t("ownership_caption"))
    owners = cached(queries.filings_by_ownership, f)
    owners = owners.assign(ownership_label=[vocab("ownership", o, f.lang) for o in owners["ownership_type"]])
    ui.chart_or_empty(
        owners,
        lambda df: charts.bar_chart(
            df,
            x="filing_count",
            y="ownership_label",
            orientation="h",
            title=t("ownership_title"),
            lang=f.lang,
            hover=["provider_count"],
            height=260,
        ),
        key="lic_ownership",
        t=t,
        empty_key="no_registrations",
        file_stem="filings_by_ownership",
    )


try:
    kpi = cached(queries.registration_kpis, f)
    providers = cached(queries.top_providers, f, 20)
    top10 = providers.head(10)["share_pct"].sum() if len(providers) else None
    c1, c2, c3, c4 = st.columns(4)
    for column, (key, value_column, show) in zip(
        (c1, c2, c3),
        (
            ("kpi_active", "active_count", "active"),
            ("kpi_new", "new_count", "new"),
            ("kpi_cancelled", "cancelled_count", "cancelled"),
        ),
        strict=True,
    ):
        with column:
            st.metric(t(key), format_value(value_column, kpi[value_column]), border=True)
            ui.records_link(show, t)
    with c4:
        st.metric(
            t("providers_active"),
            format_value("provider_count", int(providers["provider_count"].iloc[0]) if len(providers) else 0),
            border=True,
        )
        ui.records_link("providers", t)

    # Main chart: the map. Clicking a province filters every chart on the page (and the URL).
    by_jurisdiction = cached(queries.registrations_by_jurisdiction, f)
    if int(by_jurisdiction["active_count"].sum()) == 0 and int(by_jurisdiction["filing_count"].sum()) == 0:
        ui.empty(t, "no_registrations")
    else:
        by_jurisdiction = by_jurisdiction.assign(
            jurisdiction_label=[_jurisdiction_label(r) for r in by_jurisdiction.itertuples()],
            tile_label=[
                (
                    str(r.jurisdiction_name)[:2]
                    if f.lang == "zh" and isinstance(r.jurisdiction_name, str)
                    else str(r.jurisdiction_code or "?").removeprefix("CN-")
                )
                for r in by_jurisdiction.itertuples()
            ],
        )
        left, right = st.columns([3, 2])
        with left:
            ui.chart_or_empty(
                by_jurisdiction,
                lambda df: charts.tile_map(
                    df,
                    code="jurisdiction_code",
                    value="active_count",
                    name="jurisdiction_label",
                    label="tile_label",
                    title=t("jurisdiction_map_title"),
                    lang=f.lang,
                    selected=f.jurisdictions,
                ),
                key="lic_map",
                t=t,
                empty_key=None,  # cannot be empty here: checked above
                file_stem="registrations_by_jurisdiction",
                on_select=lambda: _pick_jurisdiction("lic_map"),
                records=lambda custom: _active_in(by_jurisdiction, custom),
            )
            st.caption(t("click_to_filter"))
        with right:
            ui.chart_or_empty(
                by_jurisdiction[by_jurisdiction["active_count"] > 0].head(15),
                lambda df: charts.bar_chart(
                    df,
                    x="active_count",
                    y="jurisdiction_label",
                    orientation="h",
                    title=t("jurisdiction_bar_title"),
                    lang=f.lang,
                    hover=["filing_count"],
                    custom=["jurisdiction_code"],
                    height=460,
                ),
                key="lic_jur_bar",
                t=t,
                empty_key="no_active",
                file_stem="jurisdictions_ranked",
                on_select=lambda: _pick_jurisdiction("lic_jur_bar"),
                records=lambda custom: _active_in(by_jurisdiction, custom),
            )

    filings = cached(queries.filings_by_month, f)
    filings = filings.assign(
        series=[
            f"{vocab('registry', r, f.lang)} · {vocab('kind', k, f.lang)}"
            for r, k in zip(filings["registry"], filings["kind"], strict=True)
        ]
    )
    ui.chart_or_empty(
        filings,
        lambda df: charts.bar_chart(
            df,
            x="month_date",
            y="filing_count",
            color="series",
            title=t("filings_by_month_title"),
            lang=f.lang,
            custom=["month_date", "registry", "kind"],
        ),
        key="lic_filings",
        t=t,
        empty_key="no_registrations",
        file_stem="filings_by_month",
        records=lambda custom: _filed_in(filings, custom),
    )

    active = cached(queries.active_registrations_by_month, f)
    ui.chart_or_empty(
        active,
        lambda df: charts.line_chart(
            df,
            x="month_end_date",
            y="active_count",
            title=t("active_by_month_title"),
            lang=f.lang,
            hover=["filed_count", "cancelled_count"],
            custom=["month_end_date"],
        ),
        key="lic_active",
        t=t,
        empty_key=None,  # the filings chart above already says when nothing is in scope
        file_stem="active_registrations_by_month",
        records=lambda custom: _active_at(active, custom),
    )

    categories = cached(queries.registrations_by_category, f)
    if not categories.empty:
        left, right = st.columns(2)
        for column, (field, vocabulary, label, key, stem) in zip(
            (left, right),
            (
                ("category", "category_cac", "category_label", "lic_category", "filings_by_category"),
                ("provider_role", "role", "role_label", "lic_role", "filings_by_role"),
            ),
            strict=True,
        ):
            parts = _by_list(categories, field, vocabulary, label)
            with column:
                ui.chart_or_empty(
                    parts,
                    lambda df, label=label, key=key: charts.bar_chart(
                        df,
                        x="filing_count",
                        y=label,
                        color="registry_label",
                        orientation="h",
                        title=t("category_title" if key == "lic_category" else "role_title"),
                        lang=f.lang,
                        custom=["mark"],
                    ),
                    key=key,
                    t=t,
                    empty_key=None,
                    file_stem=stem,
                    data=parts[[label, "registry_label", "filing_count"]],
                    records=lambda custom, parts=parts, field=field, label=label: _filed_in_part(
                        parts, field, label, custom
                    ),
                )

    _sectors_section()
    _ownership_section()

    if len(providers):
        st.markdown(
            t(
                "top10_share",
                providers=f"{int(providers['provider_count'].iloc[0]):,}",
                share=format_value("share_pct", top10),
                total=f"{int(providers['total_active_count'].iloc[0]):,}",
            )
        )
    ui.chart_or_empty(
        providers,
        lambda df: charts.bar_chart(
            df,
            x="share_pct",
            y="provider_name",
            orientation="h",
            title=t("providers_title"),
            lang=f.lang,
            hover=["active_count"],
            custom=["provider_rank"],
            height=520,
        ),
        key="lic_providers",
        t=t,
        empty_key=None,
        file_stem="top_providers",
        records=lambda custom: _active_of(providers, custom),
    )

    st.subheader(t("changes_title"))
    changes = cached(queries.registration_changes_by_type, f)
    if changes.empty:
        ui.empty(t, "no_registrations")
    else:
        previous = changes["previous_load_id"].dropna()
        st.caption(
            ui.md_escape(t("changes_since", load=previous.iloc[0])) if len(previous) else t("changes_first_load")
        )
        cols = st.columns(max(len(changes), 1))
        for col, row in zip(cols, changes.itertuples(), strict=False):
            # Metric labels are markdown; the change type is a warehouse value.
            label = ui.md_escape(vocab("change_type", row.change_type, f.lang))
            col.metric(label, f"{row.change_count:,}", border=True)
        change_type = st.segmented_control(
            t("change_filter"),
            options=changes["change_type"].tolist(),
            format_func=lambda c: ui.md_escape(vocab("change_type", c, f.lang)),  # options are markdown
            key="lic_change_type",
        )
        rows = cached(queries.registration_changes_rows, f, change_type or "", 200)
        ui.table(rows, key="lic_changes_table", height=300)
        ui.download(rows, "registration_changes", "lic_changes", t)

    official_totals_section()
except WarehouseMissing as exc:
    ui.warehouse_missing(exc, t)
