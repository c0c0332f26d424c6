"""Extract: Word (.docx) and PDF attachments into raw tables, like etl.readers does for CSV.

The national CAC lists are published as .docx or PDF attachments whatever their link says, so
the format is told by the first bytes (`sniff_format`). Both kinds become the same thing: a list
of tables (rows of cell texts) plus the title lines above the first table. `tables_to_raw` then
turns those tables into one raw table:

- A row holding one of the adapter's header markers (`序号`, `备案编号` …) is a header. A table
  that starts with a header starts a section; a table that does not continues the previous
  one (PDF tables break across pages without repeating the header). A header met again is a
  repeated header and is skipped; a different header (the registration part, the on-device
  table with `适用场景`) starts a new section, and its rows are stored under its own headers.
  The raw table's columns are the union of every section's headers, as for JSON records of
  both header generations, so the adapters' spelling lists apply unchanged.
- A row whose cells all carry one text (a merged title row) is a title, never data.
- Cell text split over lines is joined: without a space next to CJK text or where the joined
  text is a filing number (`网信算备\\n110105…\\n号`, `Beijing-WenXin\\nYiYan-20230821`),
  with a space between two Latin words.
- Kangxi radicals and CJK compatibility ideographs from PDF text (`⽹` U+2F79) are folded by
  NFKC. Only those: NFKC on the whole text would also turn `（补登）` into `(补登)`, and the same
  rows would then differ by format.
- The first cell of a headerless continuation that is empty where the section's first column
  is `序号` holds the rest of the previous page's last row: its text is appended to that row.
- A document without any table is read as text, one row per line in a column `text`, for the
  cancellation notices published as plain text.

`__line` is the row's number counting every table row of the document from 1 (header and title
rows included), or the line number in text mode.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from etl.errors import SourceError

# Characters PDF text extraction gives instead of the common ideograph (NFKC folds them).
_COMPAT_RANGES = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
# Joined without a space, a cell that reads as one of these is a filing or registration number.
NUMBER_PATTERNS = (
    re.compile(r"^网信算备\d{6,}号$"),
    re.compile(r"^[A-Za-z]+-\S+-\d{8,}(?:[Ss]\d+)?$"),
    # A generative-AI number as published even when malformed (`Jiangsu-SiWeiXiangLiangZhiSuanYun-`):
    # a pinyin province, a dash, no space anywhere.
    re.compile(r"^[A-Z][A-Za-z]{3,}-\S+$"),
)
TEXT_COLUMN = "text"


def fold_compat(text: str) -> str:
    """NFKC for Kangxi radicals and CJK compatibility ideographs only (⽹ → 网)."""
    if not any(lo <= ord(ch) <= hi for ch in text for lo, hi in _COMPAT_RANGES):
        return text
    return "".join(
        unicodedata.normalize("NFKC", ch) if any(lo <= ord(ch) <= hi for lo, hi in _COMPAT_RANGES) else ch
        for ch in text
    )


def _is_cjk(ch: str) -> bool:
    return ord(ch) > 0x2E7F


def join_lines(text: str | None) -> str | None:
    """One cell's lines as one text (see the module doc); None for an empty cell."""
    if text is None:
        return None
    lines = [line.strip() for line in fold_compat(str(text)).replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return None
    tight = "".join(lines)
    if any(p.match(tight) for p in NUMBER_PATTERNS):
        return tight
    out = lines[0]
    for line in lines[1:]:
        out += "" if _is_cjk(out[-1]) or _is_cjk(line[0]) else " "
        out += line
    return out


def header_text(text: str | None) -> str:
    """A header cell: `序\\n号` → `序号`."""
    return re.sub(r"\s+", "", fold_compat(text or ""))


def _key(text: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


def sniff_format(path: Path) -> str | None:
    """'pdf', 'docx', 'xlsx', 'doc' (legacy binary Office), 'html' or None, by content."""
    with open(path, "rb") as handle:
        head = handle.read(2048)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    # Only a body that starts as HTML: a CSV may well mention <html> in a text field.
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "html"
    return None


@dataclass
class Extracted:
    """What a document holds for the ETL: title lines and tables of cell texts, in order."""

    titles: list[str] = field(default_factory=list)
    tables: list[list[list[str | None]]] = field(default_factory=list)
    text_lines: list[str] = field(default_factory=list)
    # True for PDF, whose tables break at page ends (a continuation may start with a fragment).
    paged: bool = False


def extract_docx(path: Path) -> Extracted:
    """Every table of a Word document in order, merged cells repeated across their span."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for damaged packages
        raise SourceError(f"{path}: cannot open as a Word (.docx) document: {exc}", file=str(path)) from None
    out = Extracted()
    title = (document.core_properties.title or "").strip()
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = fold_compat(block.text).strip()
            if text:
                if not out.tables:
                    out.titles.append(text)
                out.text_lines.append(text)
        elif isinstance(block, Table):
            rows: list[list[str | None]] = []
            for row in block.rows:
                # row.cells repeats a merged cell in every grid column it spans (gridSpan and
                # vMerge), so a province merged down several rows is read on each of them.
                rows.append([cell.text for cell in row.cells])
            out.tables.append(rows)
    if title:
        out.titles.append(fold_compat(title))
    return out


def extract_pdf(path: Path) -> Extracted:
    """Tables of every page in order; the text above the first table gives the title lines."""
    import pdfplumber

    out = Extracted(paged=True)
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises many kinds for damaged or encrypted files
        raise SourceError(f"{path}: cannot open as PDF: {type(exc).__name__}: {exc}", file=str(path)) from None
    try:
        for page in pdf.pages:
            tables = page.find_tables()
            if not out.tables and tables:
                top = min(t.bbox[1] for t in tables)
                if top > 1:
                    above = page.crop((0, 0, page.width, top)).extract_text() or ""
                    out.titles.extend(line.strip() for line in fold_compat(above).splitlines() if line.strip())
            for table in sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0])):
                out.tables.append([list(row) for row in table.extract()])
        if not out.tables:  # a notice in plain text: its lines are the data
            for page in pdf.pages:
                text = page.extract_text() or ""
                out.text_lines.extend(line.strip() for line in fold_compat(text).splitlines() if line.strip())
    except SourceError:
        raise
    except Exception as exc:
        raise SourceError(f"{path}: cannot read the PDF's pages: {type(exc).__name__}: {exc}", file=str(path)) from None
    finally:
        pdf.close()
    return out


@dataclass
class DocumentRows:
    headers: list[str]
    rows: list[tuple[int, dict[str, str | None]]]
    titles: list[str]
    notes: list[str]
    rejects: list[tuple[int, str, str]]  # line, reason, raw text


def _is_title_row(cells: list[str | None]) -> bool:
    """A merged row across the table: Word repeats its text in every cell it spans; PDF gives
    the text in the first cell and nothing in the others."""
    texts = {c for c in cells if c}
    if len(cells) < 2 or len(texts) != 1:
        return False
    text = next(iter(texts))
    if sum(1 for c in cells if c) > 1:
        return True
    return len(cells) > 2 and cells[0] == text and not text.isdigit() and len(text) > 8


def organise(doc: Extracted, header_markers: tuple[str, ...] | list[str] | None, file: str) -> DocumentRows:
    """Tables → rows keyed by their section's headers (see the module doc)."""
    markers = {_key(m) for m in (header_markers or ()) if m}
    headers: list[str] = []
    titles = list(doc.titles)
    notes: list[str] = []
    rejects: list[tuple[int, str, str]] = []
    rows: list[tuple[int, dict[str, str | None]]] = []
    section: list[str] | None = None
    section_keys: list[str] = []
    repeated = skipped_tables = fragments = 0
    line = 0
    for t_index, table in enumerate(doc.tables, start=1):
        first_data_row = True
        for raw_cells in table:
            line += 1
            cells = [join_lines(c) for c in raw_cells]
            if not any(cells):
                continue
            keys = [_key(c) for c in cells]
            is_header = bool(markers & set(keys)) or (
                not markers and section is None and t_index == 1 and first_data_row
            )
            if section is not None and [k for k in keys if k] == [k for k in section_keys if k]:
                repeated += 1
                first_data_row = False
                continue
            if is_header:
                section = [header_text(c) or f"column{i + 1}" for i, c in enumerate(raw_cells)]
                section_keys = [_key(h) for h in section]
                for h in section:
                    if h not in headers:
                        headers.append(h)
                first_data_row = False
                continue
            if _is_title_row(cells):
                titles.append(next(c for c in cells if c))
                continue
            if section is None:
                # A table before any recognised header (a cover table, a signature block).
                skipped_tables += 1 if first_data_row else 0
                first_data_row = False
                continue
            if doc.paged and first_data_row and rows and not cells[0] and section_keys[0] == _key("序号"):
                # The rest of the previous page's last row, carried over the page break.
                prev = rows[-1][1]
                for h, c in zip(section, cells, strict=False):
                    if c:
                        prev[h] = join_lines(f"{prev.get(h) or ''}\n{c}")
                fragments += 1
                first_data_row = False
                continue
            first_data_row = False
            extra = [c for c in cells[len(section) :] if c]
            if extra:
                rejects.append(
                    (
                        line,
                        f"row has {len(cells)} cells with text beyond the header's {len(section)} columns "
                        f"(table {t_index})",
                        " | ".join(c or "" for c in cells),
                    )
                )
                continue
            rows.append((line, {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(section)}))
    if repeated:
        notes.append(f"{repeated} repeated header row(s) skipped")
    if skipped_tables:
        notes.append(f"{skipped_tables} table(s) without a recognised header skipped")
    if fragments:
        notes.append(f"{fragments} row(s) split across a page break joined")
    if doc.tables and not headers:
        raise SourceError(
            f"{file}: none of its {len(doc.tables)} table(s) has a header row with any of "
            f"{sorted(header_markers or [])}; check that this is the right document or adapter.",
            file=file,
        )
    return DocumentRows(headers, rows, titles, notes, rejects)


def read_document(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    fmt: str,
    *,
    header_markers: tuple[str, ...] | list[str] | None = None,
):
    """Load a .docx or PDF into `table` (text columns, `__file`, `__line`) as a RawTable."""
    from etl.readers import RawTable, Reject, _rows_to_table

    doc = extract_docx(path) if fmt == "docx" else extract_pdf(path)
    kind = "Word document" if fmt == "docx" else "PDF"
    if not doc.tables:
        if not doc.text_lines:
            raise SourceError(
                f"{path}: the {kind} holds no table and no text (a scanned image?); nothing to load.",
                file=str(path),
            )
        n = _rows_to_table(con, table, str(path), [TEXT_COLUMN], ((i, [t]) for i, t in enumerate(doc.text_lines, 1)))
        titles = doc.titles or doc.text_lines[:3]
        return RawTable(table, str(path), [TEXT_COLUMN], n, [], [f"{kind} without tables: read as text"], None, titles)
    organised = organise(doc, header_markers, str(path))
    n = _rows_to_table(
        con,
        table,
        str(path),
        organised.headers,
        ((line, [cells.get(h) for h in organised.headers]) for line, cells in organised.rows),
    )
    rejects = [Reject(line, None, reason, raw) for line, reason, raw in organised.rejects]
    notes = [f"{kind}, {len(doc.tables)} table(s)", *organised.notes]
    return RawTable(table, str(path), organised.headers, n, rejects, notes, None, organised.titles)
