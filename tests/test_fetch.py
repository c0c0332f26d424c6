"""`python -m etl fetch` against a local server that behaves like the CAC sites (tests/fake_cac.py),
then `python -m etl run` on the raw archive alone.

Documents are built from ../shared/real-data/cac_genai_filing.json (tests/document_fixtures.py);
expected counts are those of the batches served, counted from the JSON.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from etl.archive import Archive
from etl.config import load_config
from etl.fetch import fetch_all
from tests import document_fixtures as fx
from tests.conftest import query, run_cli, write_config
from tests.fake_cac import FakeFile, FakeServer, FakeSite

PAGE = "/2024-04/02/c_1713729983803145.htm"


@pytest.fixture(scope="module")
def documents(real_data, tmp_path_factory) -> dict:
    """Bytes of three generative-AI attachments, and their batches' expected row counts."""
    tmp = tmp_path_factory.mktemp("docs")
    batches = {b["period"]: b for b in fx.genai_batches(real_data)}
    out = {}
    # 2024-04 as Word with its title; 2024-08 as PDF; 2025-01 as Word without any title paragraph,
    # so its batch can only come from the download's attachment title.
    out["2024-04"] = fx.write_docx(batches["2024-04"], tmp / "a.docx").read_bytes()
    out["2024-08"] = fx.write_pdf(batches["2024-08"], tmp / "b.pdf").read_bytes()
    out["2025-01"] = fx.write_docx(batches["2025-01"], tmp / "c.docx", with_title=False).read_bytes()
    out["titles"] = {p: batches[p]["title"] for p in ("2024-04", "2024-08", "2025-01")}
    out["rows"] = {
        p: len(batches[p]["filings"]) + len(batches[p]["registrations"]) + len(batches[p]["on_device"])
        for p in ("2024-04", "2024-08", "2025-01")
    }
    return out


@pytest.fixture
def site(documents):
    site = FakeSite()
    titles = documents["titles"]
    site.files["a1"] = FakeFile(documents["2024-04"])
    site.files["b2.doc"] = FakeFile(documents["2024-08"], fail_first=1)  # a PDF under a .doc name, 503 first
    site.files["c3"] = FakeFile(documents["2025-01"])
    site.notice_page(
        PAGE,
        [
            ("a1", titles["2024-04"]),
            ("b2.doc", titles["2024-08"]),
            ("c3", titles["2025-01"]),
            ("summary", "2024年生成式人工智能服务已备案信息汇总"),  # the annual summary: never fetched
        ],
        extra='<a href="/other.htm">其他新闻</a>',
    )
    server = FakeServer(site)
    try:
        yield site
    finally:
        server.stop()


def _config(tmp: Path, site: FakeSite, **fetch_extra) -> Path:
    fetch = {"pages": [site.base.rstrip("/") + PAGE], "exclude": ["汇总"], "timeout": 5, "retries": 2, "backoff": 0}
    fetch.update(fetch_extra)
    return write_config(
        tmp / "official.toml",
        [
            {
                "name": "cac_genai",
                "entity": "registrations",
                "adapter": "cac_genai",
                "registry": "cac_genai",
                "location": "raw",
                "fetch": fetch,
            }
        ],
    )


def test_fetch_then_run_reads_only_the_archive(site, documents, tmp_path):
    config = _config(tmp_path, site)
    result = run_cli("fetch", "--sources", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cac_genai: ok, 3 attachment(s): 3 new, 0 unchanged, 0 failed" in result.stdout
    assert site.requests["summary"] == 0
    assert site.requests["b2.doc"] == 2  # 503, then the file
    assert all(referer and referer.startswith(site.base) for path, referer, _ in site.log)
    assert len(site.agents) == 1 and next(iter(site.agents)).startswith("Mozilla/5.0")  # a browser's user agent

    archive = Archive(tmp_path / "raw")
    files = archive.current_files("cac_genai")
    assert sorted(p.suffix for p in files) == [".docx", ".docx", ".pdf"]  # the .doc download is a PDF
    for path in files:
        manifest = json.loads(Path(str(path) + ".json").read_text(encoding="utf-8"))
        assert manifest["sha256"] == path.stem and manifest["size"] == path.stat().st_size
        assert manifest["page"].endswith(PAGE) and "downloadfile.jsp" in manifest["url"]
        assert manifest["title"] in documents["titles"].values() and manifest["etag"]
        assert manifest["last_modified"] == "Wed, 09 Sep 2026 08:00:00 GMT"
        assert manifest["format"] == path.suffix[1:] and manifest["fetched_at"]

    db = tmp_path / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db))
    assert result.returncode == 0, result.stdout + result.stderr
    assert query(db, "select batch, count(*) from stg_registrations group by batch order by batch") == sorted(
        documents["rows"].items()
    )
    in_use = {str(p) for p in files}
    assert {r[0] for r in query(db, "select distinct source_file from mart_registrations")} == in_use
    # The notice page's date (its address: /2024-04/02/…) is the rows' publication date, a field
    # apart from the batch, which stays each attachment's title month.
    assert query(db, "select batch, published_date, count(*) from stg_registrations group by all order by batch") == [
        (b, date(2024, 4, 2), n) for b, n in sorted(documents["rows"].items())
    ]
    assert query(db, "select distinct first_published_date from mart_registrations") == [(date(2024, 4, 2),)]

    status = run_cli("status", "--db", str(db), "--raw", str(tmp_path / "raw"))
    assert status.returncode == 0, status.stderr
    assert "last fetch" in status.stdout and ": ok" in status.stdout
    assert sum(f"file in use: {p}" in status.stdout for p in in_use) == 3


