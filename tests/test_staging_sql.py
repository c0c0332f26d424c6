"""The staging layer is SQL on disk (etl/sql/staging/), written from the declarations.

The files are what runs; core/schema.py and etl/stage.py are their one definition. These tests
fail when the two drift apart, and show that the check would notice.
"""

from __future__ import annotations

import shutil

from core import sql
from core.schema import ENTITIES
from etl import stage


def test_every_entity_has_its_staging_file_and_each_is_current(capsys):
    assert stage.main([]) == 0, capsys.readouterr().err
    for entity in ENTITIES.values():
        text = sql.load(stage.staging_path(entity.name))
        assert f"insert into {entity.stg_table}" in text
        assert "insert into quarantine" in text


def test_a_hand_edited_or_stray_staging_file_is_reported(tmp_path, monkeypatch, capsys):
    copy = tmp_path / "staging"
    shutil.copytree(stage.STAGING_DIR, copy)
    monkeypatch.setattr(stage, "STAGING_DIR", copy)
    edited = copy / "stg_consent.sql"
    edited.write_text(edited.read_text(encoding="utf-8").replace("'no'", "'nope'"), encoding="utf-8")
    (copy / "stg_unknown.sql").write_text("select 1;\n", encoding="utf-8")
    assert stage.main([]) == 1
    err = capsys.readouterr().err
    assert "stg_consent.sql: differs from the declarations" in err
    assert "stg_unknown.sql: no entity is declared" in err
    assert stage.main(["--write"]) == 1  # the stray file is not ours to delete
    assert edited.read_text(encoding="utf-8") == stage.staging_sql(ENTITIES["consent"])


def test_staging_runs_only_its_files_statements_with_their_own_parameters():
    # Every statement's parameters are among the three stage() binds; nothing else is needed.
    for entity in ENTITIES.values():
        text = sql.load(stage.staging_path(entity.name))
        assert sql.parameters(text) <= {"source", "load_id", "run_date"}
