"""Every real file in ../shared/real-data loaded together in one run (tests/fixtures/real_sources.toml).

Expected counts were derived with a short Python script using only json/csv, independent of the
ETL (walk the records, count, compare sets):
- deep synthesis: 41 rows, 41 distinct 备案编号, roles 服务提供者 33 / 服务技术支持者 8;
  algorithm: 30 rows, 30 distinct, categories 17/4/4/3/2; 2 numbers are in both lists, so the two
  lists hold 69 distinct numbers; by their first two digits: 11 → 28, 44 → 18, 33 → 16, 31 → 2,
  34 → 2, 35/12/37 → 1 each. No 备注 says 注销; 2 algorithm 备注 say 变更.
- the generative-AI list: 1,842 distinct numbers (see test_etl_real_cac.py), none of the 网信算备 form,
  so 1,842 + 69 = 1,911 registrations in all.
- cancellations: 57 records, 57 distinct numbers, none in any list: 0 cancelled, 57 unmatched.
- AIID: 989 rows with distinct ids, dates 1983-09-26 … 2025-03-23 (none before 1980 nor in the
  future); 869 MIT classifications. 23 incidents name (as developer or deployer) a slug or id of a
  seed provider whose legal name appears in the lists (set intersection in the script).
- AIAAIC (csv module): 2,247 rows = title + header + sub-header + 2,244, of which one is wholly
  blank: 2,243 data rows; AIAAIC2094 twice (lines 166 and 237) and AIAAIC0184 (line 2065) has no
  headline: 2,241 load, 2 are quarantined. Occurred: 7 ranges (YYYY-YYYY), 5 open (YYYY-).
- app violations: 85 apps, 85 distinct (app, developer) pairs after removing spaces next to Chinese
  characters and unifying brackets; notices: 39 with 39 distinct URLs.
- GDPR fines: 1,701 rows with distinct ids; 23 dated 01/01/1970; prices sum to 4,001,455,789 EUR.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES, ROOT, query, run_cli


def _data_rows(name: str) -> int:
    return (ROOT / "data" / name).read_text(encoding="utf-8").count("\n") - 1


@pytest.fixture(scope="module")
def real(real_data, tmp_path_factory):
    db = tmp_path_factory.mktemp("real_sources") / "w.duckdb"
    result = run_cli("run", "--sources", str(FIXTURES / "real_sources.toml"), "--db", str(db), "--json", "--quiet")
    assert result.returncode == 0, result.stderr + result.stdout
    return db, json.loads(result.stdout)


def test_every_source_loads_with_exact_counts(real):
    db, summary = real
    got = {s["source"]: (s["status"], s["rows_loaded"], s["rows_quarantined"]) for s in summary["sources"]}
    assert got == {
        "cac_genai": ("loaded", 1842, 0),
        "cac_deep_synthesis": ("loaded", 41, 0),
        "cac_algorithm": ("loaded", 30, 0),
        "cac_cancellations": ("loaded", 57, 0),
        "aiid": ("loaded", 989, 0),
        "aiaaic": ("loaded", 2241, 2),
        "cn_app_violations": ("loaded", 85, 0),
        "cn_app_notices": ("loaded", 39, 0),
        "gdpr_fines": ("loaded", 1701, 0),
        "provider_aliases": ("loaded", 34, 0),
        # The project's own tables: every line of the CSV but its header.
        "sector_rules": ("loaded", _data_rows("sector_rules.csv"), 0),
        "central_enterprises": ("loaded", 100, 0),
    }


def test_algorithm_lists_unique_numbers_roles_categories_and_provinces(real):
    db, _ = real
    assert query(
        db, "select count(*) from mart_registrations where registry in ('cac_deep_synthesis', 'cac_algorithm')"
    ) == [(69,)]
    assert query(db, "select count(*) from mart_registrations where len(registries) = 2") == [(2,)]
    assert query(db, "select count(*), count(distinct registration_id) from mart_registrations") == [(1911, 1911)]
    assert query(
        db,
        "select provider_role, count(*) from stg_registrations where source = 'cac_deep_synthesis' "
        "group by 1 order by 1",
    ) == [("服务技术支持者", 8), ("服务提供者", 33)]
    assert query(db, "select count(distinct category) from stg_registrations where source = 'cac_algorithm'") == [(5,)]
    assert query(
        db,
        "select jurisdiction_code, count(*) from mart_registrations where starts_with(registration_id, '网信算备') "
        "group by 1 order by 2 desc, 1",
    ) == [
        ("CN-BJ", 28),
        ("CN-GD", 18),
        ("CN-ZJ", 16),
        ("CN-AH", 2),
        ("CN-SH", 2),
        ("CN-FJ", 1),
        ("CN-SD", 1),
        ("CN-TJ", 1),
    ]
    message = query(db, "select message from etl_runs where source = 'cac_algorithm'")[0][0]
    assert "2 rename(s) or change(s) noted in 备注" in message


def test_cancellations_all_reported_unmatched(real):
    db, _ = real
    assert query(db, "select count(*) from mart_registrations where status = 'cancelled'") == [(0,)]
    assert query(
        db,
        "select count(*), min(cancelled_date)::varchar, max(cancelled_date)::varchar from mart_cancellations_unmatched",
    ) == [(57, "2025-07-14", "2026-07-17")]


def test_incident_sources_quirks(real):
    db, _ = real
    assert query(db, "select source_line, rules from quarantine where source = 'aiaaic' order by 1") == [
        (237, ["duplicate_key"]),
        (2065, ["required"]),
    ]
    assert query(
        db,
        "select occurred_precision, count(*) from stg_incidents where source = 'aiaaic' "
        "and occurred_precision in ('range', 'open') group by 1 order by 1",
    ) == [("open", 5), ("range", 7)]
    assert query(db, "select count(*), sum(penalty_amount) from stg_incidents where source = 'gdpr_fines'") == [
        (1701, 4001455789.0)
    ]
    assert query(db, "select count(*) from stg_incidents where source = 'gdpr_fines' and reported_date is null") == [
        (23,)
    ]
    assert query(db, "select attribution from etl_sources where source = 'aiid'") == [
        ("AI Incident Database (incidentdatabase.ai), snapshot; CC BY-SA 4.0",)
    ]


def test_incidents_linked_to_registrations(real):
    db, _ = real
    assert query(db, "select count(*) from mart_incidents where source = 'aiid' and link_status = 'linked'") == [(23,)]
    # Other sources' link counts are not pinned (they were not derived independently); instead,
    # every link must point at a registration the lists hold, say how it was made, and say
    # whether the service was filed before the incident when the incident has a date.
    assert query(
        db,
        """select count(*) from mart_incidents as i
           left join mart_registrations as r on r.registration_id = i.linked_registration_id
           where i.link_status = 'linked'
             and (r.registration_id is null or i.link_method is null
                  or (i.event_date is not null and i.is_filed_before_incident is null))""",
    ) == [(0,)]
    assert query(db, "select count(*) > 23 from mart_incidents where link_status = 'linked'") == [(True,)]
    assert query(db, "select count(*) from mart_providers where registration_count > 0") == [(34,)]


def test_status_shows_every_source(real):
    db, _ = real
    result = run_cli("status", "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    sources = {s["source"]: s for s in json.loads(result.stdout)["sources"]}
    assert len(sources) == 12  # the 10 real files, the sector rules and SASAC's list
    assert all(s["last_status"] == "loaded" and s["data_as_of"] for s in sources.values())
    assert sources["aiaaic"]["quarantined"] == 2 and sources["aiaaic"]["rows"] == 2241
