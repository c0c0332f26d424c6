"""Word and PDF attachments through the real ETL (etl.documents), on fixtures built from real data.

Expected figures come from ../shared/real-data/cac_genai_filing.json, counted independently of
the ETL (tests/document_fixtures.genai_batches splits each batch by the number and 适用场景):
1,842 unique numbers = 1,113 without a trailing S#### + 729 registrations; of the 1,113, the
7 rows of the 2026-08 on-device table (header with 适用场景) are kind on_device, so 1,106 filings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from etl.documents import Extracted, fold_compat, join_lines, organise, sniff_format
from tests import document_fixtures as fx
from tests.conftest import query, run_cli, write_config

ENTITY_COLUMNS = (
    "registration_id, registry, kind, service_name, provider_name, provider_role, jurisdiction_code, category, "
    "products, purpose, filed_date, filed_date_note, batch, status, cancelled_date, remarks"
)


def _expected(real_data: Path) -> dict:
    batches = fx.genai_batches(real_data)
    numbers = {r[4] for b in batches for part in ("filings", "registrations", "on_device") for r in b[part]}
    return {
        "unique": len(numbers),
        "filing": sum(len(b["filings"]) for b in batches),
        "registration": sum(len(b["registrations"]) for b in batches),
        "on_device": sum(len(b["on_device"]) for b in batches),
        "batches": len(batches),
    }


def _load(tmp: Path, location: str, adapter: str = "cac_genai", entity: str = "registrations", **extra) -> Path:
    source = {"name": "src", "entity": entity, "adapter": adapter, "location": location, **extra}
    if entity == "registrations":
        source.setdefault("registry", adapter)
    config = write_config(tmp / "sources.toml", [source])
    db = tmp / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    return db


@pytest.fixture(scope="module")
def genai_docx(real_data, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("genai_docx")
    for i, batch in enumerate(fx.genai_batches(real_data), start=1):
        # Neutral names: the batch must come from the title paragraph, not the file name.
        fx.write_docx(batch, tmp / f"attachment_{i:02d}.docx")
    return _load(tmp, str(tmp / "*.docx"))


@pytest.fixture(scope="module")
def genai_pdf(real_data, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("genai_pdf")
    for i, batch in enumerate(fx.genai_batches(real_data), start=1):
        fx.write_pdf(batch, tmp / f"attachment_{i:02d}.pdf")
    return _load(tmp, str(tmp / "*.pdf"))


@pytest.mark.parametrize("warehouse", ["genai_docx", "genai_pdf"])
def test_real_genai_list_from_documents_gives_the_json_counts(warehouse, real_data, request):
    db = request.getfixturevalue(warehouse)
    want = _expected(real_data)
    assert want == {"unique": 1842, "filing": 1106, "registration": 729, "on_device": 7, "batches": 13}
    assert query(db, "select count(*), count(distinct registration_id) from mart_registrations") == [(1842, 1842)]
    assert query(db, "select kind, count(*) from mart_registrations group by kind order by kind") == [
        ("filing", 1106),
        ("on_device", 7),
        ("registration", 729),
    ]
    # The 1,113 numbers without S#### of the README: filings plus the on-device table.
    assert query(db, "select count(*) from mart_registrations where not regexp_matches(registration_id, 'S\\d+$')") == [
        (1113,)
    ]
    assert query(db, "select count(*) from quarantine") == [(0,)]
    assert query(db, "select count(distinct batch), min(batch), max(batch) from mart_registrations") == [
        (13, "2024-04", "2026-08")
    ]
    assert query(db, "select count(*) from mart_registrations where batch = '2025-12'") == [(266,)]
    assert query(
        db,
        "select kind, count(*) from mart_registrations where batch <= '2025-12' and kind <> 'on_device' "
        "group by kind order by kind",
    ) == [("filing", 749), ("registration", 433)]
    # Every row keeps the file it came from.
    assert query(db, "select count(*) from mart_registrations where source_file is null") == [(0,)]


def test_pdf_numbers_split_over_lines_are_joined(genai_pdf):
    assert query(genai_pdf, "select count(*) from stg_registrations where regexp_matches(registration_id, '\\s')") == [
        (0,)
    ]
    assert query(
        genai_pdf,
        "select service_name, provider_name from mart_registrations where registration_id = $id",
        {"id": "Shanghai-AppleZhiNeng-202506160057"},
    ) == [("Apple智能", "苹果技术开发（上海）有限公司")]


def test_docx_quirks_are_read_as_data(genai_docx):
    message = query(genai_docx, "select message from etl_runs")[0][0]
    assert "repeated header row(s) skipped" in message
    # The merged title row is never a row; the province merged down two rows is on both.
    assert query(genai_docx, "select count(*) from stg_registrations where service_name like '生成式人工智能%'") == [
        (0,)
    ]
    assert query(genai_docx, "select count(*) from stg_registrations where jurisdiction_code is null") == [(0,)]


FORMATS = {
    "docx": fx.write_docx,
    "pdf": fx.write_pdf,
    "xlsx": fx.write_xlsx,
    "csv": fx.write_csv,
    "json": fx.write_json,
}


@pytest.mark.parametrize("period", ["2024-08", "2026-08"])
def test_same_rows_give_the_same_warehouse_in_every_format(period, real_data, tmp_path):
    batch = next(b for b in fx.genai_batches(real_data) if b["period"] == period)
    tables = {}
    for fmt, write in FORMATS.items():
        folder = tmp_path / fmt
        folder.mkdir()
        path = write(batch, folder / f"attachment.{fmt}")
        options = {"records": "batches[].rows[]"} if fmt == "json" else {}
        db = _load(folder, str(path), options=options) if options else _load(folder, str(path))
        tables[fmt] = query(db, f"select {ENTITY_COLUMNS} from stg_registrations order by registration_id")
    reference = tables["json"]
    assert len(reference) == len(batch["filings"]) + len(batch["registrations"]) + len(batch["on_device"])
    assert {row[12] for row in reference} == {period}
    for fmt, rows in tables.items():
        assert rows == reference, f"{fmt} differs from json"


def test_kangxi_radicals_fold_and_cells_join():
    assert fold_compat("⽹信算备") == "网信算备"
    assert fold_compat("（补登）") == "（补登）"  # full-width brackets stay as published
    assert join_lines("网信算备\n110105645502801230019\n号") == "网信算备110105645502801230019号"
    assert join_lines("Beijing-WenXin\nYiYan-20230821") == "Beijing-WenXinYiYan-20230821"
    assert join_lines("Jiangsu-SiWeiXia\nngLiangZhiSuanYu\nn-") == "Jiangsu-SiWeiXiangLiangZhiSuanYun-"
    assert join_lines("Apple\nIntelligence") == "Apple Intelligence"
    assert join_lines("北京百度网讯\n科技有限公司") == "北京百度网讯科技有限公司"
    assert join_lines(" \n ") is None


def test_pdf_continuation_fragment_joins_the_previous_row():
    doc = Extracted(
        tables=[
            [
                ["序\n号", "算法名称", "备案编号"],
                ["1", "甲算法", "网信算备110105645502801230019号"],
                ["2", "乙算", None],
            ],
            [[None, "法", "网信算备\n110105645502801230020号"], ["3", "丙算法", "网信算备110105645502801230021号"]],
        ],
        paged=True,
    )
    out = organise(doc, ("序号",), "x.pdf")
    assert out.headers == ["序号", "算法名称", "备案编号"]
    assert [cells for _, cells in out.rows] == [
        {"序号": "1", "算法名称": "甲算法", "备案编号": "网信算备110105645502801230019号"},
        {"序号": "2", "算法名称": "乙算法", "备案编号": "网信算备110105645502801230020号"},
        {"序号": "3", "算法名称": "丙算法", "备案编号": "网信算备110105645502801230021号"},
    ]
    assert "1 row(s) split across a page break joined" in out.notes


def test_a_merged_title_row_in_a_pdf_table_gives_the_title():
    doc = Extracted(
        tables=[
            [["生成式人工智能服务已备案信息（2024年4月）", None, None], ["序号", "名称", "编号"], ["1", "甲", "x"]]
        ],
        paged=True,
    )
    out = organise(doc, ("序号",), "x.pdf")
    assert out.titles == ["生成式人工智能服务已备案信息（2024年4月）"]
    assert [cells for _, cells in out.rows] == [{"序号": "1", "名称": "甲", "编号": "x"}]
    assert out.notes == []


def test_unexpected_table_is_skipped_and_extra_cells_are_rejected():
    doc = Extracted(
        tables=[
            [["联系人", "电话"], ["张三", "010-1234"]],
            [["序号", "名称"], ["1", "甲"], ["2", "乙", "多出来的"]],
        ]
    )
    out = organise(doc, ("序号",), "x.docx")
    assert [cells for _, cells in out.rows] == [{"序号": "1", "名称": "甲"}]
    assert out.rejects[0][0] == 5 and "beyond the header's 2 columns" in out.rejects[0][1]
    assert "1 table(s) without a recognised header skipped" in out.notes


def test_format_is_told_by_content_not_name(real_data, tmp_path):
    batch = next(b for b in fx.genai_batches(real_data) if b["period"] == "2024-04")
    fx.write_pdf(batch, tmp_path / "att.doc")  # a PDF served under a .doc name
    fx.write_docx(batch, tmp_path / "att2.bin")
    assert sniff_format(tmp_path / "att.doc") == "pdf"
    assert sniff_format(tmp_path / "att2.bin") == "docx"
    db = _load(tmp_path, str(tmp_path / "att.doc"))
    assert query(db, "select count(*), min(batch), max(batch) from stg_registrations") == [(117, "2024-04", "2024-04")]


def test_malformed_document_fails_its_source_only(real_data, tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a zip header, then nothing
    html = tmp_path / "page.pdf"
    html.write_text("<html><body>登录</body></html>", encoding="utf-8")
    good = fx.write_docx(next(b for b in fx.genai_batches(real_data) if b["period"] == "2024-04"), tmp_path / "g.docx")
    config = write_config(
        tmp_path / "sources.toml",
        [
            {
                "name": "broken",
                "entity": "registrations",
                "adapter": "cac_genai",
                "registry": "cac_genai",
                "location": str(broken),
            },
            {
                "name": "html",
                "entity": "registrations",
                "adapter": "cac_genai",
                "registry": "cac_genai",
                "location": str(html),
            },
            {
                "name": "good",
                "entity": "registrations",
                "adapter": "cac_genai",
                "registry": "cac_genai",
                "location": str(good),
            },
        ],
    )
    db = tmp_path / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = dict(
        line.split(": ", 1) for line in result.stdout.splitlines() if line.startswith(("broken", "html", "good"))
    )
    assert lines["good"].startswith("loaded, 117 loaded")
    assert str(broken) in lines["broken"] and "failed" in lines["broken"]
    assert str(html) in lines["html"] and "HTML page" in lines["html"]


def _cancellation_pdf(notice: dict, path: Path, *, as_text: bool) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("p", fontName="STSong-Light", fontSize=9, wordWrap="CJK")
    story = [Paragraph(notice["title"], style)]
    if as_text:
        month = notice["records"][0]["cancel"]
        for r in notice["records"]:
            story.append(Paragraph(f"{r['name']}（{r['entity']}），备案编号{r['code']}，{month}注销。", style))
    else:
        rows = [["序\n号", "算法名称", "角色", "主体名称", "应用产品", "主要用途", "备案编号", "注销时间"]]
        for i, r in enumerate(notice["records"], start=1):
            code = r["code"]
            rows.append(
                [
                    str(i),
                    r["name"],
                    r["role"],
                    r["entity"],
                    r["product"][:20],
                    "",
                    code[:4] + "\n" + code[4:],
                    r["cancel"],
                ]
            )
        table = Table(rows, repeatRows=0)
        table.setStyle(
            TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 6), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)])
        )
        story.append(table)
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=10, rightMargin=10).build(story)
    return path


@pytest.mark.parametrize("as_text", [False, True], ids=["table", "plain-text"])
def test_cancellation_notices_as_pdf(as_text, real_data, tmp_path):
    data = json.loads((real_data / "cac_algo_cancellations.json").read_text(encoding="utf-8"))
    expected: dict[str, str] = {}
    for n, notice in enumerate(data["notices"], start=1):
        _cancellation_pdf(notice, tmp_path / f"notice_{n}.pdf", as_text=as_text)
        for r in notice["records"]:
            month = re.match(r"(\d{4})年(\d{1,2})月", r["cancel"])
            expected.setdefault(r["code"], f"{month.group(1)}-{int(month.group(2)):02d}")
    assert len(expected) == 57
    db = _load(tmp_path, str(tmp_path / "notice_*.pdf"), adapter="cac_cancellations", entity="cancellations")
    got = dict(query(db, "select registration_id, strftime(cancelled_date, '%Y-%m') from stg_cancellations"))
    if as_text:
        assert set(got) == set(expected)
    else:
        assert got == expected
    assert query(db, "select count(*) from quarantine") == [(0,)]


def test_deep_synthesis_list_as_docx(real_data, tmp_path):
    import docx

    data = json.loads((real_data / "cac_deepsynth_filing_excerpt.json").read_text(encoding="utf-8"))
    batch = data["batches"][0] if isinstance(data, dict) and "batches" in data else data
    rows = batch["rows"]
    header = list(rows[0].keys())
    header = [h for h in header if not h.startswith("_")]
    document = docx.Document()
    document.add_paragraph("境内深度合成服务算法备案清单（2023年6月）")
    table = document.add_table(rows=len(rows) + 1, cols=len(header))
    for table_row, values in zip(table.rows, [header] + [[r.get(h, "") for h in header] for r in rows], strict=True):
        for cell, value in zip(table_row.cells, values, strict=True):
            cell.text = str(value)
    document.save(str(tmp_path / "deep.docx"))
    db = _load(tmp_path, str(tmp_path / "deep.docx"), adapter="cac_algorithm", registry="cac_deep_synthesis")
    assert query(db, "select provider_role, count(*) from stg_registrations group by all order by all") == [
        ("服务技术支持者", 8),
        ("服务提供者", 33),
    ]
    assert query(db, "select distinct batch from stg_registrations") == [("2023-06",)]
    # Field by field the same as the JSON records of the same batch.
    (tmp_path / "json").mkdir()
    from_json = _load(
        tmp_path / "json",
        str(real_data / "cac_deepsynth_filing_excerpt.json"),
        adapter="cac_algorithm",
        registry="cac_deep_synthesis",
        options={"records": "batches[].rows[]"},
    )
    sql = f"select {ENTITY_COLUMNS} from stg_registrations order by registration_id"
    assert len(query(db, sql)) == 41
    assert query(db, sql) == query(from_json, sql)


def test_mapped_adapter_reads_a_word_table_like_the_csv(real_data, tmp_path):
    import csv
    import tomllib

    import docx

    with open(real_data / "gdpr_fines_privacyaffairs.csv", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        # Rows without line breaks inside a cell: a Word cell would hold those as paragraphs.
        rows = [r for r in reader if not any("\n" in v for v in r)][:40]
    with open(tmp_path / "fines.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    document = docx.Document()
    table = document.add_table(rows=len(rows) + 1, cols=len(header))
    for table_row, values in zip(table.rows, [header, *rows], strict=True):
        for cell, value in zip(table_row.cells, values, strict=True):
            cell.text = value
    document.save(str(tmp_path / "fines.docx"))

    declared = tomllib.loads((Path(__file__).parent / "fixtures" / "real_sources.toml").read_text(encoding="utf-8"))
    options = next(s for s in declared["source"] if s["name"] == "gdpr_fines")["options"]
    results = {}
    for fmt in ("csv", "docx"):
        folder = tmp_path / fmt
        folder.mkdir()
        db = _load(folder, str(tmp_path / f"fines.{fmt}"), adapter="mapped", entity="incidents", options=options)
        results[fmt] = query(
            db,
            "select * exclude (source, load_id, source_file, source_line) from stg_incidents order by incident_id",
        )
    assert len(results["csv"]) == 40
    assert results["docx"] == results["csv"]
