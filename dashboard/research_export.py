"""Research export: every mart of the warehouse as Parquet (types kept: dates, timestamps, lists)
or CSV, plus `columns.csv` (the data dictionary) and `manifest.csv` (load id, data as-of per
source, attributions, licence notes). `python -m etl export` runs it.

Reproducible: rows are written in a fixed order (every column), and nothing in the files depends
on when or where the export ran, so exporting an unchanged warehouse twice gives identical files.
One read-only connection reads everything, so a build published meanwhile cannot mix into it.
Streamlit-free; the CSVs follow dashboard.export (UTF-8 with BOM, formula cells neutralised).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from core.connection import connect, db_path
from core.dictionary import COLUMNS_CSV_FIELDS, columns_rows
from dashboard import queries
from dashboard.export import write_csv_batches

FORMATS = ("parquet", "csv")
BATCH_ROWS = 100_000
DICTIONARY_COLUMNS = COLUMNS_CSV_FIELDS
MANIFEST_COLUMNS = ("section", "name", "value")
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
LICENCE_NOTES = (
    "Rows from a source whose attribution names CC BY-SA 4.0 (the AI Incident Database, the AIAAIC "
    "repository) keep that licence: a file holding them (mart_incidents, mart_incident_providers, "
    "mart_provider_names_unmatched) may be shared only under CC BY-SA 4.0, with the attribution below.",
    "The CAC lists are public notices of the Cyberspace Administration of China; SASAC's list of central "
    "enterprises is a public page of SASAC (data/central_enterprises.csv gives it and its date).",
    "Sector tags and ownership types are the project's rules (data/sector_rules.csv), not the regulator's: "
    "README, 'Sectors and ownership', reports their measured precision and recall.",
)


class ExportError(Exception):
    """A bad export request (unknown format, output folder not usable)."""


def _fetch(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> list[tuple]:
    text = queries.sql_text(name)
    return con.execute(text, queries.bind(text, params)).fetchall()


def _reader(con: duckdb.DuckDBPyConnection, table: str) -> pa.RecordBatchReader:
    text = queries.sql_text("export_table")
    return con.sql(text, params=queries.bind(text, {"table": table})).to_arrow_reader(BATCH_ROWS)


def _write_table(con: duckdb.DuckDBPyConnection, table: str, target: Path, fmt: str) -> int:
    reader = _reader(con, table)
    rows = 0
    if fmt == "csv":
        with open(target, "wb") as out:
            return write_csv_batches(out, reader.schema.names, reader)
    # One writer, fixed options: the same rows give the same bytes.
    with pq.ParquetWriter(target, reader.schema, compression="zstd", write_statistics=True) as writer:
        for batch in reader:
            if batch.num_rows:
                writer.write_batch(batch, row_group_size=BATCH_ROWS)
                rows += batch.num_rows
    return rows


def dictionary_rows(columns: dict[str, list[tuple[str, str]]]) -> list[tuple]:
    """(file, column, type, meaning_en, meaning_zh) for every column of every exported file, from
    the data dictionary (core/dictionary.py, the one the briefing's columns.csv uses); the meaning
    is looked up for the file's table. UndocumentedColumn names a column it lacks."""
    files = {file: [(column, ctype.lower()) for column, ctype in cols] for file, cols in columns.items()}
    tables = {file: file.rsplit(".", 1)[0] for file in columns}
    rows = []
    for file, cols in files.items():
        for row in columns_rows({tables[file]: cols}):
            rows.append((file, *(row[k] for k in COLUMNS_CSV_FIELDS[1:])))
    return rows


def _write_rows(target: Path, header: Iterable[str], rows: list[tuple]) -> None:
    names = list(header)
    table = pa.Table.from_pylist(
        [dict(zip(names, (str(v) for v in r), strict=True)) for r in rows],
        schema=pa.schema([(c, pa.string()) for c in names]),
    )
    with open(target, "wb") as out:
        write_csv_batches(out, names, table.to_batches())


def _iso(value: Any) -> str:
    return "" if value is None else value.isoformat().replace("+00:00", "Z")


def _manifest(con: duckdb.DuckDBPyConnection, fmt: str, files: dict[str, tuple[str, int]]) -> list[tuple]:
    info = _fetch(con, "warehouse_info")
    load_id, built_at, etl_version, is_sample = info[0] if info else ("", None, "", False)
    out: list[tuple] = [
        ("export", "format", fmt),
        ("data", "load_id", load_id or ""),
        ("data", "built_at", _iso(built_at)),
        ("data", "etl_version", etl_version or ""),
        ("data", "is_sample", "true" if is_sample else "false"),
    ]
    for source, entity, _adapter, _registry, attribution, data_load_id, as_of in _fetch(con, "export_sources"):
        out.append(("data_as_of", source, _iso(as_of) or "never loaded"))
        out.append(("data_load_id", source, data_load_id or ""))
        out.append(("entity", source, entity))
        if (attribution or "").strip():
            out.append(("attribution", source, attribution.strip()))
    for note in LICENCE_NOTES:
        out.append(("licence", "note", note))
    for file, (table, rows) in files.items():
        out.append(("file", file, f"{table}: {rows} rows"))
    out.append(("file", "columns.csv", "data dictionary: file, column, type, meaning_en, meaning_zh"))
    return out


def export(out_dir: Path, *, fmt: str = "parquet", path: Path | None = None) -> dict[str, int]:
    """Write every mart into out_dir (created if missing), then columns.csv and manifest.csv.
    Files are written beside the folder and moved in, so a reader never sees half a file.
    Returns rows per file."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} is a file, not a folder; give --out a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = path or db_path()
    files: dict[str, tuple[str, int]] = {}
    columns: dict[str, list[tuple[str, str]]] = {}
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".export-") as tmp:
        staging = Path(tmp)
        with connect(path) as con:
            tables = [name for (name,) in _fetch(con, "export_tables") if _TABLE_NAME.match(name)]
            for table in tables:
                file = f"{table}.{fmt}"
                files[file] = (table, _write_table(con, table, staging / file, fmt))
                columns[file] = [(c, t) for c, t in _fetch(con, "export_columns", {"table": table})]
            manifest = _manifest(con, fmt, files)
        _write_rows(staging / "columns.csv", DICTIONARY_COLUMNS, dictionary_rows(columns))
        _write_rows(staging / "manifest.csv", MANIFEST_COLUMNS, manifest)
        for name in [*files, "columns.csv", "manifest.csv"]:
            os.replace(staging / name, out_dir / name)
    return {file: rows for file, (_table, rows) in files.items()}
