"""aiid, aiaaic, enforcement and mapped adapters on hand-written fixtures (tests/fixtures/adapters/).

Expected values are read off the fixture files by eye:
- aiid_incidents.csv: 4 incidents; #2's description spans two lines; #3 is dated 1975 (before the
  incidents' earliest plausible date, 1980, so quarantined); classifications for #1 (7.3), #2
  (4.3) and #4 (1.1).
- aiaaic_incidents.csv: title, header and sub-header rows; 5 IDs; AIAAIC0002 twice (lines 5 and
  9); a blank line 8; ranges 2019-2024 and 2023-; countries `China; USA`, `US`, `California`,
  `S Korea`, `Mars`.
- app_violations.json: 6 records; #2 and #3 are one app and developer once `（山西）` and `(山西)`
  are unified (a duplicate); #6 is empty.
- gdpr_fines.csv: 4 fines; #2 dated 01/01/1970 (a placeholder), amount "60,000"; #4 has a
  13/45/2020 date and a negative amount.
"""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, query, run_cli


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    db = tmp_path_factory.mktemp("adapters") / "w.duckdb"
    result = run_cli("run", "--sources", str(FIXTURES / "adapters" / "sources.toml"), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    return db


def rows(db, source, columns):
    return query(db, f"select {columns} from stg_incidents where source = $s order by incident_id", {"s": source})


def test_aiid_slugs_categories_urls_and_implausible_date(warehouse):
    assert rows(warehouse, "aiid", "incident_id, provider_names, category, occurred_date::varchar, url") == [
        ("aiid:1", ["baidu"], "safety", "2018-03-18", "https://incidentdatabase.ai/cite/1"),
        # Developers then deployers, each once; "Deepfake" in the title wins over MIT 4.3 (fraud).
        (
            "aiid:2",
            ["tencent-holdings", "unknown-scammers"],
            "deepfake",
            "2023-05-02",
            "https://incidentdatabase.ai/cite/2",
        ),
        ("aiid:4", ["双子科技集团", "some-bank"], "bias", "2021-07-01", "https://incidentdatabase.ai/cite/4"),
    ]
    assert rows(warehouse, "aiid", "description")[1] == ("Scammers used a cloned voice.\nThe victim paid.",)
    assert query(warehouse, "select rules, reason from quarantine where source = 'aiid'") == [
        (["date_plausible"], "occurred_date: occurred_date 1975-01-01 is before 1980-01-01")
    ]
    assert query(warehouse, "select attribution from etl_sources where source = 'aiid'") == [
        ("AI Incident Database (incidentdatabase.ai), CC BY-SA 4.0",)
    ]


def test_aiaaic_header_multivalues_countries_and_precision(warehouse):
    assert rows(
        warehouse,
        "aiaaic",
        "incident_id, occurred_date::varchar, occurred_precision, country, countries, jurisdiction_code, category",
    ) == [
        ("aiaaic:AIAAIC0001", "2025-01-01", "year", None, ["CN", "US"], None, "privacy"),
        ("aiaaic:AIAAIC0002", "2019-01-01", "range", "US", ["US"], None, "bias"),
        ("aiaaic:AIAAIC0003", "2023-01-01", "open", "US", ["US"], "US-CA", "deepfake"),
        ("aiaaic:AIAAIC0004", None, None, "KR", ["KR"], None, "safety"),
        ("aiaaic:AIAAIC0005", "2022-01-01", "year", None, None, None, "other"),
    ]
    assert rows(warehouse, "aiaaic", "provider_names")[:3] == [
        (["DeepSeek Artificial Intelligence Co", "DeepSeek"],),
        # "Anthropic, Apple, Bloomberg" is a comma list; "Beta, Inc." is one name.
        (["Anthropic", "Apple", "Bloomberg", "Acme Corp", "Beta, Inc."],),
        # One comma: one name.
        (["University of Massachussets, Amherst", "Unknown"],),
    ]


def test_aiaaic_duplicates_resolved_first_row_wins_and_reported(warehouse):
    assert query(warehouse, "select source_line, rules, reason from quarantine where source = 'aiaaic'") == [
        (9, ["duplicate_key"], 'incident_id: duplicate key "aiaaic:AIAAIC0002" first seen on line 5')
    ]
    assert rows(warehouse, "aiaaic", "url")[1] == ("https://example.org/2",)
    message = query(warehouse, "select message from etl_runs where source = 'aiaaic'")[0][0]
    assert "1 sub-header row(s) without an ID skipped" in message
    assert "1 blank row(s) skipped" in message
    assert "1 duplicate ID(s) (AIAAIC0002 ×2)" in message
    assert "not recognised, no code given: Mars" in message


def test_enforcement_names_cleaned_duplicates_and_jurisdiction(warehouse):
    got = rows(
        warehouse,
        "apps",
        "service_name, provider_names, violation_types, issuing_body, jurisdiction_code, "
        "reported_date::varchar, record_type, category, country",
    )
    assert sorted(got) == sorted(
        [
            (
                "字体美化大师",
                ["济南晟达源通信息科技有限公司"],
                ["超范围收集/违规收集", "强制频繁过度索取权限"],
                "山东省通信管理局",
                "CN-SD",
                "2025-10-28",
                "enforcement",
                "privacy",
                "CN",
            ),
            (
                "中贸物流司机版",
                ["中贸物联科技(山西)有限公司"],
                ["超范围收集/违规收集"],
                "山西省通信管理局",
                "CN-SX",
                None,
                "enforcement",
                "privacy",
                "CN",
            ),
            (
                "甲助手",
                ["北京甲科技有限公司"],
                ["APP在征得用户同意前就开始收集个人信息。"],
                "工业和信息化部、公安部网安局",
                None,
                "2024-05-01",
                "enforcement",
                "privacy",
                "CN",
            ),
            (
                "乙相机",
                ["上海乙科技股份有限公司"],
                ["未公开收集使用规则"],
                "上海市通信管理局",
                "CN-SH",
                "2022-01-05",
                "enforcement",
                "privacy",
                "CN",
            ),
        ]
    )
    assert query(warehouse, "select source_line, rules from quarantine where source = 'apps' order by 1") == [
        (3, ["duplicate_key"]),
        (6, ["required", "required"]),
    ]


def test_mapped_gdpr_shape_by_config_alone(warehouse):
    assert rows(
        warehouse,
        "gdpr",
        "incident_id, country, penalty_amount, penalty_currency, reported_date::varchar, "
        "category, violation_types, enforcement_action",
    ) == [
        (
            "gdpr:1",
            "PL",
            9380.0,
            "EUR",
            "2019-10-18",
            "privacy",
            ["Non-compliance with lawful basis for data processing"],
            "fine",
        ),
        (
            "gdpr:2",
            "ES",
            60000.0,
            "EUR",
            None,
            "privacy",
            ["Failure to comply with data processing principles"],
            "fine",
        ),
        ("gdpr:3", "IE", 1000.0, "EUR", "2020-02-29", "other", ["Unknown"], "fine"),
    ]
    assert query(warehouse, "select source_line, rules from quarantine where source = 'gdpr'") == [
        (5, ["date_parses", "number_range"])
    ]
    message = query(warehouse, "select message from etl_runs where source = 'gdpr'")[0][0]
    assert "null_values treated as missing: 1 reported_date" in message
    assert "not recognised: Narnia" in message


def test_mapped_rejects_a_field_that_does_not_exist(tmp_path):
    (tmp_path / "f.csv").write_text("id,name\n1,x\n", encoding="utf-8")
    (tmp_path / "s.toml").write_text(
        '[[source]]\nname = "m"\nentity = "incidents"\nadapter = "mapped"\nlocation = "f.csv"\n'
        '[source.options.fields]\nincident_id = "id"\ntitel = "name"\n',
        encoding="utf-8",
    )
    result = run_cli("run", "--sources", str(tmp_path / "s.toml"), "--db", str(tmp_path / "w.duckdb"), "--quiet")
    assert result.returncode == 1
    assert "options.fields names ['titel'], which are not fields of incidents" in result.stdout
