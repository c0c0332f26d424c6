"""The research export (`python -m etl export`): every mart as Parquet with its types kept, or as
Excel-safe CSV; a data dictionary and a manifest; identical files from an unchanged warehouse."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import FIXTURES, query, run_cli


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    db = tmp_path_factory.mktemp("export_wh") / "w.duckdb"
    result = run_cli("run", "--sources", str(FIXTURES / "briefing" / "inputs" / "sources.toml"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


def _csv(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_parquet_export_holds_every_mart_with_its_types(warehouse, tmp_path):
    out = tmp_path / "export"
    result = run_cli("export", "--out", str(out), "--db", str(warehouse))
    assert result.returncode == 0, result.stderr
    marts = sorted(name for (name,) in query(
        warehouse, "select table_name from information_schema.tables where starts_with(table_name, 'mart_')"
    ))  # fmt: skip
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(
        [f"{m}.parquet" for m in marts] + ["ref_jurisdictions.parquet", "columns.csv", "manifest.csv"]
    )
    registrations = pq.read_table(out / "mart_registrations.parquet")
    assert registrations.num_rows == query(warehouse, "select count(*) from mart_registrations")[0][0] == 5
    assert registrations.schema.field("filed_date").type == pa.date32()
    assert registrations.schema.field("registries").type == pa.list_(pa.string())
    assert pa.types.is_timestamp(registrations.schema.field("first_seen_at").type)
    assert pq.read_table(out / "mart_incidents.parquet").schema.field("provider_names").type == pa.list_(pa.string())


def test_dictionary_lists_every_column_of_every_file_with_its_type(warehouse, tmp_path):
    out = tmp_path / "export"
    assert run_cli("export", "--out", str(out), "--db", str(warehouse)).returncode == 0
    rows = _csv(out / "columns.csv")
    assert list(rows[0]) == ["file", "column", "type", "meaning_en", "meaning_zh"]
    for file in (p.name for p in out.glob("*.parquet")):
        schema = pq.read_schema(out / file)
        assert [r["column"] for r in rows if r["file"] == file] == schema.names, file
    described = {(r["file"], r["column"]): r for r in rows}
    filed = described[("mart_registrations.parquet", "filed_date")]
    assert filed["type"] == "date" and filed["meaning_zh"]
    assert filed["meaning_en"].startswith("Date filed or registered")


def test_manifest_names_the_load_sources_attributions_and_licence(warehouse, tmp_path):
    out = tmp_path / "export"
    assert run_cli("export", "--out", str(out), "--db", str(warehouse)).returncode == 0
    facts = [(r["section"], r["name"], r["value"]) for r in _csv(out / "manifest.csv")]
    load_id = query(warehouse, "select load_id from warehouse_meta")[0][0]
    assert ("data", "load_id", load_id) in facts
    sources = {s for (s,) in query(warehouse, "select source from etl_sources")}
    assert {name for section, name, _ in facts if section == "data_as_of"} == sources
    assert any(section == "licence" and "CC BY-SA 4.0" in value for section, _, value in facts)
    assert ("file", "mart_registrations.parquet", "mart_registrations: 5 rows") in facts


def test_exporting_an_unchanged_warehouse_twice_gives_identical_files(warehouse, tmp_path):
    for fmt in ("parquet", "csv"):
        first, second = tmp_path / f"{fmt}1", tmp_path / f"{fmt}2"
        assert run_cli("export", "--format", fmt, "--out", str(first), "--db", str(warehouse)).returncode == 0
        assert run_cli("export", "--format", fmt, "--out", str(second), "--db", str(warehouse)).returncode == 0
        names = sorted(p.name for p in first.iterdir())
        assert names == sorted(p.name for p in second.iterdir()) and len(names) > 3
        for name in names:
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_csv_export_is_excel_safe(warehouse, tmp_path):
    out = tmp_path / "csv"
    assert run_cli("export", "--format", "csv", "--out", str(out), "--db", str(warehouse)).returncode == 0
    raw = (out / "mart_registrations.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    # The fixture's service named =1+2 is neutralised, as in every CSV the project writes.
    assert "'=1+2" in raw.decode("utf-8-sig")
    rows = _csv(out / "mart_registrations.csv")
    assert len(rows) == 5


def test_bad_requests_get_a_clear_message(warehouse, tmp_path):
    target = tmp_path / "a_file"
    target.write_text("x")
    result = run_cli("export", "--out", str(target), "--db", str(warehouse))
    assert result.returncode == 2 and "is a file, not a folder" in result.stderr
    result = run_cli("export", "--out", str(tmp_path / "x"), "--db", str(tmp_path / "missing.duckdb"))
    assert result.returncode == 1 and "No warehouse" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("export", "--format", "xlsx", "--out", str(tmp_path / "x"), "--db", str(warehouse))
    assert result.returncode == 2 and "invalid choice" in result.stderr
