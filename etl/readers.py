"""Extract: read one input file into a raw DuckDB table of text columns.

Every raw table has the file's own headers as VARCHAR columns plus `__file` and `__line`.
`__line` is the record number in the file with every line before the data counted, as DuckDB
counts it in its rejects (it equals the text line unless a quoted field spans lines; for XLSX it
is the sheet row, for JSON the record's index from 1).

CSV goes through DuckDB's own reader (`store_rejects`), so structural errors (too many or too
few columns, bad quoting, invalid UTF-8) come back as rejects with their line. GB18030 and XLSX
are decoded in Python because DuckDB's `encodings` and `excel` extensions download at run time.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from etl.documents import read_document, sniff_format
from etl.errors import SourceError
from etl.sqlquote import quote_ident as q
from etl.sqlquote import sql_literal

SNIFF_BYTES = 1 << 20
HEADER_SCAN_ROWS = 30
# A rejected record is kept whole up to this size; a longer one keeps this much, marked as
# truncated, with its full length and sha256 (quarantine must never silently cut a record).
RAW_KEEP_BYTES = 1 << 20
# XLSX caps: a small workbook can inflate to gigabytes (a zip bomb, or a sheet declaring
# A1:XFD1048576, which makes openpyxl pad every row to 16,384 cells). The inflated size is
# capped before parsing; options.max_inflated_mb raises it for a genuinely large workbook.
XLSX_MAX_INFLATED_MB = 256
XLSX_MAX_COLUMNS = 1024


@dataclass
class Reject:
    """A record the reader could not parse; it goes to quarantine as it is."""

    line: int | None
    column: str | None
    reason: str
    raw: str


@dataclass
class RawTable:
    table: str
    file: str
    headers: list[str]
    rows: int
    rejects: list[Reject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None
    # Text of the lines above the header (a title such as 生成式人工智能服务已备案信息（2025年12月）).
    preamble: list[str] = field(default_factory=list)
    # The publication date of the notice the file came from (its archive manifest), when known.
    published: str | None = None


def keep_raw(data: bytes | str, total: int | None = None, digest: str | None = None) -> str:
    """A rejected record as quarantine keeps it: text as it was, bytes that are not UTF-8 as
    `\\xNN` escapes (never `?`), and past RAW_KEEP_BYTES a marked truncation with the full
    length and sha256 of the whole record."""
    import hashlib

    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if total is None:
        total, digest = len(raw), hashlib.sha256(raw).hexdigest()
    kept = raw[:RAW_KEEP_BYTES]
    text = kept.decode("utf-8", "backslashreplace")
    if total > len(kept):
        text += f" …[truncated: {total:,} bytes in all, sha256 {digest}]"
    return text


def _record_start(handle: Any, position: int, eol: bytes) -> int:
    """Where a record starts. DuckDB 2.0's line_byte_position is one past the record's first
    byte; checked against the file (the byte before a record is a line end) rather than trusted."""
    for start in (position - 1, position):
        if start == 0:
            return 0
        if start > 0:
            handle.seek(start - 1)
            if handle.read(1) == eol[-1:]:
                return start
    return max(position - 1, 0)


def _record_bytes(path: Path, offset: int, lines: int, eol: bytes = b"\n") -> str:
    """The bytes of a record from its first byte to the end of its `lines`-th line."""
    import hashlib

    h, kept, total, seen = hashlib.sha256(), bytearray(), 0, 0
    with open(path, "rb") as handle:
        handle.seek(_record_start(handle, offset, eol))
        while chunk := handle.read(1 << 16):
            cut, start = len(chunk), 0
            while seen < lines and (end := chunk.find(eol, start)) >= 0:
                seen, start = seen + 1, end + 1
                if seen >= lines:
                    cut = start
            part = chunk[:cut]
            h.update(part)
            total += len(part)
            if len(kept) < RAW_KEEP_BYTES:
                kept += part[: RAW_KEEP_BYTES - len(kept)]
            if cut < len(chunk) or seen >= lines:
                break
    record = bytes(kept).rstrip(b"\r\n") if total <= RAW_KEEP_BYTES else bytes(kept)
    if total <= RAW_KEEP_BYTES:
        return keep_raw(record)
    return keep_raw(bytes(kept), total, h.hexdigest())


def original_lines(path: Path, wanted: set[int]) -> dict[int, str]:
    """Lines of a file as its bytes (keep_raw), by 1-based line number. For a transcoded file,
    whose quarantined rows hold U+FFFD where a byte did not decode, this is what the file held.
    (Line numbers are record numbers: they match unless a quoted field spans lines.)"""
    found: dict[int, str] = {}
    last = max(wanted, default=0)
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if number in wanted:
                found[number] = keep_raw(line.rstrip(b"\r\n"))
            if number >= last:
                break
    return found


def fetch(url: str, timeout: float, workdir: Path) -> Path:
    """Download an http(s) location to a temporary file, with a clear message on failure."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", url.rsplit("/", 1)[-1]) or "download"
    target = workdir / name
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(target, "wb") as out:  # noqa: S310
            shutil.copyfileobj(response, out)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceError(
            f"{url}: could not download ({reason}); waited up to {timeout:g} s. "
            "Check the address or raise options.timeout.",
            file=url,
        ) from None
    return target


