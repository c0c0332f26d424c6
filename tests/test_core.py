"""The neutral core: the SQL loader's includes, the run order derived from references, and the
warehouse contract against the SQL that uses it and a real build."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from core import sql
from core.connection import missing_from_contract
from core.schema import ENTITIES, PUBLISHED
from etl.pipeline import MODEL_FILES, MODELS

pytest_plugins = ["conftest_dashboard"]

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD_SQL = ROOT / "dashboard" / "sql"
ETL_SQL = ROOT / "etl" / "sql"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.sql"
    path.write_text(text, encoding="utf-8")
    return path


def test_include_copy_is_checked_against_its_fragment(tmp_path):
    _write(tmp_path, "_scope", "-- what it is\nand a = $a\n")
    query = _write(tmp_path, "q", "select 1\nwhere true\n    -- include: _scope\n")
    with pytest.raises(sql.SqlIncludeError, match="no `-- end include: _scope`"):
        sql.check(query)
    query.write_text(sql.expand(query.read_text(), tmp_path))
    assert (
        query.read_text()
        == "select 1\nwhere true\n    -- include: _scope\n    and a = $a\n    -- end include: _scope\n"
    )
    assert sql.check(query) == query.read_text()
    _write(tmp_path, "_scope", "and a = $a\nand b = $b\n")  # the fragment changed
    with pytest.raises(sql.SqlIncludeError, match="differs from the fragment"):
        sql.check(query)
    (tmp_path / "_scope.sql").unlink()  # ... or is gone
    with pytest.raises(sql.SqlIncludeError, match="_scope.sql is included but does not exist"):
        sql.check(query)


def test_every_include_in_the_repository_is_current():
    assert sql.main([str(DASHBOARD_SQL), str(ETL_SQL)]) == 0


def test_a_query_file_runs_as_written_when_pasted_into_duckdb(sample_db):
    # The shared scope is in the file itself: the raw text, run without the loader, filters.
    from datetime import date

    from dashboard import queries
    from dashboard.filters import Filters

    f = Filters(period="all", start=None, end=None, jurisdictions=("CN-BJ",), today=date(2026, 11, 1))
    text = (DASHBOARD_SQL / "registrations_page_count.sql").read_text(encoding="utf-8")
    params = {**f.params(), "search": "", "show": ""}
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        pasted = con.execute(text, {k: params[k] for k in sql.parameters(text)}).fetchone()[0]
        everything = con.execute("select count(*) from mart_registrations").fetchone()[0]
    finally:
        con.close()
    assert pasted == queries.registrations_page(f, path=sample_db)[1]
    assert 0 < pasted < everything


def test_parameters_and_references_ignore_comments():
    text = "-- uses $nothing from ghost\nselect * from real_table join other on true where x = $x"
    assert sql.parameters(text) == {"x"}
    assert sql.references(text) == {"real_table", "other"}


def test_model_order_follows_references_and_rejects_cycles():
    models = {"mart_b": "create table mart_b as select * from int_a", "int_a": "create table int_a as select 1"}
    assert sql.model_order(models) == ["int_a", "mart_b"]
    with pytest.raises(ValueError, match="cycle"):
        sql.model_order({"a": "select * from b", "b": "select * from a"})


def test_run_order_puts_every_model_after_the_models_it_reads():
    position = {name: i for i, name in enumerate(MODELS)}
    for name in MODELS:
        for ref in sql.references(sql.load(MODEL_FILES[name])) & set(MODELS) - {name}:
            assert position[ref] < position[name], f"{name} runs before {ref}, which it reads"
    assert {p.parent.name for p in MODEL_FILES.values()} <= {"staging", "intermediate", "marts"}
    for name, path in MODEL_FILES.items():
        prefix = {"staging": "stg_", "intermediate": "int_", "marts": "mart_"}[path.parent.name]
        assert name.startswith(prefix), f"{path} is in {path.parent.name}/ but not named {prefix}*"


def _ctes(text: str) -> set[str]:
    import re

    text = re.sub(r"--[^\n]*", "", text)
    # `name as (`, or with a materialisation hint: `name as not materialized (`.
    pattern = r"(?:with|,)\s*([a-z_][a-z0-9_]*)\s+as\s*(?:(?:not\s+)?materialized\s*)?\("
    return {m.lower() for m in re.findall(pattern, text, re.I)}


def test_every_table_the_dashboard_sql_reads_is_declared():
    # The research export (export_*.sql) reads the catalog and every mart by name: its reads of
    # marts are not a contract the app relies on.
    catalog = {"information_schema", "query_table"}
    for path in sorted(DASHBOARD_SQL.glob("*.sql")):
        text = sql.load(path)
        tables = sql.references(text) - _ctes(text)
        if path.name.startswith("export_"):
            tables -= catalog
        assert tables <= set(PUBLISHED), f"{path.name} reads undeclared tables {sorted(tables - set(PUBLISHED))}"


def test_every_table_an_etl_model_reads_is_declared_or_built_by_the_run():
    staged = {e.stg_table for e in ENTITIES.values()}
    # Temporary views of the previous build, prepared by etl.pipeline before the models run.
    previous = {"prev_registrations", "prev_delisted", "prev_changes"}
    known = set(PUBLISHED) | staged | previous | set(MODELS)
    for name in MODELS:
        text = sql.load(MODEL_FILES[name])
        tables = sql.references(text) - _ctes(text)
        assert tables <= known, f"{name} reads undeclared tables {sorted(tables - known)}"


def test_declared_columns_exist_in_a_real_build(sample_db):
    # The same check the app makes when a query fails (a build by an older version).
    assert missing_from_contract(sample_db) == []
