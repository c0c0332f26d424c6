"""Query functions: one per question, each running dashboard/sql/<result name>.sql.

Streamlit-free so the KPI module and the CSV briefing can reuse them; pages reach them through
dashboard.cache.cached(), which keys the cache on the filter values and the data version.
Values go in as $named parameters only; no identifier varies.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from core import sql
from core.connection import connect
from dashboard.filters import EPOCH, Filters

SQL_DIR = Path(__file__).parent / "sql"

# Breakdowns a chart may ask for; each maps to a CASE branch inside the SQL, not an identifier.
INCIDENT_BREAKDOWNS = ("category", "severity", "source")
CONSENT_BREAKDOWNS = ("jurisdiction", "provider", "category")

PAGE_SIZE = 50

F = TypeVar("F", bound=Callable[..., Any])
# Filters fields no query reads beside these: the page language (labels are drawn by pages).
_NEVER_READ = ("lang",)
REGISTRATIONS = ("categories", "show", *_NEVER_READ)  # the incident category and drill-down: incidents, Explorer
INCIDENTS = ("show", *_NEVER_READ)  # the drill-down: Explorer only
# The period: for what the latest load changed, which no period narrows (a period change on the
# Licensing page then does not run those queries again).
PERIOD = ("period", "start", "end")


def filters_unused(*fields: str | Callable[..., tuple[str, ...]]) -> Callable[[F], F]:
    """Declare the Filters fields a query function never reads (or a function of its other
    arguments giving them): dashboard.cache keys its results without them, so changing one (the
    incident category while on the Licensing page) does not run the query again.
    tests/test_dashboard_queries.py checks each declaration against the SQL the function runs."""

    def mark(fn: F) -> F:
        fn.filters_unused = fields[0] if len(fields) == 1 and callable(fields[0]) else fields  # type: ignore[attr-defined]
        return fn

    return mark


def unused_fields(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[str, ...]:
    """The Filters fields `fn` called with these arguments does not read (filters_unused)."""
    unused = getattr(fn, "filters_unused", ())
    return tuple(unused(*args, **kwargs)) if callable(unused) else tuple(unused)


def sql_text(name: str) -> str:
    """The SQL of one named result; FileNotFoundError for a name with no file, and
    core.sql.SqlIncludeError when a shared fragment (`-- include: _scope`) is missing or stale.
    """
    return sql.load(SQL_DIR / f"{name}.sql")


def bind(text: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """The parameters `text` uses, taken from `params`; KeyError names any that are missing.

    DuckDB rejects parameters a statement does not use, so only the ones the SQL names are passed.
    """
    wanted = sql.parameters(text)
    given = {k: v for k, v in (params or {}).items() if k in wanted}
    if missing := wanted - set(given):
        raise KeyError(f"the query needs parameters {sorted(missing)}")
    return given


def sql_names() -> list[str]:
    """Every named query (fragments, whose names start with `_`, are not queries)."""
    return sorted(p.stem for p in SQL_DIR.glob("*.sql") if not p.stem.startswith("_"))


def fragment_names() -> list[str]:
    return sorted(p.stem for p in SQL_DIR.glob("_*.sql"))


def fetch(name: str, params: dict[str, Any] | None = None, path: Path | None = None) -> pd.DataFrame:
    """Run one named query read-only and return its result."""
    text = sql_text(name)
    try:
        given = bind(text, params)
    except KeyError as exc:
        raise KeyError(f"{name}.sql: {exc.args[0]}") from None
    with connect(path) as con:
        return con.execute(text, given).df()


def _period(f: Filters) -> dict[str, Any]:
    prev = f.previous()
    params = f.params()
    params["categories"] = list(f.categories)
    # An open period has no previous one; these bounds then select nothing.
    params["prev_start_date"] = prev.start if prev else EPOCH
    params["prev_end_date"] = prev.end if prev else EPOCH
    return params


def _search(text: str) -> str:
    # strpos on lowered text: no LIKE wildcards, so % and _ typed by a user are literal.
    return text.strip().lower()[:100]


# Frame ----------------------------------------------------------------------------------------


def warehouse_info(path: Path | None = None) -> dict[str, Any]:
    df = fetch("warehouse_info", path=path)
    return df.to_dict("records")[0] if len(df) else {}


def source_freshness(path: Path | None = None) -> pd.DataFrame:
    return fetch("source_freshness", path=path)


def source_files(path: Path | None = None) -> pd.DataFrame:
    return fetch("source_files", path=path)


def source_attributions(path: Path | None = None) -> pd.DataFrame:
    return fetch("source_attributions", path=path)


def jurisdiction_options(path: Path | None = None) -> pd.DataFrame:
    return fetch("jurisdiction_options", path=path)


def registry_options(path: Path | None = None) -> list[str]:
    return fetch("registry_options", path=path)["registry"].dropna().tolist()


def data_date_range(path: Path | None = None) -> tuple[date | None, date | None]:
    row = fetch("data_date_range", path=path).iloc[0]
    first, last = row["first_date"], row["last_date"]
    return (None if pd.isna(first) else first.date(), None if pd.isna(last) else last.date())


# Licensing ------------------------------------------------------------------------------------


@filters_unused(*REGISTRATIONS)
def registration_kpis(f: Filters, path: Path | None = None) -> dict[str, Any]:
    return fetch("registration_kpis", _period(f), path).to_dict("records")[0]


@filters_unused(*REGISTRATIONS)
def filings_by_month(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("filings_by_month", f.params(), path)


@filters_unused(*REGISTRATIONS)
def active_registrations_by_month(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("active_registrations_by_month", f.params(), path)


@filters_unused(*REGISTRATIONS)
def registrations_by_jurisdiction(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("registrations_by_jurisdiction", f.params(), path)


@filters_unused(*REGISTRATIONS)
def official_totals_reconciliation(f: Filters, path: Path | None = None) -> pd.DataFrame:
    """Each official date in the period: the lists' cumulative filings and registrations against
    the regulator's announced totals (national: only the list filter applies)."""
    return fetch("official_totals_reconciliation", f.params(), path)


