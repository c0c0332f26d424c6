"""CSV briefings: the numbers for a period and a scope, as a ZIP of Excel-safe CSV files.

Streamlit-free: the Briefing page and `python -m etl brief` both call write_bundle(), so the
same warehouse, filters and period give the same bytes from either (only the generation time
in manifest.csv differs between runs). Every table is the full filtered result, streamed from
DuckDB in Arrow batches through dashboard.export.write_csv_batches, so the 10M-row incidents
file never sits in Python memory. ZIP entries have a fixed order and timestamp.

Errors a user can fix are BriefingUsageError (bad period, unknown code) and StaleData (the
data is older than --max-age); the CLI and the page turn them into messages.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from core.connection import connect, data_version, db_path
from core.dictionary import COLUMNS_CSV_FIELDS, columns_rows
from core.schema import INCIDENT_CATEGORIES, OWNERSHIP_TYPES
from dashboard import queries
from dashboard.export import write_csv_batches
from dashboard.filters import EPOCH, Filters, current_date, month_bounds, quarter_bounds
from dashboard.i18n import translator
from dashboard.kpis import kpi_label, overview_kpis

CATEGORIES = INCIDENT_CATEGORIES  # the shared vocabulary (app.py uses it too); pages read it here

VERSION = "genai-licensing-dashboard 0.1.0"
DEFAULT_THRESHOLD = 0.8  # the Consent page's default gap threshold (80 %)

# The bundle's files, in ZIP order. Column names and order are documented in README.md.
FILES = (
    "summary.csv",
    "registrations_new.csv",
    "registrations_cancelled.csv",
    "incidents.csv",
    "consent_gaps.csv",
    "by_jurisdiction.csv",
    "official_totals.csv",  # the lists against the regulator's announced totals in the period
    "columns.csv",  # the data dictionary of every file here (core/dictionary.py)
    "manifest.csv",
)
SUMMARY_COLUMNS = (
    "kpi",
    "label_en",
    "label_zh",
    "value_column",
    "value",
    "previous_value",
    "change",
    "change_pct",
    "n",
    "as_of_date",  # the official-totals rows: the official date and list they compare at
    "registry",
)
# The summary's comparison with the official totals: (kpi, official_totals.csv column of its value).
OFFICIAL_SUMMARY = (
    ("official_filed", "official_filed_count"),
    ("listed_filed", "filed_count"),
    ("filed_difference", "filed_difference"),
    ("official_registered", "official_registered_count"),
    ("listed_registered", "registered_count"),
    ("registered_difference", "registered_difference"),
)
MANIFEST_COLUMNS = ("section", "name", "value")
ARROW_TYPES = {"string": "varchar", "double": "double", "int64": "bigint"}  # summary and manifest types
# Named query behind each table file (dashboard/sql/<name>.sql).
TABLE_QUERIES = {
    "registrations_new.csv": "registrations_filed_in_period",
    "registrations_cancelled.csv": "registrations_cancelled_in_period",
    "incidents.csv": "incidents_in_period",
    "consent_gaps.csv": "consent_gap_services",  # the Consent page's gap list, all of it
    "by_jurisdiction.csv": "period_counts_by_jurisdiction",
    "official_totals.csv": "official_totals_reconciliation",
}
ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed entry time: the same inputs give the same ZIP bytes
BATCH_ROWS = 16_384  # rows per Arrow batch: the most this writer holds as Python values at once
# The incidents file is sorted by DuckDB one window of months at a time, each window holding at
# most this many rows (a single larger month is its own window). The app's read-only connection
# settings are locked, so a memory limit with spilling is not an option; small sorts are.
WINDOW_ROWS = 200_000
PERIOD_FORMS = "YYYY, YYYY-MM, YYYY-Qn, FROM..TO (ISO dates), last-month, last-quarter or last-year"
AGE_FORMS = "a number with h or d, e.g. 36h or 2d"

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
_AGE = re.compile(r"^(\d+(?:\.\d+)?)\s*([hd])$", re.IGNORECASE)
_SLUG = re.compile(r"[^A-Za-z0-9_+-]+")


class BriefingError(Exception):
    """Anything a user can act on."""


class BriefingUsageError(BriefingError):
    """The period, a code or an option is not one we accept (CLI exit code 2)."""


class StaleData(BriefingError):
    """The warehouse's data is older than the allowed age (CLI exit code 1)."""


