"""Hostile and broken input for every adapter: each gives loaded rows plus quarantined rows with
reasons, or a clear failure of that source alone. Never a traceback, never a hang, and good rows
in the same file are never lost.

The corpus is written into tmp_path from the hand-written fixtures (tests/fixtures/), so every
broken file sits next to the good file it was derived from.
"""

from __future__ import annotations

import random
import shutil
import tomllib

import openpyxl
import pytest

from tests.conftest import FIXTURES, query, run_cli, write_config

ADAPTER_FIXTURES = FIXTURES / "adapters"
CANONICAL = FIXTURES / "canonical"

GENAI_CSV = (
    "序号,属地,模型名称,备案单位,备案号,备案时间\n"
    "1,北京市,文心一言,北京百度网讯科技有限公司,Beijing-WenXinYiYan-20230821,2023/8/31\n"
)


def base_sources(tmp_path):
    """Every adapter's fixture declaration, with its files copied beside the corpus."""
    for f in ADAPTER_FIXTURES.iterdir():
        shutil.copy(f, tmp_path / f.name)
    for f in CANONICAL.iterdir():
        shutil.copy(f, tmp_path / f"canonical_{f.name}")
    (tmp_path / "genai.csv").write_text(GENAI_CSV, encoding="utf-8")
    declared = tomllib.loads((ADAPTER_FIXTURES / "sources.toml").read_text(encoding="utf-8"))["source"]
    declared += [
        {
            "name": "genai",
            "entity": "registrations",
            "adapter": "cac_genai",
            "registry": "cac_genai",
            "location": "genai.csv",
        },
        {"name": "canon_inc", "entity": "incidents", "adapter": "canonical", "location": "canonical_incidents.csv"},
        {
            "name": "canon_reg",
            "entity": "registrations",
            "adapter": "canonical",
            "registry": "r",
            "location": "canonical_registrations.csv",
        },
        {"name": "canon_con", "entity": "consent", "adapter": "canonical", "location": "canonical_consent.csv"},
    ]
    return declared


def variants(tmp_path, source, rng):
    """Broken versions of one source's good file: (case, file name)."""
    good = tmp_path / source["location"]
    data = good.read_bytes()
    suffix = good.suffix
    out = []

    def write(case, content: bytes):
        path = tmp_path / f"{source['name']}__{case}{suffix}"
        path.write_bytes(content)
        out.append((case, path.name))

    write("empty", b"")
    write("garbage", bytes(rng.randrange(256) for _ in range(4096)))
    write("truncated", data[: int(len(data) * 0.7)])
    if suffix == ".json":
        write("wrong_shape", b'{"unexpected": {"rows": 3}}')
        write("not_json", b"<html><body>404 Not Found</body></html>")
    else:
        write("header_only", data.split(b"\n", 1)[0] + b"\n")
        write("wrong_encoding", data.decode("utf-8", "replace").encode("utf-16"))
        text = data.decode("utf-8", "replace")
        write("mixed_encoding", text.encode("utf-8") + text.splitlines()[-1].encode("gb18030", "replace") + b"\n")
    return out


def test_every_adapter_survives_the_corpus_and_fails_alone(tmp_path):
    rng = random.Random(42)
    sources = []
    for source in base_sources(tmp_path):
        if source["entity"] == "provider_aliases":
            continue
        for case, name in variants(tmp_path, source, rng):
            sources.append({**source, "name": f"{source['name']}__{case}", "location": name})
    sources.append({"name": "good", "entity": "consent", "adapter": "canonical", "location": "canonical_consent.csv"})
    config = write_config(tmp_path / "sources.toml", sources)
    db = tmp_path / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), timeout=300)
    assert result.returncode in (0, 1)
    assert "Traceback" not in result.stdout + result.stderr
    runs = dict(query(db, "select source, status from etl_runs"))
    assert set(runs) == {s["name"] for s in sources}
    assert runs["good"] == "loaded"
    assert query(db, "select count(*) from stg_consent where source = 'good'") == [(3,)]
    failed = query(db, "select source, message from etl_runs where status = 'failed'")
    for source, message in failed:
        location = next(s["location"] for s in sources if s["name"] == source)
        # Every failure names the file and says what is wrong.
        assert location in message, (source, message)
        assert len(message) > len(str(tmp_path / location)) + 10, (source, message)
    # Empty and garbage files always fail clearly; nothing of theirs is loaded.
    for source in sources:
        if source["name"].endswith(("__empty", "__garbage")):
            assert runs[source["name"]] == "failed", source["name"]
    assert len(sources) > 50


