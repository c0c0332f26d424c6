"""Query functions and KPIs against the real sample warehouse, checked against independent
pandas computations over the mart tables; read-only access; cache follows the data version."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from core.connection import WarehouseMissing, connect, data_version
from dashboard import kpis, queries
from dashboard.filters import Filters

pytest_plugins = ["conftest_dashboard"]
ROOT = Path(__file__).resolve().parents[1]
PERIOD = Filters().with_period("2025")


@pytest.fixture(scope="module")
def marts(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        return {
            t: con.execute(f"select * from {t}").df() for t in ("mart_registrations", "mart_incidents", "mart_consent")
        }


def test_registration_kpis_match_filed_minus_cancelled(sample_db, marts):
    reg = marts["mart_registrations"]
    end = pd.Timestamp("2025-12-31")
    expected_active = int(((reg.filed_date <= end) & ((reg.status == "active") | (reg.cancelled_date > end))).sum())
    got = queries.registration_kpis(PERIOD, sample_db)
    assert got["active_count"] == expected_active
    assert got["new_count"] == int(reg.filed_date.between("2025-01-01", "2025-12-31").sum())
    assert got["prev_new_count"] == int(reg.filed_date.between("2024-01-01", "2024-12-31").sum())
    assert got["cancelled_count"] == int(reg.cancelled_date.between("2025-01-01", "2025-12-31").sum())


def test_active_by_month_ends_at_the_kpi_value(sample_db):
    series = queries.active_registrations_by_month(PERIOD, sample_db)
    assert len(series) == 12
    assert series["active_count"].iloc[-1] == queries.registration_kpis(PERIOD, sample_db)["active_count"]


def test_jurisdiction_filter_narrows_and_sums(sample_db, marts):
    bj = Filters(jurisdictions=("CN-BJ",)).with_period("all")
    by = queries.registrations_by_jurisdiction(bj, sample_db)
    reg = marts["mart_registrations"]
    assert int(by.loc[by.jurisdiction_code == "CN-BJ", "filing_count"].iloc[0]) == int(
        (reg.jurisdiction_code == "CN-BJ").sum()
    )
    assert int(by.loc[by.jurisdiction_code != "CN-BJ", "filing_count"].sum()) == 0
    assert len(by) >= 31, "every province stays on the map"


@pytest.fixture(scope="module")
def tagging(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        return {
            t: con.execute(f"select * from {t}").df() for t in ("mart_registration_sectors", "mart_provider_ownership")
        }


def test_filings_by_ownership_match_a_pandas_count(sample_db, marts, tagging):
    reg = marts["mart_registrations"]
    filed = reg[reg.filed_date.between("2025-01-01", "2025-12-31")]
    owners = tagging["mart_provider_ownership"].set_index("provider_name")["ownership_type"]
    kinds = filed.provider_name.map(owners).fillna("other_enterprise")
    expected = {kind: (len(rows), rows.provider_name.nunique()) for kind, rows in filed.groupby(kinds, dropna=False)}
    got = queries.filings_by_ownership(PERIOD, sample_db)
    assert {r.ownership_type: (r.filing_count, r.provider_count) for r in got.itertuples()} == expected
    assert len(expected) >= 2, "the sample has providers of more than one ownership type"


def test_sector_charts_match_a_pandas_count(sample_db, marts, tagging):
    """The sector charts count from mart_registration_sectors alone (its rows carry the filing
    date and the filtered fields): the same counts as joining the registrations."""
    reg = marts["mart_registrations"]
    sectors = tagging["mart_registration_sectors"][["registration_id", "sector"]]
    bj = Filters(jurisdictions=("CN-BJ",)).with_period("2025")
    for f, scope in ((PERIOD, reg), (bj, reg[reg.jurisdiction_code == "CN-BJ"])):
        joined = sectors.merge(scope[["registration_id", "filed_date"]], on="registration_id")
        filed = joined[joined.filed_date.between("2025-01-01", "2025-12-31")]
        monthly = filed.groupby([filed.filed_date.dt.to_period("M").dt.start_time, "sector"]).size()
        got = queries.filings_by_sector_month(f, sample_db)
        assert {(pd.Timestamp(r.month_date), r.sector): r.filing_count for r in got.itertuples()} == monthly.to_dict()
        ranked = queries.sectors_ranked(f, sample_db)
        previous = joined[joined.filed_date.between("2024-01-01", "2024-12-31")].sector.value_counts()
        assert {r.sector: r.filing_count for r in ranked.itertuples()} == filed.sector.value_counts().to_dict()
        assert {r.sector: r.previous_filing_count for r in ranked.itertuples()} == {
            s: int(previous.get(s, 0)) for s in ranked.sector
        }
        assert len(ranked) >= 2


def test_provider_search_is_literal_text(sample_db):
    wildcard = Filters(provider="%").with_period("all")
    assert queries.registration_kpis(wildcard, sample_db)["new_count"] == 0


def test_incident_kpis_and_breakdowns_agree(sample_db, marts):
    inc = marts["mart_incidents"]
    in_2025 = inc[inc.event_date.between("2025-01-01", "2025-12-31")]
    got = queries.incident_kpis(PERIOD, sample_db)
    assert got["incident_count"] == int((in_2025.record_type == "incident").sum())
    assert got["enforcement_count"] == int((in_2025.record_type == "enforcement").sum())
    assert got["penalty_cny"] == pytest.approx(in_2025.loc[in_2025.penalty_currency == "CNY", "penalty_amount"].sum())
    for breakdown in queries.INCIDENT_BREAKDOWNS:
        monthly = queries.incidents_by_month(PERIOD, breakdown, sample_db)
        assert monthly["record_count"].sum() == len(in_2025)
    assert queries.incident_linkage(PERIOD, sample_db)["record_count"].sum() == len(in_2025)
    with pytest.raises(ValueError):
        queries.incidents_by_month(PERIOD, "title; drop table x", sample_db)


def test_consent_coverage_is_record_weighted_over_known_counts(sample_db, marts):
    con = marts["mart_consent"]
    known = con[con.coverage_status.isin(["covered", "partial", "none"])]
    everything = Filters().with_period("all")
    got = queries.consent_kpis(everything, sample_db)
    assert got["coverage_pct"] == pytest.approx(known.consented_records.sum() / known.personal_records.sum())
    assert got["known_dataset_count"] == len(known)
    assert got["unknown_dataset_count"] == int((con.coverage_status == "unknown").sum())
    status = queries.consent_service_status(everything, sample_db)
    assert status["service_count"].sum() == con.registration_id.nunique()


def test_gap_list_is_paged_and_respects_the_threshold(sample_db):
    everything = Filters().with_period("all")
    page0, total = queries.consent_gap_services(everything, 0.8, 0, 10, sample_db)
    page1, _ = queries.consent_gap_services(everything, 0.8, 1, 10, sample_db)
    assert total > 20 and len(page0) == len(page1) == 10
    assert not set(page0.registration_id) & set(page1.registration_id)
    known = page0[page0.service_status != "unknown"]
    assert (known.coverage_pct.fillna(0) < 0.8).all()
    _, stricter = queries.consent_gap_services(everything, 0.5, 0, 10, sample_db)
    assert stricter < total


def test_explorer_pages_never_return_more_than_a_page(sample_db):
    everything = Filters().with_period("all")
    rows, total = queries.incidents_page(everything, "", 3, 25, sample_db)
    assert len(rows) == 25 and total > 1000
    rows, total = queries.registrations_page(everything, "beijing", 0, 25, sample_db)
    assert total > 0 and rows.registration_id.str.lower().str.contains("beijing").all()


def test_provider_detail_uses_aliases_when_the_table_exists(sample_db):
    # The sample config always loads data/provider_aliases.csv: a build without it is a bug here.
    detail = queries.provider_detail("Baidu", path=sample_db)
    assert detail["aliases"] is not None, "the sample warehouse has no provider alias table"
    assert "北京百度网讯科技有限公司" in detail["names"]
    assert len(detail["registrations"]) > 0


def test_provider_detail_without_an_alias_source(empty_db):
    # A warehouse built without an alias source has the table, empty, and still answers.
    detail = queries.provider_detail("Baidu", path=empty_db)
    assert detail["aliases"] is not None and detail["aliases"].empty
    assert detail["names"] == ["Baidu"]
    assert len(detail["registrations"]) == 0


def test_overview_kpis_rows(sample_db):
    rows = kpis.overview_kpis(PERIOD, sample_db)
    assert [k.key for k in rows] == [
        "kpi_active", "kpi_new", "kpi_cancelled", "kpi_incidents", "kpi_enforcement", "kpi_penalties", "kpi_consent"
    ]  # fmt: skip
    new = rows[1]
    assert new.change == new.value - new.previous
    assert new.change_pct == pytest.approx(new.change / new.previous)
    consent = rows[-1]
    assert consent.n == queries.consent_kpis(PERIOD, sample_db)["known_dataset_count"]
    open_rows = kpis.overview_kpis(Filters().with_period("all"), sample_db)
    assert all(k.previous is None and k.change is None for k in open_rows)
    assert list(kpis.kpis_frame(rows).columns)[:4] == ["key", "column", "value", "previous"]


def test_every_query_runs_on_an_empty_warehouse(empty_db):
    f = Filters().with_period("all")
    assert queries.registration_kpis(f, empty_db)["active_count"] == 0
    assert queries.active_registrations_by_month(f, empty_db).empty
    assert queries.consent_kpis(f, empty_db)["coverage_pct"] is None or pd.isna(
        queries.consent_kpis(f, empty_db)["coverage_pct"]
    )
    assert [k.value for k in kpis.overview_kpis(f, empty_db)][:5] == [0, 0, 0, 0, 0]


def test_every_sql_file_is_used_by_a_query_function():
    source = "\n".join(p.read_text() for p in (ROOT / "dashboard").glob("*.py"))
    used = set(re.findall(r'"([a-z_]+)"', source))
    used |= {f"{kind}_page" for kind in queries.SEARCHES}  # the Explorer's searches, by kind
    paged = {f"{name}_count" for name in used}
    for name in queries.sql_names():
        assert name in used or name in paged, f"dashboard/sql/{name}.sql is not used"


def test_every_sql_fragment_is_included_by_a_query():
    included = "\n".join((queries.SQL_DIR / f"{name}.sql").read_text() for name in queries.sql_names())
    for fragment in queries.fragment_names():
        assert f"-- include: {fragment}\n" in included, f"dashboard/sql/{fragment}.sql is not included"


def test_sql_takes_values_only_as_named_parameters():
    for name in queries.sql_names():
        text = queries.sql_text(name)
        assert "{" not in text and "%s" not in text and "?" not in text, name


def test_connection_is_read_only_and_cannot_read_files(sample_db, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    with connect(sample_db) as con:
        with pytest.raises(duckdb.Error):
            con.execute(f"select * from read_csv('{secret}')").fetchall()
        with pytest.raises(duckdb.Error):
            con.execute("create table x (a int)")
        with pytest.raises(duckdb.Error):
            con.execute("set enable_external_access = true")


def test_missing_warehouse_raises_the_typed_error(tmp_path):
    with pytest.raises(WarehouseMissing):
        data_version(tmp_path / "none.duckdb")
    with pytest.raises(WarehouseMissing):
        queries.registration_kpis(PERIOD, tmp_path / "none.duckdb")


def test_a_new_build_changes_the_data_version(sample_db, tmp_path):
    copy = tmp_path / "w.duckdb"
    shutil.copy(sample_db, copy)
    before = data_version(copy)
    replacement = tmp_path / "new.duckdb"
    shutil.copy(sample_db, replacement)
    replacement.replace(copy)  # what the ETL's publish step does
    assert data_version(copy) != before


def _declared() -> list:
    """Every query function that declares Filters fields it does not read (filters_unused)."""
    found = []
    for module in (queries, kpis):
        for name in dir(module):
            fn = getattr(module, name)
            if callable(fn) and hasattr(fn, "filters_unused") and getattr(fn, "__module__", "") == module.__name__:
                found.append(fn)
    return found


def test_declared_unused_filters_are_not_read_by_the_sql_they_run(sample_db, monkeypatch):
    """dashboard.cache keys a result without the fields its function declares unused; that is
    right only if no SQL the function runs takes them ($categories, $show), and the page language
    reaches no SQL at all; a function declaring the period unused runs no SQL taking a date bound."""
    declared = _declared()
    assert {fn.__name__ for fn in declared} >= {"top_providers", "incident_kpis", "overview_kpis", "search_rows"}
    ran: list[tuple[str, dict]] = []
    real_fetch = queries.fetch

    def spy(name, params=None, path=None):
        ran.append((name, dict(params or {})))
        return real_fetch(name, params, path)

    monkeypatch.setattr(queries, "fetch", spy)
    f = Filters(categories=("fraud",), show="active", lang="zh").with_period("all")
    calls = [(fn, (f,)) for fn in declared if fn.__name__ not in ("search_rows", "search_count")]
    calls = [(fn, (f, 0.8) if fn.__name__.startswith("consent_gap") else args) for fn, args in calls]
    calls += [
        (fn, (kind, f))
        for fn in declared
        if fn.__name__ in ("search_rows", "search_count")
        for kind in queries.SEARCHES
    ]
    for fn, args in calls:
        ran.clear()
        fn(*args, path=sample_db)
        unused = queries.unused_fields(fn, args, {})
        assert "lang" in unused
        assert ran, fn.__name__
        for name, params in ran:
            text = queries.sql_text(name)
            read = (
                ("categories", "$categories"),
                ("show", "$show"),
                *(
                    (field, bound)
                    for field in queries.PERIOD
                    for bound in ("$start_date", "$end_date", "$is_all_time", "$prev_")
                ),
            )
            for field, parameter in read:
                if field in unused:
                    assert parameter not in text, f"{fn.__name__} declares {field} unused but {name}.sql reads it"
            assert "zh" not in map(str, params.values())