def detect_encoding(path: Path, declared: str | None) -> str:
    """'utf-8' or 'gb18030' (or what the config declares). UTF-8 wins when the sample decodes."""
    if declared and declared.lower() not in ("auto", ""):
        enc = declared.lower().replace("_", "-")
        if enc in ("utf8", "utf-8-sig", "utf8-sig"):
            enc = "utf-8"
        try:
            codecs.lookup(enc)
        except LookupError:
            raise SourceError(f"{path}: unknown encoding {declared!r} in options.encoding", file=str(path)) from None
        return enc
    with open(path, "rb") as handle:
        sample = handle.read(SNIFF_BYTES)
    # A byte-order mark says it outright (Excel's "Unicode text" is UTF-16 with a BOM).
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Mixed files: judge by the lines that hold non-ASCII bytes. Mostly UTF-8 means UTF-8 with a
    # few broken lines (DuckDB rejects those into quarantine); GB18030 would turn every good
    # UTF-8 line into mojibake, since it decodes almost any byte sequence.
    lines = [line for line in sample.split(b"\n")[:-1] if any(b > 127 for b in line)]
    utf8_lines = 0
    for line in lines:
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            pass
    if lines and utf8_lines * 2 >= len(lines):
        return "utf-8"
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        # Neither decodes cleanly: read as UTF-8 and let DuckDB reject the broken lines.
        return "utf-8"


def _transcode(path: Path, encoding: str, workdir: Path) -> Path:
    """Re-encode to UTF-8 in streaming chunks. Undecodable bytes become U+FFFD, which the
    validator then quarantines with an encoding reason instead of loading garbage silently."""
    target = workdir / (path.name + ".utf8.csv")
    with (
        open(path, encoding=encoding, errors="replace", newline="") as src,
        open(target, "w", encoding="utf-8", newline="") as dst,
    ):
        shutil.copyfileobj(src, dst, 1 << 20)
    return target


def _first_rows_csv(path: Path, delimiter: str, limit: int) -> list[list[str]]:
    rows: list[list[str]] = []
    # utf-8-sig: Excel's "CSV UTF-8" starts with a BOM, which must not stick to the first header.
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        text = handle.read(SNIFF_BYTES)
    # newline="": lines may end in \r\n, \n or a lone \r (old Mac exports), as DuckDB accepts.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def find_header_row(rows: list[list[Any]], markers: Iterable[str] | None) -> int:
    """0-based index of the header row: the first row holding any marker, else the first
    non-empty row. Official lists often put a title above the header."""
    markers = [m for m in (markers or []) if m]
    for i, row in enumerate(rows):
        cells = {str(c).strip().lstrip("\ufeff\u200b") for c in row if c is not None and str(c).strip()}
        if markers and cells & set(markers):
            return i
    for i, row in enumerate(rows):
        if any(c is not None and str(c).strip() for c in row):
            return i
    return 0


BINARY_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (an XLSX or DOCX workbook?)",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an OLE file (an old .xls/.doc, or an encrypted workbook)",
    b"\x89PNG": "a PNG image",
    b"\x1f\x8b": "a gzip archive",
    b"PAR1": "a Parquet file",
}


