"""Opening the warehouse for reading.

No long-lived connection: each query opens the file read-only, with external access off and the
configuration locked, so nothing reached through the app can read other files, attach databases
or load extensions. The data version (inode and mtime of the live file) goes into every cache
key, so a new ETL build shows up without a restart and stale numbers are never served.

A page run reads one build only: the frame pins the version it saw (dashboard.cache), and a
connection opened while a version is pinned checks that the file it opened is that build. If the
ETL published in between, BuildChanged is raised and the run starts again on the new build, so
a page never mixes numbers from two builds.

Opening the file costs more than most queries (the catalog is read and the buffers start cold:
at 10M incidents a dozen small queries take ~0.4 s on one connection against ~0.9 s opened one
by one). So a page run can ask for one connection (`shared_connection()`): inside that block,
while a build is pinned, the first connect() opens the file as above and every later one gets a
cursor of that same read-only connection, which reads the pinned build; the connection is closed
when the block ends, so none outlives the run.

DuckDB keeps one database instance per path in a process: while any connection to the path is
open, connecting again returns that instance, which still reads the file the path named when it
was opened. So after a publish, a session opening the new build while another session still
holds the old one would read the old build under the new version (and cache it so). connect()
therefore waits, before it opens, until this process holds no connection to another build of
the same path (at most a page run; _open_builds counts them).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import duckdb

DEFAULT_DB = Path(os.environ.get("WAREHOUSE_DB", "data/warehouse.duckdb"))

READ_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "lock_configuration": True,
}


# The build the current query must read (set by dashboard.cache around a cached call); None = any.
PINNED_VERSION: ContextVar[str | None] = ContextVar("pinned_version", default=None)


@dataclass
class _Shared:
    """The one connection of a shared_connection() block: opened on the build `version` of `path`."""

    con: duckdb.DuckDBPyConnection | None = None
    key: tuple[str, str] | None = None
    held: tuple[str, str] | None = None  # what to _release when the connection closes


_SHARED: ContextVar[_Shared | None] = ContextVar("shared_connection", default=None)


@contextmanager
def shared_connection() -> Iterator[None]:
    """Within this block, queries of the pinned build share one connection (module docstring);
    it is closed when the block ends."""
    shared = _Shared()
    token = _SHARED.set(shared)
    try:
        yield
    finally:
        _SHARED.reset(token)
        if shared.con is not None:
            shared.con.close()
            if shared.held is not None:
                _release(*shared.held)


class BuildChanged(Exception):
    """A new build was published after this run pinned its version; the run must start again."""


class WarehouseMissing(Exception):
    """The warehouse file does not exist yet; pages show how to build it."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"No warehouse at {path}. Build it with: python -m etl run (or make run).")
        self.path = path


class WarehouseOutdated(WarehouseMissing):
    """The warehouse was built by an older version: tables or columns the app reads are missing.
    A subclass of WarehouseMissing, so every page shows how to rebuild it instead of a traceback."""

    def __init__(self, path: Path, missing: list[str]) -> None:
        Exception.__init__(
            self,
            f"The warehouse at {path} was built by an older version and lacks {', '.join(missing[:5])}. "
            "Rebuild it with: python -m etl run (or make run).",
        )
        self.path = path
        self.missing = missing


def missing_from_contract(path: Path | None = None) -> list[str]:
    """The tables and `table.column`s of core.schema.PUBLISHED that the warehouse at `path` lacks
    (empty when it has them all). Asked only after a query failed, to tell an outdated build
    from a bug."""
    from core.schema import PUBLISHED

    with connect(path) as con:
        present = con.execute("select table_name, column_name from information_schema.columns").fetchall()
    tables: dict[str, set[str]] = {}
    for table, column in present:
        tables.setdefault(table, set()).add(column)
    missing = []
    for table, columns in PUBLISHED.items():
        if table not in tables:
            missing.append(table)
        else:
            missing.extend(f"{table}.{c}" for c in columns if c not in tables[table])
    return missing


