"""The data dictionary (core/dictionary.py): every column a build publishes, a briefing file
carries or a page shows and downloads is described in English and Chinese, and the README's
tables of the canonical input formats are the ones the dictionary renders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core import dictionary
from core.schema import ENTITIES, LINEAGE_COLUMNS, PUBLISHED

ROOT = Path(__file__).resolve().parents[1]


def test_unknown_column_is_a_clear_key_error():
    with pytest.raises(KeyError, match="not in the data dictionary"):
        dictionary.describe("no_such_column")
    with pytest.raises(dictionary.UndocumentedColumn):
        dictionary.columns_rows({"x.csv": [("registration_id", ""), ("no_such_column", "")]})


def test_describe_gives_type_and_both_languages():
    entry = dictionary.describe("filed_date")
    assert (entry.type, entry.label_en, entry.label_zh) == ("date", "Filed", "备案日期")
    assert entry.meaning_en and entry.meaning_zh
    # A column that means something else in one table says so there.
    assert dictionary.describe("status", "mart_incidents").meaning_en != dictionary.describe("status").meaning_en
    assert dictionary.describe("status", "incidents.csv") == dictionary.describe("status", "incidents")


def test_columns_rows_keep_the_files_order_and_types():
    rows = dictionary.columns_rows({"a.csv": [("kind", ""), ("value", "double")], "b.csv": [("n", "")]})
    assert [tuple(r) for r in rows] == [dictionary.COLUMNS_CSV_FIELDS] * 3
    assert [(r["file"], r["column"], r["type"]) for r in rows] == [
        ("a.csv", "kind", "varchar"),
        ("a.csv", "value", "double"),
        ("b.csv", "n", "bigint"),
    ]


def test_every_published_and_staged_column_is_described():
    missing = []
    for table, columns in PUBLISHED.items():
        for column in columns:
            try:
                dictionary.describe(column, table)
            except KeyError:
                missing.append(f"{table}.{column}")
    for entity in ENTITIES.values():
        for column in (*entity.columns, *LINEAGE_COLUMNS):
            try:
                dictionary.describe(column.name, entity.name)
            except KeyError:
                missing.append(f"{entity.name}.{column.name}")
    assert not missing, missing


def test_every_column_a_page_shows_or_downloads_is_described():
    """A page's CSV download has the columns of its table (headed by their labels), and a
    chart's download the columns the chart draws: each is in the dictionary, and its header
    label is the dictionary's, so columns.csv reads any download."""
    from dashboard.i18n import COLUMNS

    assert COLUMNS is dictionary.LABELS  # one table of labels
    record = json.loads((ROOT / "tests" / "fixtures" / "dashboard" / "page_numbers.json").read_text())
    shown = {c for view in record.values() for t in view["tables"] for c in t["columns"]}
    pages = "\n".join(p.read_text() for p in (ROOT / "pages").glob("*.py"))
    shown |= set(re.findall(r'\b(?:x|y|color)="([a-z_]+)"', pages))
    for hover in re.findall(r"hover=\[([^\]]*)\]", pages):
        shown |= set(re.findall(r'"([a-z_]+)"', hover))
    assert len(shown) > 50
    missing = []
    for column in sorted(shown):
        try:
            dictionary.describe(column)
        except KeyError:
            missing.append(column)
    assert not missing, missing


def _readme_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Canonical input formats", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_readme_input_tables_are_the_rendered_ones(entity):
    section = _readme_section()
    match = re.search(rf"^### {entity}\b[^\n]*\n\n(\|.*?)(?:\n\n|\Z)", section, re.M | re.S)
    assert match, f"README has no table for {entity}"
    assert match.group(1).strip() == dictionary.readme_table(entity), (
        f"README's {entity} table differs from core.dictionary.readme_table({entity!r}); "
        "edit core/schema.py Column.doc and paste the rendered table"
    )
