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

SNIFF_BYTES = 1 << 20
HEADER_SCAN_ROWS = 30


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
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        text = handle.read(SNIFF_BYTES)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
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
        cells = {str(c).strip() for c in row if c is not None and str(c).strip()}
        if markers and cells & set(markers):
            return i
    for i, row in enumerate(rows):
        if any(c is not None and str(c).strip() for c in row):
            return i
    return 0


def _check_not_binary(path: Path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head.strip():
        raise SourceError(f"{path}: the file is empty; expected a header row and data.", file=str(path))
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(
            f"{path}: looks like a binary file, not CSV text (NUL bytes in the first 8 KB). "
            "Check the location, or declare the right adapter format.",
            file=str(path),
        )


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
    _check_not_binary(path)
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
            create or replace temp table "{table}__data" as
            select *, row_number() over () as __ordinal
            from read_csv(
                $path, header = true, skip = $skip, columns = $columns, delim = $delim,
                quote = '"', escape = '"', store_rejects = true, auto_detect = false,
                rejects_table = '{rejects_table}', rejects_scan = '{scan_table}',
                max_line_size = 100000000
            )
            """,
            {"path": str(readable), "skip": skip, "delim": delimiter, "columns": columns},
        )
    except duckdb.Error as exc:
        raise SourceError(
            f"{path}: DuckDB could not read it as CSV: {str(exc).splitlines()[0]}", file=str(path)
        ) from None
    headers = [r[0] for r in con.execute(f'describe "{table}__data"').fetchall() if r[0] != "__ordinal"]
    # DuckDB can report several errors for one record; quarantine gets one row per record.
    reject_rows = con.execute(
        f"""select line, first(column_name order by column_idx),
                string_agg(distinct lower(error_type) || ': ' || error_message, '; '), first(csv_line)
            from "{rejects_table}" group by line order by line"""
    ).fetchall()
    rejects = [
        Reject(line=int(line), column=col, reason=reason, raw=raw or "") for line, col, reason, raw in reject_rows
    ]
    # Accepted ordinal k sits at record number k + header_lines + (rejects before it).
    # A reject at record R_j (j from 1) has R_j - header_lines - j accepted rows before it.
    # The raw table is a view over the rows as read, so the text is written only once.
    header_lines = skip + 1
    cols = ", ".join(f'"{h}"' for h in headers)
    file_literal = "'" + str(path).replace("'", "''") + "'"
    if rejects:
        con.execute(
            f"""
            create or replace temp table "{table}__gaps" as
            select line - {header_lines} - row_number() over (order by line) as accepted_before,
                   row_number() over (order by line) as rejects_so_far
            from (select distinct line from "{rejects_table}")
            """
        )
        con.execute(
            f"""
            create or replace temp view "{table}" as
            select {cols}, {file_literal} as __file,
                   (r.__ordinal + {header_lines} + coalesce(g.rejects_so_far, 0))::bigint as __line
            from "{table}__data" as r
            asof left join "{table}__gaps" as g on r.__ordinal > g.accepted_before
            """
        )
    else:
        con.execute(
            f"""
            create or replace temp view "{table}" as
            select {cols}, {file_literal} as __file, (__ordinal + {header_lines})::bigint as __line
            from "{table}__data"
            """
        )
    for t in (rejects_table, scan_table):
        con.execute(f'drop table if exists "{t}"')
    rows = con.execute(f'select count(*) from "{table}"').fetchone()[0]
    notes = [f"encoding {enc}"] + ([f"header on line {skip + 1}"] if skip else [])
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
    con.execute(f'create or replace table "{table}" as select * from __arrow_rows')
    con.unregister("__arrow_rows")
    return len(lines)


def _unique_headers(headers: list[Any]) -> list[str]:
    names: list[str] = []
    for i, header in enumerate(headers):
        base = str(header).strip() if header is not None and str(header).strip() else f"column{i + 1}"
        name, n = base, 1
        while name in names:
            name = f"{base}_{n}"
            n += 1
        names.append(name)
    return names


def read_xlsx(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    header_markers: Iterable[str] | None = None,
) -> RawTable:
    """Load one sheet of a workbook; every sheet row keeps its own row number as __line."""
    import zipfile

    import openpyxl

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
    try:
        if sheet is None:
            ws = workbook.worksheets[0]
        elif isinstance(sheet, int):
            ws = workbook.worksheets[sheet]
        else:
            ws = workbook[sheet]
    except (KeyError, IndexError):
        raise SourceError(
            f"{path}: no sheet {sheet!r}; sheets found: {workbook.sheetnames}. Set options.sheet.", file=str(path)
        ) from None
    all_rows = ws.iter_rows(values_only=True)
    head: list[list[Any]] = []
    for row in all_rows:
        head.append(list(row))
        if len(head) >= HEADER_SCAN_ROWS:
            break
    if not head:
        workbook.close()
        raise SourceError(f"{path}: sheet {ws.title!r} is empty; expected a header row and data.", file=str(path))
    h = int(header_row) - 1 if header_row is not None else find_header_row(head, header_markers)
    headers = head[h]

    def data() -> Iterator[tuple[int, list]]:
        for i, row in enumerate(head[h + 1 :], start=h + 2):
            yield i, row
        for i, row in enumerate(all_rows, start=len(head) + 1):
            yield i, list(row)

    def non_empty(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
        for line, row in rows:
            if any(_cell_text(c) is not None for c in row):
                yield line, row

    n = _rows_to_table(con, table, str(path), list(headers), non_empty(data()))
    workbook.close()
    notes = [f"sheet {ws.title!r}"] + ([f"header on row {h + 1}"] if h else [])
    preamble = [" ".join(t for c in row if (t := _cell_text(c))) for row in head[:h]]
    return RawTable(table, str(path), _unique_headers(list(headers)), n, [], notes, None, preamble)


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


def read_json(con: duckdb.DuckDBPyConnection, path: Path, table: str, *, records: str | None = None) -> RawTable:
    """Load JSON records. `records` is a path such as "batches[].rows[]": each `[]` walks a
    list, and scalar fields of the enclosing objects come along as `batches.period` and so on."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            document = json.load(handle)
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
        keys = list(document) if isinstance(document, dict) else type(document).__name__
        raise SourceError(
            f"{path}: expected a list of records at the top; found keys {keys}. "
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
                    json.dumps(record, ensure_ascii=False)[:10000],
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
    return RawTable(table, str(path), headers, n, rejects, [f"{len(found)} records"], "utf-8")


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> RawTable:
    """Load Parquet as text columns; list columns are joined with ';' as in the CSV format."""
    try:
        described = con.execute("describe select * from read_parquet($p)", {"p": str(path)}).fetchall()
    except duckdb.Error as exc:
        raise SourceError(f"{path}: not a readable Parquet file: {str(exc).splitlines()[0]}", file=str(path)) from None
    exprs = []
    for name, dtype, *_ in described:
        quoted = '"' + name.replace('"', '""') + '"'
        if dtype.endswith("[]"):
            exprs.append(f"array_to_string({quoted}, ';') as {quoted}")
        else:
            exprs.append(f"{quoted}::varchar as {quoted}")
    con.execute(
        f"""create or replace table "{table}" as
            select {", ".join(exprs)}, $file as __file, (row_number() over ())::bigint as __line
            from read_parquet($p)""",
        {"p": str(path), "file": str(path)},
    )
    n = con.execute(f'select count(*) from "{table}"').fetchone()[0]
    return RawTable(table, str(path), [d[0] for d in described], n, [], [], None)


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
        con.execute(f'drop view "{table}"')
    elif kind:
        con.execute(f'drop table "{table}"')
    for suffix in ("__data", "__gaps"):
        con.execute(f'drop table if exists "{table}{suffix}"')


def temp_workdir(base: Path, prefix: str) -> Path:
    """A scratch folder beside the warehouse (same disk, so large transcodes fit where it fits)."""
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))
