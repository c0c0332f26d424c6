"""The real CAC generative-AI list (../shared/real-data/cac_genai_filing.json) through the real ETL.

Expected figures were counted by hand from the JSON with a few lines of Python, independent of
the ETL: walk batches[].rows[], take the number from whichever of 备案号 / 备案编号 the row has,
drop the 4 rows whose 序号 is "序号" (embedded registration sub-headers), and count:
- 1,846 row objects - 4 sub-headers = 1,842 data rows, all with distinct numbers;
- 1,113 numbers without a trailing S#### (filings) and 729 with one (registrations);
- 56 dates end in （补登）; 32 distinct 属地 values (31 provinces + 国资委), 16 of them 国资委;
- 13 batches, 2024-04 … 2026-08; the 2025-12 batch has 266 rows.
These agree with ../shared/real-data/README.md except the 补登 count, which the README gives
as 69: the file itself has 56 (grep -o '补登' cac_genai_filing.json | wc -l).
"""

from __future__ import annotations

import pytest

from tests.conftest import query, run_cli, write_config


@pytest.fixture(scope="module")
def real_genai(real_data, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("real_genai")
    config = write_config(
        tmp / "sources.toml",
        [
            {
                "name": "cac_genai",
                "entity": "registrations",
                "adapter": "cac_genai",
                "registry": "cac_genai",
                "location": str(real_data / "cac_genai_filing.json"),
                "options": {"records": "batches[].rows[]"},
            }
        ],
    )
    db = tmp / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    return db


def test_unique_filing_and_registration_numbers(real_genai):
    assert query(real_genai, "select count(*), count(distinct registration_id) from mart_registrations") == [
        (1842, 1842)
    ]
    # 1,113 numbers without S####: 1,106 filings and the 7 rows of the 2026-08 on-device table
    # (适用场景), kept apart as their own kind.
    assert query(real_genai, "select kind, count(*) from mart_registrations group by kind order by kind") == [
        ("filing", 1106),
        ("on_device", 7),
        ("registration", 729),
    ]


def test_embedded_sub_headers_are_not_loaded(real_genai):
    assert query(
        real_genai,
        "select count(*) from stg_registrations where registration_id in ('上线编号', '备案编号', '备案号')"
        " or service_name = '应用/功能名称'",
    ) == [(0,)]
    assert query(real_genai, "select count(*) from quarantine") == [(0,)]
    run = query(real_genai, "select rows_read, rows_loaded, rows_quarantined, message from etl_runs")[0]
    assert run[:3] == (1846, 1842, 0)
    assert "4 embedded sub-header row(s) skipped" in run[3]


def test_jurisdictions_notes_and_batches(real_genai):
    assert query(real_genai, "select count(distinct jurisdiction_code) from mart_registrations") == [(32,)]
    assert query(real_genai, "select count(*) from mart_registrations where jurisdiction_code = 'CN-SOE'") == [(16,)]
    assert query(real_genai, "select count(*) from mart_registrations where jurisdiction_code is null") == [(0,)]
    assert query(real_genai, "select count(*) from mart_registrations where filed_date_note = '补登'") == [(56,)]
    assert query(real_genai, "select count(distinct batch), min(batch), max(batch) from mart_registrations") == [
        (13, "2024-04", "2026-08")
    ]
    assert query(real_genai, "select count(*) from mart_registrations where batch = '2025-12'") == [(266,)]


def test_cumulative_totals_to_2025_12_match_the_reconciliation(real_genai):
    # The README's reconciliation: batches up to and including 2025-12 add up to 749 filings
    # and 433 registrations (CAC's own notice says 748 and 435).
    assert query(
        real_genai,
        "select kind, count(*) from mart_registrations where batch <= '2025-12' group by kind order by kind",
    ) == [("filing", 749), ("registration", 433)]
