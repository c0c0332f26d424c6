"""Shared fixtures: the real ETL run on real inputs into tmp_path, never a mock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Before anything imports openpyxl (etl/__init__.py sets the same for the command line): the
# XLSX files the tests write are the bytes openpyxl writes without lxml, whichever test module
# happens to import openpyxl first.
os.environ.setdefault("OPENPYXL_LXML", "False")

import duckdb  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# Hypothesis profiles. `ci` (the default, and what `make test` and CI run) derandomises: the same
# examples every run, so the suite gives the same verdict every time. `explore` draws new random
# examples each run, more of them, for developers hunting new failures:
#     HYPOTHESIS_PROFILE=explore make test-fast
settings.register_profile("ci", derandomize=True, database=None, max_examples=150, deadline=None, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=1000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The dashboard's "today" for every test, and for the app servers the tests start (they inherit
# the environment): the default period "last 12 months" and relative briefing periods then cover
# the same sample rows whatever the date of the run.
os.environ.setdefault("DASHBOARD_TODAY", "2026-11-30")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
REAL_DATA = ROOT.parent / "shared" / "real-data"


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m etl ...` in a real process, as a user or a scheduler would."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=full_env
    )


def write_config(path: Path, sources: list[dict], sample: bool = False) -> Path:
    """A sources.toml from dicts (values are strings, bools or flat dicts)."""

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return str(v)
        if isinstance(v, dict):
            return (
                "{ " + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {value(x)}" for k, x in v.items()) + " }"
            )
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(str(v), ensure_ascii=False)

    lines = ["[warehouse]", f"sample = {value(sample)}", ""]
    for source in sources:
        lines.append("[[source]]")
        lines += [f"{k} = {value(v)}" for k, v in source.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def query(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    """The built-in sample inputs plus the test corpus of hostile and broken rows
    (tests/fixtures/corpus.py), loaded by the real ETL once per session."""
    from tests.fixtures.corpus import write_corpus_sources

    sources = write_corpus_sources(tmp_path_factory.mktemp("sample_inputs"))
    db = tmp_path_factory.mktemp("sample") / "warehouse.duckdb"
    result = run_cli("run", "--sources", str(sources), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture(scope="session")
def real_data() -> Path:
    if not REAL_DATA.is_dir():
        pytest.fail(f"{REAL_DATA} is missing: the real-data tests need ../shared/real-data beside the repo")
    return REAL_DATA
