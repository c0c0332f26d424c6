"""Issue 15, "Hardening, round 2": each finding of the independent attack as a regression test.

Every ETL case loads a small good source beside the hostile one and checks that the good rows
survive. The numbers in the test names follow the issue's findings.
"""

from __future__ import annotations

import ast
import codecs
import csv
import hashlib
import io
import json
import re
import resource
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.readers import RAW_KEEP_BYTES, _unique_headers, read_csv
from tests.conftest import FIXTURES, ROOT, query, run_cli, write_config

pytest_plugins = ["conftest_dashboard"]

GOOD_CONSENT = FIXTURES / "canonical" / "consent.csv"
INCIDENT_HEADER = (
    "incident_id,record_type,occurred_date,reported_date,title,description,country,jurisdiction_code,"
    "provider_names,service_name,category,severity,issuing_body,enforcement_action,penalty_amount,"
    "penalty_currency,status,registration_id,url"
)


def incident_row(ident: str, *, title: str = "ok", amount: str = "", date_text: str = "2024-01-01") -> str:
    quoted = '"' + title.replace('"', '""') + '"'
    return f"{ident},incident,{date_text},,{quoted},,CN,,acme,,privacy,low,,,{amount},,open,,\n"


def run_sources(tmp_path: Path, sources: list[dict], *extra: str, good: bool = True, **kwargs):
    """Run the real CLI over `sources` plus the good consent fixture; returns (result, db)."""
    if good:
        (tmp_path / "good_consent.csv").write_bytes(GOOD_CONSENT.read_bytes())
        sources = [
            *sources,
            {"name": "good", "entity": "consent", "adapter": "canonical", "location": "good_consent.csv"},
        ]
    config = write_config(tmp_path / "sources.toml", sources)
    db = tmp_path / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), *extra, **kwargs)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    if good and db.exists():
        assert query(db, "select count(*) from stg_consent where source = 'good'") == [(3,)]
    return result, db


def incidents_source(name: str, location: str, **options) -> dict:
    source = {"name": name, "entity": "incidents", "adapter": "canonical", "location": location}
    return {**source, "options": options} if options else source


# --- 1. SQL injection through input-derived identifiers ---------------------------------------


INJECTIONS = [
    # The header: writes a file, then goes on as if nothing happened.
    "range\" from range(1); copy (select 1) to 'x.csv'; select \"x",
    # Reads a server file into the data.
    "title\" from read_text('/etc/hostname') as t; select \"x",
    # Deletes another source's rows from the build being published.
    'x" from range(1); delete from stg_consent; select "y',
]


@pytest.mark.parametrize("header", INJECTIONS)
def test_1_a_header_cell_cannot_run_sql(tmp_path, header):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*INCIDENT_HEADER.split(","), header])
    buffer.write(incident_row("G1").rstrip("\n") + ",value\n")
    (tmp_path / "hostile.csv").write_text(buffer.getvalue(), encoding="utf-8")
    result, db = run_sources(tmp_path, [incidents_source("hostile", "hostile.csv")], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "x.csv").exists()
    # The header is kept as a column name, exactly as written.
    (headers,) = query(db, "select headers from etl_runs where source = 'hostile'")[0]
    assert headers[-1] == header
    assert query(db, "select incident_id, title from stg_incidents") == [("hostile:G1", "ok")]
    runs = dict(query(db, "select source, rows_loaded from etl_runs"))
    assert runs == {"hostile": 1, "good": 3}


HEADER_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=30)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=st.lists(HEADER_TEXT, min_size=1, max_size=6))
def test_1_random_header_text_never_changes_another_table(tmp_path, headers):
    con = duckdb.connect()
    try:
        con.execute("create table victim as select range as n from range(3)")
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(headers)
        writer.writerow(["v"] * len(headers))
        path = tmp_path / "h.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        try:
            raw = read_csv(con, path, "raw_h", workdir=tmp_path, header_row=1)
        except Exception as exc:  # noqa: BLE001 - only a clear SourceError is allowed
            assert type(exc).__name__ == "SourceError", exc
            raw = None
        assert con.execute("select list(n order by n) from victim").fetchone()[0] == [0, 1, 2]
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables() where not temporary").fetchall()}
        assert tables == {"victim"}
        if raw is not None:
            assert raw.headers == _unique_headers(headers)
            assert raw.rows == 1
    finally:
        con.close()


# f-strings that put a value between quote characters build SQL by hand: every identifier goes
# through quote_ident (q) and every inlined literal through sql_literal, in etl/sqlquote.py.
SQL_WORDS = re.compile(
    r"\b(select|insert|create|update|delete|drop|describe|from|copy|attach|where|case when|coalesce)\b|\|\|", re.I
)


def hand_quoted_fstrings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        if not SQL_WORDS.search(text):
            continue
        for before, value in zip(node.values, node.values[1:], strict=False):
            if (
                isinstance(before, ast.Constant)
                and isinstance(value, ast.FormattedValue)
                and str(before.value).endswith(('"', "'"))
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(value.value)}")
    return found


def test_1_no_sql_is_quoted_by_hand():
    # The write side, where identifiers come from input. (The read side's few identifiers come
    # from allowlists checked against information_schema: dashboard/queries.py.)
    files = sorted((ROOT / "etl").rglob("*.py"))
    found = [hit for path in files for hit in hand_quoted_fstrings(path)]
    assert found == []


