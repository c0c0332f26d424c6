"""CSV briefings: a golden bundle on a hand-written warehouse, Excel safety, reproducibility,
scope and period parsing, --max-age, and the command's messages and exit codes.

The fixture (tests/fixtures/briefing/inputs) is five registrations, five incidents and five
consent declarations, loaded by the real ETL. The expected files in golden_2026-Q2_all were
written by hand from those inputs: for 2026-Q2 (previous period 2026-Q1) the new filings are
BingAI (04-10) and WuMoXing (06-01), DingApp is cancelled on 05-20, incidents X1, X2 and X5 fall
in the period (X3 and X4 in the previous one), and coverage is (1000 + 500) / (1000 + 1000).
Official totals (inputs/official_totals.csv) at 2026-04-30 and 2026-06-30 are in the period: the
batches published by then (a batch's latest entry no later than the date) hold 3 filings and 1
registration (DingApp, 2024-05; its cancellation is not subtracted), then 4 and 1, against 3 / 1
and 5 / 2 announced, so summary.csv and official_totals.csv show differences 0 / 0 and -1 / -1.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from dashboard import briefing
from dashboard.export import BOM, write_csv_batches
from tests.conftest import FIXTURES, run_cli

INPUTS = FIXTURES / "briefing" / "inputs"
GOLDEN = FIXTURES / "briefing" / "golden_2026-Q2_all"
EXPECTED_FILES = [
    "summary.csv",
    "registrations_new.csv",
    "registrations_cancelled.csv",
    "incidents.csv",
    "consent_gaps.csv",
    "by_jurisdiction.csv",
    "official_totals.csv",
    "columns.csv",
    "manifest.csv",
]
_LOAD_ID = re.compile(r"\d{8}T\d{6,12}Z")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@pytest.fixture(scope="session")
def brief_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("brief") / "warehouse.duckdb"
    result = run_cli("run", "--sources", str(INPUTS / "sources.toml"), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    return db


def brief(db: Path, out: Path, *args: str):
    return run_cli("brief", "--db", str(db), "--out", str(out), *args)


def entries(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as bundle:
        return {info.filename: bundle.read(info) for info in bundle.infolist()}


def text(data: bytes) -> str:
    assert data.startswith(BOM.encode("utf-8")), "no UTF-8 byte-order mark"
    return data.decode("utf-8")[1:]


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text(data))))


def without_generated_at(data: bytes) -> bytes:
    return re.sub(rb"generated,at,[^\r\n]*", b"generated,at,", data)


@pytest.fixture(scope="session")
def golden_bundle(brief_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden_out")
    result = brief(brief_db, out, "--period", "2026-Q2")
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


def test_golden_bundle_names_headers_and_rows(golden_bundle):
    assert golden_bundle.name == "briefing_2026-Q2_all.zip"
    files = entries(golden_bundle)
    assert list(files) == EXPECTED_FILES  # fixed order
    for name in EXPECTED_FILES:
        expected = (GOLDEN / name).read_text(encoding="utf-8")
        got = text(files[name]).replace("\r\n", "\n")
        if name == "manifest.csv":
            got = _TIME.sub("<time>", _LOAD_ID.sub("<load_id>", got))
        assert got == expected, name
        assert b"\r\n" in files[name] and b"\n" not in files[name].replace(b"\r\n", b"")  # CRLF only


def test_injection_cells_are_neutralised_and_numbers_stay_numbers(golden_bundle):
    files = entries(golden_bundle)
    seen = set()
    for name, data in files.items():
        for row in rows(data):
            for cell in row:
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r", "\n"):
                    float(cell)  # only a number may start like a formula (e.g. -0.25)
                    seen.add(cell)
    assert {"-0.25"} <= seen  # the negative change in coverage stayed a number
    assert "'=1+2" in text(files["registrations_new.csv"])
    assert "'@SUM(A1)" in text(files["incidents.csv"])
    assert "'-2+3 chatbot advice" in text(files["incidents.csv"])
    assert "'@丁科技, 上海" in [c for r in rows(files["registrations_cancelled.csv"]) for c in r]


def test_chinese_text_survives_as_utf8(golden_bundle):
    summary = entries(golden_bundle)["summary.csv"]
    assert summary[:3] == b"\xef\xbb\xbf"
    assert "期末有效备案数" in summary.decode("utf-8-sig")


def test_zip_entries_have_fixed_timestamps(golden_bundle):
    with zipfile.ZipFile(golden_bundle) as bundle:
        assert {info.date_time for info in bundle.infolist()} == {briefing.ZIP_TIME}
        assert bundle.testzip() is None


def test_second_run_is_byte_identical(brief_db, golden_bundle, tmp_path):
    again = brief(brief_db, tmp_path, "--period", "2026-Q2")
    assert again.returncode == 0, again.stderr
    first, second = entries(golden_bundle), entries(Path(again.stdout.strip()))
    for name in EXPECTED_FILES[:-1]:
        assert first[name] == second[name], name
    assert without_generated_at(first["manifest.csv"]) == without_generated_at(second["manifest.csv"])
    # With the generation time fixed, the whole ZIP is the same bytes.
    at = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    filters = briefing.make_filters(briefing.parse_period("2026-Q2", date(2026, 7, 2)))
    a = briefing.write_bundle(filters, tmp_path / "a", path=brief_db, generated_at=at)
    b = briefing.write_bundle(filters, tmp_path / "b", path=brief_db, generated_at=at)
    assert a.read_bytes() == b.read_bytes()
    assert entries(a)["incidents.csv"] == first["incidents.csv"]


def test_incident_windows_do_not_change_the_bytes(brief_db, golden_bundle, tmp_path, monkeypatch):
    # One month per window (X1, X2, X5 are in three months): the concatenation is the same file.
    monkeypatch.setattr(briefing, "WINDOW_ROWS", 1)
    filters = briefing.make_filters(briefing.parse_period("2026-Q2", date(2026, 7, 2)))
    target = briefing.write_bundle(filters, tmp_path, path=brief_db)
    assert entries(target)["incidents.csv"] == entries(golden_bundle)["incidents.csv"]


def test_filters_narrow_every_file(brief_db, tmp_path):
    result = brief(brief_db, tmp_path, "--period", "2026-Q2", "--jurisdiction", "CN-SH")
    assert result.returncode == 0, result.stderr
    target = Path(result.stdout.strip())
    assert target.name == "briefing_2026-Q2_jur-CN-SH.zip"
    files = entries(target)
    summary = {r[0]: r for r in rows(files["summary.csv"])[1:]}
    # CN-SH: BingAI active and new, DingApp cancelled in May, one enforcement action (X2).
    assert summary["kpi_active"][4:7] == ["1", "1", "0"]
    assert summary["kpi_new"][4] == "1"
    assert summary["kpi_cancelled"][4] == "1"
    assert summary["kpi_incidents"][4] == "0"
    assert summary["kpi_enforcement"][4] == "1"
    assert [r[0] for r in rows(files["incidents.csv"])[1:] if r] == [
        "t:X2",
        "Attribution: brief_incidents: Test incident database, CC BY-SA 4.0",
    ]
    assert [r[0] for r in rows(files["by_jurisdiction.csv"])[1:]] == ["CN-SH"]
    assert [r[0] for r in rows(files["consent_gaps.csv"])[1:]] == ["Shanghai-BingAI-20260410"]
    assert ["filter", "jurisdictions", "CN-SH"] in rows(files["manifest.csv"])


def test_a_period_without_rows_still_gives_every_file_with_headers(brief_db, tmp_path):
    result = brief(brief_db, tmp_path, "--period", "2021-03")
    assert result.returncode == 0, result.stderr
    files = entries(Path(result.stdout.strip()))
    assert list(files) == EXPECTED_FILES
    assert rows(files["incidents.csv"]) == [
        (GOLDEN / "incidents.csv").read_text(encoding="utf-8").split("\n")[0].split(",")
    ]
    assert len(rows(files["summary.csv"])) == 8


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # inputs/official_totals.csv announces 2026-03-31, 2026-04-30 and 2026-06-30.
        ("2026-Q1", {("2026-03-31", "listed_filed"): "2", ("2026-03-31", "official_filed"): "2"}),
        # No announcement in Q3: the latest before its end, 2026-06-30 (4 filings listed, 5 announced).
        ("2026-Q3", {("2026-06-30", "listed_filed"): "4", ("2026-06-30", "official_filed"): "5"}),
        ("2021-03", {}),  # before the first announcement: nothing to compare
    ],
)
def test_the_summary_compares_the_official_dates_of_its_period(brief_db, tmp_path, period, expected):
    result = brief(brief_db, tmp_path, "--period", period)
    assert result.returncode == 0, result.stderr
    summary = rows(entries(Path(result.stdout.strip()))["summary.csv"])
    got = {(r[9], r[0]): r[4] for r in summary[1:] if r[9] and r[0] in ("listed_filed", "official_filed")}
    assert got == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--period", "2026-Q5"], "unknown period '2026-Q5'; expected YYYY, YYYY-MM, YYYY-Qn, FROM..TO"),
        (["--period", "yesterday"], "expected YYYY, YYYY-MM, YYYY-Qn, FROM..TO (ISO dates), last-month"),
        (["--period", "2026-06-30..2026-04-01"], "ends before it starts"),
        (
            ["--period", "2026-Q2", "--jurisdiction", "CN-XX"],
            "unknown jurisdiction CN-XX; expected one of: CN-AH, CN-BJ",
        ),
        (["--period", "2026-Q2", "--list", "eu_ai_act"], "unknown list eu_ai_act; expected one of: cac_genai"),
        (["--period", "2026-Q2", "--category", "spam"], "unknown category spam; expected one of: deepfake"),
        (["--period", "2026-Q2", "--max-age", "soon"], "unknown age 'soon'; expected a number with h or d"),
        (["--period", "2026-Q2", "--threshold", "150"], "--threshold 150 is out of range; expected 0 to 100"),
        ([], "the following arguments are required: --period"),
    ],
)
def test_usage_errors_name_what_was_expected(brief_db, tmp_path, args, expected):
    result = brief(brief_db, tmp_path, *args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_missing_warehouse_is_a_message_and_exit_1(tmp_path):
    result = brief(tmp_path / "none.duckdb", tmp_path / "out", "--period", "2026-Q2")
    assert result.returncode == 1
    assert "No warehouse at" in result.stderr and "Traceback" not in result.stderr


def _aged_copy(db: Path, target: Path, age: timedelta, source: str | None = None) -> Path:
    """A copy of the warehouse whose data (all sources, or one) was loaded `age` ago."""
    shutil.copy(db, target)
    con = duckdb.connect(str(target))
    try:
        con.execute(
            "update etl_runs set finished_at = finished_at - $age where $source is null or source = $source",
            {"age": age, "source": source},
        )
    finally:
        con.close()
    return target


def test_max_age_refuses_stale_data(brief_db, tmp_path):
    stale = _aged_copy(brief_db, tmp_path / "stale.duckdb", timedelta(days=3), source="brief_incidents")
    out = tmp_path / "out"
    refused = brief(stale, out, "--period", "2026-Q2", "--max-age", "2d")
    assert refused.returncode == 1
    assert "data older than --max-age 48h: brief_incidents (data as of" in refused.stderr
    assert "brief_genai" not in refused.stderr  # only the stale source is named
    assert "no briefing written" in refused.stderr
    assert not out.exists() or list(out.iterdir()) == []
    accepted = brief(stale, out, "--period", "2026-Q2", "--max-age", "100h")
    assert accepted.returncode == 0, accepted.stderr
    # Without --max-age the briefing is written, and it says how old each source's data is.
    manifest = rows(entries(Path(accepted.stdout.strip()))["manifest.csv"])
    as_of = {r[1]: r[2] for r in manifest if r[0] == "data_as_of"}
    assert as_of["brief_incidents"] < as_of["brief_genai"]
    oldest = next(r[2] for r in manifest if r[:2] == ["data", "oldest_as_of"])
    assert oldest == as_of["brief_incidents"]


@pytest.mark.parametrize(
    ("text_", "today", "expected"),
    [
        ("last-month", date(2026, 1, 15), ("2025-12", date(2025, 12, 1), date(2025, 12, 31))),
        ("last-month", date(2026, 3, 31), ("2026-02", date(2026, 2, 1), date(2026, 2, 28))),
        ("last-quarter", date(2026, 2, 1), ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31))),
        ("last-quarter", date(2026, 8, 20), ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30))),
        ("last-year", date(2026, 8, 20), ("2025", date(2025, 1, 1), date(2025, 12, 31))),
        ("2026-q3", date(2026, 1, 1), ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))),
        ("2024-02", date(2026, 1, 1), ("2024-02", date(2024, 2, 1), date(2024, 2, 29))),
        ("2025-01-05..2025-02-10", date(2026, 1, 1), ("2025-01-05_2025-02-10", date(2025, 1, 5), date(2025, 2, 10))),
    ],
)
def test_parse_period(text_, today, expected):
    period = briefing.parse_period(text_, today)
    assert (period.label, period.start, period.end) == expected


@pytest.mark.parametrize("bad", ["2026-13", "2026-02-30..2026-03-01", "Q3", "last-week", "", "2026-Q0"])
def test_parse_period_rejects(bad):
    with pytest.raises(briefing.BriefingUsageError, match="expected YYYY, YYYY-MM"):
        briefing.parse_period(bad, date(2026, 1, 1))


def test_parse_age():
    assert briefing.parse_age("36h") == timedelta(hours=36)
    assert briefing.parse_age("2d") == timedelta(days=2)
    with pytest.raises(briefing.BriefingUsageError):
        briefing.parse_age("2w")


def test_bundle_name_says_scope_and_period():
    period = briefing.parse_period("2026-Q3", date(2026, 1, 1))
    assert briefing.bundle_name(briefing.make_filters(period)) == "briefing_2026-Q3_all.zip"
    scoped = briefing.make_filters(
        period, jurisdictions=["CN-SH,CN-BJ"], registries=["cac_genai"], categories=["privacy"]
    )
    assert briefing.bundle_name(scoped) == "briefing_2026-Q3_jur-CN-BJ+CN-SH_list-cac_genai_cat-privacy.zip"
    provider = briefing.bundle_name(briefing.make_filters(period, provider="../百度 AI"))
    assert re.fullmatch(r"briefing_2026-Q3_provider-AI-[0-9a-f]{8}\.zip", provider), provider


def test_streaming_writer_keeps_numbers_and_neutralises_text():
    batch = pa.RecordBatch.from_pylist(
        [
            {"n": -5, "x": -0.5, "whole": 50000.0, "t": "=cmd|' /C calc'!A0", "d": date(2026, 1, 2), "b": True},
            {"n": None, "x": None, "whole": None, "t": "\tTAB", "d": None, "b": None},
            {"n": 3, "x": 1.5, "whole": 2.0, "t": "plain, with comma", "d": date(2026, 1, 3), "b": False},
        ]
    )
    out = io.BytesIO()
    assert write_csv_batches(out, batch.schema.names, [batch], ["Some source, CC BY-SA 4.0"]) == 3
    assert out.getvalue().decode("utf-8") == (
        "\ufeffn,x,whole,t,d,b\r\n"
        "-5,-0.5,50000,'=cmd|' /C calc'!A0,2026-01-02,true\r\n"
        ",,,'\tTAB,,\r\n"
        '3,1.5,2,"plain, with comma",2026-01-03,false\r\n'
        "\r\n"
        '"Attribution: Some source, CC BY-SA 4.0"\r\n'
    )


def test_columns_csv_describes_every_column_of_every_file(golden_bundle):
    files = entries(golden_bundle)
    described = rows(files["columns.csv"])
    assert described[0] == ["file", "column", "type", "meaning_en", "meaning_zh"]
    listed = [(r[0], r[1]) for r in described[1:]]
    expected = [(name, column) for name in EXPECTED_FILES for column in rows(files[name])[0]]
    assert listed == expected
    assert all(r[3] and r[4] for r in described[1:]), "a column without a meaning"
