"""Issue 15, "Hardening, round 2": each finding of the independent attack as a regression test.

Every ETL case loads a small good source beside the hostile one and checks that the good rows
survive. The numbers in the test names follow the issue's findings.
"""

from __future__ import annotations

import ast
import codecs
import csv
import io
import json
import re
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.readers import _unique_headers, read_csv
from tests.conftest import FIXTURES, ROOT, query, run_cli, write_config

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