def write_incidents(path, rows):
    header = (
        "incident_id,record_type,occurred_date,reported_date,title,description,country,jurisdiction_code,"
        "provider_names,service_name,category,severity,issuing_body,enforcement_action,penalty_amount,"
        "penalty_currency,status,registration_id,url\n"
    )
    path.write_text(header + "".join(rows), encoding="utf-8")


def incident(i, title="ok", date="2024-01-01", amount="", category="privacy", description=""):
    def quoted(text):
        return '"' + text.replace('"', '""') + '"'

    return f"G{i},incident,{date},,{quoted(title)},{quoted(description)},CN,,acme,,{category},low,,,{amount},,open,,\n"


def test_good_rows_survive_every_broken_row_in_the_same_file(tmp_path):
    big = "x" * 10_000_000
    rows = [
        incident(1),
        incident(2, title='=HYPERLINK("http://evil.example","click")'),
        incident(3, title="<script>alert(1)</script><b>bold</b>"),
        "G4,incident,2024-01-01,too,few,columns\n",
        incident(5, description=big),
        "G6,incident,2024-01-01,,extra,,CN,,acme,,privacy,low,,,,,open,,,x,y\n",
        incident(7, date="2999-01-01"),
        incident(8, date="1899-12-31"),
        incident(9, amount="-5"),
        incident(10, amount="1e20"),
        "incident_id,record_type,occurred_date,reported_date,title,description,country,jurisdiction_code,"
        "provider_names,service_name,category,severity,issuing_body,enforcement_action,penalty_amount,"
        "penalty_currency,status,registration_id,url\n",
        incident(11, title="@SUM(A1:A9)"),
        incident(12),
        'G13,incident,2024-01-01,,"unterminated quote,,CN\n',
    ]
    path = tmp_path / "incidents.csv"
    write_incidents(path, rows)
    config = write_config(
        tmp_path / "s.toml",
        [
            {
                "name": "inc",
                "entity": "incidents",
                "adapter": "canonical",
                "location": "incidents.csv",
                "options": {"id_prefix": "t"},
            },
        ],
    )
    db = tmp_path / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    loaded = dict(query(db, "select incident_id, title from stg_incidents"))
    assert set(loaded) == {"t:G1", "t:G2", "t:G3", "t:G5", "t:G11", "t:G12"}
    # Hostile text is stored as published; the app escapes it and exports neutralise it.
    assert loaded["t:G2"] == '=HYPERLINK("http://evil.example","click")'
    assert loaded["t:G3"] == "<script>alert(1)</script><b>bold</b>"
    assert query(db, "select length(description) from stg_incidents where incident_id = 't:G5'") == [(10_000_000,)]
    reasons = {line: rules for line, rules in query(db, "select source_line, rules from quarantine")}
    # Lines: 1 header, then the rows above in order (G5's 10 MB cell is one line).
    assert reasons == {
        5: ["structure"],  # G4: too few columns
        7: ["structure"],  # G6: too many columns
        8: ["date_plausible"],  # G7: 2999
        9: ["date_plausible"],  # G8: 1899
        10: ["number_range"],  # G9: negative
        11: ["number_range"],  # G10: 1e20
        # The header repeated mid-file: every typed field holds its own name. record_type,
        # occurred_date, reported_date, jurisdiction_code, category, severity, penalty_amount.
        12: [
            "known_value",
            "date_parses",
            "date_parses",
            "known_jurisdiction",
            "known_value",
            "known_value",
            "number_parses",
        ],
        15: ["structure"],  # G13: the unterminated quote at the end of the file
    }


