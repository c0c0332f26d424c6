"""The incident pages read pre-counted data when no provider is searched: mart_incident_days
(records counted per day and per value of every field the queries read, through
dashboard/sql/_incident_rows.sql), and for repeat providers each name as a 64-bit key
(mart_incidents.provider_key, mart_incident_name_keys). Each query must give what it gives on
the records themselves:
- every query over _incident_rows runs twice on the same warehouse: as the pages run it, and
  with mart_incident_days shadowed by a temporary view of mart_incidents at one row per record
  (record_count 1). A query that counted rows (count(*)) where it must sum record_count, or
  lost a field the groups are split by, gives another answer;
- repeat providers are counted again in pandas from the names of mart_incidents;
- a provider search, which reads each record's names in mart_incidents, finds the busiest
  repeat provider with the count the keyed path gives it.
On the sample (with the hostile test corpus) and on every real list."""

from __future__ import annotations

import contextlib
from datetime import date

import duckdb
import pandas as pd
import pytest

from core.schema import PUBLISHED
from dashboard import queries
from dashboard.filters import Filters

pytest_plugins = ["conftest_dashboard"]

TODAY = date(2026, 11, 30)
QUERIES = (
    ("incident_kpis", lambda f, p: queries.incident_kpis(f, p)),
    ("penalties_by_currency", lambda f, p: queries.penalties_by_currency(f, p)),
    *(
        (f"incidents_by_month/{b}", lambda f, p, b=b: queries.incidents_by_month(f, b, p))
        for b in queries.INCIDENT_BREAKDOWNS
    ),
    ("incidents_by_jurisdiction", lambda f, p: queries.incidents_by_jurisdiction(f, p)),
    ("incidents_month_unknown", lambda f, p: queries.incidents_month_unknown(f, p)),
    ("penalties_by_month", lambda f, p: queries.penalties_by_month(f, p)),
    ("incident_linkage", lambda f, p: queries.incident_linkage(f, p)),
)
# One row per record, as mart_incident_days would be if no two records shared a group: its
# published columns (core.schema), each read from mart_incidents, the measures for one record.
_ONE_RECORD = {"record_count": "1::bigint", "penalty_count": "(penalty_amount is not null)::bigint"}
PER_RECORD = (
    "create temp view mart_incident_days as select "
    + ", ".join(f"{_ONE_RECORD[c]} as {c}" if c in _ONE_RECORD else c for c in PUBLISHED["mart_incident_days"])
    + " from main.mart_incidents"
)


