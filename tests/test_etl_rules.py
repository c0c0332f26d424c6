"""Every validation rule on hand-written canonical fixtures: one broken row per failure kind.

The fixture files are in tests/fixtures/canonical/; each comment below names the line.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from tests.conftest import FIXTURES, query, run_cli, write_config

CANONICAL = FIXTURES / "canonical"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rules")
    for f in CANONICAL.iterdir():
        shutil.copy(f, tmp / f.name)
    config = write_config(
        tmp / "sources.toml",
        [
            {
                "name": "reg",
                "entity": "registrations",
                "adapter": "canonical",
                "registry": "cac_deep_synthesis",
                "location": "registrations.csv",
            },
            {
                "name": "alg",
                "entity": "registrations",
                "adapter": "canonical",
                "registry": "cac_algorithm",
                "location": "algorithm_list.csv",
            },
            {"name": "cxl", "entity": "cancellations", "adapter": "canonical", "location": "cancellations.csv"},
            {"name": "inc", "entity": "incidents", "adapter": "canonical", "location": "incidents.csv"},
            {"name": "con", "entity": "consent", "adapter": "canonical", "location": "consent.csv"},
        ],
    )
    db = tmp / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    return db


def quarantined(db, source):
    return query(
        db, "select source_line, rules, reason from quarantine where source = $s order by source_line", {"s": source}
    )


def test_incident_rules(warehouse):
    assert query(warehouse, "select incident_id from stg_incidents order by source_line") == [
        ("inc:I1",),
        ("inc:I2",),
        ("inc:I10",),
    ]
    assert quarantined(warehouse, "inc") == [
        (
            4,
            ["date_parses"],
            'occurred_date: occurred_date "2024-02-30" is not a date; expected YYYY-MM-DD or YYYY/M/D',
        ),
        (5, ["required"], "title: title is required but empty"),
        (
            6,
            ["known_value"],
            'category: category "weather" is not one of deepfake, privacy, misinformation, bias, '
            "safety, security, intellectual_property, fraud, unlicensed_service, labelling, "
            "content, other",
        ),
        (7, ["number_range"], "penalty_amount: penalty_amount -10.0 is negative"),
        (
            8,
            ["date_plausible", "known_value"],
            "occurred_date: occurred_date 2030-01-01 is in the future; "
            'severity: severity "extreme" is not one of low, medium, high, critical, unknown',
        ),
        (9, ["duplicate_key"], 'incident_id: duplicate key "inc:I1" first seen on line 2'),
        (
            10,
            ["date_plausible", "number_parses"],
            "occurred_date: occurred_date 1970-01-01 is before 1980-01-01; "
            'penalty_amount: penalty_amount "abc" is not a number',
        ),
        (11, ["structure"], "too many columns: Expected Number of Columns: 19 Found: 20"),
    ]


def test_incident_values_are_typed_and_normalised(warehouse):
    rows = query(
        warehouse,
        """select incident_id, occurred_date, occurred_precision, jurisdiction_code, provider_names, penalty_amount
           from mart_incidents order by incident_id""",
    )
    assert rows == [
        ("inc:I1", date(2024, 3, 1), "day", "CN-BJ", ["北京百度网讯科技有限公司", "baidu"], None),
        ("inc:I10", date(2024, 5, 2), "day", None, ["acme"], None),
        ("inc:I2", date(2025, 6, 1), "month", "CN-GD", ["深圳市腾讯计算机系统有限公司"], 1_200_000.0),
    ]
    # The quarantined rows keep their raw record as it was in the file.
    raw = query(warehouse, "select raw_record from quarantine where source = 'inc' and source_line = 6")[0][0]
    assert '"category":"weather"' in raw and '"incident_id":"I5"' in raw


def test_consent_rules(warehouse):
    assert query(warehouse, "select dataset_name from stg_consent order by source_line") == [
        ("web corpus",),
        ("chat logs",),
        ("voice",),
    ]
    assert quarantined(warehouse, "con") == [
        (5, ["consented_le_personal"], "consented_records: consented_records 150 is more than personal_records 100"),
        (6, ["known_value"], 'has_personal_info: has_personal_info "maybe" is not one of yes, no, unknown'),
        (7, ["number_parses"], 'personal_records: personal_records "12.5" is not a whole number'),
        (8, ["no_pi_no_records"], "personal_records: has_personal_info is no but personal_records is 500"),
        (
            9,
            ["duplicate_key"],
            'registration_id: duplicate key "Beijing-WenXinYiYan-20230821 / chat logs" first seen on line 3',
        ),
        (10, ["required"], "registration_id: registration_id is required but empty"),
        (
            11,
            ["known_value"],
            'legal_basis: legal_basis "hunch" is not one of consent, separate_consent, contract, '
            "legal_duty, public_interest, publicly_available, anonymised, other, unknown",
        ),
    ]
    assert query(warehouse, "select personal_records from stg_consent where dataset_name = 'chat logs'") == [(10000,)]


def test_registration_rules_and_defaults(warehouse):
    assert quarantined(warehouse, "reg") == [
        (4, ["known_value"], 'status: status "suspended" is not one of active, cancelled'),
        (5, ["cancelled_after_filed"], "cancelled_date: cancelled_date 2023-01-01 is before filed_date 2024-02-01"),
    ]
    assert query(
        warehouse,
        "select registration_id, status, cancelled_date, jurisdiction_code, products from stg_registrations "
        "where source = 'reg' order by source_line",
    ) == [
        ("网信算备110108645502801230019号", "active", None, "CN-BJ", ["文心一言APP", "网站"]),
        ("网信算备310104000000001230002号", "cancelled", date(2024, 1, 5), "CN-SH", ["APP"]),
    ]


def test_a_number_in_two_lists_is_one_registration_recording_both(warehouse):
    assert query(
        warehouse,
        "select registry, registries, listing_count, category, filed_date from mart_registrations "
        "where registration_id = '网信算备110108645502801230019号'",
    ) == [("cac_deep_synthesis", ["cac_algorithm", "cac_deep_synthesis"], 2, "深度合成", date(2023, 6, 20))]
    assert query(warehouse, "select count(*) from mart_registrations") == [(3,)]


def test_cancellations_apply_to_any_list_and_unknown_numbers_are_kept(warehouse):
    assert query(
        warehouse,
        "select status, cancelled_date, cancellation_notice from mart_registrations "
        "where registration_id = '网信算备110108000000001230005号'",
    ) == [("cancelled", date(2025, 7, 1), "关于注销“另一个算法”等算法备案编号的公告")]
    assert query(warehouse, "select registration_id from mart_cancellations_unmatched") == [
        ("网信算备999999000000002500001号",)
    ]


def test_incidents_link_to_known_registrations(warehouse):
    # I1 names a registration number that the lists do not hold (it is a genai number), so it
    # is reported as unknown, not silently dropped or guessed.
    assert query(warehouse, "select incident_id, link_status from mart_incidents order by 1") == [
        ("inc:I1", "unknown_registration"),
        ("inc:I10", "unlinked"),
        ("inc:I2", "unlinked"),
    ]


def test_runs_record_counts_and_checksums(warehouse):
    rows = query(
        warehouse,
        "select source, status, rows_read, rows_loaded, rows_quarantined, length(input_sha256) "
        "from etl_runs order by source",
    )
    assert rows == [
        ("alg", "loaded", 2, 2, 0, 64),
        ("con", "loaded", 10, 3, 7, 64),
        ("cxl", "loaded", 2, 2, 0, 64),
        ("inc", "loaded", 11, 3, 8, 64),
        ("reg", "loaded", 4, 2, 2, 64),
    ]
