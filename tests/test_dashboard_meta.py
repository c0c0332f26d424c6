"""Meta tests: every page registered, pages hold no SQL, every text key translated, README."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from dashboard.i18n import TEXT
from dashboard.pages import PAGES

ROOT = Path(__file__).resolve().parents[1]
CODE = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "dashboard").glob("*.py"))]


def test_every_page_file_is_declared_once_and_app_registers_the_table():
    files = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert files == {page.file for page in PAGES}
    for field in ("key", "file", "url_path"):
        values = [getattr(page, field) for page in PAGES]
        assert len(values) == len(set(values)), f"two pages share a {field}"
    for page in PAGES:
        assert page.title_key in TEXT and page.section in TEXT, page.key
        assert not re.match(r"page\d", Path(page.file).stem), f"{page.file}: name a page for what it shows"
    app = (ROOT / "app.py").read_text()
    # app.py builds its navigation from the table and names no page file itself.
    assert "for spec in PAGES" in app and "pages/" not in app


def test_pages_hold_no_sql_and_no_duckdb():
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]:
        text = path.read_text()
        assert "duckdb" not in text, path
        assert not re.search(r"\b(select|insert|update|delete)\b[^\n]*\bfrom\b", text, re.IGNORECASE), path


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in CODE:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("t", "translate")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                keys.add(node.args[0].value)
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "empty"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
            ):
                keys.add(node.args[1].value)
    return keys


def test_every_text_key_used_exists_in_both_languages():
    missing = sorted(k for k in _used_keys() if k not in TEXT)
    assert not missing, missing
    for key, (en, zh) in TEXT.items():
        assert en.strip() and zh.strip(), key
        fields_en = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        fields_zh = {f for _, f, _, _ in string.Formatter().parse(zh) if f}
        assert fields_en == fields_zh, key


def test_kpi_module_is_streamlit_free():
    for name in ("kpis.py", "queries.py", "filters.py", "export.py", "charts.py", "i18n.py"):
        text = (ROOT / "dashboard" / name).read_text()
        assert "import streamlit" not in text, name


def test_readme_documents_the_dashboard():
    readme = (ROOT / "README.md").read_text()
    assert "## Dashboard" in readme
    section = readme.split("## Dashboard", 1)[1]
    section = section.split("\n## ", 1)[0]
    for key in ("period", "from", "to", "jur", "reg", "q", "cat", "lang", "WAREHOUSE_DB"):
        assert f"`{key}`" in section, key
    assert "bench/bench_pages.py" in section


def test_every_column_a_page_shows_has_a_label_in_both_languages():
    import json

    from dashboard.i18n import COLUMNS

    record = json.loads((ROOT / "tests" / "fixtures" / "dashboard" / "page_numbers.json").read_text())
    shown = {
        c
        for key, view in record.items()
        if not key.startswith("briefing")
        for t in view["tables"]
        for c in t["columns"]
    }
    pages = "\n".join(p.read_text() for p in (ROOT / "pages").glob("*.py"))
    # Columns a chart draws: x=, y=, color= and hover= names in the pages.
    shown |= set(re.findall(r'\b(?:x|y|color)="([a-z_]+)"', pages))
    for hover in re.findall(r"hover=\[([^\]]*)\]", pages):
        shown |= set(re.findall(r'"([a-z_]+)"', hover))
    missing = sorted(c for c in shown if c not in COLUMNS or not all(COLUMNS[c]))
    assert not missing, f"columns without a label: {missing}"


def test_pages_spell_no_axis_titles():
    for path in (ROOT / "pages").glob("*.py"):
        text = path.read_text()
        assert "x_title=" not in text and "value_label=" not in text, path.name


def test_readme_describes_every_page_of_the_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    described = set(re.findall(r"^\| ([A-Z][^|]*?) \|", readme.split("## Dashboard", 1)[1], re.M))
    for page in PAGES:
        assert TEXT[page.title_key][0] in described, f"README's Dashboard table misses {page.key}"