def test_unchanged_files_are_not_downloaded_again_and_a_changed_file_is_added(site, documents, tmp_path):
    config = load_config(_config(tmp_path, site))
    first = fetch_all(config)[0]
    assert (first.status, first.new) == ("ok", 3)
    downloads = sum(1 for path, _, _ in site.log if path.endswith("downloadfile.jsp"))

    second = fetch_all(config)[0]
    assert (second.status, second.new, second.unchanged) == ("ok", 0, 3)
    conditional = [etag for path, _, etag in site.log[downloads + 1 :] if path.endswith("downloadfile.jsp")]
    assert len(conditional) == 3 and all(conditional)  # every request carried If-None-Match
    assert site.not_modified == {"a1": 1, "b2.doc": 1, "c3": 1}  # and got 304, no body

    archive = Archive(tmp_path / "raw")
    old = {p.name for p in archive.current_files("cac_genai")}
    site.files["a1"] = FakeFile(documents["2024-04"] + b"\n")  # the regulator republishes the file
    third = fetch_all(config)[0]
    assert (third.new, third.unchanged) == (1, 2)
    stored = {p.name for p in (tmp_path / "raw" / "files").rglob("*") if p.suffix in (".docx", ".pdf")}
    assert old < stored and len(stored) == 4  # the old file is kept beside the new one
    newest = {p.name for p in archive.current_files("cac_genai")}
    assert len(newest) == 3 and len(newest - old) == 1


def test_without_a_same_site_referer_the_empty_body_is_refused(site, tmp_path):
    config = _config(tmp_path, site, referer="https://elsewhere.example/")
    result = run_cli("fetch", "--sources", str(config))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "empty body" in result.stdout and "error: fetch failed for cac_genai" in result.stderr
    assert not (tmp_path / "raw" / "files").exists()


def test_html_instead_of_a_document_is_refused_and_previous_files_are_kept(site, tmp_path):
    config = load_config(_config(tmp_path, site))
    assert fetch_all(config)[0].new == 3
    before = Archive(tmp_path / "raw").current_files("cac_genai")
    site.files["c3"] = FakeFile(b"<!DOCTYPE html><html><body>\xe7\x99\xbb\xe5\xbd\x95</body></html>")
    result = fetch_all(config)[0]
    assert result.status == "failed" and result.failed == 1
    assert any("HTML page" in m and "（2025年1月）" in m for m in result.messages)
    assert Archive(tmp_path / "raw").current_files("cac_genai") == before


def test_a_hanging_source_fails_alone(site, documents, tmp_path):
    slow = FakeSite()
    slow.files["x"] = FakeFile(documents["2024-04"], hang=True)
    slow.notice_page("/slow.htm", [("x", "生成式人工智能服务已备案信息（2024年4月）")])
    server = FakeServer(slow)
    try:
        config = write_config(
            tmp_path / "official.toml",
            [
                {
                    "name": "slow",
                    "entity": "registrations",
                    "adapter": "cac_genai",
                    "registry": "cac_genai",
                    "location": "raw",
                    "fetch": {"pages": [slow.base + "slow.htm"], "timeout": 0.5, "retries": 1, "backoff": 0},
                },
                {
                    "name": "cac_genai",
                    "entity": "registrations",
                    "adapter": "cac_genai",
                    "registry": "cac_genai",
                    "location": "raw",
                    "fetch": {"pages": [site.base.rstrip("/") + PAGE], "exclude": ["汇总"], "backoff": 0},
                },
            ],
        )
        result = run_cli("fetch", "--sources", str(config))
    finally:
        server.stop()
    assert result.returncode == 1
    assert "slow: failed" in result.stdout and "no answer within 0.5 s after 2 attempt(s)" in result.stdout
    assert "cac_genai: ok, 3 attachment(s): 3 new" in result.stdout
    assert "Traceback" not in result.stderr and "fetch failed for slow" in result.stderr


def test_offline_lists_the_archive_without_any_request(site, tmp_path):
    config = _config(tmp_path, site)
    assert run_cli("fetch", "--sources", str(config)).returncode == 0
    requests = len(site.log)
    result = run_cli("fetch", "--sources", str(config), "--offline")
    assert result.returncode == 0, result.stderr
    assert "cac_genai: offline, 3 archived file(s) in use" in result.stdout
    assert len(site.log) == requests
    unknown = run_cli("fetch", "--sources", str(config), "--only", "nope")
    assert unknown.returncode == 2 and "fetchable: cac_genai" in unknown.stderr


