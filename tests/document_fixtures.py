"""Word and PDF attachments built at test time from ../shared/real-data (never copied into the repo).

Each batch of cac_genai_filing.json becomes one attachment laid out as CAC lays them out: a title
paragraph with the batch month, the filings table, the registrations table under its own header
(`应用/功能名称, 登记单位, 上线编号, 登记时间`) and, in 2026-08, the on-device table whose header
has `适用场景`. The Word files add what Word does: a merged title row, a province merged down
several rows, a header row repeated mid-table. The PDFs add what PDF does: tables broken across
pages with no header on the continuation, header cells split over lines (`序\\n号`) and numbers
split over lines.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

# The PDF fixtures use reportlab's built-in CID font (no font file needed), which cannot encode
# these middle dots (they vanish or come back as another dot); every format's fixture writes ．
# instead, so all formats hold the same rows.
PDF_UNENCODABLE = str.maketrans({"•": "．", "・": "．", "·": "．", "‧": "．", "∙": "．"})
REGISTRATION_HEADER = ["序号", "属地", "应用/功能名称", "登记单位", "上线编号", "登记时间"]
IS_REGISTRATION = re.compile(r"[Ss]\d+$")


def genai_batches(real_data: Path) -> list[dict]:
    """Per batch: period, title, header, and filings / registrations / on-device rows (cell lists)."""
    data = json.loads((real_data / "cac_genai_filing.json").read_text(encoding="utf-8"))
    out = []
    for batch in data["batches"]:
        header = list(batch["header"])
        number_key = header[4]
        filings, registrations, on_device = [], [], []
        for row in batch["rows"]:
            if row.get("序号") == "序号":  # the JSON's embedded registration sub-header
                continue
            row = {k: v.translate(PDF_UNENCODABLE) if isinstance(v, str) else v for k, v in row.items()}
            if row.get("适用场景"):
                on_device.append([row.get(h, "") for h in header] + [row["适用场景"]])
            elif IS_REGISTRATION.search(row[number_key]):
                registrations.append([row.get(h, "") for h in header])
            else:
                filings.append([row.get(h, "") for h in header])
        out.append(
            {
                "period": batch["period"],
                "title": batch["name"],
                "header": header,
                "filings": filings,
                "registrations": registrations,
                "on_device": on_device,
            }
        )
    return out


def _sections(batch: dict) -> list[tuple[list[str], list[list[str]]]]:
    sections = [(batch["header"], batch["filings"])]
    if batch["registrations"]:
        sections.append((REGISTRATION_HEADER, batch["registrations"]))
    if batch["on_device"]:
        sections.append(([*batch["header"], "适用场景"], batch["on_device"]))
    return sections


def write_docx(batch: dict, path: Path, *, word_quirks: bool = True, with_title: bool = True) -> Path:
    import docx

    document = docx.Document()
    if with_title:
        document.add_paragraph(batch["title"])
    for n, (header, rows) in enumerate(_sections(batch)):
        extra_title = word_quirks and with_title and n == 0
        repeat_at = len(rows) // 2 if word_quirks and n == 0 and len(rows) > 10 else None
        total = len(rows) + 1 + (1 if extra_title else 0) + (1 if repeat_at is not None else 0)
        table = document.add_table(rows=total, cols=len(header))
        # Fill row by row: table.cell(r, c) walks the whole grid on every call.
        lines: list[list[str]] = []
        if extra_title:
            lines.append([])
        lines.append(header)
        for i, row in enumerate(rows):
            if i == repeat_at:
                lines.append(header)
            lines.append(row)
        for table_row, values in zip(table.rows, lines, strict=True):
            for cell, value in zip(table_row.cells, values, strict=False):
                cell.text = value
        if extra_title:
            merged = table.cell(0, 0).merge(table.cell(0, len(header) - 1))
            merged.text = batch["title"]
        if word_quirks and repeat_at is None:
            # A province merged down the first two rows that share it.
            offsets = [i for i in range(len(rows) - 1) if rows[i][1] and rows[i][1] == rows[i + 1][1]]
            if offsets:
                i = offsets[0] + 1  # + the header row
                merged = table.cell(i, 1).merge(table.cell(i + 1, 1))
                merged.text = rows[offsets[0]][1]
        document.add_paragraph("")
    document.save(str(path))
    return path


def _split(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width)) if len(text) > width else text


def write_pdf(batch: dict, path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    story = [Paragraph(batch["title"], ParagraphStyle("t", fontName="STSong-Light", fontSize=12)), Spacer(1, 8)]
    for header, rows in _sections(batch):
        cells = [[h[0] + "\n" + h[1:] if h == "序号" else h for h in header]]
        number_col = 4
        for row in rows:
            cells.append([_split(v, 16) if j == number_col else v for j, v in enumerate(row)])
        table = Table(cells, repeatRows=0)  # continuation pages carry no header, as CAC's PDFs
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), "STSong-Light", 7),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [table, Spacer(1, 12)]
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20, rightMargin=20).build(story)
    return path


def union_header(batch: dict) -> list[str]:
    return [*batch["header"], "适用场景"] if batch["on_device"] else list(batch["header"])


def flat_rows(batch: dict) -> list[list[str]]:
    """The batch's rows in one table as a CSV or XLSX carries them: sub-header mid-file, as in the JSON."""
    width = len(union_header(batch))
    rows = [r + [""] * (width - len(r)) for r in batch["filings"]]
    if batch["registrations"]:
        rows.append(REGISTRATION_HEADER + [""] * (width - len(REGISTRATION_HEADER)))
        rows += [r + [""] * (width - len(r)) for r in batch["registrations"]]
    rows += [r + [""] * (width - len(r)) for r in batch["on_device"]]
    return rows


def write_csv(batch: dict, path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([batch["title"]])
        writer.writerow(union_header(batch))
        writer.writerows(flat_rows(batch))
    return path


def write_xlsx(batch: dict, path: Path) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([batch["title"]])
    sheet.append(union_header(batch))
    for row in flat_rows(batch):
        sheet.append([v if v else None for v in row])
    workbook.save(path)
    return path


def write_json(batch: dict, path: Path) -> Path:
    header = union_header(batch)
    rows = [{h: v for h, v in zip(header, row, strict=True) if v} for row in flat_rows(batch)]
    path.write_text(
        json.dumps({"batches": [{"period": batch["period"], "rows": rows}]}, ensure_ascii=False), encoding="utf-8"
    )
    return path
