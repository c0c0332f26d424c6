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