def _check_not_binary(path: Path, declared: str | None = None) -> None:
    """Refuse a file that is not text. One stray NUL in a text file is not "binary": that row is
    quarantined by the control-character rule like a NUL anywhere else in the file."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head.strip():
        raise SourceError(f"{path}: the file is empty; expected a header row and data.", file=str(path))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return
    if (declared or "").lower().replace("_", "-").startswith(("utf-16", "utf16", "utf-32", "utf32")):
        return  # NULs are how UTF-16/32 writes ASCII
    kind = next((what for magic, what in BINARY_MAGIC.items() if head.startswith(magic)), None)
    halves = (head[1::2], head[0::2])  # ASCII in UTF-16 LE / BE: every other byte is NUL
    if not kind and len(head) >= 4 and any(half.count(0) * 10 >= len(half) * 9 for half in halves):
        raise SourceError(
            f"{path}: looks like UTF-16 text without a byte-order mark; "
            'set options.encoding = "utf-16-le" (or "utf-16-be"), or re-save the file as UTF-8.',
            file=str(path),
        )
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if kind or control * 20 > len(head):
        raise SourceError(
            f"{path}: looks like {kind or 'a binary file'}, not CSV text"
            + ("" if kind else f" ({control} control bytes in the first {len(head):,})")
            + ". Check the location, or set options.format to the file's real format.",
            file=str(path),
        )


# How every CSV is read, beside the per-file options (bench/bench_etl_floor.py reads as the ETL
# does). buffer_size: by default 16 x max_line_size, capped by the file's size: a 2 GB file would
# ask for one 1.4 GB block, more than the build's memory limit (README: Memory).
CSV_OPTIONS = "quote = '\"', escape = '\"', max_line_size = 100000000, buffer_size = 134217728"


def read_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    *,
    encoding: str | None = None,
    delimiter: str = ",",
    header_row: int | None = None,
    header_markers: Iterable[str] | None = None,
    workdir: Path,
) -> RawTable:
    """Load a CSV into `table` with DuckDB's reader; rejected records come back as Rejects."""
    _check_not_binary(path, encoding)
    enc = detect_encoding(path, encoding)
    readable = path if enc == "utf-8" else _transcode(path, enc, workdir)
    first_rows = _first_rows_csv(readable, delimiter, HEADER_SCAN_ROWS)
    skip = int(header_row) - 1 if header_row is not None else find_header_row(first_rows, header_markers)
    preamble = [" ".join(c for c in row if c.strip()) for row in first_rows[:skip]]
    if skip >= len(first_rows) or not any(c.strip() for c in first_rows[skip]):
        raise SourceError(f"{path}: no header row found; expected a CSV header line.", file=str(path))
    # The header is parsed here, so DuckDB need not sniff: a damaged file cannot fail detection,
    # and every record is read as text against exactly these columns.
    columns = {name: "VARCHAR" for name in _unique_headers(first_rows[skip])}
    rejects_table, scan_table = f"{table}__rejects", f"{table}__scans"
    try:
        con.execute(
            f"""
            create or replace temp table {q(table + "__data")} as
            select *, row_number() over () as __ordinal
            from read_csv(
                $path, header = true, skip = $skip, columns = $columns, delim = $delim,
                store_rejects = true, auto_detect = false,
                rejects_table = $rejects_table, rejects_scan = $scan_table, {CSV_OPTIONS}
            )
            """,
            {
                "path": str(readable),
                "skip": skip,
                "delim": delimiter,
                "columns": columns,
                "rejects_table": rejects_table,
                "scan_table": scan_table,
            },
        )
    except duckdb.Error as exc:
        raise SourceError(
            f"{path}: DuckDB could not read it as CSV: {str(exc).splitlines()[0]}", file=str(path)
        ) from None
    headers = [r[0] for r in con.execute(f"describe {q(table + '__data')}").fetchall() if r[0] != "__ordinal"]
    # DuckDB can report several errors for one record (a short row: one per missing column);
    # quarantine gets one row per record, with one message per kind of error.
    reject_rows = con.execute(
        f"""with per_kind as (
                select line, error_type, min(column_idx) as idx, first(column_name order by column_idx) as col,
                    first(error_message order by column_idx) as msg, first(line_byte_position) as pos,
                    first(csv_line) as csv_line
                from {q(rejects_table)} group by line, error_type
            )
            select line, first(col order by idx), string_agg(lower(error_type) || ': ' || msg, '; ' order by idx),
                first(pos), first(csv_line)
            from per_kind group by line order by line"""
    ).fetchall()
    with open(readable, "rb") as handle:
        eol = b"\r" if b"\n" not in handle.read(SNIFF_BYTES) else b"\n"
    # DuckDB's csv_line is cut at 10,000 characters and shows bytes that are not UTF-8 as `?`:
    # the record is read again from the file, byte for byte, from where DuckDB says it starts.
    rejects = [
        Reject(
            line=int(line),
            column=col,
            reason=reason,
            raw=_record_bytes(readable, int(pos), (csv_line or "").count("\n") + 1, eol) if pos is not None else "",
        )
        for line, col, reason, pos, csv_line in reject_rows
    ]
    # Accepted ordinal k sits at record number k + header_lines + (rejects before it).
    # A reject at record R_j (j from 1) has R_j - header_lines - j accepted rows before it.
    # The raw table is a view over the rows as read, so the text is written only once.
    header_lines = skip + 1
    # Headers are input: they reach SQL text only through quote_ident (etl.sqlquote), and the
    # file name (also input) only as a literal. A view cannot take parameters.
    cols = ", ".join(q(h) for h in headers)
    file_literal = sql_literal(str(path))
    if rejects:
        con.execute(
            f"""
            create or replace temp table {q(table + "__gaps")} as
            select line - {int(header_lines)} - row_number() over (order by line) as accepted_before,
                   row_number() over (order by line) as rejects_so_far
            from (select distinct line from {q(rejects_table)})
            """
        )
        con.execute(
            f"""
            create or replace temp view {q(table)} as
            select {cols}, {file_literal} as __file,
                   (r.__ordinal + {int(header_lines)} + coalesce(g.rejects_so_far, 0))::bigint as __line
            from {q(table + "__data")} as r
            asof left join {q(table + "__gaps")} as g on r.__ordinal > g.accepted_before
            """
        )
    else:
        con.execute(
            f"""
            create or replace temp view {q(table)} as
            select {cols}, {file_literal} as __file, (__ordinal + {int(header_lines)})::bigint as __line
            from {q(table + "__data")}
            """
        )
    for t in (rejects_table, scan_table):
        con.execute(f"drop table if exists {q(t)}")
    rows = con.execute(f"select count(*) from {q(table)}").fetchone()[0]
    notes = [f"encoding {enc}"] + ([f"header on line {skip + 1}"] if skip else []) + _renamed(first_rows[skip])
    return RawTable(table, str(path), headers, rows, rejects, notes, enc, preamble)


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def _rows_to_table(
    con: duckdb.DuckDBPyConnection, table: str, file: str, headers: list[str], rows: Iterable[tuple[int, list]]
) -> int:
    """Materialise Python rows (line, cells) as a raw table of text columns."""
    names = _unique_headers(headers)
    columns: list[list[str | None]] = [[] for _ in names]
    lines: list[int] = []
    for line, cells in rows:
        lines.append(line)
        for i in range(len(names)):
            columns[i].append(_cell_text(cells[i]) if i < len(cells) else None)
    arrays = [pa.array(c, type=pa.string()) for c in columns]
    arrow = pa.Table.from_arrays(
        [*arrays, pa.array([file] * len(lines), type=pa.string()), pa.array(lines, type=pa.int64())],
        names=[*names, "__file", "__line"],
    )
    con.register("__arrow_rows", arrow)
    con.execute(f"create or replace table {q(table)} as select * from __arrow_rows")
    con.unregister("__arrow_rows")
    return len(lines)


