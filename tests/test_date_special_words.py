"""DuckDB's date casts accept special words (infinity, -infinity, inf, epoch). A source cell
holding one must go to quarantine under the date rule, never load as 9999-12-31 or 1970-01-01.

The rows run through the real ETL: a canonical source (parse_date) and a `mapped` source with a
declared `date_format` (strptime), and a registrations source whose required filing date is a word.
"""

from __future__ import annotations

import pytest

from tests.conftest import query, run_cli, write_config

# Each word in the spellings a spreadsheet or a scraper can give it.
WORDS = ["infinity", " -Infinity ", "INF", "-inf", "epoch", " EPOCH", "Infinity\t"]

INCIDENT_HEADER = "incident_id,record_type,occurred_date,title,country,category"
REGISTRATION_HEADER = "registration_id,kind,service_name,provider_name,jurisdiction_code,filed_date"


def _csv(path, header: str, rows: list[list[str]]) -> None:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    path.write_text("\n".join([header, *(",".join(cell(v) for v in row) for row in rows)]) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("special_dates")
    incidents = [[f"W{i}", "incident", word, f"Title {i}", "CN", "privacy"] for i, word in enumerate(WORDS)]
    incidents.append(["GOOD", "incident", "2024-03-01", "A real date", "CN", "privacy"])
    _csv(tmp / "incidents.csv", INCIDENT_HEADER, incidents)
    registrations = [
        [f"Beijing-Word{i}-20240101", "filing", f"Service {i}", "北京某科技有限公司", "北京市", word]
        for i, word in enumerate(WORDS)
    ]
    registrations.append(["Beijing-Good-20240101", "filing", "Good", "北京某科技有限公司", "北京市", "2024/1/1"])
    _csv(tmp / "registrations.csv", REGISTRATION_HEADER, registrations)
    # The mapped adapter with a declared strptime format, as the GDPR fines source uses.
    mapped = [[f"M{i}", word, "Controller"] for i, word in enumerate(WORDS)] + [["MGOOD", "03/01/2024", "Controller"]]
    _csv(tmp / "fines.csv", "id,date,controller", mapped)
    config = write_config(
        tmp / "sources.toml",
        [
            {"name": "inc", "entity": "incidents", "adapter": "canonical", "location": "incidents.csv"},
            {
                "name": "reg",
                "entity": "registrations",
                "adapter": "canonical",
                "registry": "cac_deep_synthesis",
                "location": "registrations.csv",
            },
            {
                "name": "fines",
                "entity": "incidents",
                "adapter": "mapped",
                "location": "fines.csv",
                "options": {
                    "date_format": "%m/%d/%Y",
                    "fields": {"incident_id": "id", "occurred_date": "date", "title": "controller"},
                    "constants": {"record_type": "enforcement", "category": "privacy"},
                },
            },
        ],
    )
    db = tmp / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    return db


def _quarantine(db, source: str) -> list[tuple]:
    return query(
        db, "select source_line, rules, reason from quarantine where source = $s order by source_line", {"s": source}
    )


def test_a_special_word_as_an_optional_date_is_quarantined_not_loaded(warehouse):
    rows = _quarantine(warehouse, "inc")
    assert [line for line, _rules, _reason in rows] == list(range(2, 2 + len(WORDS)))
    for (_line, rules, reason), word in zip(rows, WORDS, strict=True):
        assert rules == ["date_parses"]
        assert reason == (
            f'occurred_date: occurred_date "{word.strip()}" is not a date; expected YYYY-MM-DD or YYYY/M/D'
        )
    assert query(warehouse, "select incident_id, occurred_date::varchar from stg_incidents where source = 'inc'") == [
        ("inc:GOOD", "2024-03-01")
    ]


def test_a_special_word_as_a_required_filing_date_is_quarantined(warehouse):
    rows = _quarantine(warehouse, "reg")
    assert len(rows) == len(WORDS)
    for (_line, rules, reason), word in zip(rows, WORDS, strict=True):
        assert rules == ["date_parses"]
        assert reason.startswith(f'filed_date: filed_date "{word.strip()}" is not a date')
    assert query(warehouse, "select registration_id from stg_registrations where source = 'reg'") == [
        ("Beijing-Good-20240101",)
    ]


def test_a_declared_date_format_does_not_turn_a_special_word_into_a_date(warehouse):
    rows = _quarantine(warehouse, "fines")
    assert len(rows) == len(WORDS)
    assert all(rules == ["date_parses"] for _line, rules, _reason in rows)
    assert query(warehouse, "select occurred_date::varchar from stg_incidents where source = 'fines'") == [
        ("2024-03-01",)
    ]
    # Nothing anywhere carries the dates the words would have become.
    assert query(
        warehouse,
        "select count(*) from stg_incidents where occurred_date in ('9999-12-31', '0001-01-01', '1970-01-01')",
    ) == [(0,)]