# Period and scope ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str  # as it appears in file names and the manifest: 2026-Q3, 2026-07, 2026, FROM_TO
    key: str  # the Filters period key: a year, quarter or month, or "custom"
    start: date
    end: date


def parse_period(text: str, today: date) -> Period:
    """A briefing period; relative forms count back from `today`."""
    value = text.strip()
    lowered = value.lower()
    if lowered == "last-month":
        last = today.replace(day=1) - timedelta(days=1)
        value = f"{last.year}-{last.month:02d}"
    elif lowered == "last-quarter":
        quarter = (today.month - 1) // 3 + 1
        year, quarter = (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)
        value = f"{year}-Q{quarter}"
    elif lowered == "last-year":
        value = str(today.year - 1)
    try:
        if m := _YEAR.match(value):
            year = int(m.group(1))
            return Period(value, value, date(year, 1, 1), date(year, 12, 31))
        if m := _QUARTER.match(value):
            label = f"{m.group(1)}-Q{m.group(2)}"
            return Period(label, label, *quarter_bounds(int(m.group(1)), int(m.group(2))))
        if m := _MONTH.match(value):
            return Period(value, value, *month_bounds(int(m.group(1)), int(m.group(2))))
        if m := _RANGE.match(value):
            start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            if start > end:
                raise BriefingUsageError(f"period {text!r} ends before it starts; expected FROM..TO with FROM <= TO")
            return Period(f"{start.isoformat()}_{end.isoformat()}", "custom", start, end)
    except ValueError:  # e.g. month 13 or 2026-02-30
        pass
    raise BriefingUsageError(f"unknown period {text!r}; expected {PERIOD_FORMS}")


def parse_age(text: str) -> timedelta:
    m = _AGE.match(text.strip())
    if not m:
        raise BriefingUsageError(f"unknown age {text!r}; expected {AGE_FORMS}")
    amount = float(m.group(1))
    return timedelta(hours=amount) if m.group(2).lower() == "h" else timedelta(days=amount)


def _codes(values: Iterable[str]) -> tuple[str, ...]:
    """Repeated options and comma-separated lists, deduplicated and sorted."""
    out: set[str] = set()
    for value in values:
        out.update(part.strip() for part in value.split(",") if part.strip())
    return tuple(sorted(out))


def make_filters(
    period: Period,
    *,
    jurisdictions: Iterable[str] = (),
    registries: Iterable[str] = (),
    categories: Iterable[str] = (),
    provider: str = "",
    sectors: Iterable[str] = (),
    ownership: Iterable[str] = (),
    today: date | None = None,
) -> Filters:
    return Filters(
        period=period.key,
        start=period.start,
        end=period.end,
        jurisdictions=_codes(jurisdictions),
        registries=_codes(registries),
        categories=_codes(categories),
        provider=provider.strip()[:100],
        sectors=_codes(sectors),
        ownership=_codes(ownership),
        today=today or current_date(),
    )


def period_of(filters: Filters) -> Period:
    """The Period of filters with closed bounds (what make_filters built, or the page's choice)."""
    if filters.start is None or filters.end is None:
        raise BriefingUsageError(f"a briefing needs a closed period; expected {PERIOD_FORMS}")
    if filters.period == "custom":
        return Period(f"{filters.start.isoformat()}_{filters.end.isoformat()}", "custom", filters.start, filters.end)
    return Period(filters.period, filters.period, filters.start, filters.end)