@filters_unused(*REGISTRATIONS)
def registrations_by_category(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("registrations_by_category", f.params(), path)


@filters_unused(*REGISTRATIONS)
def top_providers(f: Filters, limit: int = 20, path: Path | None = None) -> pd.DataFrame:
    return fetch("top_providers", {**f.params(), "limit": limit}, path)


def sector_options(path: Path | None = None) -> list[str]:
    """Sectors the build's rules tagged, most registrations first (with `unclassified`)."""
    return fetch("sector_options", path=path)["sector"].dropna().tolist()


@filters_unused(*REGISTRATIONS)
def filings_by_sector_month(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("filings_by_sector_month", f.params(), path)


@filters_unused(*REGISTRATIONS)
def sectors_ranked(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("sectors_ranked", _period(f), path)


@filters_unused(*REGISTRATIONS)
def filings_by_ownership(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("filings_by_ownership", f.params(), path)


@filters_unused(*REGISTRATIONS, *PERIOD)
def registration_changes_by_type(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("registration_changes_by_type", f.params(), path)


@filters_unused(*REGISTRATIONS, *PERIOD)
def registration_changes_rows(
    f: Filters, change_type: str = "", limit: int = 500, path: Path | None = None
) -> pd.DataFrame:
    return fetch("registration_changes_rows", {**f.params(), "change_type": change_type, "limit": limit}, path)


# Violations -----------------------------------------------------------------------------------


@filters_unused(*INCIDENTS)
def incident_kpis(f: Filters, path: Path | None = None) -> dict[str, Any]:
    return fetch("incident_kpis", _period(f), path).to_dict("records")[0]


@filters_unused(*INCIDENTS)
def penalties_by_currency(f: Filters, path: Path | None = None) -> pd.DataFrame:
    """Penalty totals per currency present (period and previous period); never converted."""
    return fetch("penalties_by_currency", _period(f), path)


@filters_unused(*INCIDENTS)
def incidents_by_month(f: Filters, breakdown: str = "category", path: Path | None = None) -> pd.DataFrame:
    if breakdown not in INCIDENT_BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    return fetch("incidents_by_month", {**_period(f), "breakdown": breakdown}, path)


@filters_unused(*INCIDENTS)
def incidents_by_jurisdiction(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("incidents_by_jurisdiction", _period(f), path)


@filters_unused(*INCIDENTS)
def incidents_month_unknown(f: Filters, path: Path | None = None) -> pd.DataFrame:
    """Records the monthly charts leave out (date known only to the year, a range, open), by precision."""
    return fetch("incidents_month_unknown", _period(f), path)


@filters_unused(*INCIDENTS)
def penalties_by_month(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("penalties_by_month", _period(f), path)


@filters_unused(*INCIDENTS)
def incident_linkage(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("incident_linkage", _period(f), path)


@filters_unused(*INCIDENTS)
def repeat_providers(f: Filters, limit: int = 25, path: Path | None = None) -> pd.DataFrame:
    return fetch("repeat_providers", {**_period(f), "limit": limit}, path)


# Consent --------------------------------------------------------------------------------------


@filters_unused(*REGISTRATIONS)
def consent_kpis(f: Filters, path: Path | None = None) -> dict[str, Any]:
    return fetch("consent_kpis", _period(f), path).to_dict("records")[0]


@filters_unused(*REGISTRATIONS)
def consent_service_status(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("consent_service_status", f.params(), path)


@filters_unused(*REGISTRATIONS)
def consent_datasets_by_status(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("consent_datasets_by_status", f.params(), path)


@filters_unused(*REGISTRATIONS)
def consent_coverage_by_group(
    f: Filters, breakdown: str = "jurisdiction", limit: int = 40, path: Path | None = None
) -> pd.DataFrame:
    if breakdown not in CONSENT_BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    return fetch("consent_coverage_by_group", {**f.params(), "breakdown": breakdown, "limit": limit}, path)


@filters_unused(*REGISTRATIONS)
def consent_coverage_by_quarter(f: Filters, path: Path | None = None) -> pd.DataFrame:
    return fetch("consent_coverage_by_quarter", f.params(), path)


def _gap_params(f: Filters, threshold: float, page: int = 0, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    return {**f.params(), "threshold": float(threshold), "limit": page_size, "offset": page * page_size}


@filters_unused(*REGISTRATIONS)
def consent_gap_services(
    f: Filters, threshold: float, page: int = 0, page_size: int = PAGE_SIZE, path: Path | None = None
) -> tuple[pd.DataFrame, int]:
    """One page of the gap list and how many services it holds."""
    return consent_gap_rows(f, threshold, page, page_size, path), consent_gap_count(f, threshold, path)


@filters_unused(*REGISTRATIONS)
def consent_gap_count(f: Filters, threshold: float, path: Path | None = None) -> int:
    """How many services the gap list holds (the Consent page's pager)."""
    return int(fetch("consent_gap_services_count", _gap_params(f, threshold), path).iloc[0, 0])


@filters_unused(*REGISTRATIONS)
def consent_gap_rows(
    f: Filters, threshold: float, page: int = 0, page_size: int = PAGE_SIZE, path: Path | None = None
) -> pd.DataFrame:
    """One page of the gap list, worst first."""
    return fetch("consent_gap_services", _gap_params(f, threshold, page, page_size), path)


# Explorer -------------------------------------------------------------------------------------


def _paged(name: str, params: dict[str, Any], page: int, page_size: int, path: Path | None) -> tuple[pd.DataFrame, int]:
    params = {**params, "limit": page_size, "offset": max(page, 0) * page_size}
    total = int(fetch(f"{name}_count", params, path).iloc[0, 0])
    return fetch(name, params, path), total


# The Explorer's searches: each a <name>.sql of one page of rows and a <name>_count.sql.
SEARCHES = ("registrations", "providers", "incidents")


def _search_params(kind: str, f: Filters, search: str) -> dict[str, Any]:
    if kind not in SEARCHES:
        raise ValueError(f"unknown search {kind!r}")
    # Incidents carry the category filter too (_period adds it).
    return {**(_period(f) if kind == "incidents" else f.params()), "search": _search(search), "show": f.show}


def _search_unused(kind: str, *args: Any, **kwargs: Any) -> tuple[str, ...]:
    # Incidents carry the category; every search reads the drill-down (show).
    return _NEVER_READ if kind == "incidents" else ("categories", *_NEVER_READ)


@filters_unused(_search_unused)
def search_count(kind: str, f: Filters, search: str = "", path: Path | None = None) -> int:
    """How many rows an Explorer search finds: one count query, for the pager."""
    return int(fetch(f"{kind}_page_count", _search_params(kind, f, search), path).iloc[0, 0])


@filters_unused(_search_unused)
def search_rows(
    kind: str, f: Filters, search: str = "", page: int = 0, page_size: int = PAGE_SIZE, path: Path | None = None
) -> pd.DataFrame:
    """One page of an Explorer search's rows."""
    params = {**_search_params(kind, f, search), "limit": page_size, "offset": max(page, 0) * page_size}
    return fetch(f"{kind}_page", params, path)


def registrations_page(
    f: Filters, search: str = "", page: int = 0, page_size: int = PAGE_SIZE, path: Path | None = None
) -> tuple[pd.DataFrame, int]:
    return search_rows("registrations", f, search, page, page_size, path), search_count(
        "registrations", f, search, path
    )


def incidents_page(
    f: Filters, search: str = "", page: int = 0, page_size: int = PAGE_SIZE, path: Path | None = None
) -> tuple[pd.DataFrame, int]:
    return search_rows("incidents", f, search, page, page_size, path), search_count("incidents", f, search, path)


def providers_page(
    f: Filters, search: str = "", page: int = 0, page_size: int = PAGE_SIZE, path: Path | None = None
) -> tuple[pd.DataFrame, int]:
    return search_rows("providers", f, search, page, page_size, path), search_count("providers", f, search, path)


def provider_aliases(provider_name: str, path: Path | None = None) -> pd.DataFrame | None:
    """Aliases of a provider (both directions), or None when this build has no alias table."""
    with connect(path) as con:
        # A build from before provider matching has no alias table; the Explorer says so.
        exists = "select count(*) from information_schema.tables where table_name = $table"
        if not con.execute(exists, {"table": "mart_provider_aliases"}).fetchone()[0]:
            return None
        return con.execute(sql_text("provider_aliases"), {"name": provider_name}).df()


def provider_detail(provider_name: str, limit: int = 1000, path: Path | None = None) -> dict[str, Any]:
    """Everything about one provider: aliases (if the table exists), filings, incidents, consent."""
    aliases = provider_aliases(provider_name, path)
    names = {provider_name}
    if aliases is not None and len(aliases):
        names |= set(aliases["alias"].dropna())
    params = {"names": sorted(names), "limit": limit}
    registrations = fetch("provider_registrations", params, path)
    return {
        "names": sorted(names),
        "aliases": aliases,
        "registrations": registrations,
        "cancellations": registrations[registrations["status"] == "cancelled"].reset_index(drop=True),
        "incidents": fetch("provider_incidents", params, path),
        "consent": fetch("provider_consent", params, path),
        "ownership": fetch("provider_ownership", {"names": sorted(names)}, path),
    }


# Data quality ---------------------------------------------------------------------------------


def etl_runs_recent(limit: int = 200, path: Path | None = None) -> pd.DataFrame:
    return fetch("etl_runs_recent", {"limit": limit}, path)


def quarantine_by_reason(path: Path | None = None) -> pd.DataFrame:
    return fetch("quarantine_by_reason", path=path)


def quarantine_rows(
    source: str = "", rule: str = "", page: int = 0, page_size: int = PAGE_SIZE, path: Path | None = None
) -> tuple[pd.DataFrame, int]:
    return _paged("quarantine_rows", {"source": source, "rule": rule}, page, page_size, path)


def source_header_changes(path: Path | None = None) -> pd.DataFrame:
    return fetch("source_header_changes", path=path)