def test_1_the_quoting_helper_doubles_quotes_and_refuses_nul():
    from etl.sqlquote import UnsafeSqlText, quote_ident, sql_literal

    con = duckdb.connect()
    for name in ['a"b', '"; drop table x; --', "', '", "名称 ", "\\"]:
        assert con.execute(f"select 1 as {quote_ident(name)}").description[0][0] == name
        assert con.execute(f"select {sql_literal(name)}").fetchone()[0] == name
    with pytest.raises(UnsafeSqlText):
        quote_ident("a\x00b")
    with pytest.raises(UnsafeSqlText):
        sql_literal("a\x00b")


# --- 2. A UTF-8 byte-order mark before the header ----------------------------------------------

BOM = codecs.BOM_UTF8


def test_2_bom_before_required_first_column(tmp_path):
    aliases = (FIXTURES / "adapters" / "provider_aliases.csv").read_bytes()
    (tmp_path / "aliases.csv").write_bytes(BOM + aliases)
    consent = GOOD_CONSENT.read_bytes()
    (tmp_path / "consent_bom.csv").write_bytes(BOM + consent)
    sources = [
        {"name": "aliases", "entity": "provider_aliases", "adapter": "canonical", "location": "aliases.csv"},
        {"name": "consent_bom", "entity": "consent", "adapter": "canonical", "location": "consent_bom.csv"},
    ]
    result, db = run_sources(tmp_path, sources)
    assert result.returncode == 0, result.stdout
    assert query(db, "select count(*) from stg_provider_aliases") == [(aliases.count(b"\n") - 1,)]
    assert query(db, "select count(*) from stg_consent where source = 'consent_bom'") == [(3,)]


def test_2_bom_before_an_optional_first_column_keeps_it(tmp_path):
    header = "occurred_date," + INCIDENT_HEADER.replace(",occurred_date", "")
    rows = "".join(f"2024-0{i}-01,G{i},incident,,t,,CN,,acme,,privacy,low,,,,,open,,\n" for i in (1, 2, 3))
    (tmp_path / "inc.csv").write_bytes(BOM + (header + "\n" + rows).encode())
    result, db = run_sources(tmp_path, [incidents_source("inc", "inc.csv")])
    assert result.returncode == 0, result.stdout
    assert query(db, "select incident_id, occurred_date::varchar from stg_incidents order by 1") == [
        ("inc:G1", "2024-01-01"),
        ("inc:G2", "2024-02-01"),
        ("inc:G3", "2024-03-01"),
    ]


def test_2_bom_before_a_cac_header_keeps_the_filings_above_the_sub_header(tmp_path):
    text = (
        "序号,属地,模型名称,备案单位,备案号,备案时间\n"
        "1,北京市,文心一言,北京百度网讯科技有限公司,Beijing-WenXinYiYan-20230821,2023/8/31\n"
        "2,上海市,海螺,上海稀宇科技有限公司,Shanghai-HaiLuo-20231201,2023/12/1\n"
        "序号,属地,应用/功能名称,登记单位,上线编号,登记时间\n"
        "1,北京市,秒哒,北京百度网讯科技有限公司,Beijing-MiaoDa-20240428S0001,2024/4/28\n"
    )
    (tmp_path / "genai.csv").write_bytes(BOM + text.encode())
    source = {
        "name": "genai",
        "entity": "registrations",
        "adapter": "cac_genai",
        "registry": "g",
        "location": "genai.csv",
    }
    result, db = run_sources(tmp_path, [source])
    assert result.returncode == 0, result.stdout
    assert query(db, "select registration_id, kind from stg_registrations order by 1") == [
        ("Beijing-MiaoDa-20240428S0001", "registration"),
        ("Beijing-WenXinYiYan-20230821", "filing"),
        ("Shanghai-HaiLuo-20231201", "filing"),
    ]
    assert query(
        db, "select rows_read, rows_loaded, rows_quarantined, rows_skipped from etl_runs where source = 'genai'"
    ) == [(4, 3, 0, 1)]


# --- 3. A leftover spill folder ------------------------------------------------------------------


def test_3_stale_spill_folders_and_builds_are_removed(tmp_path):
    db = tmp_path / "w.duckdb"
    spill = tmp_path / ".w.duckdb.build-20260101T000000000000Z.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"x" * 1000)
    (spill / "nested").mkdir()
    stale = tmp_path / ".w.duckdb.build-20260101T000000000000Z"
    stale.write_bytes(b"half a build")
    other = tmp_path / "keep.txt"
    other.write_text("not ours")
    result, db = run_sources(tmp_path, [])
    assert result.returncode == 0, result.stderr
    assert not spill.exists() and not stale.exists()
    assert other.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".w.duckdb")) == []


# --- 4 and 8. Numbers: NaN, Infinity, 1e39; decimal commas; -0 ------------------------------------

CONSENT_HEADER = GOOD_CONSENT.read_text(encoding="utf-8").splitlines()[0]


def consent_rows(values: list[str]) -> str:
    lines = [CONSENT_HEADER]
    for i, value in enumerate(values):
        quoted = '"' + value + '"'
        lines.append(f"R-{i},ds{i},yes,{quoted},,no,consent,2025-01-01")
    return "\n".join(lines) + "\n"


def test_4_nan_infinity_and_huge_numbers_quarantine_their_row_only(tmp_path):
    values = ["100", "NaN", "Infinity", "-inf", "1e39", "12", "1e15"]
    (tmp_path / "c.csv").write_text(consent_rows(values), encoding="utf-8")
    source = {"name": "c", "entity": "consent", "adapter": "canonical", "location": "c.csv"}
    result, db = run_sources(tmp_path, [source])
    assert result.returncode == 0, result.stdout
    assert query(db, "select registration_id, personal_records from stg_consent where source = 'c' order by 1") == [
        ("R-0", 100),
        ("R-5", 12),
        ("R-6", 10**15),
    ]
    assert query(db, "select source_line, rules, reason from quarantine where source = 'c' order by 1") == [
        (3, ["number_parses"], 'personal_records: personal_records "NaN" is not a number'),
        (4, ["number_parses"], 'personal_records: personal_records "Infinity" is not a number'),
        (5, ["number_parses"], 'personal_records: personal_records "-inf" is not a number'),
        (6, ["number_parses"], 'personal_records: personal_records "1e39" is implausibly large'),
    ]


