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
from collections.abc import Iterable, Sequence
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


# Streaming variant ------------------------------------------------------------------------------
# The briefing writes result sets that may not fit in memory (10M incidents), so it hands Arrow
# record batches straight from DuckDB to this writer, one batch at a time. Cells follow the same
# rules as to_csv_bytes: numbers stay numbers, text is neutralised, dates are ISO. Each batch is
# converted column by column in Arrow (vectorised), so Python never touches 10M rows one by one.


def _csv_column(column: pa.Array | pa.ChunkedArray) -> list:
    """One Arrow column -> Python cell values for csv.writer (None is written as an empty cell)."""
    kind = column.type
    if pa.types.is_boolean(kind):
        return pc.if_else(column, "true", "false").to_pylist()
    if pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        return column.to_pylist()
    if pa.types.is_floating(kind):
        # Whole numbers without a trailing ".0" (50000, not 50000.0); NaN is an empty cell.
        return [
            None if v is None or v != v else int(v) if v.is_integer() and abs(v) < 1e15 else v
            for v in column.to_pylist()
        ]
    if pa.types.is_date(kind):
        return pc.strftime(column, "%Y-%m-%d").to_pylist()
    if pa.types.is_timestamp(kind):
        if kind.tz is not None:
            column = pc.cast(column, pa.timestamp(kind.unit, "UTC"))
        return pc.strftime(column, "%Y-%m-%dT%H:%M:%SZ" if kind.tz else "%Y-%m-%dT%H:%M:%S").to_pylist()
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        column = pc.binary_join(pc.cast(column, pa.list_(pa.string())), "; ")
    elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        column = pc.cast(column, pa.string())
    is_formula = pc.fill_null(pc.match_substring_regex(column, r"^[=+\-@\t\r\n]"), False)
    return pc.if_else(is_formula, pc.binary_join_element_wise("'", column, ""), column).to_pylist()


def write_csv_batches(
    out: BinaryIO,
    columns: Sequence[str],
    batches: Iterable[pa.RecordBatch],
    attribution: Iterable[str] = (),
) -> int:
    """Arrow record batches -> Excel-safe CSV (UTF-8 with BOM) on a binary file. Returns the
    number of data rows. Nothing but the current batch is held in memory."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    text.write(BOM)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in columns])
    rows = 0
    for batch in batches:
        if batch.num_rows == 0:
            continue
        cells = [_csv_column(batch.column(i)) for i in range(batch.num_columns)]
        writer.writerows(zip(*cells, strict=True))
        rows += batch.num_rows
    for line in attribution:
        writer.writerow([])
        writer.writerow([neutralise(f"Attribution: {line}")])
    text.flush()
    text.detach()  # leave `out` open for the caller
    return rows