def _renamed(headers: list[Any]) -> list[str]:
    """A note naming headers that repeat an earlier one (DuckDB ignores case) and their new names."""
    pairs = [(str(h).strip(), u) for h, u in zip(headers, _unique_headers(headers), strict=True) if h is not None]
    renamed = [f"{h!r} as {u!r}" for h, u in pairs if h and h != u and not u.startswith("column")]
    return [f"repeated header(s) renamed: {', '.join(renamed)}"] if renamed else []


def _unique_headers(headers: list[Any]) -> list[str]:
    """Column names for the raw table. DuckDB identifiers ignore case, so `title` and `Title`
    are one name to it: the second becomes `Title_1`. A NUL cannot be part of a name. Names
    starting with `__` are the pipeline's own (`__file`, `__line`, adapters' `__number`), so a
    header such as `__line` becomes `x__line`."""
    names: list[str] = []
    seen: set[str] = set()
    for i, header in enumerate(headers):
        text = str(header).replace("\x00", "\ufffd").lstrip("\ufeff").strip() if header is not None else ""
        base = text or f"column{i + 1}"
        if base.startswith("__"):
            base = "x" + base
        name, n = base, 1
        while name.lower() in seen:
            name = f"{base}_{n}"
            n += 1
        names.append(name)
        seen.add(name.lower())
    return names


