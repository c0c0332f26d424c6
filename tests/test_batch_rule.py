"""Batch = the official publication's label (the month in the attachment's title), taken the same
way for every format: `options.batch`; the title in the document or the record (JSON
`batches.name`), or the archive manifest's attachment title; the file name last.

The case from issue 11: a batch published in 2024-09 whose official title says （2024年8月）.
With the publication month in the file name, every format that carries the title gives 2024-08;
a title-less CSV gets it from the archive manifest; only a file with no title anywhere falls back
to the name."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests import document_fixtures as fx
from tests.conftest import query, run_cli, write_config

PERIOD = "2024-08"  # its official title: 生成式人工智能服务已备案和已登记信息（2024年8月）


def _batch(real_data: Path) -> dict:
    batch = next(b for b in fx.genai_batches(real_data) if b["period"] == PERIOD)
    assert "（2024年8月）" in batch["title"]
    return batch


def _load(folder: Path, path: Path, **options) -> dict[str, int]:
    source = {"name": "src", "entity": "registrations", "adapter": "cac_genai", "registry": "cac_genai"}
    source["location"] = str(path)
    if options:
        source["options"] = options
    config = write_config(folder / "sources.toml", [source])
    db = folder / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    return dict(query(db, "select batch, count(*) from stg_registrations group by batch"))


def _csv_without_title(batch: dict, path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fx.union_header(batch))
        writer.writerows(fx.flat_rows(batch))
    return path


def _json_with_title_only(batch: dict, path: Path) -> Path:
    header = fx.union_header(batch)
    rows = [{h: v for h, v in zip(header, row, strict=True) if v} for row in fx.flat_rows(batch)]
    payload = {"batches": [{"name": batch["title"], "rows": rows}]}
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path


WRITERS = {
    "docx": fx.write_docx,
    "pdf": fx.write_pdf,
    "xlsx": fx.write_xlsx,
    "csv_title_row": fx.write_csv,
    "json_title": _json_with_title_only,
}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_the_title_gives_the_batch_in_every_format(fmt, real_data, tmp_path):
    batch = _batch(real_data)
    ext = fmt.split("_")[0]
    # Named after the publication month, as a downloaded file often is: the title must win.
    path = WRITERS[fmt](batch, tmp_path / f"genai_2024-09.{ext}")
    options = {"records": "batches[].rows[]"} if ext == "json" else {}
    assert _load(tmp_path, path, **options) == {PERIOD: len(fx.flat_rows(batch)) - bool(batch["registrations"])}


def test_a_title_less_csv_takes_the_archive_manifest_title(real_data, tmp_path):
    batch = _batch(real_data)
    folder = tmp_path / "raw" / "files" / "cac_genai"
    folder.mkdir(parents=True)
    path = _csv_without_title(batch, folder / "genai_2024-09.csv")
    manifest = {"title": batch["title"], "published": "2024-09-03"}
    Path(str(path) + ".json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    assert set(_load(tmp_path, path)) == {PERIOD}
    # The notice's publication date is a field of its own: the batch stays the title's month.
    assert query(tmp_path / "w.duckdb", "select distinct batch, published_date::varchar from stg_registrations") == [
        (PERIOD, "2024-09-03")
    ]
    published = query(tmp_path / "w.duckdb", "select distinct first_published_date::varchar from mart_registrations")
    assert published == [("2024-09-03",)]


def test_a_plain_file_has_no_publication_date(real_data, tmp_path):
    batch = _batch(real_data)
    path = fx.write_xlsx(batch, tmp_path / "genai_2024-09.xlsx")  # a title row, but no notice
    assert set(_load(tmp_path, path)) == {PERIOD}
    db = tmp_path / "w.duckdb"
    assert query(db, "select count(*) from stg_registrations where published_date is not null") == [(0,)]
    assert query(db, "select count(*) from mart_registrations where first_published_date is not null") == [(0,)]


def test_without_any_title_the_file_name_and_the_option_decide(real_data, tmp_path):
    batch = _batch(real_data)
    path = _csv_without_title(batch, tmp_path / "genai_2024-09.csv")
    assert set(_load(tmp_path, path)) == {"2024-09"}
    # The option wins over everything, the JSON record's own period and title included.
    json_path = fx.write_json(batch, tmp_path / "genai.json")
    assert set(_load(tmp_path, json_path, records="batches[].rows[]", batch="2024-07")) == {"2024-07"}
    assert set(_load(tmp_path, path, batch="2024-07")) == {"2024-07"}
