"""The raw archive: every fetched file kept, content-addressed, never overwritten or deleted.

Layout under the archive root (`data/raw/` for `data/official.toml`):

    files/<sha[:2]>/<sha256>.<format>        the bytes as downloaded, written once, read-only
    files/<sha[:2]>/<sha256>.<format>.json   the file's manifest, written with it: source, URL,
                                             page, attachment title, fetched at, sha256, size,
                                             detected format, ETag, Last-Modified
    sources/<source>/fetches.jsonl           one line per attachment per fetch (new, unchanged,
                                             failed), appended, never rewritten
    sources/<source>/runs.jsonl              one line per fetch of the source: when, ok or
                                             failed and why, how many files were new

An attachment is known by its key (its title, else its URL). `python -m etl run` reads the newest
file of each attachment of a source (`current_files`), so a refresh is reproducible from the
archive alone, offline.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path


class ArchiveBusy(Exception):
    """Another process is fetching the same source into the same archive."""


@dataclass
class FileRecord:
    """One attachment as fetched once: what the manifest and the fetch log hold."""

    source: str
    key: str
    url: str
    page: str | None
    title: str | None
    fetched_at: str
    result: str  # new / unchanged / failed
    sha256: str | None = None
    size: int | None = None
    format: str | None = None
    file: str | None = None  # relative to the archive root
    etag: str | None = None
    last_modified: str | None = None
    published: str | None = None
    message: str | None = None


def _append(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _read_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line:
                with contextlib.suppress(json.JSONDecodeError):  # a torn last line from a killed fetch
                    out.append(json.loads(line))
    return out


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def source_dir(self, source: str) -> Path:
        return self.root / "sources" / source

    def relative_file(self, sha: str, fmt: str) -> str:
        return f"files/{sha[:2]}/{sha}.{fmt}"

    def store(self, temp: Path, sha: str, fmt: str, record: FileRecord) -> tuple[str, bool]:
        """Move a downloaded temp file into place; returns (relative path, newly stored).

        An existing file with the same digest is the same bytes: the temp copy is dropped and
        the stored file and its manifest are left as they are.
        """
        rel = self.relative_file(sha, fmt)
        target = self.root / rel
        if target.exists():
            temp.unlink(missing_ok=True)
            return rel, False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)
        target.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        manifest = {k: v for k, v in asdict(record).items() if k not in ("result", "message")}
        manifest["file"] = rel
        manifest_path = target.with_name(target.name + ".json")
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
        return rel, True

    @contextlib.contextmanager
    def locked(self, source: str) -> Iterator[None]:
        """One fetch of a source at a time (a scheduled one and a manual one); the kernel frees
        the lock when its process dies."""
        path = self.source_dir(source) / "fetch.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
                raise ArchiveBusy(f"another fetch of {source} is running ({holder})") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC".encode(), 0)
            yield
        finally:
            os.close(fd)

    def log_fetch(self, record: FileRecord) -> None:
        _append(self.source_dir(record.source) / "fetches.jsonl", asdict(record))

    def log_run(self, source: str, record: dict) -> None:
        _append(self.source_dir(source) / "runs.jsonl", record)

    def fetches(self, source: str) -> list[dict]:
        return _read_lines(self.source_dir(source) / "fetches.jsonl")

    def runs(self, source: str) -> list[dict]:
        return _read_lines(self.source_dir(source) / "runs.jsonl")

    def latest(self, source: str) -> dict[str, dict]:
        """Per attachment key, the newest fetch that left a file in the archive."""
        newest: dict[str, dict] = {}
        for line in self.fetches(source):
            if line.get("file") and (self.root / line["file"]).is_file():
                newest[line["key"]] = line
        return newest

    def current_files(self, source: str) -> list[Path]:
        """The newest file of each attachment, ordered by attachment key (title or URL)."""
        return [self.root / line["file"] for _, line in sorted(self.latest(source).items())]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def archive_titles(path: Path) -> list[str]:
    """The attachment title from the manifest beside an archived file, if it is one."""
    manifest = Path(str(path) + ".json")
    if not manifest.is_file() or "files" not in Path(path).parts:
        return []
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return []
    return [data["title"]] if isinstance(data, dict) and data.get("title") else []


def archive_published(path: Path) -> str | None:
    """The publication date (YYYY-MM-DD) the manifest beside an archived file records (a
    notice's date), or None: a file that is not from the archive, or a notice without one."""
    manifest = Path(str(path) + ".json")
    if not manifest.is_file() or "files" not in Path(path).parts:
        return None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    published = data.get("published") if isinstance(data, dict) else None
    return published if isinstance(published, str) and published.strip() else None


def last_fetch(archive: Archive, source: str) -> dict | None:
    """The last fetch run of `source` in the archive, as `python -m etl status` shows it."""
    runs = archive.runs(source)
    if not runs:
        return None
    last = runs[-1]
    return {k: last.get(k) for k in ("finished_at", "status", "attachments", "new", "unchanged", "failed", "message")}
