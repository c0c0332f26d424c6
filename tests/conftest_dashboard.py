"""Fixtures for the dashboard tests: warehouses built by the REAL ETL, once per session.

Imported by the dashboard test modules (`from conftest_dashboard import ...`) rather than living
in tests/conftest.py, which belongs to the ETL side. Builds are memoised per process so a
fixture imported into several modules still runs the ETL once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.pages import PAGES as PAGE_TABLE

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
FIXTURES = ROOT / "tests" / "fixtures" / "dashboard"
PAGES = {page.key: page.file for page in PAGE_TABLE}
_BUILT: dict[str, Path] = {}


def build_warehouse(sources: Path, db: Path) -> Path:
    """Run `python -m etl run` as a user would; fail the test with its output if it fails."""
    db.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [sys.executable, "-m", "etl", "run", "--sources", str(sources), "--db", str(db), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"etl run failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return db


def _once(name: str, factory: pytest.TempPathFactory, sources: Path) -> Path:
    if name not in _BUILT or not _BUILT[name].exists():
        _BUILT[name] = build_warehouse(sources, factory.mktemp(name) / "warehouse.duckdb")
    return _BUILT[name]


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in sample plus the test corpus of hostile and broken rows
    (tests/fixtures/corpus.py): what the page, security and browser tests read."""
    if "sample" not in _BUILT or not _BUILT["sample"].exists():
        from tests.fixtures.corpus import write_corpus_sources

        sources = write_corpus_sources(tmp_path_factory.mktemp("sample_inputs"))
        _BUILT["sample"] = build_warehouse(sources, tmp_path_factory.mktemp("sample") / "warehouse.duckdb")
    return _BUILT["sample"]


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse `make run` builds: data/sources.toml over the committed data/sample."""
    return _once("demo", tmp_path_factory, ROOT / "data" / "sources.toml")


@pytest.fixture(scope="session")
def real_db(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every real list in ../shared/real-data (tests/fixtures/real_sources.toml), as the drill-down
    tests read it."""
    return _once("real", tmp_path_factory, ROOT / "tests" / "fixtures" / "real_sources.toml")


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty-but-valid warehouse: every source file holds only its header."""
    return _once("empty", tmp_path_factory, FIXTURES / "empty" / "sources.toml")


@pytest.fixture(scope="session")
def attributed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample incidents declared with a CC BY-SA attribution, as AIID data would be."""
    if "attributed" not in _BUILT:
        work = tmp_path_factory.mktemp("attributed_src")
        sample = ROOT / "data" / "sample"
        (work / "sources.toml").write_text(
            f"""
[[source]]
name = "aiid"
entity = "incidents"
adapter = "canonical"
location = "{sample / "incidents.csv"}"
attribution = "AI Incident Database, CC BY-SA 4.0 <script>alert(1)</script> [click](http://evil.example)"
options = {{ id_prefix = "aiid" }}

[[source]]
name = "algorithm"
entity = "registrations"
adapter = "canonical"
registry = "cac_algorithm"
location = "{sample / "registrations_algorithm.csv"}"
""",
            encoding="utf-8",
        )
        _BUILT["attributed"] = build_warehouse(work / "sources.toml", work / "warehouse.duckdb")
    return _BUILT["attributed"]


@pytest.fixture
def use_db(monkeypatch: pytest.MonkeyPatch):
    """Point the app at a warehouse for this test (core.connection reads WAREHOUSE_DB)."""

    def _use(path: Path) -> Path:
        monkeypatch.setenv("WAREHOUSE_DB", str(path))
        return path

    return _use


def _serve_like_production() -> None:
    """Run AppTest as `python -m dashboard.serve` runs the app: with Streamlit's legacy pages/
    folder mode off. AppTest switches it back on before every run (a pages/ folder exists), and
    then a page whose file name equals its url_path (pages/explorer.py, /explorer) would run
    without the frame."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test as module

    class ServedPagesManager(PagesManager):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    if module.PagesManager is PagesManager:
        module.PagesManager = ServedPagesManager


def app_test(query_params: dict[str, str] | None = None, timeout: float = 120):
    """An AppTest of the whole app (frame + pages), optionally opened from a URL's parameters."""
    from streamlit.testing.v1 import AppTest

    _serve_like_production()
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    # Any exception element reaching the page fails the test, on every run (at.run(), a widget's
    # .run(), switch_page): the browser must never be where an error is found.
    run_once = at._run

    def run_and_check(*args, **kwargs):
        result = run_once(*args, **kwargs)
        assert not result.exception, [e.value for e in result.exception]
        return result

    at._run = run_and_check
    return at


def run_page(page: str, query_params: dict[str, str] | None = None):
    """Run the frame, then switch to `page` (a key of PAGES) and run it."""
    at = app_test(query_params)
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page])
        at.run()
    return at


@pytest.fixture
def open_page():
    """run_page as a fixture, so test modules need no import of this plugin."""
    return run_page


os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
