"""ETL at scale (issue 12): the build's memory settings, the per-step profile, incremental runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.config import load_config
from etl.errors import ConfigError
from etl.pipeline import DEFAULT_MEMORY_LIMIT, _connect_build, build_settings
from tests.conftest import run_cli
from tests.fixtures.corpus import write_corpus_sources


def _with_warehouse(config: Path, extra: str) -> Path:
    text = config.read_text(encoding="utf-8").replace("[warehouse]\n", "[warehouse]\n" + extra + "\n", 1)
    config.write_text(text, encoding="utf-8")
    return config


def test_memory_settings_come_from_the_config_then_the_environment(tmp_path):
    config = _with_warehouse(
        write_corpus_sources(tmp_path / "in"), 'memory_limit = "300MB"\ntemp_directory = "spill"\nthreads = 1'
    )
    loaded = load_config(config)
    settings = build_settings(loaded, environ={})
    assert settings == {"memory_limit": "300MB", "temp_directory": str(config.parent / "spill"), "threads": 1}
    settings = build_settings(loaded, environ={"ETL_MEMORY_LIMIT": "2GB", "ETL_THREADS": "2"})
    assert settings["memory_limit"] == "2GB" and settings["threads"] == 2
    assert build_settings(load_config(write_corpus_sources(tmp_path / "plain")), environ={}) == {
        "memory_limit": DEFAULT_MEMORY_LIMIT
    }
    with pytest.raises(ConfigError, match="ETL_MEMORY_LIMIT"):
        build_settings(loaded, environ={"ETL_MEMORY_LIMIT": "lots"})


def test_a_bad_memory_limit_in_the_config_is_a_usage_error(tmp_path):
    config = _with_warehouse(write_corpus_sources(tmp_path / "in"), 'memory_limit = "lots"')
    result = run_cli("run", "--sources", str(config), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2, result.stderr
    assert "memory_limit" in result.stderr and "1GB" in result.stderr


def test_the_build_connection_gets_the_limit_and_the_spill_folder(tmp_path):
    con = _connect_build(tmp_path / "b.duckdb", {"memory_limit": "256MB", "threads": 1}, tmp_path / "spill")
    try:
        limit, temp, threads = con.execute(
            "select current_setting('memory_limit'), current_setting('temp_directory'), current_setting('threads')"
        ).fetchone()
    finally:
        con.close()
    assert limit.replace(" ", "") in ("256.0MB", "244.1MiB") and temp == str(tmp_path / "spill") and threads == 1


def test_a_run_under_a_small_limit_completes_and_leaves_no_spill_files(tmp_path):
    config = _with_warehouse(write_corpus_sources(tmp_path / "in"), 'temp_directory = "spill"')
    db = tmp_path / "out" / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--json", env={"ETL_MEMORY_LIMIT": "200MB"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True
    assert list((config.parent / "spill").iterdir()) == []
    assert sorted(p.name for p in db.parent.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_the_profile_names_every_step_with_its_time_and_peak_memory(tmp_path):
    from etl.pipeline import MODELS

    config = write_corpus_sources(tmp_path / "in")
    db = tmp_path / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--json", "--profile", "--quiet")
    assert result.returncode == 0, result.stderr
    profile = json.loads(result.stdout)["profile"]
    steps = {(s["step"], s["name"]) for s in profile["steps"]}
    assert {("model", m) for m in MODELS} <= steps
    assert {("setup", ""), ("checkpoint", ""), ("publish", "")} <= steps
    assert {("read", "sample_incidents"), ("validate_stage", "sample_incidents")} <= steps
    assert all(s["seconds"] >= 0 and s["peak_rss_mb"] > 10 for s in profile["steps"])
    assert profile["peak_rss_mb"] >= max(s["peak_rss_mb"] for s in profile["steps"])
    # The table on stderr: one line per step, then the total.
    table = result.stderr.splitlines()
    assert table[0].split()[:2] == ["step", "name"] and table[-1].startswith("total")
    assert any(line.split()[:2] == ["model", "mart_incidents"] for line in table)