def test_xlsx_with_several_sheets_picks_the_declared_one(tmp_path):
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "说明"
    notes.append(["本表为生成式人工智能服务已备案信息"])
    data = workbook.create_sheet("备案信息")
    data.append(["序号", "属地", "大模型名称", "备案单位", "备案编号", "备案时间"])
    data.append([1, "北京市", "文心一言", "北京百度网讯科技有限公司", "Beijing-WenXinYiYan-20230821", "2023/8/31"])
    workbook.save(tmp_path / "list.xlsx")
    config = write_config(
        tmp_path / "s.toml",
        [
            {
                "name": "first",
                "entity": "registrations",
                "adapter": "cac_genai",
                "registry": "g",
                "location": "list.xlsx",
            },
            {
                "name": "named",
                "entity": "registrations",
                "adapter": "cac_genai",
                "registry": "g",
                "location": "list.xlsx",
                "options": {"sheet": "备案信息"},
            },
            {
                "name": "missing",
                "entity": "registrations",
                "adapter": "cac_genai",
                "registry": "g",
                "location": "list.xlsx",
                "options": {"sheet": "Sheet9"},
            },
        ],
    )
    db = tmp_path / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db))
    assert result.returncode == 1
    assert dict(query(db, "select source, status from etl_runs")) == {
        "first": "failed",
        "named": "loaded",
        "missing": "failed",
    }
    assert "required columns missing" in result.stdout  # the notes sheet has no list header
    assert "no sheet 'Sheet9'; sheets found: ['说明', '备案信息']. Set options.sheet." in result.stdout
    assert query(db, "select registration_id from stg_registrations") == [("Beijing-WenXinYiYan-20230821",)]


def test_password_protected_xlsx_fails_with_a_clear_message(tmp_path):
    # An encrypted workbook is an OLE compound file, not a ZIP; this one carries the OLE magic
    # bytes, which is what the reader recognises.
    (tmp_path / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))
    config = write_config(
        tmp_path / "s.toml",
        [
            {
                "name": "locked",
                "entity": "registrations",
                "adapter": "cac_genai",
                "registry": "g",
                "location": "locked.xlsx",
            },
        ],
    )
    result = run_cli("run", "--sources", str(config), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 1
    assert "locked.xlsx: cannot open: it is encrypted (password-protected); save an unprotected copy." in result.stdout


@pytest.mark.parametrize("declared", ["utf-8", "auto"])
def test_mixed_encodings_keep_the_good_lines(tmp_path, declared):
    good = GENAI_CSV.encode("utf-8")
    bad = "2,上海市,海螺,上海稀宇科技有限公司,Shanghai-HaiLuo-20231201,2023/12/1\n".encode("gb18030")
    more = "3,广东省,元宝,深圳市腾讯计算机系统有限公司,Guangdong-YuanBao-20240501,2024/5/1\n".encode()
    (tmp_path / "list.csv").write_bytes(good + bad + more)
    config = write_config(
        tmp_path / "s.toml",
        [
            {
                "name": "g",
                "entity": "registrations",
                "adapter": "cac_genai",
                "registry": "g",
                "location": "list.csv",
                "options": {"encoding": declared},
            },
        ],
    )
    db = tmp_path / "w.duckdb"
    assert run_cli("run", "--sources", str(config), "--db", str(db)).returncode == 0
    assert query(db, "select registration_id, provider_name from stg_registrations order by 1") == [
        ("Beijing-WenXinYiYan-20230821", "北京百度网讯科技有限公司"),
        ("Guangdong-YuanBao-20240501", "深圳市腾讯计算机系统有限公司"),
    ]
    assert query(db, "select source_line, rules from quarantine") == [(3, ["structure"])]