def test_8_decimal_commas_are_never_guessed(tmp_path):
    rows = [incident_row(f"G{i}", amount=f'"{v}"') for i, v in enumerate(["12,5", "1.234,5", "1,234.5", "-0", "7"])]
    text = INCIDENT_HEADER + "\n" + "".join(r.replace('""', '"') for r in rows)
    (tmp_path / "dot.csv").write_text(text, encoding="utf-8")
    (tmp_path / "comma.csv").write_text(text, encoding="utf-8")
    sources = [incidents_source("dot", "dot.csv"), incidents_source("comma", "comma.csv", decimal_separator=",")]
    result, db = run_sources(tmp_path, sources)
    assert result.returncode == 0, result.stdout
    loaded = query(db, "select source, incident_id, penalty_amount::varchar from stg_incidents order by 1, 2")
    assert loaded == [
        ("comma", "comma:G0", "12.5"),
        ("comma", "comma:G1", "1234.5"),
        ("comma", "comma:G3", "0.0"),
        ("comma", "comma:G4", "7.0"),
        ("dot", "dot:G2", "1234.5"),
        ("dot", "dot:G3", "0.0"),
        ("dot", "dot:G4", "7.0"),
    ]
    reasons = query(
        db, "select source, source_line, rules, reason from quarantine where source <> 'good' order by 1, 2"
    )
    assert [(s, line, rules) for s, line, rules, _ in reasons] == [
        ("comma", 4, ["number_parses"]),
        ("dot", 2, ["number_parses"]),
        ("dot", 3, ["number_parses"]),
    ]
    assert "set options.decimal_separator = ','" in reasons[1][3]
    assert "set options.decimal_separator = '.'" in reasons[0][3]


# --- 9. Look-alike keys ----------------------------------------------------------------------------


def test_9_look_alike_keys_are_one_key_and_the_raw_value_is_kept(tmp_path):
    variants = ["G1", "G1\u200b", "G1\u00a0", "Ｇ1", "\ufeffG1", "G1\u3000", "G2"]
    text = INCIDENT_HEADER + "\n" + "".join(incident_row(v) for v in variants)
    (tmp_path / "inc.csv").write_text(text, encoding="utf-8")
    result, db = run_sources(tmp_path, [incidents_source("inc", "inc.csv")])
    assert result.returncode == 0, result.stdout
    assert query(db, "select incident_id from stg_incidents order by 1") == [("inc:G1",), ("inc:G2",)]
    quarantined = query(db, "select source_line, rules, raw_record from quarantine where source = 'inc' order by 1")
    assert [(line, rules) for line, rules, _ in quarantined] == [(n, ["duplicate_key"]) for n in (3, 4, 5, 6, 7)]
    # The raw record keeps what the file held, look-alike characters included.
    assert [json.loads(raw)["incident_id"] for _, _, raw in quarantined] == variants[1:6]


# --- 5 and 7. XLSX: memory caps, the first visible sheet, cells that cannot be read ---------------

GENAI_HEADER = ["序号", "属地", "大模型名称", "备案单位", "备案编号", "备案时间"]


def genai_row(i: int) -> list:
    return [i, "北京市", f"模型{i}", "北京百度网讯科技有限公司", f"Beijing-Model{i}-20230821", "2023/8/31"]


def genai_source(name: str, location: str, **options) -> dict:
    source = {"name": name, "entity": "registrations", "adapter": "cac_genai", "registry": "g", "location": location}
    return {**source, "options": options} if options else source


def rewrite_sheet(path: Path, change) -> None:
    """Rewrite xl/worksheets/sheet1.xml of a workbook with `change(xml) -> xml`."""
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info.filename) for info in src.infolist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for part, data in parts.items():
            dst.writestr(part, data)


def test_5_a_declared_dimension_of_every_column_is_not_trusted(tmp_path):
    import tracemalloc

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(GENAI_HEADER)
    for i in range(1, 2001):
        sheet.append(genai_row(i))
    path = tmp_path / "wide.xlsx"
    workbook.save(path)
    rewrite_sheet(path, lambda xml: re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml))
    assert b"A1:XFD1048576" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    from etl.readers import read_xlsx

    con = duckdb.connect()
    tracemalloc.start()
    raw = read_xlsx(con, path, "raw_wide", header_markers=("序号",))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert raw.rows == 2000 and raw.headers == GENAI_HEADER
    # Padded to 16,384 cells, 2,000 rows held 1.8 GB; read by their data they need a few MB.
    assert peak < 64 * (1 << 20), peak