def _views(db) -> list[Filters]:
    """All time, a year, a quarter, the default 12 months, and the busiest jurisdiction and
    category of the warehouse alone and together."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        jur, cat = (
            con.execute(
                f"select {c} from mart_incidents where {c} is not null group by 1 order by count(*) desc, 1 limit 1"
            ).fetchone()[0]
            for c in ("jurisdiction_code", "category")
        )
        (year,) = con.execute("select year(max(event_date)) - 1 from mart_incidents").fetchone()
    finally:
        con.close()
    base = Filters(today=TODAY)
    return [
        base.with_period("all"),
        base.with_period(str(year)),
        base.with_period(f"{year}-Q2"),
        base.with_period("12m"),
        Filters(today=TODAY, jurisdictions=(jur,)).with_period("all"),
        Filters(today=TODAY, categories=(cat,)).with_period("all"),
        Filters(today=TODAY, jurisdictions=(jur,), categories=(cat,)).with_period(str(year)),
    ]


@contextlib.contextmanager
def _per_record(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute(PER_RECORD)
        yield con
    finally:
        con.close()


def _same(a, b, what: str) -> None:
    if isinstance(a, dict):
        a, b = pd.DataFrame([a]), pd.DataFrame([b])
    pd.testing.assert_frame_equal(
        a.reset_index(drop=True), b.reset_index(drop=True), check_exact=False, rtol=1e-9, obj=what
    )


def _check_days(db, monkeypatch) -> int:
    compared = 0
    for f in _views(db):
        for name, run in QUERIES:
            counted = run(f, db)
            with monkeypatch.context() as m:
                m.setattr(queries, "connect", lambda path=None: _per_record(db))
                per_record = run(f, db)
            _same(counted, per_record, f"{name} {f.period} {f.jurisdictions} {f.categories}")
            compared += len(per_record) if isinstance(per_record, pd.DataFrame) else 1
    return compared


def test_the_day_counts_give_what_the_records_give_on_the_sample(sample_db, monkeypatch):
    assert _check_days(sample_db, monkeypatch) > 100


def test_the_day_counts_give_what_the_records_give_on_the_real_lists(real_db, monkeypatch):
    assert _check_days(real_db, monkeypatch) > 500


def test_the_day_counts_are_far_fewer_rows_than_the_records_on_the_real_lists(real_db):
    con = duckdb.connect(str(real_db), read_only=True)
    try:
        days, records, summed = con.execute(
            """select (select count(*) from mart_incident_days), (select count(*) from mart_incidents),
                      (select sum(record_count) from mart_incident_days)"""
        ).fetchone()
    finally:
        con.close()
    assert summed == records
    assert days < records


def _repeat_reference(db, f: Filters, limit: int) -> pd.DataFrame:
    """Repeat providers counted in pandas from mart_incidents: each distinct name of a record once."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select provider_names, record_type, link_status, event_date, jurisdiction_code, category "
            "from mart_incidents"
        ).df()
    finally:
        con.close()
    if f.start is not None:
        dates = pd.to_datetime(rows["event_date"])
        rows = rows[(dates >= pd.Timestamp(f.start)) & (dates <= pd.Timestamp(f.end))]
    if f.jurisdictions:
        rows = rows[rows["jurisdiction_code"].isin(f.jurisdictions)]
    if f.categories:
        rows = rows[rows["category"].isin(f.categories)]
    rows = rows.assign(
        provider_name=rows["provider_names"].map(
            lambda names: sorted({n for n in names if isinstance(n, str)}) if hasattr(names, "__iter__") else []
        )
    ).explode("provider_name")
    rows = rows[rows["provider_name"].notna()]
    grouped = rows.groupby("provider_name").agg(
        record_count=("record_type", "size"),
        incident_count=("record_type", lambda s: int((s == "incident").sum())),
        enforcement_count=("record_type", lambda s: int((s == "enforcement").sum())),
        linked_count=("link_status", lambda s: int((s == "linked").sum())),
    )
    grouped = grouped[grouped["record_count"] >= 2].reset_index()
    return grouped.sort_values(["record_count", "provider_name"], ascending=[False, True]).head(limit)


@pytest.mark.parametrize("which", ["sample", "real"])
def test_repeat_providers_are_counted_as_from_the_records(which, request):
    db = request.getfixturevalue(f"{which}_db")
    columns = ["provider_name", "record_count", "incident_count", "enforcement_count", "linked_count"]
    checked = 0
    for f in _views(db):
        got = queries.repeat_providers(f, 25, db)[columns].astype(dict.fromkeys(columns[1:], "int64"))
        want = _repeat_reference(db, f, 25)[columns].astype(dict.fromkeys(columns[1:], "int64"))
        assert got.to_dict("records") == want.to_dict("records"), f"{f.period} {f.jurisdictions} {f.categories}"
        checked += len(got)
    assert checked > 20


def test_a_provider_search_reads_the_records_and_agrees_with_the_counts(real_db):
    """The busiest repeat provider, searched by its full name: the search path (mart_incidents)
    counts at least the records the pre-counted path gives it (a search also matches records
    whose registered provider or another name contains the text)."""
    f = Filters(today=TODAY).with_period("all")
    top = queries.repeat_providers(f, 1, real_db).iloc[0]
    searched = Filters(today=TODAY, provider=top["provider_name"]).with_period("all")
    found = queries.repeat_providers(searched, 100, real_db).set_index("provider_name")
    assert int(found.loc[top["provider_name"], "record_count"]) == int(top["record_count"])
    kpis_all, kpis_searched = queries.incident_kpis(f, real_db), queries.incident_kpis(searched, real_db)
    total = kpis_searched["incident_count"] + kpis_searched["enforcement_count"]
    assert int(top["record_count"]) <= total < kpis_all["incident_count"] + kpis_all["enforcement_count"]
