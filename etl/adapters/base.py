"""What adapters share: the context they run in and header resolution."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import duckdb

from etl.config import Source
from etl.errors import SourceError
from etl.readers import RawTable
from etl.stage import q, sql_literal

__all__ = ["Context", "header_key", "resolve_columns", "q", "sql_literal", "text_or_null"]


@dataclass
class Context:
    con: duckdb.DuckDBPyConnection
    source: Source
    load_id: str
    notes: list[str] = field(default_factory=list)
    # Rows an adapter leaves out on purpose (repeated headers, blank rows); reported on their own
    # so that rows read = loaded + quarantined + skipped holds for every source.
    skipped: int = 0


def header_key(text: str) -> str:
    """Headers compare after NFKC, without spaces (any kind), zero-width characters, BOMs and
    case: `备案编号 ` and `\ufeff备案编号` equal `备案编号`."""
    return re.sub(r"[\s\u200b-\u200d\u2060\ufeff]+", "", unicodedata.normalize("NFKC", str(text))).lower()


def resolve_columns(
    raw: RawTable,
    wanted: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    source: Source,
) -> dict[str, str]:
    """Map each wanted field to the header(s) present in the file, as an SQL text expression.

    `wanted` lists accepted header spellings per field. When several are present (JSON
    records from batches of both header generations), the first non-empty one wins.
    `options.columns` in the config maps a file's header to a field and wins over the
    built-in spellings.
    """
    by_key = {header_key(h): h for h in raw.headers}
    found: dict[str, str] = {}
    for header, target in (source.option("columns") or {}).items():
        if header_key(header) in by_key:
            found[target] = q(by_key[header_key(header)])
    for field_name, spellings in wanted.items():
        if field_name in found:
            continue
        present = [by_key[k] for k in dict.fromkeys(header_key(s) for s in (field_name, *spellings)) if k in by_key]
        if len(present) == 1:
            found[field_name] = q(present[0])
        elif present:
            found[field_name] = "coalesce(" + ", ".join(f"nullif(trim({q(h)}), '')" for h in present) + ")"
    missing = [f for f in required if f not in found]
    if missing:
        expected = "; ".join(f"{f} (any of: {', '.join(dict.fromkeys((f, *wanted.get(f, ()))))})" for f in missing)
        raise SourceError(
            f"{raw.file}: required columns missing: {expected}. Headers found: {raw.headers}. "
            "Fix the file's header row, or map a header with options.columns in the sources config.",
            file=raw.file,
        )
    return found


def text_or_null(found: dict[str, str], field_name: str) -> str:
    """The column's text as an SQL expression, or NULL when the file lacks it."""
    return found.get(field_name, "null::varchar")
