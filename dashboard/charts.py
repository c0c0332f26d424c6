"""Chart builders: DataFrame in, plotly Figure out. Pure: no queries, no streamlit.

One colour-blind-safe palette (Okabe–Ito) is used for every categorical chart and one
single-hue ramp for every quantity on a map, so a colour means the same thing on every page.
Titles and axis names arrive already translated; hover and axis formats follow the column
suffixes (dashboard.formatting).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.formatting import d3_format

# Okabe & Ito (2008), reordered so the first colours have the strongest contrast on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
SEQUENTIAL = ["#eef4fa", "#c6dbef", "#85b9dd", "#4292c6", "#0072B2", "#08306b"]
FONT = "Noto Sans, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"

# Tile-grid positions (column, row) of the provinces, so every province gets the same area
# whatever its land size. CN-SOE (central state-owned enterprises) sits apart, bottom right.
TILE_GRID: dict[str, tuple[int, int]] = {
    "CN-HL": (8, 0),
    "CN-NM": (6, 1), "CN-JL": (8, 1),
    "CN-XJ": (1, 2), "CN-NX": (4, 2), "CN-SX": (5, 2), "CN-BJ": (6, 2), "CN-LN": (7, 2),
    "CN-QH": (2, 3), "CN-GS": (3, 3), "CN-SN": (4, 3), "CN-HE": (5, 3), "CN-TJ": (6, 3),
    "CN-XZ": (1, 4), "CN-SC": (3, 4), "CN-CQ": (4, 4), "CN-HA": (5, 4), "CN-SD": (6, 4),
    "CN-YN": (3, 5), "CN-GZ": (4, 5), "CN-HB": (5, 5), "CN-AH": (6, 5), "CN-JS": (7, 5), "CN-SH": (8, 5),
    "CN-GX": (4, 6), "CN-HN": (5, 6), "CN-JX": (6, 6), "CN-ZJ": (7, 6),
    "CN-HI": (4, 7), "CN-GD": (5, 7), "CN-FJ": (6, 7), "CN-TW": (7, 7),
    "CN-HK": (5, 8), "CN-MO": (4, 8),
    "CN-SOE": (8, 8),
}  # fmt: skip


def _finish(fig: go.Figure, title: str, x_title: str | None, y_title: str | None, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        font={"family": FONT, "size": 12},
        template="plotly_white",
        height=height,
        margin={"l": 10, "r": 10, "t": 56, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": {"text": ""}},
        hoverlabel={"font": {"family": FONT}},
        clickmode="event+select",
    )
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig


def _hover(columns: Sequence[str]) -> dict[str, str | bool]:
    return {c: (":" + fmt if (fmt := d3_format(c)) and not c.endswith("_date") else True) for c in columns}


def bar_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    color: str | None = None,
    labels: Mapping[str, str] | None = None,
    hover: Sequence[str] = (),
    custom: Sequence[str] = (),
    orientation: str = "v",
    barmode: str = "stack",
    category_orders: Mapping[str, Sequence[str]] | None = None,
    height: int = 380,
) -> go.Figure:
    """Bars (stacked by `color` when given). `custom` columns ride along in customdata so a
    click can tell the page which category was picked."""
    value = x if orientation == "h" else y
    fig = px.bar(
        df,
        x=x,
        y=y,
        color=color,
        orientation=orientation,
        barmode=barmode,
        labels=dict(labels or {}),
        hover_data=_hover([value, *hover]),
        custom_data=list(custom) or None,
        color_discrete_sequence=PALETTE,
        category_orders={k: list(v) for k, v in (category_orders or {}).items()},
    )
    fmt = d3_format(value)
    if fmt and not value.endswith("_date"):
        (fig.update_xaxes if orientation == "h" else fig.update_yaxes)(tickformat=fmt)
    if orientation == "h":
        fig.update_yaxes(autorange="reversed", type="category")
    return _finish(fig, title, x_title, y_title, height)


def line_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    color: str | None = None,
    labels: Mapping[str, str] | None = None,
    hover: Sequence[str] = (),
    height: int = 340,
    markers: bool = True,
) -> go.Figure:
    fig = px.line(
        df,
        x=x,
        y=y,
        color=color,
        markers=markers,
        labels=dict(labels or {}),
        hover_data=_hover([y, *hover]),
        color_discrete_sequence=PALETTE,
    )
    fmt = d3_format(y)
    if fmt:
        fig.update_yaxes(tickformat=fmt, rangemode="tozero")
    return _finish(fig, title, x_title, y_title, height)


def sparkline(df: pd.DataFrame, x: str, y: str, *, title: str, y_label: str, height: int = 150) -> go.Figure:
    """A small trend for a KPI card: one line, no legend, the value's unit in the hover."""
    fig = px.area(df, x=x, y=y, labels={y: y_label, x: ""}, color_discrete_sequence=PALETTE)
    fig.update_traces(
        line={"width": 2}, hovertemplate="%{x|%Y-%m}<br>%{y:" + (d3_format(y) or ",") + "}<extra></extra>"
    )
    fig = _finish(fig, title, None, None, height)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 30, "b": 0}, showlegend=False, title={"font": {"size": 12}})
    fig.update_xaxes(title_text="", showgrid=False)
    fig.update_yaxes(title_text="", tickformat=d3_format(y), nticks=3)
    return fig


def tile_map(
    df: pd.DataFrame,
    code: str,
    value: str,
    name: str,
    *,
    title: str,
    value_label: str,
    label: str | None = None,
    selected: Sequence[str] = (),
    height: int = 460,
) -> go.Figure:
    """A tile-grid map of the provinces, shaded by `value`. Provinces absent from `df` show
    empty; customdata holds the code so a click selects the province."""
    tiles = pd.DataFrame([(c, col, row) for c, (col, row) in TILE_GRID.items()], columns=[code, "col", "row"])
    label = label or name
    data = tiles.merge(df[list(dict.fromkeys([code, value, name, label]))], on=code, how="inner")
    data[value] = data[value].fillna(0)
    fmt = d3_format(value) or ","
    vmax = max(float(data[value].max()) if len(data) else 0.0, 1.0)
    fig = go.Figure(
        go.Scatter(
            x=data["col"],
            y=data["row"],
            mode="markers+text",
            marker={
                "symbol": "square",
                "size": 44,
                "color": data[value],
                "cmin": 0,
                "cmax": vmax,
                "colorscale": [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
                "line": {"width": [3 if c in selected else 0.5 for c in data[code]], "color": "#D55E00"},
                "colorbar": {"title": {"text": value_label}, "tickformat": fmt, "thickness": 12},
                "showscale": True,
            },
            # Short names fit a tile; the hover gives the full name, code and value.
            text=[str(n) for n in data[label]],
            textfont={"size": 10, "color": ["#ffffff" if v > vmax * 0.55 else "#1a1a1a" for v in data[value]]},
            customdata=data[[code, name, value]].to_numpy(),
            hovertemplate="%{customdata[1]} (%{customdata[0]})<br>"
            + value_label
            + ": %{customdata[2]:"
            + fmt
            + "}<extra></extra>",
        )
    )
    fig.update_xaxes(visible=False, range=[0.3, 8.7])
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", scaleratio=1)
    return _finish(fig, title, None, None, height)
