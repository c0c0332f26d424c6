"""CSV export that opens correctly in Excel and cannot run formulas.

The one CSV writer for chart downloads and the CSV briefing. UTF-8 with a byte-order mark so
Excel reads Chinese text; text cells that a spreadsheet would treat as a formula (starting with
= + - @, tab, CR or LF) get a leading apostrophe, per OWASP's CSV-injection guidance. Numeric
columns are left alone so they stay numbers. Attribution for CC BY-SA sources travels with the
file as trailing rows, because the licence asks for it wherever the data goes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import pandas as pd

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: object) -> object:
    """One cell: text starting like a formula gets a leading apostrophe; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text_cell(value: object) -> object:
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join("" if v is None else str(v) for v in value)
    elif isinstance(value, pd.Timestamp):
        value = (
            value.isoformat()
            if (value.hour or value.minute or value.second or value.tzinfo)
            else value.date().isoformat()
        )
    elif not isinstance(value, str):
        value = str(value)
    return neutralise(value)


def to_csv_bytes(df: pd.DataFrame, attribution: Iterable[str] = ()) -> bytes:
    """DataFrame -> Excel-safe CSV bytes (UTF-8 with BOM)."""
    out = df.copy()
    for column in out.columns:
        series = out[column]
        is_number = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
        if not is_number:
            out[column] = series.astype(object).map(_text_cell)
    header = [neutralise(str(c)) for c in out.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in out.itertuples(index=False, name=None):
        # pd.NA (nullable integers) and NaN are both empty cells, never "<NA>" or "nan".
        writer.writerow(["" if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in row])
    for text in attribution:
        writer.writerow([])
        writer.writerow([neutralise(f"Attribution: {text}")])
    return (BOM + buffer.getvalue()).encode("utf-8")
