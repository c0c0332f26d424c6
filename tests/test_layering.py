"""The shape of the code: data flows sources -> etl -> warehouse -> dashboard -> pages.

- core imports neither etl nor dashboard; etl never imports dashboard (or streamlit), and
  dashboard never imports etl. The command line (etl/__main__.py) is the one layer over both:
  `python -m etl brief` and `status` call the read side, as sqlite-utils' cli.py sits over db.py.
- A page holds no SQL and imports neither duckdb nor etl; app.py neither.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "etl" / "__main__.py"
SQL_WORDS = re.compile(
    r"\b(select|insert|update|delete|create|from|where|join)\b[^\n]*\b(from|where|table|into|set)\b", re.I
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("core", {"etl", "dashboard", "streamlit", "pages"}),
        ("etl", {"dashboard", "streamlit", "pages"}),
        ("dashboard", {"etl", "pages"}),
        ("pages", {"etl", "duckdb"}),
    ],
)
def test_package_does_not_import(package, forbidden):
    for path in _files(package):
        if path == CLI:
            continue
        bad = _imports(path) & forbidden
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_cli_reaches_the_read_side_only_inside_its_commands():
    # Module-level imports of the CLI stay on the write side, so `python -m etl run` loads no
    # streamlit, pandas query code or plotly.
    tree = ast.parse(CLI.read_text(encoding="utf-8"))
    top = {n.module.split(".")[0] for n in tree.body if isinstance(n, ast.ImportFrom) and n.module}
    assert "dashboard" not in top


def test_app_and_pages_hold_no_sql():
    for path in [ROOT / "app.py", *_files("pages")]:
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not SQL_WORDS.search(node.value), f"{path.name}: SQL in a string: {node.value[:60]!r}"
        assert "duckdb" not in _imports(path), path.name


def _direct_chart_calls(text: str) -> list[str]:
    """Calls that draw a chart without ui.chart_or_empty (its empty state, CSV and attribution)."""
    calls = []
    for node in ast.walk(ast.parse(text)):
        is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        if is_call and node.func.attr in ("plotly_chart", "_chart", "chart"):
            calls.append(node.func.attr)
    return calls


def test_pages_draw_every_chart_through_chart_or_empty():
    for path in [ROOT / "app.py", *_files("pages")]:
        assert _direct_chart_calls(path.read_text(encoding="utf-8")) == [], path.name
    assert _direct_chart_calls("ui.chart(fig, df, key='k', t=t)\nst.plotly_chart(fig)\n") == ["chart", "plotly_chart"]


def test_the_layering_check_catches_a_bad_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from dashboard import queries\nimport duckdb\n")
    assert _imports(bad) == {"dashboard", "duckdb"}
    assert SQL_WORDS.search("select count(*) from mart_registrations")
