"""Display formats from column-name suffixes, in one place.

A column named *_count is a whole number, *_pct a fraction shown as a percentage, *_cny an
amount in yuan and *_date a calendar date. Tables, hover labels and KPI cards all ask here.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

# suffix -> (python format for cards, d3 format for plotly hover/axes)
SUFFIX_FORMATS: dict[str, tuple[str, str]] = {
    "_count": ("{:,.0f}", ",.0f"),
    "_pct": ("{:.1%}", ".1%"),
    "_cny": ("¥{:,.0f}", ",.0f"),
    "_date": ("{}", "%Y-%m-%d"),
}


def suffix_of(column: str) -> str | None:
    return next((s for s in SUFFIX_FORMATS if column.endswith(s)), None)


# A penalty total in another currency than CNY: penalty_eur, penalty_usd (kpis.overview_kpis).
_OTHER_CURRENCY = re.compile(r"^penalty_([a-z]{3})$")


def format_value(column: str, value: Any) -> str:
    """A value for a card or a caption, formatted by its column's suffix; '—' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if (other := _OTHER_CURRENCY.match(column)) and other.group(1) != "cny":
        return f"{value:,.0f} {other.group(1).upper()}"
    suffix = suffix_of(column)
    if suffix == "_date":
        return value.date().isoformat() if isinstance(value, datetime) else str(value)
    if suffix is None:
        return f"{value:,}" if isinstance(value, int) else str(value)
    return SUFFIX_FORMATS[suffix][0].format(value)


def d3_format(column: str) -> str | None:
    suffix = suffix_of(column)
    return SUFFIX_FORMATS[suffix][1] if suffix else None


def format_change(column: str, change: float | None, change_pct: float | None) -> str | None:
    """The delta text of a KPI card: absolute change in the column's unit, plus relative change."""
    if change is None:
        return None
    if column.endswith("_pct"):
        points = round(change * 100, 1)
        return f"{points:+.1f} pp" if points else "0.0 pp"
    text = format_value(column, abs(change))
    # ASCII minus: st.metric reads the leading "-" to pick the arrow's direction.
    sign = "+" if change >= 0 else "-"
    rel = f" ({change_pct:+.0%})" if change_pct is not None and math.isfinite(change_pct) else ""
    return f"{sign}{text}{rel}"


def column_config(columns: list[str], labels: dict[str, str] | None = None) -> dict[str, Any]:
    """st.column_config for a table, from the column suffixes. Imported lazily: this module is
    also used by streamlit-free code."""
    import streamlit as st

    labels = labels or {}
    config: dict[str, Any] = {}
    for column in columns:
        label = labels.get(column, column)
        suffix = suffix_of(column)
        if suffix == "_count":
            config[column] = st.column_config.NumberColumn(label, format="localized")
        elif suffix == "_pct":
            config[column] = st.column_config.NumberColumn(label, format="percent")
        elif suffix == "_cny":
            # Thousands separators matter more than the symbol here; the label carries the unit.
            config[column] = st.column_config.NumberColumn(f"{label} (CNY)", format="localized")
        elif suffix == "_date":
            config[column] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        elif column.endswith("_at"):
            config[column] = st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm")
        elif column == "url" or column.endswith("_url"):
            # Only http(s) addresses reach a link column (dashboard.ui.table blanks the rest).
            config[column] = st.column_config.LinkColumn(label)
        else:
            # TextColumn, never Markdown: source text must not become a live link or markup.
            config[column] = st.column_config.TextColumn(label)
    return config


# Bidirectional controls (embeddings, overrides, isolates, marks). In a name they can make
# "\u202emoc.live\u202c Corp" read as "proC evil.com". The data keeps them as published; the
# display shows each as a visible tag, so what a reader sees is what the text holds.
BIDI_CONTROLS = {
    "\u061c": "ALM",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}
_BIDI = re.compile("[" + "".join(BIDI_CONTROLS) + "]")


def show_controls(value: Any) -> Any:
    """Text with every bidirectional control shown as a visible tag ([U+202E RLO]); other
    values (numbers, dates, None) unchanged, lists element by element."""
    if isinstance(value, str):
        return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X} {BIDI_CONTROLS[m.group()]}]", value)
    if isinstance(value, (list, tuple)):
        return [show_controls(v) for v in value]
    return value
