"""core.connection.shared_connection: one connection per block, on the pinned build only."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from core.connection import PINNED_VERSION, BuildChanged, connect, data_version, shared_connection


def _build(path: Path, value: int) -> None:
    """A one-table warehouse published the way the ETL publishes: written aside, then os.replace."""
    tmp = path.with_suffix(".next")
    with duckdb.connect(str(tmp)) as con:
        con.execute("create table t as select $v as v", {"v": value})
    os.replace(tmp, path)


def _read(path: Path) -> int:
    with connect(path) as con:
        return con.execute("select v from t").fetchone()[0]


def test_queries_in_a_block_share_one_connection_and_keep_reading_the_pinned_build(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    _build(db, 1)
    token = PINNED_VERSION.set(data_version(db))
    try:
        with shared_connection():
            assert _read(db) == 1
            _build(db, 2)  # a publish during the run
            # The block's connection was opened on the pinned build and keeps reading it.
            assert _read(db) == 1
        # Outside a block, a query on a build that is no longer the pinned one asks for a rerun.
        with pytest.raises(BuildChanged):
            _read(db)
    finally:
        PINNED_VERSION.reset(token)
    token = PINNED_VERSION.set(data_version(db))
    try:
        with shared_connection():
            assert _read(db) == 2
    finally:
        PINNED_VERSION.reset(token)


def test_a_block_opens_nothing_on_a_build_other_than_the_pinned_one(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    _build(db, 1)
    token = PINNED_VERSION.set(data_version(db))
    try:
        _build(db, 2)
        with shared_connection(), pytest.raises(BuildChanged):
            _read(db)
    finally:
        PINNED_VERSION.reset(token)


def test_without_a_pinned_build_each_query_opens_the_live_file(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    _build(db, 1)
    with shared_connection():
        assert _read(db) == 1
        _build(db, 2)
        assert _read(db) == 2


def test_a_session_opening_a_new_build_waits_until_no_session_reads_the_old_one(tmp_path: Path) -> None:
    """DuckDB gives a second connection to a path the instance already open on it, which still
    reads the file the path named before a publish. A session opening the new build while another
    holds the old one must not read the old one under the new version: it waits, then reads it."""
    import threading

    db = tmp_path / "warehouse.duckdb"
    _build(db, 1)
    old_open, release_old, new_read = threading.Event(), threading.Event(), {}

    def old_session() -> None:
        token = PINNED_VERSION.set(data_version(db))
        try:
            with shared_connection():
                new_read["old"] = _read(db)
                old_open.set()
                release_old.wait(timeout=30)
        finally:
            PINNED_VERSION.reset(token)

    def new_session() -> None:
        token = PINNED_VERSION.set(data_version(db))
        try:
            with shared_connection():
                new_read["new"] = _read(db)
        finally:
            PINNED_VERSION.reset(token)

    a = threading.Thread(target=old_session)
    a.start()
    assert old_open.wait(timeout=30)
    _build(db, 2)  # published while the old session holds build 1
    b = threading.Thread(target=new_session)
    b.start()
    b.join(timeout=1.0)
    assert b.is_alive()  # still waiting: opening now would give it build 1's instance
    release_old.set()
    a.join(timeout=30)
    b.join(timeout=30)
    assert new_read == {"old": 1, "new": 2}


def test_an_unpinned_query_in_a_run_reads_the_build_the_run_reads(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    _build(db, 1)
    token = PINNED_VERSION.set(data_version(db))
    try:
        with shared_connection():
            assert _read(db) == 1
            _build(db, 2)
            unpinned = PINNED_VERSION.set(None)
            try:
                # No wait on itself, and no build mixed in: the run's own build.
                assert _read(db) == 1
            finally:
                PINNED_VERSION.reset(unpinned)
    finally:
        PINNED_VERSION.reset(token)
    assert _read(db) == 2
