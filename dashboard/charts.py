"""Chart builders: DataFrame in, plotly Figure out. Pure: no queries, no streamlit.

One colour-blind-safe palette (Okabe–Ito) is used for every categorical chart and one
single-hue ramp for every quantity on a map, so a colour means the same thing on every page.
Titles arrive already translated. Axis titles and hover labels come from the column names
(dashboard.i18n.COLUMNS, in the chart's language) unless a call overrides one; hover and axis
formats follow the column suffixes (dashboard.formatting).

Plotly renders a subset of HTML in tick labels, legends, text and hover (<a href>, <b>, <br> …),
so every text value from the data is escaped with `plain` before it reaches a figure: a provider
named "<a href=…>" shows as those characters, not as a link.

Building a figure through graph_objects validates every property (tens of ms a chart), and a page
redraws the same charts from the same cached rows on every rerun. So the builders are memoised
in-process (`_memo`): the key is the builder and its arguments, a DataFrame by a hash of its
values, index, columns and dtypes; the memo keeps the finished figure's dict and hands out a new
Figure made from it (~2 ms), which the caller may change freely.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.formatting import d3_format, show_controls
from dashboard.i18n import column_label, column_labels

# Okabe & Ito (2008), reordered so the first colours have the strongest contrast on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
SEQUENTIAL = ["#eef4fa", "#c6dbef", "#85b9dd", "#4292c6", "#0072B2", "#08306b"]
# A minimal white template built once: assigning plotly's own "plotly_white" costs ~20 ms per
# figure (it is deep-copied and validated), which adds up over a page of charts.
GRID = "#e5eaf2"
TEMPLATE = go.layout.Template(
    layout={
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "xaxis": {"gridcolor": GRID, "zerolinecolor": GRID, "linecolor": GRID, "automargin": True},
        "yaxis": {"gridcolor": GRID, "zerolinecolor": GRID, "linecolor": GRID, "automargin": True},
    }
)
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


_MEMO: OrderedDict[tuple, dict] = OrderedDict()
_MEMO_LOCK = threading.Lock()
_MEMO_SIZE = 256


def _key_part(value: Any) -> Any:
    """A hashable stand-in for one builder argument; TypeError when there is none."""
    if isinstance(value, pd.DataFrame):
        rows = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        return (
            "frame",
            tuple(map(str, value.columns)),
            tuple(map(str, value.dtypes)),
            hashlib.blake2b(rows, digest_size=16).hexdigest(),
        )
    if isinstance(value, Mapping):
        return ("map", tuple((str(k), _key_part(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("seq", tuple(_key_part(v) for v in value))
    hash(value)
    return (type(value).__name__, value)


def _memo(build: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """Memoise a figure builder (see the module docstring). Arguments that cannot be keyed (an
    unhashable value) just build the figure."""

    @functools.wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> go.Figure:
        try:
            key = (build.__name__, _key_part(args), _key_part(dict(sorted(kwargs.items()))))
        except TypeError:
            return build(*args, **kwargs)
        with _MEMO_LOCK:
            spec = _MEMO.get(key)
            if spec is not None:
                _MEMO.move_to_end(key)
        if spec is None:
            fig = build(*args, **kwargs)
            with _MEMO_LOCK:
                _MEMO[key] = fig.to_dict()  # a deep copy: the caller may change `fig`
                while len(_MEMO) > _MEMO_SIZE:
                    _MEMO.popitem(last=False)
            return fig
        return go.Figure(spec)

    return wrapper


def clear_memo() -> None:
    """Forget every memoised figure (bench/bench_pages.py, for a cold run)."""
    with _MEMO_LOCK:
        _MEMO.clear()


def plain(values: object) -> object:
    """Text values made literal for plotly's HTML-like labels (bidirectional controls shown as
    tags, not obeyed); numbers and dates pass through."""
    if isinstance(values, str):
        return show_controls(values).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if isinstance(values, pd.Series):
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            return values.map(lambda v: plain(v) if isinstance(v, str) else v)
        return values
    return values


def _figure(
    traces: list[dict],
    layout: dict,
    title: str,
    x_title: str | None,
    y_title: str | None,
    height: int,
) -> go.Figure:
    """The figure of `traces` with the common layout (title, font, template, margins, legend) over
    the chart's own `layout`, validated once: one go.Figure of a whole dict costs a few ms, where
    add_trace and update_layout validate again at every call."""
    xaxis, yaxis = dict(layout.pop("xaxis", {})), dict(layout.pop("yaxis", {}))
    if x_title is not None:
        xaxis["title"] = {"text": x_title}
    if y_title is not None:
        yaxis["title"] = {"text": y_title}
    layout = {
        **layout,
        "title": {
            "text": title,
            "x": 0,
            "xanchor": "left",
            "y": 0.985,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": 15},
        },
        "font": {"family": FONT, "size": 12},
        "template": TEMPLATE,
        "height": height,
        # Room under the title for a legend of up to three rows, so the two never overlap.
        "margin": {
            "l": 10,
            "r": 10,
            "t": 110 if layout.get("showlegend") is not False and len(traces) > 1 else 50,
            "b": 10,
        },
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": {"text": ""}},
        "hoverlabel": {"font": {"family": FONT}},
        "clickmode": "event+select",
        "xaxis": xaxis,
        "yaxis": yaxis,
    }
    return go.Figure({"data": traces, "layout": layout})


def _value_format(column: str) -> str:
    """Hover format of a column, from its suffix: '%{...:,.0f}' pieces without the braces."""
    if column.endswith("_date"):
        return "|%Y-%m-%d"
    fmt = d3_format(column)
    return f":{fmt}" if fmt else ""


def _custom_array(df: pd.DataFrame, columns: Sequence[str], n_raw: int = 0) -> object:
    """customdata: the first `n_raw` columns travel as they are (a click hands them back to the
    page as filter values); the rest are shown in the hover, so their text is escaped."""
    if not columns:
        return None
    part = df[list(columns)].copy()
    for i, column in enumerate(part.columns):
        if pd.api.types.is_datetime64_any_dtype(part[column]):
            # Plotly cannot format dates held in customdata, so they travel as ISO text.
            part[column] = part[column].dt.strftime("%Y-%m-%d")
        elif i >= n_raw:
            part[column] = plain(part[column])
    return part.astype(object).where(part.notna(), None).to_numpy()


def _hovertemplate(
    category: str, axis: str, value: str, vaxis: str, extra: Sequence[str], labels: Mapping[str, str], offset: int
) -> str:
    lines = [f"{labels.get(category, category)}: %{{{axis}{_value_format(category)}}}"]
    lines.append(f"{labels.get(value, value)}: %{{{vaxis}{_value_format(value)}}}")
    for i, column in enumerate(extra):
        fmt = "" if column.endswith("_date") else _value_format(column)
        lines.append(f"{labels.get(column, column)}: %{{customdata[{offset + i}]{fmt}}}")
    return "<br>".join(lines)


def _groups(df: pd.DataFrame, color: str | None, order: Sequence[str] | None) -> list:
    if color is None:
        return [None]
    present = list(dict.fromkeys(df[color].tolist()))
    if order:
        return [g for g in order if g in present] + [g for g in present if g not in order]
    return present


def limit_groups(
    df: pd.DataFrame, group: str, value: str, other_label: str, keep: int = len(PALETTE) - 1
) -> pd.DataFrame:
    """Keep the largest groups and sum the rest into one "other" group, so no two groups ever
    share a palette colour."""
    if df[group].nunique() <= len(PALETTE):
        return df
    top = df.groupby(group)[value].sum().nlargest(keep).index
    out = df.copy()
    out.loc[~out[group].isin(top), group] = other_label
    keys = [c for c in out.columns if c != value and not pd.api.types.is_numeric_dtype(out[c])]
    return out.groupby(keys, as_index=False, dropna=False)[value].sum()


@_memo
def bar_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    title: str,
    lang: str = "en",
    x_title: str | None = None,
    y_title: str | None = None,
    color: str | None = None,
    labels: Mapping[str, str] | None = None,
    hover: Sequence[str] = (),
    custom: Sequence[str] = (),
    orientation: str = "v",
    barmode: str = "stack",
    category_orders: Mapping[str, Sequence[str]] | None = None,
    height: int = 380,
    other_label: str = "other",
) -> go.Figure:
    """Bars (stacked by `color` when given). `custom` columns ride along first in customdata so a
    click can tell the page which category was picked; `hover` columns follow them.

    Built with graph_objects rather than plotly.express: express costs ~50 ms a chart, which
    alone would break the 0.2 s budget of a warm page with several charts."""
    labels = {**column_labels(df.columns, lang), **(labels or {})}
    horizontal = orientation == "h"
    value, category = (x, y) if horizontal else (y, x)
    if color is not None:
        df = limit_groups(df, color, value, other_label)
    extra = [c for c in hover if c not in custom]
    columns = [*custom, *extra]
    traces = []
    for i, group in enumerate(_groups(df, color, (category_orders or {}).get(color or ""))):
        part = df if group is None else df[df[color] == group]
        template = _hovertemplate(
            category, "y" if horizontal else "x", value, "x" if horizontal else "y", extra, labels, len(custom)
        )
        traces.append(
            {
                "type": "bar",
                "x": plain(part[x]),
                "y": plain(part[y]),
                "orientation": orientation,
                "name": plain(str(group)) if group is not None else labels.get(value, value),
                "marker": {"color": PALETTE[i % len(PALETTE)]},
                "customdata": _custom_array(part, columns, len(custom)),
                "hovertemplate": template
                + (f"<extra>{plain(str(group))}</extra>" if group is not None else "<extra></extra>"),
            }
        )
    layout: dict = {"barmode": barmode, "showlegend": color is not None, "xaxis": {}, "yaxis": {}}
    fmt = d3_format(value)
    if fmt and not value.endswith("_date"):
        layout["xaxis" if horizontal else "yaxis"]["tickformat"] = fmt
    if horizontal:
        layout["yaxis"].update(autorange="reversed", type="category")
    return _figure(traces, layout, title, x_title or labels[x], y_title or labels[y], height)


@_memo
def line_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    title: str,
    lang: str = "en",
    x_title: str | None = None,
    y_title: str | None = None,
    color: str | None = None,
    labels: Mapping[str, str] | None = None,
    hover: Sequence[str] = (),
    custom: Sequence[str] = (),
    height: int = 340,
    markers: bool = True,
) -> go.Figure:
    """Lines with markers; `custom` columns ride along first in customdata (a clicked point hands
    them back to the page), `hover` columns follow them."""
    labels = {**column_labels(df.columns, lang), **(labels or {})}
    extra = [c for c in hover if c not in custom]
    traces = []
    for i, group in enumerate(_groups(df, color, None)):
        part = df if group is None else df[df[color] == group]
        traces.append(
            {
                "type": "scatter",
                "x": plain(part[x]),
                "y": plain(part[y]),
                "mode": "lines+markers" if markers else "lines",
                "name": plain(str(group)) if group is not None else labels.get(y, y),
                "line": {"color": PALETTE[i % len(PALETTE)], "width": 2},
                "customdata": _custom_array(part, [*custom, *extra], len(custom)),
                "hovertemplate": _hovertemplate(x, "x", y, "y", extra, labels, len(custom)) + "<extra></extra>",
            }
        )
    layout: dict = {"showlegend": color is not None}
    fmt = d3_format(y)
    if fmt:
        layout["yaxis"] = {"tickformat": fmt, "rangemode": "tozero"}
    return _figure(traces, layout, title, x_title or labels[x], y_title or labels[y], height)


def consent_trend(quarters: pd.DataFrame, *, title: str, lang: str = "en", height: int = 340) -> go.Figure:
    """Record-weighted consent coverage by audit quarter, with each quarter's N and unknowns in
    the hover: the one build of this chart, shown on Overview and on Consent."""
    return line_chart(
        quarters,
        x="audit_quarter_date",
        y="coverage_pct",
        title=title,
        lang=lang,
        hover=["known_dataset_count", "unknown_dataset_count"],
        height=height,
    )


@_memo
def tile_map(
    df: pd.DataFrame,
    code: str,
    value: str,
    name: str,
    *,
    title: str,
    lang: str = "en",
    value_label: str | None = None,
    label: str | None = None,
    selected: Sequence[str] = (),
    height: int = 460,
) -> go.Figure:
    """A tile-grid map of the provinces, shaded by `value`. Provinces absent from `df` show
    empty; customdata holds the code so a click selects the province."""
    value_label = value_label or column_label(value, lang)
    tiles = pd.DataFrame([(c, col, row) for c, (col, row) in TILE_GRID.items()], columns=[code, "col", "row"])
    label = label or name
    data = tiles.merge(df[list(dict.fromkeys([code, value, name, label]))], on=code, how="inner")
    data[value] = data[value].fillna(0)
    fmt = d3_format(value) or ","
    vmax = max(float(data[value].max()) if len(data) else 0.0, 1.0)
    trace = {
        "type": "scatter",
        "x": data["col"],
        "y": data["row"],
        "mode": "markers+text",
        "marker": {
            "symbol": "square",
            "size": 44,
            "color": data[value],
            "cmin": 0,
            "cmax": vmax,
            "colorscale": [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
            # Selected provinces get a thick vermilion outline, the rest a thin white gap.
            "line": {
                "width": [3 if c in selected else 1 for c in data[code]],
                "color": ["#D55E00" if c in selected else "#ffffff" for c in data[code]],
            },
            "colorbar": {"title": {"text": value_label}, "tickformat": fmt, "thickness": 12},
            "showscale": True,
        },
        # Short names fit a tile; the hover gives the full name, code and value.
        "text": [plain(str(n)) for n in data[label]],
        "textfont": {"size": 10, "color": ["#ffffff" if v > vmax * 0.55 else "#1a1a1a" for v in data[value]]},
        "customdata": data[[code, name, value]].assign(**{name: plain(data[name].astype(str))}).to_numpy(),
        "hovertemplate": "%{customdata[1]} (%{customdata[0]})<br>"
        + value_label
        + ": %{customdata[2]:"
        + fmt
        + "}<extra></extra>",
    }
    layout = {
        "xaxis": {"visible": False, "range": [0.3, 8.7]},
        "yaxis": {"visible": False, "autorange": "reversed", "scaleanchor": "x", "scaleratio": 1},
    }
    return _figure([trace], layout, title, None, None, height)


def hide_legend(fig: go.Figure) -> go.Figure:
    """No legend (the axis already names each bar), and no space kept for one."""
    fig.update_layout(showlegend=False, margin={"t": 50})
    return fig
