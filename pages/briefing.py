"""Briefing: pick a period and filters (prefilled from the sidebar), preview, download the ZIP
or single CSV files. The bytes come from dashboard.briefing, the same code as `python -m etl brief`.
"""

import io
from datetime import date

import pandas as pd
import streamlit as st

from core.connection import WarehouseMissing
from dashboard import briefing, queries, ui
from dashboard.cache import cached
from dashboard.filters import EPOCH, period_presets
from dashboard.i18n import vocab

# This page's own words (en, zh), kept here so the page is self-contained; shared words come
# from dashboard.i18n through t().
TEXT = {
    "title": ("Briefing", "简报"),
    "intro": (
        "A ZIP of CSV files for a period and filters: the overview KPIs with the previous period, new and "
        "cancelled registrations, incidents, consent gaps, counts by jurisdiction, and a manifest saying "
        "which data, which filters and as of when. UTF-8 with BOM, opens in Excel. The same files as "
        "`python -m etl brief`.",
        "按时间段和筛选条件生成的 CSV 压缩包：概览指标及上期对比、新增与注销备案、事件、同意缺口、按属地统计，"
        "以及说明数据来源、筛选条件和数据时点的清单。UTF-8（带 BOM），可直接用 Excel 打开。"
        "与 `python -m etl brief` 生成的文件相同。",
    ),
    "period": ("Briefing period", "简报时间段"),
    "custom": ("Custom range", "自定义范围"),
    "last-month": ("Last month", "上个月"),
    "last-quarter": ("Last quarter", "上个季度"),
    "last-year": ("Last year", "去年"),
    "from": ("From", "起始"),
    "to": ("To", "截止"),
    "jurisdictions": ("Jurisdictions", "属地"),
    "lists": ("Lists", "名单"),
    "categories": ("Incident categories", "事件类别"),
    "provider": ("Provider name contains", "提供者名称包含"),
    "threshold": ("Consent gap threshold", "同意缺口阈值"),
    "all": ("All", "全部"),
    "download_bundle": ("Download briefing (ZIP)", "下载简报（ZIP）"),
    "as_of": (
        "Period {start} to {end} (previous: {prev_start} to {prev_end}). Data as of {as_of} (oldest source), "
        "load {load_id}.",
        "时间段 {start} 至 {end}（上期：{prev_start} 至 {prev_end}）。"
        "数据时点 {as_of}（最早的数据源），加载批次 {load_id}。",
    ),
    "summary": ("Summary", "概览"),
    "rows": ("{rows} rows; the first {shown} are shown.", "共 {rows} 行；显示前 {shown} 行。"),
    "no_rows": ("No rows match this period and these filters.", "该时间段和筛选条件下没有数据。"),
    "download_file": ("Download {name}", "下载 {name}"),
    "failed": ("The briefing could not be built: {error}", "无法生成简报：{error}"),
}
PREVIEW_ROWS = 10

f, t = ui.context()
lang = f.lang


def s(key: str, **values: object) -> str:
    text = TEXT[key][1 if lang == "zh" else 0]
    return text.format(**values) if values else text


if st.session_state.get("_is_sample"):
    st.info(t("sample_banner"), icon=":material/science:")
st.title(s("title"))
st.caption(s("intro"))


def _period_options(first_year: int | None, today: date) -> list[str]:
    options = ["last-month", "last-quarter", "last-year"]
    options += [p for p in period_presets(first_year or today.year, today) if p not in ("12m", "all")]
    for year in range(today.year, (first_year or today.year) - 1, -1):
        options += [f"{year}-{m:02d}" for m in range(12, 0, -1) if date(year, m, 1) <= today]
    return [*options, "custom"]


def _period_label(key: str) -> str:
    return s(key) if key in TEXT else key.replace("-Q", " Q") if key != "custom" else s("custom")


try:
    today = date.today()
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
            s("period"), options, index=options.index(default_period), format_func=_period_label, key="br_period"
        )
        if choice == "custom":
            col_from, col_to = st.columns(2)
            start = col_from.date_input(s("from"), value=f.start or EPOCH, min_value=EPOCH, key="br_from")
            end = col_to.date_input(s("to"), value=f.end or today, min_value=EPOCH, key="br_to")
            start, end = min(start, end), max(start, end)
            period = briefing.parse_period(f"{start.isoformat()}..{end.isoformat()}", today)
        else:
            period = briefing.parse_period(choice, today)
        threshold = st.slider(s("threshold"), 0, 100, 80, step=5, format="%d%%", key="br_threshold")
    with right:
        names = dict(
            zip(
                jurisdiction_df["jurisdiction_code"],
                jurisdiction_df["jurisdiction_name" if lang == "zh" else "jurisdiction_name_en"],
                strict=True,
            )
        )
        jur_options = jurisdiction_df["jurisdiction_code"].tolist()
        jurisdictions = st.multiselect(
            s("jurisdictions"),
            jur_options,
            default=[c for c in f.jurisdictions if c in jur_options],
            format_func=lambda code: f"{names.get(code) or code} ({code})",
            placeholder=s("all"),
            key="br_jur",
        )
        lists = st.multiselect(
            s("lists"),
            registry_list,
            default=[r for r in f.registries if r in registry_list],
            format_func=lambda r: vocab("registry", r, lang),
            placeholder=s("all"),
            key="br_reg",
        )
        categories = st.multiselect(
            s("categories"),
            list(briefing.CATEGORIES),
            default=[c for c in f.categories if c in briefing.CATEGORIES],
            format_func=lambda c: vocab("category", c, lang),
            placeholder=s("all"),
            key="br_cat",
        )
        provider = st.text_input(s("provider"), value=f.provider, max_chars=100, key="br_q")

    chosen = briefing.make_filters(
        period, jurisdictions=jurisdictions, registries=lists, categories=categories, provider=provider, today=today
    )
    bundle = cached(briefing.build_bundle, chosen, threshold=threshold / 100)

    manifest = pd.read_csv(
        io.BytesIO(bundle.files["manifest.csv"]), encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    facts = {(r.section, r.name): r.value for r in manifest.itertuples()}
    st.caption(
        ui.md_escape(
            s(
                "as_of",
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
        s("download_bundle"),
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
        st.subheader(s("summary") if name == "summary.csv" else name)
        if rows == 0:
            st.info(s("no_rows"))
        elif rows is not None:
            shown = min(rows, PREVIEW_ROWS) if name != "summary.csv" else rows
            preview = pd.read_csv(
                io.BytesIO(bundle.files[name]), encoding="utf-8-sig", nrows=shown, dtype=str, keep_default_na=False
            )
            st.dataframe(preview, hide_index=True)
            if name != "summary.csv":
                st.caption(s("rows", rows=f"{rows:,}", shown=shown))
        st.download_button(
            s("download_file", name=name),
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
    st.error(s("failed", error=str(exc)))
