"""Provider names across sources and languages: normalisation and matching.

`北京百度网讯科技有限公司` (a CAC list), `baidu` (an AI Incident Database slug) and `Baidu, Inc.`
(AIAAIC) name one provider. Two things make them meet:

- **Normalisation** (`etl/sql/provider_macros.sql`): `clean_name` gives the display form
  (half-width, one bracket form, no PDF-extraction spaces next to Chinese characters);
  `name_key` the match key (also lowercased, company-form suffixes such as 有限公司, 股份, Inc.
  and Ltd. stripped, punctuation and spaces removed). Suffixes are stripped for matching only.
- **The alias table** (`provider_aliases` entity, seed `data/provider_aliases.csv`): one row per
  provider with its id, English and Chinese names, legal entity names, other aliases and slugs.

Matching runs in SQL as joins on these keys (`etl/sql/intermediate/int_provider_names.sql`), so it scales
with the number of distinct names, not with incidents × aliases. Each name is matched by the first
method that finds it: `exact_id` (the name is a provider id), `alias` (equal to an alias after
clean_name, ignoring case), `normalised_name` (equal `name_key`). A name whose key belongs to two
providers is `ambiguous` and left unmatched; unmatched names are listed, never guessed.

The SQL is the one implementation. `name_keys()` runs it on an in-memory DuckDB so Python callers
(tests, notebooks) get exactly what the warehouse computes.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from etl.stage import install_macros

MATCH_METHODS = ("exact_id", "alias", "normalised_name")


def name_keys(names: Iterable[str | None]) -> dict[str | None, tuple[str | None, str | None]]:
    """{name: (clean_name, name_key)} for each name, computed by the warehouse's own SQL."""
    con = duckdb.connect()
    try:
        install_macros(con)
        rows = con.execute(
            "select name, clean_name(name), name_key(name) from (select unnest($names) as name)",
            {"names": list(names)},
        ).fetchall()
    finally:
        con.close()
    return {name: (clean, key) for name, clean, key in rows}


def name_key(name: str | None) -> str | None:
    """The match key of one name (see `name_keys`)."""
    return name_keys([name])[name][1]