def test_5_inflated_size_and_column_caps_fail_the_file_clearly(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(GENAI_HEADER)
    workbook.active.append(genai_row(1))
    workbook.save(tmp_path / "bomb.xlsx")
    # 3 MB of whitespace inflating from a few KB, against a 1 MB cap declared for the source.
    rewrite_sheet(tmp_path / "bomb.xlsx", lambda xml: xml.replace("<sheetData>", "<sheetData>" + " " * (3 << 20)))
    wide = openpyxl.Workbook()
    wide.active.append(GENAI_HEADER)
    wide.active.cell(row=1, column=5000, value="stray")
    wide.active.append(genai_row(1))
    wide.save(tmp_path / "wide.xlsx")
    sources = [genai_source("bomb", "bomb.xlsx", max_inflated_mb=1), genai_source("wide", "wide.xlsx")]
    result, db = run_sources(tmp_path, sources)
    assert result.returncode == 1
    messages = dict(query(db, "select source, message from etl_runs where status = 'failed'"))
    assert "the workbook inflates to 3 MB, over the 1 MB cap for XLSX files" in messages["bomb"]
    assert "raise options.max_inflated_mb" in messages["bomb"]
    assert "has 5,000 columns; at most 1,024 are read" in messages["wide"]


def test_7_the_first_visible_sheet_is_read_and_named(tmp_path):
    workbook = openpyxl.Workbook()
    stale = workbook.active
    stale.title = "old"
    stale.append(GENAI_HEADER)
    stale.append(genai_row(99))
    stale.sheet_state = "hidden"
    current = workbook.create_sheet("current")
    current.append(GENAI_HEADER)
    current.append(genai_row(1))
    workbook.save(tmp_path / "list.xlsx")
    result, db = run_sources(tmp_path, [genai_source("g", "list.xlsx")])
    assert result.returncode == 0, result.stdout
    assert query(db, "select registration_id from stg_registrations") == [("Beijing-Model1-20230821",)]
    assert "sheet 'current' (first visible sheet; hidden sheets not read: ['old'])" in result.stdout


def test_12_formula_without_value_and_malformed_number_cost_one_row(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(GENAI_HEADER)
    for i in range(1, 5):
        sheet.append(genai_row(i))
    sheet["C3"] = '=CONCAT("模型", A3)'  # saved by openpyxl: a formula with no cached value
    sheet["A4"] = 12345
    workbook.save(tmp_path / "list.xlsx")
    rewrite_sheet(tmp_path / "list.xlsx", lambda xml: xml.replace("<v>12345</v>", "<v>1,2</v>"))
    result, db = run_sources(tmp_path, [genai_source("g", "list.xlsx")])
    assert result.returncode == 0, result.stdout
    assert query(db, "select registration_id from stg_registrations order by 1") == [
        ("Beijing-Model1-20230821",),
        ("Beijing-Model4-20230821",),
    ]
    quarantined = query(
        db, "select source_line, columns, reason, raw_record from quarantine where source = 'g' order by 1"
    )
    assert [(line, cols) for line, cols, _, _ in quarantined] == [(3, ["大模型名称"]), (4, ["序号"])]
    assert 'formula =CONCAT("模型", A3) has no saved value' in quarantined[0][2]
    assert '=CONCAT(\\"模型\\", A3)' in quarantined[0][3]
    assert "cell holds '1,2', which is not a valid number" in quarantined[1][2]
    assert query(db, "select rows_read, rows_loaded, rows_quarantined from etl_runs where source = 'g'") == [(4, 2, 2)]


# --- 10. Quarantine keeps the raw record ----------------------------------------------------------


def test_10_rejected_records_keep_their_bytes_or_a_marked_truncation(tmp_path):
    big = "y" * (3 * RAW_KEEP_BYTES)
    long_line = incident_row("G2", title=big).rstrip("\n") + ",one too many\n"
    cp1252 = incident_row("G3", title="café").rstrip("\n").encode("cp1252") + b",extra\n"
    data = (INCIDENT_HEADER + "\n" + incident_row("G1")).encode() + long_line.encode() + cp1252
    data += incident_row("G4").encode()
    (tmp_path / "inc.csv").write_bytes(data)
    result, db = run_sources(tmp_path, [incidents_source("inc", "inc.csv")])
    assert result.returncode == 0, result.stdout
    assert query(db, "select incident_id from stg_incidents order by 1") == [("inc:G1",), ("inc:G4",)]
    rows = query(db, "select source_line, raw_record from quarantine where source = 'inc' order by 1")
    assert [line for line, _ in rows] == [3, 4]
    full = long_line.rstrip("\n").encode() + b"\n"
    marker = f" …[truncated: {len(full):,} bytes in all, sha256 {hashlib.sha256(full).hexdigest()}]"
    assert rows[0][1].endswith(marker)
    assert rows[0][1].startswith("G2,incident,2024-01-01")
    assert rows[1][1] == 'G3,incident,2024-01-01,,"caf\\xe9",,CN,,acme,,privacy,low,,,,,open,,,extra'


def test_14_a_short_row_gives_one_message(tmp_path):
    text = INCIDENT_HEADER + "\n" + incident_row("G1") + "G2,incident,2024-01-01\n"
    (tmp_path / "inc.csv").write_text(text, encoding="utf-8")
    result, db = run_sources(tmp_path, [incidents_source("inc", "inc.csv")])
    assert query(db, "select reason, raw_record from quarantine where source = 'inc'") == [
        ("missing columns: Expected Number of Columns: 19 Found: 3", "G2,incident,2024-01-01")
    ]


# --- 12. Messages on bad input --------------------------------------------------------------------


def test_12_a_nul_byte_costs_its_row_wherever_it_is(tmp_path):
    rows = [incident_row("G1"), incident_row("G2", title="a\x00b")]
    rows += [incident_row(f"G{i}") for i in range(3, 400)]
    rows.append(incident_row("G400", title="late\x00nul"))
    (tmp_path / "inc.csv").write_text(INCIDENT_HEADER + "\n" + "".join(rows), encoding="utf-8")
    result, db = run_sources(tmp_path, [incidents_source("inc", "inc.csv")])
    assert result.returncode == 0, result.stdout
    assert query(db, "select count(*) from stg_incidents") == [(398,)]
    assert query(db, "select source_line, rules from quarantine where source = 'inc' order by 1") == [
        (3, ["control_character"]),
        (401, ["control_character"]),
    ]


def test_12_cr_line_ends_utf16_and_case_only_duplicate_headers_load(tmp_path):
    lines = [INCIDENT_HEADER, incident_row("G1").rstrip("\n"), incident_row("G2").rstrip("\n")]
    (tmp_path / "cr.csv").write_bytes("\r".join(lines).encode() + b"\r")
    (tmp_path / "utf16.csv").write_bytes("\n".join(lines).replace("ok", "好").encode("utf-16") + b"\n\x00")
    (tmp_path / "case.csv").write_text(
        INCIDENT_HEADER + ",Title\n" + incident_row("G1").rstrip("\n") + ",shadow\n", encoding="utf-8"
    )
    sources = [
        incidents_source("cr", "cr.csv"),
        incidents_source("utf16", "utf16.csv", encoding="auto"),
        incidents_source("case", "case.csv"),
    ]
    result, db = run_sources(tmp_path, sources)
    assert result.returncode == 0, result.stdout
    assert query(db, "select incident_id, title from stg_incidents order by 1") == [
        ("case:G1", "ok"),
        ("cr:G1", "ok"),
        ("cr:G2", "ok"),
        ("utf16:G1", "好"),
        ("utf16:G2", "好"),
    ]
    assert "repeated header(s) renamed: 'Title' as 'Title_1'" in result.stdout
    assert "encoding utf-16" in result.stdout


def test_12_binary_files_still_fail_clearly(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"PK\x03\x04" + bytes(500))
    (tmp_path / "b.csv").write_bytes(bytes(range(32)) * 40)
    result, db = run_sources(tmp_path, [incidents_source("a", "a.csv"), incidents_source("b", "b.csv")])
    messages = dict(query(db, "select source, message from etl_runs where status = 'failed'"))
    assert "looks like a ZIP archive (an XLSX or DOCX workbook?), not CSV text" in messages["a"]
    assert "looks like a binary file, not CSV text" in messages["b"]


# --- 14. JSON: scalar documents and duplicate keys -------------------------------------------------


def test_14_json_scalar_document_and_duplicate_keys(tmp_path):
    (tmp_path / "scalar.json").write_text("42", encoding="utf-8")
    (tmp_path / "dups.json").write_text(
        '[{"incident_id": "A", "record_type": "incident", "category": "other", "title": "t"},'
        ' {"incident_id": "B", "record_type": "incident", "category": "other", "title": "1", "title": "2"}]',
        encoding="utf-8",
    )
    sources = [incidents_source("scalar", "scalar.json"), incidents_source("dups", "dups.json")]
    result, db = run_sources(tmp_path, sources)
    messages = dict(query(db, "select source, message from etl_runs"))
    assert "expected a list of records at the top; found a single number." in messages["scalar"]
    assert query(db, "select incident_id from stg_incidents") == [("dups:A",)]
    assert query(db, "select source_line, reason from quarantine where source = 'dups'") == [
        (2, "structure: key 'title' appears twice in the record; which value is meant is unclear")
    ]


# --- 11. Environment failures -------------------------------------------------------------------


def run_limited(tmp_path: Path, config: Path, limit: int) -> subprocess.CompletedProcess:
    """The CLI under a file-size limit (RLIMIT_FSIZE), as `ulimit -f` would set it."""

    def set_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "etl", "run", "--sources", str(config), "--db", str(tmp_path / "w.duckdb"), "--json"],
        cwd=tmp_path,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=set_limit,
    )


