"""The app's DuckDB connection can read the warehouse and nothing else."""

from __future__ import annotations

import duckdb
import pytest

from core.connection import WarehouseMissing, connect, data_version

ESCAPES = [
    "select * from read_csv('/etc/passwd')",
    "select * from read_text('/etc/hostname')",
    "attach '/tmp/other.duckdb' as other",
    "copy (select 1) to '/tmp/leak.csv'",
    "install httpfs",
    "load httpfs",
    "set enable_external_access = true",
    "set lock_configuration = false",
    "create table evil as select 1",
    "drop table mart_registrations",
]


@pytest.mark.parametrize("statement", ESCAPES)
def test_the_app_connection_refuses_files_attach_config_and_writes(sample_warehouse, statement):
    with connect(sample_warehouse) as con:
        assert con.execute("select count(*) from mart_registrations").fetchone()[0] > 2000
        with pytest.raises(duckdb.Error):
            con.execute(statement)
        # The connection still works after the refusal, with the data unchanged.
        assert con.execute("select count(*) from mart_registrations").fetchone()[0] > 2000


def test_a_missing_warehouse_is_a_clear_error(tmp_path):
    missing = tmp_path / "none.duckdb"
    with pytest.raises(WarehouseMissing, match="python -m etl run"), connect(missing):
        pass
    with pytest.raises(WarehouseMissing):
        data_version(missing)


def test_the_data_version_changes_with_every_publication(tmp_path, sample_warehouse):
    import shutil

    from tests.conftest import ROOT, run_cli

    db = tmp_path / "w.duckdb"
    shutil.copy(sample_warehouse, db)
    before = data_version(db)
    assert run_cli("run", "--sources", str(ROOT / "data" / "sources.toml"), "--db", str(db), "--quiet").returncode == 0
    assert data_version(db) != before