@dataclass
class _BadCell:
    """A cell the reader could not take as it is: the row is quarantined with `reason`."""

    text: str
    reason: str


def _lenient_parser():
    """openpyxl's sheet parser, changed in two ways so that one bad cell costs one row, not the
    file: a malformed number (`<v>1,2</v>` in a numeric cell) raises ValueError in openpyxl,
    and a formula with no saved value reads as an empty cell, losing the formula."""
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class LenientParser(WorkSheetParser):
        def parse_cell(self, element):  # noqa: ANN001, ANN202 - openpyxl's own signature
            try:
                cell = super().parse_cell(element)
            except (ValueError, IndexError, OverflowError, TypeError):
                coordinate = element.get("r")
                row, column = coordinate_to_tuple(coordinate) if coordinate else (self.row_counter, self.col_counter)
                text = element.findtext(VALUE_TAG, "") or ""
                kind = {"s": "shared-string index", "b": "boolean", "d": "date"}.get(element.get("t", "n"), "number")
                return {
                    "row": row,
                    "column": column,
                    "value": _BadCell(text, f"cell holds {text!r}, which is not a valid {kind}"),
                }
            if cell["value"] is None and (formula := element.find(FORMULA_TAG)) is not None:
                text = "=" + (formula.text or "")
                cell["value"] = _BadCell(
                    text,
                    f"formula {text} has no saved value; open and save the workbook in Excel or "
                    "LibreOffice so its values are computed",
                )
            return cell

    return LenientParser