def test_11_a_file_size_limit_fails_one_source_and_is_named(tmp_path):
    header = "序号,属地,模型名称,备案单位,备案号,备案时间\n"
    row = "1,北京市,文心一言,北京百度网讯科技有限公司,Beijing-WenXinYiYan-20230821,2023/8/31\n"
    # GB18030 is transcoded to UTF-8 in a scratch file, which the limit stops.
    (tmp_path / "big.csv").write_bytes((header + row * 120_000).encode("gb18030"))
    (tmp_path / "good.csv").write_bytes(GOOD_CONSENT.read_bytes())
    config = write_config(
        tmp_path / "s.toml",
        [
            genai_source("big", "big.csv"),
            {"name": "good", "entity": "consent", "adapter": "canonical", "location": "good.csv"},
        ],
    )
    result = run_limited(tmp_path, config, 6 << 20)
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    status = {s["source"]: (s["status"], s["rows_loaded"]) for s in summary["sources"]}
    assert status == {"big": ("failed", 0), "good": ("loaded", 3)}
    message = summary["sources"][0]["message"]
    assert "a file-size limit was reached" in message and "File too large" in message
    assert "rollback" not in message


def test_11_a_limit_below_the_build_fails_the_run_with_json(tmp_path):
    (tmp_path / "good.csv").write_bytes(GOOD_CONSENT.read_bytes())
    config = write_config(
        tmp_path / "s.toml", [{"name": "good", "entity": "consent", "adapter": "canonical", "location": "good.csv"}]
    )
    result = run_limited(tmp_path, config, 256 << 10)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    assert "a file-size limit was reached" in result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["error"] == "environment"
    assert "a file-size limit was reached" in document["message"]
    assert not (tmp_path / "w.duckdb").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".w.duckdb.build")] == []


