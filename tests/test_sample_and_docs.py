"""The committed sample is what the generator writes; the docs name every command and model."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

from etl.__main__ import _parser
from etl.pipeline import INCIDENT_DELTA_FILES, MODELS
from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_sample_is_deterministic_small_and_committed_as_generated(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert run_cli("sample", "--out", str(first)).returncode == 0
    assert run_cli("sample", "--out", str(second)).returncode == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert mismatch == [] and errors == []
    # data/sample/ is exactly what the generator writes with the default seed.
    committed = ROOT / "data" / "sample"
    assert sorted(p.name for p in committed.iterdir()) == names
    match, mismatch, errors = filecmp.cmpfiles(first, committed, names, shallow=False)
    assert mismatch == [], "data/sample/ is stale: run `python -m etl sample`"
    assert sum(p.stat().st_size for p in committed.iterdir()) < 5_000_000


def test_scale_multiplies_the_sample(tmp_path):
    assert run_cli("sample", "--out", str(tmp_path), "--scale", "2").returncode == 0
    incidents = (tmp_path / "incidents.csv").read_text(encoding="utf-8").count("\n")
    assert incidents == 6001  # a header and 2 x 3,000 rows


def test_every_cli_command_and_option_is_in_the_readme():
    parser = _parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():
        assert f"python -m etl {name}" in README, name
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in README, f"{name} {flag}"


def test_every_sql_model_is_used_and_documented_tables_exist():
    sql_dir = ROOT / "etl" / "sql"
    from core.schema import ENTITIES

    staging = {f"stg_{name}" for name in ENTITIES}
    delta = {Path(name).stem for name in INCIDENT_DELTA_FILES}
    used = set(MODELS) | staging | delta | {"macros", "provider_macros", "bookkeeping"}
    on_disk = {p.stem for p in sql_dir.rglob("*.sql")}
    assert on_disk == used
    for model in MODELS:
        if model.startswith("mart_"):
            assert f"`{model}`" in README, f"{model} is not described in README.md"


def test_readme_opens_with_the_two_commands_ci_runs():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    commands = [line for line in first_block.splitlines() if line.strip() and not line.startswith("#")]
    assert commands == ["make run", "make test"]
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "make test" in ci_lines


def test_every_entity_column_is_in_its_readme_table():
    from core.schema import ENTITIES

    for entity in ENTITIES.values():
        section = re.search(rf"### {entity.name}\b.*?\n\n(\|.*?)\n\n", README, re.S)
        assert section, f"README has no column table for {entity.name}"
        documented = [c for c in re.findall(r"^\| \**([a-z_]+)\** \|", section.group(1), re.M) if c != "column"]
        assert documented == entity.column_names, entity.name
        for column in entity.columns:
            bold = f"| **{column.name}** |" in section.group(1)
            # Bold marks required fields (registrations' registry and status have defaults).
            if entity.name == "registrations" and column.name in ("registry", "status"):
                continue
            assert bold == column.required, f"{entity.name}.{column.name}"


def test_demo_sample_holds_believable_records_only(tmp_path):
    """`make run` shows the demo sample: nothing in it is quarantined, and no name holds a tag,
    a markdown link or a formula (those rows are in tests/fixtures/corpus.py)."""
    import duckdb

    db = tmp_path / "demo.duckdb"
    result = run_cli("run", "--sources", str(ROOT / "data" / "sources.toml"), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*) from quarantine").fetchone()[0] == 0
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_name like 'mart_%' and data_type = 'VARCHAR'"
        ).fetchall()
        for table, column in columns:
            hostile = con.execute(
                f'select count(*) from "{table}" where regexp_matches("{column}", $pattern)',
                {"pattern": r"<\s*(script|img|iframe|b)\b|javascript:|\]\(|^[=@+]"},
            ).fetchone()[0]
            assert hostile == 0, f"{table}.{column} holds hostile text"
    finally:
        con.close()


def test_corpus_sample_is_the_demo_plus_the_test_rows(tmp_path):
    from tests.fixtures.corpus import write_corpus_sample

    write_corpus_sample(tmp_path)
    incidents = (tmp_path / "incidents.csv").read_text(encoding="utf-8")
    demo = (ROOT / "data" / "sample" / "incidents.csv").read_text(encoding="utf-8")
    assert incidents.startswith(demo)
    assert "<script>" in incidents and "<script>" not in demo


def test_sample_written_by_openpyxl_with_lxml_still_loads(tmp_path):
    # openpyxl writes other XML when lxml is in use (it declares only the prefixes it uses); the
    # generator's pinned timestamp once injected an xsi:type whose prefix was then unbound, and
    # every sample XLSX failed to open. Which mode a process gets depends on what imported
    # openpyxl first, so both must give a readable sample.
    out = tmp_path / "sample"
    made = run_cli("sample", "--out", str(out), env={"OPENPYXL_LXML": "True"})
    assert made.returncode == 0, made.stderr
    (tmp_path / "sources.toml").write_bytes((ROOT / "data" / "sources.toml").read_bytes())
    for table in ("provider_aliases.csv", "sector_rules.csv", "central_enterprises.csv"):
        (tmp_path / table).write_bytes((ROOT / "data" / table).read_bytes())
    result = run_cli("run", "--sources", str(tmp_path / "sources.toml"), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sample_genai_xlsx: loaded, 1,353 loaded, 0 quarantined" in result.stdout