def test_a_page_without_attachment_links_fails_with_the_reason(site, tmp_path):
    site.pages[PAGE] = "<html><body>改版了</body></html>"
    result = fetch_all(load_config(_config(tmp_path, site)))[0]
    assert result.status == "failed"
    assert "no attachment link matching" in result.messages[0] and PAGE in result.messages[0]


def test_cancellation_notices_from_the_notice_list(real_data, tmp_path):
    from tests.test_documents import _cancellation_pdf

    data = json.loads((real_data / "cac_algo_cancellations.json").read_text(encoding="utf-8"))
    site = FakeSite()
    expected = set()
    for notice in data["notices"][:3]:
        pdf = _cancellation_pdf(notice, tmp_path / f"{notice['noticeId']}.pdf", as_text=False)
        site.files[notice["noticeId"]] = FakeFile(pdf.read_bytes())
        site.notices.append({"noticeId": notice["noticeId"], "title": notice["title"], "createTime": notice["date"]})
        expected |= {r["code"] for r in notice["records"]}
    site.notices.append({"noticeId": "n-other", "title": "关于系统维护的通知", "createTime": "2025-01-01"})
    server = FakeServer(site)
    try:
        config = write_config(
            tmp_path / "official.toml",
            [
                {
                    "name": "cac_cancellations",
                    "entity": "cancellations",
                    "adapter": "cac_cancellations",
                    "location": "raw",
                    "fetch": {"notice_list": site.base + "api/notice/list", "include": ["注销"], "backoff": 0},
                }
            ],
        )
        fetched = run_cli("fetch", "--sources", str(config))
    finally:
        server.stop()
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    assert site.requests["n-other"] == 0
    db = tmp_path / "w.duckdb"
    assert run_cli("run", "--sources", str(config), "--db", str(db), "--quiet").returncode == 0
    assert {r[0] for r in query(db, "select registration_id from stg_cancellations")} == expected


def test_official_config_declares_every_official_source_with_fetch_and_load():
    from etl.fetch import spec_of
    from tests.conftest import ROOT

    config = load_config(ROOT / "data" / "official.toml")
    fetched = {s.name: spec_of(s) for s in config.sources if s.fetch is not None}
    assert set(fetched) == {"cac_genai", "cac_algorithm", "cac_deep_synthesis", "cac_cancellations", "aiid", "aiaaic"}
    assert fetched["cac_genai"].pages == ["https://www.cac.gov.cn/2024-04/02/c_1713729983803145.htm"]
    assert fetched["cac_algorithm"].pages == ["https://www.cac.gov.cn/2022-08/12/c_1661927474338504.htm"]
    assert len(fetched["cac_deep_synthesis"].pages) == 18
    assert fetched["cac_cancellations"].notice_list == "https://beian.cac.gov.cn/api/notice/list"
    assert all(s.location == "raw" for s in config.sources if s.fetch is not None)
    assert not config.is_sample


def test_a_declared_export_url_is_fetched_and_loaded(real_data, tmp_path):
    # The AI Incident Database snapshot declared like the official lists: `urls` instead of pages.
    site = FakeSite()
    site.exports["/snapshot/incidents.csv"] = (real_data / "aiid_incidents.csv").read_bytes()
    server = FakeServer(site)
    try:
        config = write_config(
            tmp_path / "official.toml",
            [
                {
                    "name": "aiid",
                    "entity": "incidents",
                    "adapter": "aiid",
                    "location": "raw",
                    "fetch": {"urls": [site.base + "snapshot/incidents.csv"], "formats": ["csv"], "backoff": 0},
                }
            ],
        )
        fetched = run_cli("fetch", "--sources", str(config))
    finally:
        server.stop()
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    files = Archive(tmp_path / "raw").current_files("aiid")
    assert [p.suffix for p in files] == [".csv"]
    db = tmp_path / "w.duckdb"
    assert run_cli("run", "--sources", str(config), "--db", str(db), "--quiet").returncode == 0
    assert query(db, "select count(*) from stg_incidents") == [(989,)]  # the snapshot's 989 incidents


def test_a_second_fetch_of_the_same_source_waits_its_turn(site, tmp_path):
    config = load_config(_config(tmp_path, site))
    archive = Archive(tmp_path / "raw")
    with archive.locked("cac_genai"):
        busy = fetch_all(config)[0]
    assert busy.status == "failed" and "another fetch of cac_genai is running (pid" in busy.messages[0]
    assert site.log == []  # nothing was requested while the other fetch held the source
    assert fetch_all(config)[0].status == "ok"


def test_a_notice_page_address_gives_its_publication_date():
    from etl.fetch import published_of_page

    assert published_of_page("https://www.cac.gov.cn/2024-04/02/c_1713729983803145.htm") == "2024-04-02"
    assert published_of_page("https://www.cac.gov.cn/2024-04/02/c_1713729983803145.htm?x=1") == "2024-04-02"
    assert published_of_page("https://beian.cac.gov.cn/#/notice") is None
