"""A helper for adapters (not an adapter): the entity's columns as a SELECT list.

Adapters give expressions for the fields they know; every other column is a typed NULL, so a
new optional column in core/schema.py never breaks an adapter.
"""

from __future__ import annotations

from core.schema import ENTITIES
from etl.adapters.base import q


def select_list(entity: str, exprs: dict[str, str]) -> str:
    """`expr as "column"` for every column of `entity`, in schema order, plus __file and __line."""
    columns = ENTITIES[entity].columns
    unknown = set(exprs) - {c.name for c in columns}
    if unknown:
        raise ValueError(f"not columns of {entity}: {sorted(unknown)}")
    parts = []
    for col in columns:
        default = "null::varchar[]" if col.type == "varchar[]" else "null::varchar"
        parts.append(f"{exprs.get(col.name, default)} as {q(col.name)}")
    return ",\n            ".join([*parts, "__file", "__line"])