def check_scope(filters: Filters, path: Path | None = None, known_categories: Iterable[str] = ()) -> None:
    """Every code in the filters must be one the warehouse (or the category list) knows."""
    known_jur = queries.jurisdiction_options(path)["jurisdiction_code"].tolist()
    known_reg = queries.registry_options(path)
    known_cat = list(known_categories)
    known_sector = queries.sector_options(path) if filters.sectors else []
    for option, values, known in (
        ("jurisdiction", filters.jurisdictions, known_jur),
        ("list", filters.registries, known_reg),
        ("category", filters.categories, known_cat),
        ("sector", filters.sectors, known_sector),
        ("ownership type", filters.ownership, list(OWNERSHIP_TYPES)),
    ):
        unknown = [v for v in values if v not in known]
        if unknown:
            expected = ", ".join(known) or "(none in this warehouse)"
            raise BriefingUsageError(f"unknown {option} {', '.join(unknown)}; expected one of: {expected}")


def bundle_name(filters: Filters) -> str:
    """briefing_<period>_<scope>.zip; the scope names the filters (or 'all')."""
    parts = []
    if filters.jurisdictions:
        parts.append("jur-" + "+".join(filters.jurisdictions))
    if filters.registries:
        parts.append("list-" + "+".join(filters.registries))
    if filters.categories:
        parts.append("cat-" + "+".join(filters.categories))
    if filters.sectors:
        parts.append("sector-" + "+".join(filters.sectors))
    if filters.ownership:
        parts.append("own-" + "+".join(filters.ownership))
    if filters.provider:
        slug = _SLUG.sub("-", filters.provider).strip("-")[:30]
        digest = hashlib.sha256(filters.provider.encode("utf-8")).hexdigest()[:8]
        parts.append(f"provider-{slug + '-' if slug else ''}{digest}")
    scope = _SLUG.sub("-", "_".join(parts)) if parts else "all"
    if len(scope) > 120:  # long scopes keep a readable start and a digest that tells them apart
        scope = scope[:100] + "-" + hashlib.sha256(scope.encode("utf-8")).hexdigest()[:12]
    return f"briefing_{period_of(filters).label}_{scope}.zip"


# Freshness -------------------------------------------------------------------------------------


def _as_utc(value: Any) -> datetime | None:
    if value is None or value != value:  # None or NaT
        return None
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    return stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_max_age(max_age: timedelta, path: Path | None = None, now: datetime | None = None) -> None:
    """Refuse when any declared source's data is older than max_age (or was never loaded):
    a failed refresh keeps the previous rows, and a briefing must not pass them off as current."""
    now = now or datetime.now(UTC)
    fresh = queries.source_freshness(path)
    stale = []
    for row in fresh.itertuples():
        as_of = _as_utc(row.data_as_of_at)
        if as_of is None or now - as_of > max_age:
            stale.append(f"{row.source} (data as of {_iso(as_of) or 'never loaded'})")
    if fresh.empty:
        stale.append("no source has been loaded")
    if stale:
        raise StaleData(
            f"data older than --max-age {_age_text(max_age)}: {'; '.join(stale)}. "
            "Check the last `python -m etl run` (see `python -m etl status`); no briefing written."
        )


