"""The Briefing page: prefilled from the sidebar, previews, and downloads that are the same bytes
as `python -m etl brief` for the same choices (read from the download buttons' data)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from tests.conftest import FIXTURES, run_cli

pytest_plugins = ["conftest_dashboard"]

PAGE = "pages/briefing.py"
INPUTS = FIXTURES / "briefing" / "inputs"


@pytest.fixture(scope="module")
def brief_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("brief_page") / "warehouse.duckdb"
    result = run_cli("run", "--sources", str(INPUTS / "sources.toml"), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Every download button's data, by the file name it offers (captured as the page stores it)."""
    captured: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            captured[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    return captured


def open_briefing(query_params: dict[str, str]):
    from conftest_dashboard import app_test

    at = app_test(query_params, timeout=180)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _no_generated_at(data: bytes) -> bytes:
    return re.sub(rb"generated,at,[^\r\n]*", b"generated,at,", data)


def test_page_and_command_give_the_same_bytes(brief_db, use_db, downloads, tmp_path):
    use_db(brief_db)
    at = open_briefing({"period": "2026-Q2", "jur": "CN-SH,CN-BJ"})
    # Prefilled from the sidebar's filters.
    assert at.selectbox(key="br_period").value == "2026-Q2"
    assert at.multiselect(key="br_jur").value == ["CN-BJ", "CN-SH"]
    assert at.title[0].value == "Briefing"

    cli = run_cli(
        "brief", "--db", str(brief_db), "--out", str(tmp_path), "--period", "2026-Q2", "--jurisdiction", "CN-BJ,CN-SH"
    )
    assert cli.returncode == 0, cli.stderr
    bundle_path = Path(cli.stdout.strip())
    assert bundle_path.name in downloads, sorted(downloads)
    with zipfile.ZipFile(bundle_path) as cli_zip, zipfile.ZipFile(io.BytesIO(downloads[bundle_path.name])) as page_zip:
        assert cli_zip.namelist() == page_zip.namelist()
        for name in cli_zip.namelist():
            cli_bytes, page_bytes = cli_zip.read(name), page_zip.read(name)
            if name == "manifest.csv":  # only the generation time may differ
                cli_bytes, page_bytes = _no_generated_at(cli_bytes), _no_generated_at(page_bytes)
            assert cli_bytes == page_bytes, name
            # Each single-file download is the same file as the ZIP entry.
            single = downloads[name]
            assert (_no_generated_at(single) if name == "manifest.csv" else single) == page_bytes, name
    # The preview shows the incidents in scope (X1 in Beijing, X2 in Shanghai; X5 is in the US).
    incidents = next(df for df in at.dataframe if "incident_id" in df.value.columns)
    assert incidents.value["incident_id"].tolist() == ["t:X1", "t:X2"]


def test_changing_the_page_filters_changes_the_bundle(brief_db, use_db, downloads):
    use_db(brief_db)
    at = open_briefing({"period": "2026-Q2"})
    assert "briefing_2026-Q2_all.zip" in downloads
    at.multiselect(key="br_jur").set_value(["CN-GD"]).run()
    assert not at.exception
    name = "briefing_2026-Q2_jur-CN-GD.zip"
    assert name in downloads
    with zipfile.ZipFile(io.BytesIO(downloads[name])) as bundle:
        text = bundle.read("registrations_new.csv").decode("utf-8-sig")
    assert "Guangdong-WuMoXing-20260601" in text and "Shanghai-BingAI-20260410" not in text
    # A period with nothing in it shows the empty state, not an error.
    at.selectbox(key="br_period").set_value("2026-01").run()
    assert not at.exception
    assert any("No rows match" in info.value for info in at.info)


def test_page_on_empty_and_missing_warehouse(empty_db, use_db, tmp_path):
    use_db(empty_db)
    at = open_briefing({})
    assert len(at.get("download_button")) == 10  # the bundle and each of its nine files
    use_db(tmp_path / "missing.duckdb")
    at = open_briefing({})
    assert any("No warehouse" in info.value or "python -m etl run" in info.value for info in at.info)
