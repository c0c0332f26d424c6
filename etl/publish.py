"""Publish: one writer at a time, the new warehouse built beside the live one, swapped in whole.

Readers open the live file read-only. The ETL never opens it for writing: it builds
`.<name>.build-<load_id>` in the same folder, checkpoints and closes it, then `os.replace()`s
it over the live file. A reader that opened the old file keeps its inode; the next open sees the
new build. A run killed at any point leaves only a stray build file, removed by the next run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from etl.errors import EnvironmentFailure, LockBusy, environment_cause


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


@contextlib.contextmanager
def exclusive_lock(db: Path) -> Iterator[None]:
    """Hold the warehouse's write lock. The kernel drops a flock when its process dies, so a
    lock file left behind by a killed run never blocks the next one."""
    path = lock_path(db)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        # The first write of a run: a folder that cannot hold files is named here, not later.
        cause = environment_cause(exc) or exc.strerror or type(exc).__name__
        raise EnvironmentFailure(
            f"cannot create {path} beside the warehouse: {cause}. --db must name a file in a writable folder."
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            raise LockBusy(
                f"another ETL run is building {db} ({holder}); wait for it to finish. "
                f"The lock frees itself when that process ends."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC".encode(), 0)
        yield
    finally:
        os.close(fd)


def build_path(db: Path, load_id: str) -> Path:
    return db.with_name(f".{db.name}.build-{load_id}")


def workdir_prefix(db: Path) -> str:
    return f".{db.name}.work-"


def remove_stale_builds(db: Path, *spill_roots: Path) -> list[Path]:
    """Build files and scratch folders of runs that died. Only called while holding the lock.
    `spill_roots`: a configured temp_directory, where each run spills into its own folder."""
    removed = []
    # `.build-<id>` files, their `.wal`, and `.build-<id>.tmp` folders where DuckDB spilled a
    # build larger than memory: a folder left by a killed run must not stop every later run.
    spills = [p for root in spill_roots if root.is_dir() for p in root.glob(workdir_prefix(db) + "*")]
    for stale in [*db.parent.glob(f".{db.name}.build-*"), *db.parent.glob(workdir_prefix(db) + "*"), *spills]:
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale)
        else:
            stale.unlink(missing_ok=True)
        removed.append(stale)
    return removed


def swap_in(build: Path, db: Path) -> None:
    """Atomically replace the live warehouse with a finished, closed build."""
    wal = build.with_name(build.name + ".wal")
    if wal.exists():  # a closed, checkpointed build has no WAL; refuse to publish half a file
        raise RuntimeError(f"{build} still has a WAL file; not publishing")
    with open(build, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(build, db)
    dir_fd = os.open(db.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