def _age_text(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    return f"{hours:g}h"


# Building --------------------------------------------------------------------------------------


@dataclass
class Bundle:
    name: str  # file name of the ZIP
    data: bytes  # the ZIP
    files: dict[str, bytes]  # each CSV on its own, byte-identical to its ZIP entry
    rows: dict[str, int]


def _batches(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> tuple[list[str], Iterator]:
    text = queries.sql_text(name)
    reader = con.sql(text, params=queries.bind(text, params)).to_arrow_reader(BATCH_ROWS)
    return reader.schema.names, iter(reader)


def _incident_windows(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> list[tuple[date, date]]:
    """Consecutive month ranges covering the period's incidents, each about WINDOW_ROWS rows."""
    _, batches = _batches(con, "incident_counts_by_month", params)
    windows: list[tuple[date, date]] = []
    start: date | None = None
    end: date | None = None
    count = 0
    for batch in batches:
        for record in batch.to_pylist():
            month, rows = record["month_date"], record["record_count"]
            if start is not None and count + rows > WINDOW_ROWS:
                windows.append((start, end))
                start, count = None, 0
            start = start or month
            end = month_bounds(month.year, month.month)[1]
            count += rows
    if start is not None:
        windows.append((start, end))
    return windows


def _incident_batches(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> tuple[list[str], Iterator]:
    windows = _incident_windows(con, params)
    first = windows[0] if windows else (params["start_date"], params["start_date"] - timedelta(days=1))
    columns, batches = _batches(
        con, "incidents_in_period", {**params, "window_start": first[0], "window_end": first[1]}
    )

    def chain() -> Iterator:
        yield from batches
        for window_start, window_end in windows[1:]:
            window = {**params, "window_start": window_start, "window_end": window_end}
            yield from _batches(con, "incidents_in_period", window)[1]

    return columns, chain()


def _params(filters: Filters, threshold: float) -> dict[str, Any]:
    params = filters.params()
    params["categories"] = list(filters.categories)
    params["threshold"] = float(threshold)
    params["limit"] = 2**62  # the whole gap list, not a page of it
    params["offset"] = 0
    return params


def _summary_table(filters: Filters, path: Path) -> pa.Table:
    en, zh = translator("en"), translator("zh")
    rows = [
        {
            "kpi": k.key,
            "label_en": kpi_label(k, en),
            "label_zh": kpi_label(k, zh),
            "value_column": k.column,
            "value": k.value,
            "previous_value": k.previous,
            "change": k.change,
            "change_pct": k.change_pct,
            "n": k.n,
        }
        for k in overview_kpis(filters, path)
    ]
    official = _official_comparison(filters, path)
    for record in official.to_dict("records"):
        for key, column in OFFICIAL_SUMMARY:
            value = record[column]
            rows.append(
                {
                    "kpi": key,
                    "label_en": en(f"summary.{key}"),
                    "label_zh": zh(f"summary.{key}"),
                    "value_column": column,
                    "value": None if pd.isna(value) else float(value),
                    "as_of_date": record["as_of_date"],
                    "registry": record["registry"],
                }
            )
    schema = pa.schema(
        [(c, pa.string()) for c in SUMMARY_COLUMNS[:4]]
        + [(c, pa.float64()) for c in SUMMARY_COLUMNS[4:8]]
        + [("n", pa.int64()), ("as_of_date", pa.date32()), ("registry", pa.string())]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _official_comparison(filters: Filters, path: Path) -> pd.DataFrame:
    """The lists against the official totals for the briefing's summary: per list, each official
    date within the period, or, when the period holds none, the latest one before its end (a
    quarter between two announcements still says where the lists stood at the last one)."""
    end = filters.end or filters.today
    upto = queries.official_totals_reconciliation(replace(filters, period="custom", start=EPOCH, end=end), path)
    if upto.empty:
        return upto
    dates = pd.to_datetime(upto["as_of_date"]).dt.date
    start = filters.start or EPOCH
    within = dates >= start
    latest = dates == dates.groupby(upto["registry"]).transform("max")
    has_within = within.groupby(upto["registry"]).transform("any")
    chosen = upto[within | (~has_within & latest)]
    return chosen.assign(as_of_date=pd.to_datetime(chosen["as_of_date"]).dt.date)


def _manifest_rows(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    threshold: float,
    params: dict[str, Any],
    rows: dict[str, int],
    generated_at: datetime,
) -> list[tuple[str, str, str]]:
    period = period_of(filters)
    previous = filters.previous()
    info = con.execute(queries.sql_text("warehouse_info")).fetchall()
    load_id, built_at, etl_version, is_sample = info[0] if info else ("", None, "", False)
    out = [
        ("briefing", "file", bundle_name(filters)),
        ("period", "period", period.label),
        ("period", "start_date", period.start.isoformat()),
        ("period", "end_date", period.end.isoformat()),
        ("period", "previous_start_date", previous.start.isoformat() if previous and previous.start else ""),
        ("period", "previous_end_date", previous.end.isoformat() if previous and previous.end else ""),
        ("filter", "jurisdictions", "; ".join(filters.jurisdictions) or "all"),
        ("filter", "lists", "; ".join(filters.registries) or "all"),
        ("filter", "categories", "; ".join(filters.categories) or "all"),
        ("filter", "provider", filters.provider or "all"),
        ("filter", "sectors", "; ".join(filters.sectors) or "all"),
        ("filter", "ownership", "; ".join(filters.ownership) or "all"),
        ("filter", "consent_gap_threshold_pct", f"{threshold:g}"),
        ("data", "load_id", load_id or ""),
        ("data", "built_at", _iso(_as_utc(built_at))),
        ("data", "etl_version", etl_version or ""),
        ("data", "is_sample", "true" if is_sample else "false"),
    ]
    result = con.execute(queries.sql_text("source_freshness"))
    names = [d[0] for d in result.description]
    records = [dict(zip(names, r, strict=True)) for r in result.fetchall()]
    stamps = [_as_utc(r["data_as_of_at"]) for r in records]
    oldest = None if not stamps or None in stamps else min(stamps)
    out.append(("data", "oldest_as_of", _iso(oldest) or "never loaded"))
    for record in records:
        out.append(("data_as_of", record["source"], _iso(_as_utc(record["data_as_of_at"])) or "never loaded"))
        out.append(("data_load_id", record["source"], record["data_load_id"] or ""))
    for name in FILES[:-1]:
        out.append(("rows", name, str(rows[name])))
    names, batches = _batches(con, "contributing_sources", params)
    for batch in batches:
        for record in batch.to_pylist():
            if (record["attribution"] or "").strip():
                out.append(("attribution", record["source"], record["attribution"].strip()))
    out.append(("generated", "version", VERSION))
    out.append(("generated", "at", _iso(generated_at)))
    return out


def _incident_attributions(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> list[str]:
    _, batches = _batches(con, "contributing_sources", params)
    return [
        f"{r['source']}: {r['attribution'].strip()}"
        for batch in batches
        for r in batch.to_pylist()
        if r["entity"] == "incidents" and (r["attribution"] or "").strip()
    ]


def _write_files(
    filters: Filters, path: Path, staging: Path, threshold: float, generated_at: datetime
) -> dict[str, int]:
    params = _params(filters, threshold)
    rows: dict[str, int] = {}
    # Each file's columns as (name, type), for columns.csv; "" takes the dictionary's type.
    described: dict[str, list[tuple[str, str]]] = {}
    summary = _summary_table(filters, path)
    described["summary.csv"] = [(f.name, ARROW_TYPES.get(str(f.type), "")) for f in summary.schema]
    with open(staging / "summary.csv", "wb") as out:
        rows["summary.csv"] = write_csv_batches(out, summary.column_names, summary.to_batches())
    with connect(path) as con:
        for name, query in TABLE_QUERIES.items():
            # The licence of CC BY-SA incident sources travels with the incident rows. (Asked
            # first: a connection streams one result at a time.)
            attribution = _incident_attributions(con, params) if name == "incidents.csv" else ()
            if name == "incidents.csv":
                columns, batches = _incident_batches(con, params)
            else:
                columns, batches = _batches(con, query, params)
            described[name] = [(c, "") for c in columns]
            with open(staging / name, "wb") as out:
                rows[name] = write_csv_batches(out, columns, batches, attribution)
        described["columns.csv"] = [(c, "varchar") for c in COLUMNS_CSV_FIELDS]
        described["manifest.csv"] = [(c, "varchar") for c in MANIFEST_COLUMNS]
        dictionary = pa.Table.from_pylist(
            columns_rows(described), schema=pa.schema([(c, pa.string()) for c in COLUMNS_CSV_FIELDS])
        )
        with open(staging / "columns.csv", "wb") as out:
            rows["columns.csv"] = write_csv_batches(out, COLUMNS_CSV_FIELDS, dictionary.to_batches())
        manifest = _manifest_rows(con, filters, threshold, params, rows, generated_at)
    table = pa.Table.from_pylist(
        [dict(zip(MANIFEST_COLUMNS, r, strict=True)) for r in manifest],
        schema=pa.schema([(c, pa.string()) for c in MANIFEST_COLUMNS]),
    )
    with open(staging / "manifest.csv", "wb") as out:
        write_csv_batches(out, MANIFEST_COLUMNS, table.to_batches())
    return rows


def _zip(staging: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name in FILES:
            source = staging / name
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever machine builds it
            info.external_attr = 0o644 << 16
            large = source.stat().st_size >= zipfile.ZIP64_LIMIT
            with open(source, "rb") as src, bundle.open(info, "w", force_zip64=large) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)


def write_bundle(
    filters: Filters,
    out_dir: Path,
    *,
    path: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    generated_at: datetime | None = None,
    keep_files: bool = False,
) -> Path:
    """Write the briefing ZIP into out_dir (atomically) and return its path. With keep_files,
    the CSVs are also left beside it in a folder of the same name (for the page)."""
    path = path or db_path()
    if not 0 <= threshold <= 1:
        raise BriefingUsageError(f"threshold {threshold:g} is out of range; expected a share between 0 and 1")
    period_of(filters)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = bundle_name(filters)
    generated_at = generated_at or datetime.now(UTC)
    # The ETL may publish a new build while we read. Each query opens the live file, so check
    # that the build did not change under us, and start again if it did.
    for _attempt in range(3):
        version = data_version(path)
        with tempfile.TemporaryDirectory(dir=out_dir, prefix=".briefing-") as tmp:
            staging = Path(tmp)
            _write_files(filters, path, staging, threshold, generated_at)
            if data_version(path) != version:
                continue
            partial = staging / name
            _zip(staging, partial)
            target = out_dir / name
            os.replace(partial, target)
            if keep_files:
                folder = out_dir / name.removesuffix(".zip")
                folder.mkdir(exist_ok=True)
                for file in FILES:
                    os.replace(staging / file, folder / file)
            return target
    raise BriefingError("the warehouse kept changing while the briefing was written; try again after the refresh")


def build_bundle(filters: Filters, *, path: Path | None = None, threshold: float = DEFAULT_THRESHOLD) -> Bundle:
    """The bundle in memory, for the page's download buttons (same bytes as write_bundle)."""
    with tempfile.TemporaryDirectory(prefix="briefing-") as tmp:
        target = write_bundle(filters, Path(tmp), path=path, threshold=threshold, keep_files=True)
        folder = target.with_suffix("")
        files = {name: (folder / name).read_bytes() for name in FILES}
        data = target.read_bytes()
    rows = {}
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        manifest = bundle.read("manifest.csv").decode("utf-8-sig")
    for line in manifest.splitlines():
        section, _, rest = line.partition(",")
        if section == "rows":
            file, _, count = rest.partition(",")
            rows[file] = int(count)
    return Bundle(target.name, data, files, rows)


def brief(
    period_text: str,
    *,
    today: date,
    jurisdictions: Iterable[str] = (),
    registries: Iterable[str] = (),
    categories: Iterable[str] = (),
    provider: str = "",
    sectors: Iterable[str] = (),
    ownership: Iterable[str] = (),
    threshold_pct: float = 80,
    max_age_text: str | None = None,
    path: Path | None = None,
    out: Path = Path("."),
) -> Path:
    """`python -m etl brief`: check the request, then write the ZIP into `out` and return its path.

    BriefingUsageError for a bad request (period, age, threshold, an unknown code), BriefingError
    (StaleData) when the data are older than `max_age_text`, WarehouseMissing without a warehouse.
    """
    period = parse_period(period_text, today)
    max_age = parse_age(max_age_text) if max_age_text else None
    if not 0 <= threshold_pct <= 100:
        raise BriefingUsageError(f"--threshold {threshold_pct:g} is out of range; expected 0 to 100")
    filters = make_filters(
        period,
        jurisdictions=jurisdictions,
        registries=registries,
        categories=categories,
        provider=provider,
        sectors=sectors,
        ownership=ownership,
    )
    check_scope(filters, path, CATEGORIES)
    if max_age is not None:
        check_max_age(max_age, path)
    return write_bundle(filters, out, path=path, threshold=threshold_pct / 100)
