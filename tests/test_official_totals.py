"""Official totals as a source (entity official_totals) and the reconciliation against the real
generative-AI list (../shared/real-data/cac_genai_filing.json).

Expected figures were derived by hand from the batches (docs/research/official_totals.md: plain
Python over the JSON, one count per distinct number, a batch counted for date D when none of its
entries is dated after D): 302/105, 346/159, 749/433, 797/479, 869/528, 989/596."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import briefing, queries
from dashboard.filters import Filters
from tests.conftest import FIXTURES, ROOT, query, run_cli, write_config

ISSUE_TABLE = FIXTURES / "official_totals" / "issue11_table.csv"
TODAY = date(2026, 11, 30)

pytest_plugins = ["conftest_dashboard"]  # demo_db: the warehouse `make run` builds


@pytest.fixture(scope="module")
def genai_db(real_data, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("official")
    config = write_config(
        folder / "sources.toml",
        [
            {"name": "cac_genai", "entity": "registrations", "adapter": "cac_genai", "registry": "cac_genai",
             "location": str(real_data / "cac_genai_filing.json"), "options": {"records": "batches[].rows[]"}},
            {"name": "totals", "entity": "official_totals", "adapter": "canonical", "location": str(ISSUE_TABLE)},
        ],
    )  # fmt: skip
    result = run_cli("run", "--sources", str(config), "--db", str(folder / "w.duckdb"), "--quiet")
    assert result.returncode == 0, result.stderr + result.stdout
    return folder / "w.duckdb"


def test_reconciliation_on_the_real_list(genai_db):
    rows = queries.official_totals_reconciliation(Filters(today=TODAY).with_period("all"), genai_db)
    got = {
        str(r.as_of_date.date()): (r.filed_count, r.registered_count, r.official_filed_count, r.last_batch)
        for r in rows.itertuples()
    }
    got = {d: (int(a), int(b), None if pd.isna(c) else int(c), last) for d, (a, b, c, last) in got.items()}
    assert got == {
        "2024-12-31": (302, 105, 302, "2025-01"),
        "2025-03-31": (346, 159, 346, "2025-03"),
        "2025-12-31": (749, 433, 748, "2025-12"),
        "2026-02-28": (797, 479, 796, "2026-02"),
        "2026-04-30": (869, 528, 868, "2026-04"),
        "2026-06-30": (989, 596, 988, "2026-06"),
    }
    row = rows[rows["as_of_date"].astype(str).str.startswith("2025-12-31")].iloc[0]
    assert (row.filed_difference, row.official_registered_count, row.registered_difference) == (1, 435, -2)
    row = rows[rows["as_of_date"].astype(str).str.startswith("2025-03-31")].iloc[0]
    assert pd.isna(row.official_registered_count) and pd.isna(row.registered_difference)  # empty, never 0


def test_the_period_and_the_list_filter_pick_the_dates(genai_db):
    f = Filters(today=TODAY).with_period("2025")
    assert queries.official_totals_reconciliation(f, genai_db)["as_of_date"].astype(str).str[:10].tolist() == [
        "2025-03-31",
        "2025-12-31",
    ]
    other = Filters(today=TODAY, registries=("cac_algorithm",)).with_period("all")
    assert queries.official_totals_reconciliation(other, genai_db).empty


def test_briefing_carries_the_comparison_for_its_period(genai_db, tmp_path):
    filters = briefing.make_filters(briefing.parse_period("2025-Q4", TODAY))
    bundle = briefing.write_bundle(filters, tmp_path, path=genai_db)
    with zipfile.ZipFile(bundle) as z:
        text = z.read("official_totals.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    got = [(r["as_of_date"], r["filed_count"], r["official_filed_count"], r["filed_difference"]) for r in rows]
    assert got == [("2025-12-31", "749", "748", "1")]
    assert (rows[0]["registered_count"], rows[0]["official_registered_count"], rows[0]["registered_difference"]) == (
        "433",
        "435",
        "-2",
    )


def _summary_comparison(genai_db, tmp_path, period: str) -> dict[tuple[str, str], str]:
    """The summary.csv rows comparing the lists with the official totals: (as_of_date, kpi) -> value."""
    filters = briefing.make_filters(briefing.parse_period(period, TODAY))
    bundle = briefing.write_bundle(filters, tmp_path / period, path=genai_db)
    with zipfile.ZipFile(bundle) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("summary.csv").decode("utf-8-sig"))))
    assert all(r["as_of_date"] == "" and r["registry"] == "" for r in rows if r["kpi"].startswith("kpi_"))
    official = [r for r in rows if r["as_of_date"]]
    assert {r["registry"] for r in official} <= {"cac_genai"}
    return {(r["as_of_date"], r["kpi"]): r["value"] for r in official}


def test_the_briefing_summary_carries_the_comparison_for_its_period(genai_db, tmp_path):
    # 2025-Q4 holds one official date: the summary says 749 / 433 from the lists against 748 / 435.
    assert _summary_comparison(genai_db, tmp_path, "2025-Q4") == {
        ("2025-12-31", "official_filed"): "748",
        ("2025-12-31", "listed_filed"): "749",
        ("2025-12-31", "filed_difference"): "1",
        ("2025-12-31", "official_registered"): "435",
        ("2025-12-31", "listed_registered"): "433",
        ("2025-12-31", "registered_difference"): "-2",
    }
    # A year holds two; 2025-03-31 announced no registrations: its official and difference rows
    # are empty, never 0.
    year = _summary_comparison(genai_db, tmp_path, "2025")
    assert sorted({day for day, _ in year}) == ["2025-03-31", "2025-12-31"]
    assert (year["2025-03-31", "listed_filed"], year["2025-03-31", "official_filed"]) == ("346", "346")
    assert year["2025-03-31", "official_registered"] == year["2025-03-31", "registered_difference"] == ""
    # A quarter with no announcement carries the latest one before its end (2025-03-31 for Q2).
    q2 = _summary_comparison(genai_db, tmp_path, "2025-Q2")
    assert sorted({day for day, _ in q2}) == ["2025-03-31"]
    # Before the first announcement there is nothing to compare.
    assert _summary_comparison(genai_db, tmp_path, "2024-Q1") == {}


def test_the_shipped_totals_are_the_sourced_ones():
    """data/official.toml loads data/official_totals.csv: only figures with an address."""
    text = (ROOT / "data" / "official.toml").read_text(encoding="utf-8")
    assert 'location = "official_totals.csv"' in text
    db_rows = (ROOT / "data" / "official_totals.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [r.split(",")[0] for r in db_rows] == ["2024-12-31", "2025-03-31", "2026-04-30"]
    assert all(",http" in r for r in db_rows)


def test_the_sourced_totals_load(tmp_path):
    config = write_config(
        tmp_path / "s.toml",
        [{"name": "t", "entity": "official_totals", "adapter": "canonical",
          "location": str(ROOT / "data" / "official_totals.csv")}],
    )  # fmt: skip
    result = run_cli("run", "--sources", str(config), "--db", str(tmp_path / "w.duckdb"), "--quiet")
    assert result.returncode == 0, result.stderr + result.stdout
    assert query(
        tmp_path / "w.duckdb", 'select "date"::varchar, filed, registered from stg_official_totals order by 1'
    ) == [
        ("2024-12-31", 302, None),
        ("2025-03-31", 346, None),
        ("2026-04-30", 868, 530),
    ]


def test_the_demo_sample_shows_its_two_deliberate_differences(demo_db):
    # The sample generator announces totals from its own batches and changes two of them on
    # purpose; the reconciliation on the demo warehouse finds exactly those two, and no others.
    rows = queries.official_totals_reconciliation(Filters(today=TODAY).with_period("all"), demo_db)
    assert len(rows) == 7
    differs = rows[(rows["filed_difference"] != 0) | (rows["registered_difference"] != 0)]
    assert differs["as_of_date"].astype(str).str[:10].tolist() == ["2025-04-30", "2026-04-30"]
    assert differs["note"].str.contains("differs from the lists on purpose").all()
    assert (differs["filed_difference"].tolist(), differs["registered_difference"].tolist()) == ([-1, 0], [0, 2])
    assert not rows.drop(differs.index)["note"].str.contains("on purpose").any()
