"""The one place text is turned into SQL text. Audited; see tests/test_hardening_round2.py.

Values always go to DuckDB as parameters (`$name`). Identifiers cannot be parameters, and some
come from input (a file's headers, JSON keys), so every identifier reaches SQL text through
`quote_ident`, and the few literals that must be inlined (macro bodies, view definitions)
through `sql_literal`. A NUL character is refused: DuckDB would end the text there.
"""

from __future__ import annotations


class UnsafeSqlText(ValueError):
    """Text that cannot be quoted safely (it holds a NUL character)."""


def quote_ident(name: str) -> str:
    """`name` as a DuckDB identifier: in double quotes, an inner `"` doubled."""
    text = str(name)
    if "\x00" in text:
        raise UnsafeSqlText(f"identifier {text!r} holds a NUL character")
    return '"' + text.replace('"', '""') + '"'


def sql_literal(text: str) -> str:
    """`text` as a DuckDB string literal: in single quotes, an inner `'` doubled."""
    text = str(text)
    if "\x00" in text:
        raise UnsafeSqlText(f"literal {text!r} holds a NUL character")
    return "'" + text.replace("'", "''") + "'"
