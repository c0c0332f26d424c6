"""Typed errors. The command line turns them into messages at one boundary (etl.__main__)."""

from __future__ import annotations


class EtlError(Exception):
    """Base class: anything the user can act on."""


class UsageError(EtlError):
    """The command or the config is wrong (exit code 2)."""


class ConfigError(UsageError):
    """The sources config cannot be read or declares something unknown."""


class SourceError(EtlError):
    """One source cannot be loaded (missing file, missing columns, unreadable format).

    The run goes on with the other sources; this source keeps its previous rows.
    """

    def __init__(self, message: str, *, file: str | None = None) -> None:
        super().__init__(message)
        self.file = file


class LockBusy(EtlError):
    """Another ETL run holds the warehouse lock."""


class EnvironmentFailure(EtlError):
    """The machine, not the input, stopped the run: disk full, permission, a file-size limit."""


def environment_cause(exc: BaseException) -> str | None:
    """What in the environment an error comes from, said plainly; None when it is not one.

    DuckDB reports its own file errors as text, so both the errno and the message are read."""
    import errno

    code = getattr(exc, "errno", None)
    text = str(exc)
    if code in (errno.ENOSPC, errno.EDQUOT) or "No space left on device" in text or "Disk quota" in text:
        return "the disk is full (no space left on device); free space beside the warehouse and run again"
    if code == errno.EFBIG or "File too large" in text:
        return (
            "a file-size limit was reached (the shell's `ulimit -f` / RLIMIT_FSIZE, or the file system's "
            "largest file); raise the limit for this job and run again"
        )
    if code == errno.EROFS or "Read-only file system" in text:
        return "the file system is read-only; put the warehouse on a writable disk"
    if code in (errno.EACCES, errno.EPERM) or "Permission denied" in text:
        where = getattr(exc, "filename", None)
        return f"permission denied{f' on {where}' if where else ''}; let this user write there, or use --db elsewhere"
    if isinstance(exc, MemoryError) or "Out of Memory" in text:
        return "out of memory; give the job more memory or split the input"
    return None