def test_11_permission_and_disk_full_are_named_with_json(monkeypatch, capsys):
    import errno

    import etl.pipeline
    from etl import __main__ as cli

    monkeypatch.setattr(etl.config, "load_config", lambda path: None)
    for exc, words in [
        (PermissionError(errno.EACCES, "Permission denied", "/srv/data/w.duckdb.lock"), "permission denied on /srv"),
        (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
    ]:

        def fail(*args, exc=exc, **kwargs):
            raise exc

        monkeypatch.setattr(etl.pipeline, "run", fail)
        assert cli.main(["run", "--json", "--quiet"]) == 1
        out, err = capsys.readouterr()
        assert words in err and "unexpected" not in err
        document = json.loads(out)
        assert document == {"ok": False, "exit_code": 1, "error": "environment", "message": document["message"]}
        assert words in document["message"]


def test_11_json_on_usage_errors_too(tmp_path):
    (tmp_path / "s.toml").write_text("[[source]]\nname = 3\n", encoding="utf-8")
    result = run_cli("run", "--sources", str(tmp_path / "s.toml"), "--db", str(tmp_path / "w.duckdb"), "--json")
    assert result.returncode == 2
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["exit_code"] == 2 and document["error"] == "usage"


# --- 13. The config is validated up front -----------------------------------------------------------

BAD_CONFIGS = [
    ({"options": {"delimeter": ";"}}, "unknown option for adapter 'canonical' 'delimeter'. Did you mean 'delimiter'?"),
    ({"options": {"header_rows": 2}}, "Did you mean 'header_row'?"),
    ({"enabled": "false"}, 'enabled = "false" must be true or false, without quotes'),
    ({"options": {"header_row": 0}}, "options.header_row = 0 must be a whole number ≥ 1"),
    ({"options": {"header_row": True}}, "options.header_row = true must be a whole number ≥ 1"),
    ({"options": {"delimiter": ",,"}}, 'options.delimiter = ",," must be one character'),
    ({"options": {"encoding": "klingon"}}, 'options.encoding = "klingon" is not a known encoding'),
    ({"options": {"sheet": -1}}, "options.sheet = -1 must be a sheet name in quotes or a 0-based sheet number"),
    ({"options": {"timeout": "30"}}, 'options.timeout = "30" must be a number greater than 0'),
    ({"options": {"decimal_separator": ";"}}, 'options.decimal_separator = ";" must be "." or ","'),
    (
        {"adapter": "mapped", "options": {"values": {"category": "fraud"}}},
        'options.values has category = "fraud", which must be a table',
    ),
    ({"options": {"fields": {"title": "x"}}}, "unknown option for adapter 'canonical' 'fields'"),
]


@pytest.mark.parametrize(("change", "expected"), BAD_CONFIGS, ids=[str(c) for c, _ in BAD_CONFIGS])
def test_13_config_mistakes_are_usage_errors_naming_key_and_source(tmp_path, change, expected):
    (tmp_path / "good.csv").write_bytes(GOOD_CONSENT.read_bytes())
    source = {"name": "bad_one", "entity": "consent", "adapter": "canonical", "location": "good.csv"}
    config = write_config(tmp_path / "s.toml", [{**source, **change}])
    result = run_cli("run", "--sources", str(config), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert f"{config}: source 'bad_one'" in result.stderr
    assert "allowed" in result.stderr.lower()
    assert not (tmp_path / "w.duckdb").exists()


def test_13_warehouse_table_folder_and_symlink_loop(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    sources = [
        {"name": "folder", "entity": "consent", "adapter": "canonical", "location": "folder"},
        {"name": "loop", "entity": "consent", "adapter": "canonical", "location": "loop"},
    ]
    config = write_config(tmp_path / "s.toml", sources)
    config.write_text(config.read_text(encoding="utf-8").replace("[warehouse]\nsample = false", "warehouse = 3"))
    result = run_cli("run", "--sources", str(config), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2, result.stderr
    assert "warehouse must be a table" in result.stderr
    assert "source 'folder': location = \"folder\" is a folder; give a file, or a glob" in result.stderr
    assert "source 'loop': location = \"loop\" is a symlink loop" in result.stderr
    assert "unexpected" not in result.stderr


def test_13_every_option_is_documented():
    from etl.config import OPTIONS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [key for key in OPTIONS if f"`{key}`" not in readme] == []


# --- 6 and 15. The app ------------------------------------------------------------------------------


def test_6_future_dates_in_a_link_are_cut_at_today():
    from dashboard.filters import parse_query_params

    today = date(2026, 6, 1)
    result = parse_query_params({"from": "2026-01-01", "to": "2026-12-31"}, today=today)
    assert (result.filters.period, result.filters.start, result.filters.end) == ("custom", date(2026, 1, 1), today)
    assert result.notices == [("to", "2026-12-31")]
    result = parse_query_params({"from": "2026-12-02"}, today=today)
    assert result.filters.start == today and ("from", "2026-12-02") in result.notices
    result = parse_query_params({"period": "custom", "from": "2026-12-02", "to": "bad"}, today=today)
    assert all("None" not in value for _, value in result.notices), result.notices


def test_6_errors_never_show_details_in_the_browser():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_15_bidi_controls_are_shown_not_obeyed():
    from dashboard.formatting import show_controls
    from dashboard.ui import md_escape

    name = "\u202emoc.live\u202c Corp"
    assert show_controls(name) == "[U+202E RLO]moc.live[U+202C PDF] Corp"
    assert show_controls(["a\u2067b", 3]) == ["a[U+2067 RLI]b", 3]
    assert show_controls(None) is None and show_controls(1.5) == 1.5
    assert "\u202e" not in md_escape(name)


# --- Must hold: rows read = loaded + quarantined + skipped, over the whole corpus ------------------


def test_every_row_is_accounted_for_and_every_quarantined_row_keeps_its_raw_record(tmp_path):
    from tests.test_hardening_corpus import base_sources

    sources = [s for s in base_sources(tmp_path) if s["entity"] != "provider_aliases"]
    hostile = {
        "bom.csv": BOM + (INCIDENT_HEADER + "\n" + incident_row("G1") + incident_row("G1\u00a0")).encode(),
        "numbers.csv": consent_rows(["1", "NaN", "1e39", "12,5", "-0", "x"]).encode(),
        "nul.csv": (INCIDENT_HEADER + "\n" + incident_row("G1", title="a\x00") + incident_row("G2")).encode(),
        "cr.csv": (INCIDENT_HEADER + "\r" + incident_row("G1").rstrip("\n") + "\rG2,short\r").encode(),
        "cp1252.csv": (INCIDENT_HEADER + "\n").encode() + "G1,café,x\n".encode("cp1252") + incident_row("G2").encode(),
        "long.csv": (INCIDENT_HEADER + "\n" + "G1," + "z" * (RAW_KEEP_BYTES + 10) + "\n" + incident_row("G2")).encode(),
    }
    for name, data in hostile.items():
        (tmp_path / name).write_bytes(data)
        entity = "consent" if name == "numbers.csv" else "incidents"
        sources.append({"name": name.split(".")[0], "entity": entity, "adapter": "canonical", "location": name})
    config = write_config(tmp_path / "sources.toml", sources)
    db = tmp_path / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    runs = query(db, "select source, rows_read, rows_loaded, rows_quarantined, rows_skipped from etl_runs")
    assert len(runs) == len(sources)
    for source, read, loaded, quarantined, skipped in runs:
        assert read == loaded + quarantined + skipped, source
        assert query(db, "select count(*) from quarantine where source = $s", {"s": source}) == [(quarantined,)]
    assert sum(r[4] for r in runs) > 0  # the corpus has repeated header rows
    rows = query(db, "select source, source_line, kind, columns, rules, reason, raw_record from quarantine")
    assert len(rows) > 20
    for source, line, kind, columns, rules, reason, raw in rows:
        assert raw, (source, line)
        assert rules and reason, (source, line)
        if kind == "invalid":
            assert len(columns) == len(rules), (source, line)
            assert all(f"{column}: " in reason for column in columns), (source, line, reason)
    raws = {source: raw for source, _, _, _, _, _, raw in rows}
    assert "caf\\xe9" in raws["cp1252"]
    assert "[truncated:" in raws["long"]


@pytest.mark.parametrize("page", ["overview", "licensing", "violations", "consent", "explorer", "quality"])
def test_6_a_link_reaching_into_the_future_opens_every_page(sample_db, use_db, open_page, page):
    use_db(sample_db)
    # open_page fails on any exception element (conftest_dashboard.app_test).
    from dashboard.filters import current_date

    at = open_page(page, {"from": "2026-01-01", "to": "2999-12-31"})
    today = current_date()
    assert at.session_state["f_to"] == today
    assert at.session_state["f_from"] == min(date(2026, 1, 1), today)
    assert [d.value for d in at.sidebar.date_input] == [min(date(2026, 1, 1), today), today]


def test_15_tables_show_bidi_controls(monkeypatch):
    import pandas as pd

    from dashboard import ui

    shown = {}
    monkeypatch.setattr(ui.st, "dataframe", lambda df, **kwargs: shown.setdefault("df", df))
    df = pd.DataFrame({"provider_name": ["\u202emoc.live\u202c Corp", "plain"], "incident_count": [1, 2]})
    ui.table(df)
    assert shown["df"]["provider_name"].tolist() == ["[U+202E RLO]moc.live[U+202C PDF] Corp", "plain"]
    assert shown["df"]["incident_count"].tolist() == [1, 2]
    assert df["provider_name"][0] == "\u202emoc.live\u202c Corp"  # the data itself is unchanged


def test_15_chart_labels_show_bidi_controls():
    from dashboard.charts import plain

    assert plain("\u202emoc.live\u202c <b>") == "[U+202E RLO]moc.live[U+202C PDF] &lt;b&gt;"


def test_14_duplicate_keys_in_a_nested_object_are_caught(tmp_path):
    from etl.readers import read_json

    path = tmp_path / "n.json"
    path.write_text('[{"a": 1, "b": {"x": 1, "x": 2}}, {"a": 2, "b": {"x": 3}}]', encoding="utf-8")
    raw = read_json(duckdb.connect(), path, "raw_n")
    assert raw.rows == 1
    assert [(r.line, r.column) for r in raw.rejects] == [(1, "x")]
    assert "\\u0000" not in raw.rejects[0].raw and "\x00" not in raw.rejects[0].raw


def test_1_headers_named_like_the_pipelines_own_columns_load(tmp_path):
    header = INCIDENT_HEADER + ",__line,__file,__ordinal,__number"
    (tmp_path / "inc.csv").write_text(header + "\n" + incident_row("G1").rstrip("\n") + ",a,b,c,d\n", encoding="utf-8")
    result, db = run_sources(tmp_path, [incidents_source("inc", "inc.csv")])
    assert result.returncode == 0, result.stdout
    assert query(db, "select incident_id, source_line from stg_incidents") == [("inc:G1", 2)]
    assert "'__line' as 'x__line'" in result.stdout


def test_12_json_and_parquet_keys_differing_in_case_or_reserved_load(tmp_path):
    records = [{"incident_id": "A", "record_type": "incident", "category": "other", "title": "t", "Title": "T"}]
    records[0]["__line"] = "x"
    (tmp_path / "a.json").write_text(json.dumps(records), encoding="utf-8")
    con = duckdb.connect()
    con.execute(
        "copy (select 'B' as incident_id, 'incident' as record_type, 'other' as category, 't' as title, "
        "'T' as \"Title\", 'x' as __line) to $p (format parquet)",
        {"p": str(tmp_path / "b.parquet")},
    )
    con.close()
    sources = [incidents_source("a", "a.json"), incidents_source("b", "b.parquet")]
    result, db = run_sources(tmp_path, sources)
    assert result.returncode == 0, result.stdout
    assert query(db, "select incident_id, title from stg_incidents order by 1") == [("a:A", "t"), ("b:B", "t")]


def test_10_a_transcoded_row_with_undecodable_bytes_keeps_the_original_bytes(tmp_path):
    good = "1,北京市,文心一言,北京百度网讯科技有限公司,Beijing-WenXinYiYan-20230821,2023/8/31\n".encode("gb18030")
    bad = (
        "2,上海市,海螺".encode("gb18030")
        + b"\x81\x20"
        + ",上海稀宇科技有限公司,Shanghai-HaiLuo-20231201,2023/12/1\n".encode("gb18030")
    )
    header = "序号,属地,模型名称,备案单位,备案号,备案时间\n".encode("gb18030")
    (tmp_path / "list.csv").write_bytes(header + good + bad)
    result, db = run_sources(tmp_path, [genai_source("g", "list.csv", encoding="gb18030")])
    assert result.returncode == 0, result.stdout
    ((rules, raw),) = query(db, "select rules, raw_record from quarantine where source = 'g'")
    assert rules == ["encoding"]
    record = json.loads(raw)
    assert "\ufffd" in record["模型名称"]
    assert record["__original_bytes"] == keep_raw_text(bad.rstrip(b"\n"))


def keep_raw_text(data: bytes) -> str:
    from etl.readers import keep_raw

    return keep_raw(data)


@pytest.mark.parametrize(("folder", "words"), [("/sys", "permission denied"), ("/proc", "No such file or directory")])
def test_11_a_folder_that_cannot_hold_the_warehouse_is_named(folder, words):
    # /sys refuses new files even to root; /proc has no such entries: real environment failures.
    result = run_cli("run", "--sources", str(ROOT / "data" / "sources.toml"), "--db", f"{folder}/w.duckdb", "--json")
    assert result.returncode == 1
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr
    document = json.loads(result.stdout)
    assert document["error"] == "environment"
    assert f"cannot create {folder}/w.duckdb.lock beside the warehouse: {words}" in document["message"]


def test_2_a_sources_config_saved_with_a_bom_loads(tmp_path):
    from etl.config import load_config

    config = write_config(tmp_path / "s.toml", [incidents_source("inc", "inc.csv")])
    config.write_bytes(BOM + config.read_bytes())
    assert [s.name for s in load_config(config).sources] == ["inc"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=st.lists(HEADER_TEXT, min_size=1, max_size=5, unique=True))
def test_1_random_json_keys_never_change_another_table(tmp_path, keys):
    from etl.readers import read_json

    con = duckdb.connect()
    try:
        con.execute("create table victim as select range as n from range(3)")
        path = tmp_path / "k.json"
        path.write_text(json.dumps([{k: "v" for k in keys}]), encoding="utf-8")
        raw = read_json(con, path, "raw_k")
        assert con.execute("select list(n order by n) from victim").fetchone()[0] == [0, 1, 2]
        assert raw.headers == _unique_headers(keys) and raw.rows == 1
        assert con.execute(f"select count(*) from {quote('raw_k')}").fetchone()[0] == 1
    finally:
        con.close()


def quote(name: str) -> str:
    from etl.sqlquote import quote_ident

    return quote_ident(name)


def test_12_utf16_without_a_bom_is_named_and_loads_when_declared(tmp_path):
    text = INCIDENT_HEADER + "\n" + incident_row("G1")
    (tmp_path / "a.csv").write_bytes(text.encode("utf-16-le"))
    (tmp_path / "b.csv").write_bytes(text.encode("utf-16-le"))
    sources = [incidents_source("a", "a.csv"), incidents_source("b", "b.csv", encoding="utf-16-le")]
    result, db = run_sources(tmp_path, sources)
    messages = dict(query(db, "select source, message from etl_runs where status = 'failed'"))
    assert list(messages) == ["a"]
    assert 'looks like UTF-16 text without a byte-order mark; set options.encoding = "utf-16-le"' in messages["a"]
    assert query(db, "select incident_id from stg_incidents") == [("b:G1",)]


def test_2_a_bom_or_zero_width_space_inside_xlsx_header_cells(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["生成式人工智能服务已备案信息"])
    workbook.active.append(["\ufeff序号", "属地", "大模型名称\u200b", "备案单位", "备案编号", "备案时间"])
    workbook.active.append(genai_row(1))
    workbook.save(tmp_path / "list.xlsx")
    result, db = run_sources(tmp_path, [genai_source("g", "list.xlsx")])
    assert result.returncode == 0, result.stdout
    assert query(db, "select registration_id, service_name from stg_registrations") == [
        ("Beijing-Model1-20230821", "模型1")
    ]


def test_11_json_on_bad_arguments_too():
    result = run_cli("run", "--json", "--no-such-flag")
    assert result.returncode == 2
    assert json.loads(result.stdout) == {"ok": False, "exit_code": 2, "error": "usage", "message": "bad arguments"}
    assert "unrecognized arguments: --no-such-flag" in result.stderr


def test_13_a_nul_character_anywhere_in_the_config_is_a_usage_error(tmp_path):
    config = tmp_path / "s.toml"
    config.write_text(
        '[[source]]\nname = "a"\nentity = "consent"\nadapter = "canonical"\nlocation = "a.csv"\n'
        'options = { id_prefix = "x\\u0000y" }\n',
        encoding="utf-8",
    )
    result = run_cli("run", "--sources", str(config), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2
    assert "source[0].options.id_prefix holds a NUL character (\\u0000); remove it" in result.stderr