def db_path() -> Path:
    return Path(os.environ.get("WAREHOUSE_DB", str(DEFAULT_DB)))


def data_version(path: Path | None = None) -> str:
    """Identifies one published build: os.replace() gives every build a new inode."""
    path = path or db_path()
    try:
        st = path.stat()
    except FileNotFoundError:
        raise WarehouseMissing(path) from None
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


# Connections this process holds open, per path and build version (module docstring).
_OPEN_CHANGED = threading.Condition()
_open_builds: dict[str, dict[str, int]] = {}
_mine = threading.local()  # the same counts for the current thread alone
# A connection to another build held longer than this is taken to be leaked, not waited for.
OTHER_BUILD_WAIT_S = 60.0


def _mine_for(key: str) -> dict[str, int]:
    return _mine.__dict__.setdefault("builds", {}).setdefault(key, {})


def _hold(path: Path, key: str, version: str) -> None:
    """Wait until no connection of this process reads another build of `path` (`key`: its
    resolved path), then count one for `version`."""
    mine = _mine_for(key)
    if any(n for v, n in mine.items() if v != version):
        # This very thread reads another build (a run that pinned it): waiting would wait on
        # itself, and reading both would mix builds; the run starts again on the new build.
        raise BuildChanged(path)
    with _OPEN_CHANGED:
        _OPEN_CHANGED.wait_for(
            lambda: not any(n for v, n in _open_builds.get(key, {}).items() if v != version),
            timeout=OTHER_BUILD_WAIT_S,
        )
        counts = _open_builds.setdefault(key, {})
        counts[version] = counts.get(version, 0) + 1
    mine[version] = mine.get(version, 0) + 1


def _release(key: str, version: str) -> None:
    mine = _mine.__dict__.get("builds", {}).get(key, {})
    if mine.get(version):
        mine[version] -= 1
        if not mine[version]:
            del mine[version]
    with _OPEN_CHANGED:
        counts = _open_builds.get(key, {})
        counts[version] -= 1
        if not counts[version]:
            del counts[version]
        _OPEN_CHANGED.notify_all()


def _open(path: Path, pinned: str | None) -> tuple[duckdb.DuckDBPyConnection, str, str]:
    """A read-only connection to the build `path` names now (the pinned one, else BuildChanged),
    opened once no connection of this process reads another build of it; with the key and
    version to _release when it closes."""
    # Unpinned, in a thread that already reads a build of this path: that build (DuckDB would
    # give that instance anyway, and the thread keeps reading one build).
    key = str(path.resolve())
    reading = [v for v, n in _mine_for(key).items() if n]
    version = pinned or (reading[0] if reading else data_version(path))
    _hold(path, key, version)
    try:
        if pinned is not None and data_version(path) != pinned:
            raise BuildChanged(path)
        con = duckdb.connect(str(path), read_only=True, config=READ_CONFIG)
        # The path named the pinned build before and after the open, so the open file is that
        # build (os.replace gives each build a new inode; the open handle keeps reading it).
        if pinned is not None and data_version(path) != pinned:
            con.close()
            raise BuildChanged(path)
    except BaseException:
        _release(key, version)
        raise
    return con, key, version


@contextmanager
def connect(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    path = path or db_path()
    if not path.exists():
        raise WarehouseMissing(path)
    pinned = PINNED_VERSION.get()
    shared = _SHARED.get() if pinned is not None else None
    key = (str(path), pinned) if pinned is not None else None
    if shared is not None and shared.con is not None and shared.key == key:
        # Opened on this very build earlier in the block: a cursor of it reads that build.
        cursor = shared.con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
        return
    if pinned is not None and data_version(path) != pinned:
        raise BuildChanged(path)
    con, held, version = _open(path, pinned)
    if shared is not None and shared.con is None:
        shared.con, shared.key, shared.held = con, key, (held, version)
        cursor = con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
        return
    try:
        yield con
    finally:
        con.close()
        _release(held, version)