def _sheet_rows(ws: Any) -> Iterator[tuple[int, list[Any]]]:
    """(sheet row number, cell values) for every row the sheet's XML holds, each row as wide as
    its last cell: the declared dimension (`A1:XFD1048576`) is not trusted, so an empty sheet
    claiming 16,384 columns costs nothing. Uses openpyxl's read-only internals (pinned 3.1)."""
    parser_class = _lenient_parser()
    workbook = ws.parent
    with ws._get_source() as src:
        parser = parser_class(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for index, cells in parser.parse():
            if not cells:
                continue
            width = max(c["column"] for c in cells)
            values: list[Any] = [None] * width
            for c in cells:
                values[c["column"] - 1] = c["value"]
            yield index, values


def _check_inflated_size(path: Path, limit_mb: float) -> None:
    """Refuse a workbook whose parts inflate past the cap before openpyxl reads any of it.
    zipfile never inflates more than an entry's declared size, so the declared sizes bound it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # load_workbook below names the problem
    if inflated > limit_mb * (1 << 20):
        raise SourceError(
            f"{path}: the workbook inflates to {inflated / (1 << 20):,.0f} MB, over the "
            f"{limit_mb:g} MB cap for XLSX files. Save it as CSV, or raise options.max_inflated_mb "
            "if the workbook is genuinely that large.",
            file=str(path),
        )


def _raw_cells(cells: list[Any]) -> str:
    return keep_raw(
        json.dumps([c.text if isinstance(c, _BadCell) else _cell_text(c) for c in cells], ensure_ascii=False)
    )


def read_xlsx(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    header_markers: Iterable[str] | None = None,
    max_inflated_mb: float = XLSX_MAX_INFLATED_MB,
) -> RawTable:
    """Load one sheet of a workbook; every sheet row keeps its own row number as __line.

    Without options.sheet, the first *visible* sheet is read: a hidden sheet is usually a stale
    copy or a lookup table. The run's notes say which sheet was read."""
    import zipfile

    import openpyxl

    _check_inflated_size(path, max_inflated_mb)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile:
        with open(path, "rb") as handle:
            magic = handle.read(8)
        why = (
            "it is encrypted (password-protected); save an unprotected copy"
            if magic.startswith(b"\xd0\xcf\x11\xe0")
            else "it is not an XLSX workbook"
        )
        raise SourceError(f"{path}: cannot open: {why}.", file=str(path)) from None
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise SourceError(f"{path}: cannot open as XLSX: {exc}", file=str(path)) from None
    hidden = [w.title for w in workbook.worksheets if getattr(w, "sheet_state", "visible") != "visible"]
    try:
        if sheet is None:
            visible = [w for w in workbook.worksheets if w.title not in hidden]
            if not visible:
                raise SourceError(
                    f"{path}: every sheet is hidden ({workbook.sheetnames}); name one with options.sheet.",
                    file=str(path),
                )
            ws = visible[0]
        elif isinstance(sheet, int):
            ws = workbook.worksheets[sheet]
        else:
            ws = workbook[sheet]
    except (KeyError, IndexError):
        raise SourceError(
            f"{path}: no sheet {sheet!r}; sheets found: {workbook.sheetnames}. Set options.sheet.", file=str(path)
        ) from None
    all_rows = _sheet_rows(ws)
    head: list[tuple[int, list[Any]]] = []
    try:
        for row in all_rows:
            head.append(row)
            if len(head) >= HEADER_SCAN_ROWS:
                break
        if not head:
            raise SourceError(f"{path}: sheet {ws.title!r} is empty; expected a header row and data.", file=str(path))
        if header_row is not None:
            h = next((i for i, (index, _) in enumerate(head) if index == int(header_row)), None)
            if h is None:
                raise SourceError(
                    f"{path}: options.header_row = {header_row}, but sheet {ws.title!r} has no such row "
                    f"among its first {HEADER_SCAN_ROWS} rows.",
                    file=str(path),
                )
        else:
            h = find_header_row([cells for _, cells in head], header_markers)
        header_line, header_cells = head[h]
        while header_cells and _cell_text(header_cells[-1]) is None:
            header_cells = header_cells[:-1]
        if len(header_cells) > XLSX_MAX_COLUMNS:
            raise SourceError(
                f"{path}: the header row of sheet {ws.title!r} has {len(header_cells):,} columns; at most "
                f"{XLSX_MAX_COLUMNS:,} are read. Delete the stray cells to the right of the header.",
                file=str(path),
            )
        width = len(header_cells)
        rejects: list[Reject] = []
        headers = [h.text if isinstance(h, _BadCell) else h for h in header_cells]

        def data() -> Iterator[tuple[int, list]]:
            for line, cells in itertools.chain(head[h + 1 :], all_rows):
                if not any(isinstance(c, _BadCell) or _cell_text(c) is not None for c in cells):
                    continue
                extra = [c for c in cells[width:] if isinstance(c, _BadCell) or _cell_text(c) is not None]
                bad = [(i, c) for i, c in enumerate(cells[:width]) if isinstance(c, _BadCell)]
                if extra or bad:
                    reasons = [f"{_unique_headers(headers)[i]}: {c.reason}" for i, c in bad]
                    if extra:
                        reasons.append(f"too many columns: {len(extra)} value(s) right of the last header column")
                    column = _unique_headers(headers)[bad[0][0]] if bad else None
                    rejects.append(Reject(line, column, "structure: " + "; ".join(reasons), _raw_cells(cells)))
                    continue
                yield line, cells

        n = _rows_to_table(con, table, str(path), headers, data())
    finally:
        workbook.close()
    which = (
        ""
        if sheet is not None
        else " (first visible sheet" + (f"; hidden sheets not read: {hidden})" if hidden else ")")
    )
    notes = (
        [f"sheet {ws.title!r}{which}"]
        + ([f"header on row {header_line}"] if header_line != 1 else [])
        + _renamed([_cell_text(c) for c in headers])
    )
    preamble = [" ".join(t for c in cells if (t := _cell_text(c))) for _, cells in head[:h]]
    return RawTable(table, str(path), _unique_headers(headers), n, rejects, notes, None, preamble)


def _walk_records(node: Any, parts: list[str], inherited: dict[str, Any], prefix: str) -> Iterator[tuple[Any, dict]]:
    if not parts:
        yield node, inherited
        return
    part, rest = parts[0], parts[1:]
    is_list = part.endswith("[]")
    key = part[:-2] if is_list else part
    child = node
    if key:
        if not isinstance(node, dict) or key not in node:
            raise KeyError(key)
        child = node[key]
        scalars = (
            {f"{prefix}{k}": v for k, v in node.items() if k != key and not isinstance(v, (dict, list))}
            if prefix
            else {}
        )
        inherited = {**inherited, **scalars}
    if is_list:
        if not isinstance(child, list):
            raise TypeError(key)
        for item in child:
            yield from _walk_records(item, rest, inherited, f"{key}." if key else "")
    else:
        yield from _walk_records(child, rest, inherited, f"{key}." if key else "")


# Marks a record that had a key twice (set by read_json's object_pairs_hook).
_DUPLICATE_KEY = "\x00duplicate-key"
_JSON_KINDS = {int: "number", float: "number", str: "string", bool: "true/false value", type(None): "null"}


def _duplicate_key(node: Any) -> str | None:
    """The first key given twice in an object, at any depth (the marker is removed)."""
    if isinstance(node, dict):
        if _DUPLICATE_KEY in node:
            return node.pop(_DUPLICATE_KEY)
        return next((k for v in node.values() if (k := _duplicate_key(v)) is not None), None)
    if isinstance(node, list):
        return next((k for v in node if (k := _duplicate_key(v)) is not None), None)
    return None


def read_json(con: duckdb.DuckDBPyConnection, path: Path, table: str, *, records: str | None = None) -> RawTable:
    """Load JSON records. `records` is a path such as "batches[].rows[]": each `[]` walks a
    list, and scalar fields of the enclosing objects come along as `batches.period` and so on."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        # json keeps the last of two equal keys silently; such a record is quarantined instead.
        record: dict = {}
        for key, value in items:
            if key in record:
                duplicates.append(key)
                return {_DUPLICATE_KEY: key, **dict(items)}
            record[key] = value
        return record

    try:
        with open(path, encoding="utf-8-sig") as handle:
            document = json.load(handle, object_pairs_hook=pairs)
    except UnicodeDecodeError:
        raise SourceError(f"{path}: JSON must be UTF-8.", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).", file=str(path)
        ) from None
    if records:
        parts = [p for p in records.split(".") if p]
    elif isinstance(document, list):
        parts = ["[]"]
    else:
        found_text = (
            f"an object with keys {list(document)}"
            if isinstance(document, dict)
            else f"a single {_JSON_KINDS.get(type(document), type(document).__name__)}"
        )
        raise SourceError(
            f"{path}: expected a list of records at the top; found {found_text}. "
            'Set options.records to the path of the records, e.g. "batches[].rows[]".',
            file=str(path),
        )
    try:
        found = list(_walk_records(document, parts, {}, ""))
    except (KeyError, TypeError) as exc:
        raise SourceError(
            f"{path}: records path {records or '[]'!r} does not fit the file (at {exc.args[0]!r}); "
            "check options.records.",
            file=str(path),
        ) from None
    headers: list[str] = []
    rejects: list[Reject] = []
    good: list[tuple[int, dict]] = []
    for i, (record, inherited) in enumerate(found, start=1):
        if not isinstance(record, dict):
            rejects.append(
                Reject(
                    i,
                    None,
                    "not an object: each record must be a JSON object",
                    keep_raw(json.dumps(record, ensure_ascii=False)),
                )
            )
            continue
        key = _duplicate_key(record) if duplicates else None
        if key is not None:
            rejects.append(
                Reject(
                    i,
                    key,
                    f"structure: key {key!r} appears twice in the record; which value is meant is unclear",
                    keep_raw(json.dumps(record, ensure_ascii=False)),
                )
            )
            continue
        merged = {**inherited, **record}
        for key in merged:
            if key not in headers:
                headers.append(key)
        good.append((i, merged))

    def cells(merged: dict) -> list:
        out = []
        for h in headers:
            v = merged.get(h)
            out.append(json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
        return out

    n = _rows_to_table(con, table, str(path), headers, ((i, cells(m)) for i, m in good))
    notes = [f"{len(found)} records", *_renamed(headers)]
    return RawTable(table, str(path), _unique_headers(headers), n, rejects, notes, "utf-8")


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> RawTable:
    """Load Parquet as text columns; list columns are joined with ';' as in the CSV format."""
    try:
        described = con.execute("describe select * from read_parquet($p)", {"p": str(path)}).fetchall()
    except duckdb.Error as exc:
        raise SourceError(f"{path}: not a readable Parquet file: {str(exc).splitlines()[0]}", file=str(path)) from None
    exprs = []
    names = _unique_headers([d[0] for d in described])
    for (name, dtype, *_), alias in zip(described, names, strict=True):
        if dtype.endswith("[]"):
            exprs.append(f"array_to_string({q(name)}, ';') as {q(alias)}")
        else:
            exprs.append(f"{q(name)}::varchar as {q(alias)}")
    con.execute(
        f"""create or replace table {q(table)} as
            select {", ".join(exprs)}, $file as __file, (row_number() over ())::bigint as __line
            from read_parquet($p)""",
        {"p": str(path), "file": str(path)},
    )
    n = con.execute(f"select count(*) from {q(table)}").fetchone()[0]
    return RawTable(table, str(path), names, n, [], _renamed([d[0] for d in described]), None)


def read_any(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    options: dict[str, Any],
    *,
    header_markers: Iterable[str] | None = None,
    workdir: Path,
) -> RawTable:
    """Dispatch on options.format or the file's extension."""
    if not path.exists():
        raise SourceError(f"{path}: file not found. Check the location in the sources config.", file=str(path))
    if path.is_dir():
        raise SourceError(f"{path}: is a folder; give a file or a glob such as 'dir/*.csv'.", file=str(path))
    if os.path.getsize(path) == 0:
        raise SourceError(f"{path}: the file is empty; expected a header row and data.", file=str(path))
    # Attachments are .docx or PDF whatever their name says: the content decides (etl.documents).
    sniffed = sniff_format(path)
    by_content = sniffed if sniffed in ("pdf", "docx", "xlsx") else None
    fmt = (options.get("format") or by_content or path.suffix.lstrip(".")).lower()
    if sniffed in ("pdf", "docx") and fmt in ("doc", "docx", "pdf", "bin"):
        fmt = sniffed
    if sniffed == "html" or (sniffed == "doc" and fmt not in ("xlsx", "xlsm")):  # an encrypted XLSX is OLE too
        what = "an HTML page" if sniffed == "html" else "a legacy binary Word/Excel file (.doc/.xls)"
        raise SourceError(
            f"{path}: is {what}, not a data file; expected csv, xlsx, json, parquet, docx or pdf.", file=str(path)
        )
    if fmt in ("docx", "pdf"):
        return read_document(con, path, table, fmt, header_markers=header_markers)
    if fmt in ("csv", "txt", "tsv"):
        return read_csv(
            con,
            path,
            table,
            encoding=options.get("encoding"),
            delimiter=options.get("delimiter", "\t" if fmt == "tsv" else ","),
            header_row=options.get("header_row"),
            header_markers=header_markers,
            workdir=workdir,
        )
    if fmt in ("xlsx", "xlsm"):
        return read_xlsx(
            con,
            path,
            table,
            sheet=options.get("sheet"),
            header_row=options.get("header_row"),
            header_markers=header_markers,
            max_inflated_mb=float(options.get("max_inflated_mb", XLSX_MAX_INFLATED_MB)),
        )
    if fmt == "json":
        return read_json(con, path, table, records=options.get("records"))
    if fmt == "parquet":
        return read_parquet(con, path, table)
    raise SourceError(
        f"{path}: unknown format {fmt!r}; expected csv, xlsx, json, parquet, docx or pdf (set options.format).",
        file=str(path),
    )


def drop_raw(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Drop a raw table and what backs it (CSV raw tables are views over `<table>__data`)."""
    kind = con.execute(
        "select table_type from information_schema.tables where table_name = $t", {"t": table}
    ).fetchone()
    if kind and kind[0] == "VIEW":
        con.execute(f"drop view {q(table)}")
    elif kind:
        con.execute(f"drop table {q(table)}")
    for suffix in ("__data", "__gaps"):
        con.execute(f"drop table if exists {q(table + suffix)}")


def temp_workdir(base: Path, prefix: str) -> Path:
    """A scratch folder beside the warehouse (same disk, so large transcodes fit where it fits)."""
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))
