"""Whole runs: idempotency, history across loads, a failing source, the command line."""

from __future__ import annotations

import json
import shutil
import socket

import pytest

from tests.conftest import FIXTURES, query, run_cli, write_config


def is_run_column(name: str) -> bool:
    """Columns that name the run that wrote a row (`load_id`, `*_load_id`, `*_at`); everything
    else must be identical between two runs on the same inputs (previous_status included)."""
    return name == "load_id" or name.endswith(("_load_id", "_at"))


CONTENT_TABLES = [
    "stg_registrations",
    "stg_cancellations",
    "stg_incidents",
    "stg_consent",
    "quarantine",
    "etl_sources",
]


def snapshot(db):
    tables = {}
    marts = [
        r[0] for r in query(db, "select table_name from duckdb_tables() where table_name like 'mart\\_%' escape '\\'")
    ]
    assert "mart_registrations" in marts and "mart_incidents" in marts
    for table in CONTENT_TABLES + sorted(marts):
        cols = [r[0] for r in query(db, f"describe {table}") if not is_run_column(r[0])]
        select = ", ".join(f'"{c}"' for c in cols)
        tables[table] = query(db, f"select {select} from {table} order by all")
    return tables


def test_running_twice_gives_identical_contents(tmp_path):
    from tests.fixtures.corpus import write_corpus_sources

    db = tmp_path / "w.duckdb"
    config = write_corpus_sources(tmp_path / "inputs")  # the sample with its broken rows
    assert run_cli("run", "--sources", str(config), "--db", str(db), "--quiet").returncode == 0
    first = snapshot(db)
    assert run_cli("run", "--sources", str(config), "--db", str(db), "--quiet").returncode == 0
    second = snapshot(db)
    assert first == second
    assert len(first["mart_registrations"]) > 2000 and len(first["quarantine"]) > 5
    assert query(db, "select count(distinct load_id) from etl_runs") == [(2,)]
    # The second load saw no change in the lists.
    assert query(
        db, "select count(*) from mart_registration_changes where load_id = (select load_id from warehouse_meta)"
    ) == [(0,)]


def genai_csv(rows):
    header = "序号,属地,模型名称,备案单位,备案号,备案时间\n"
    return header + "".join(f"{i},{p},{n},{u},{k},{d}\n" for i, (p, n, u, k, d) in enumerate(rows, start=1))


A = ("北京市", "模型甲", "北京甲科技有限公司", "Beijing-JiA-20240101", "2024/1/1")
B = ("上海市", "模型乙", "上海乙科技有限公司", "Shanghai-YiB-20240102", "2024/1/2")
C = ("广东省", "模型丙", "广东丙科技有限公司", "Guangdong-BingC-20240103", "2024/1/3")


def test_history_first_seen_status_changes_and_delisting(tmp_path):
    db = tmp_path / "w.duckdb"
    config = write_config(
        tmp_path / "s.toml",
        [
            {
                "name": "genai",
                "entity": "registrations",
                "adapter": "cac_genai",
                "registry": "cac_genai",
                "location": "list.csv",
            },
            {"name": "cxl", "entity": "cancellations", "adapter": "canonical", "location": "cancel.csv"},
        ],
    )
    list_csv, cancel_csv = tmp_path / "list.csv", tmp_path / "cancel.csv"

    def run():
        result = run_cli("run", "--sources", str(config), "--db", str(db), "--quiet", "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["load_id"]

    list_csv.write_text(genai_csv([A, B]), encoding="utf-8")
    cancel_csv.write_text("registration_id,cancelled_date,notice\n", encoding="utf-8")
    load1 = run()
    list_csv.write_text(genai_csv([A, (B[0], "模型乙二代", *B[2:]), C]), encoding="utf-8")
    cancel_csv.write_text(f"registration_id,cancelled_date,notice\n{A[3]},2025年7月,公告\n", encoding="utf-8")
    load2 = run()
    list_csv.write_text(genai_csv([A, C]), encoding="utf-8")
    load3 = run()

    rows = query(
        db,
        """select registration_id, status, first_seen_load_id, last_seen_load_id, status_changed_load_id,
                  previous_status
           from mart_registrations order by 1""",
    )
    # previous_status is the status before the last change, kept by load 3 (which changed nothing
    # for A): never the previous load's copy of the current status.
    assert rows == [
        (A[3], "cancelled", load1, load3, load2, "active"),
        (C[3], "active", load2, load3, load2, None),
    ]
    run()  # the same inputs again: the history columns stay
    assert query(
        db, "select registration_id, status_changed_load_id, previous_status from mart_registrations order by 1"
    ) == [
        (A[3], load2, "active"),
        (C[3], load2, None),
    ]
    assert query(
        db, "select registration_id, last_seen_load_id, delisted_load_id from mart_registrations_delisted"
    ) == [(B[3], load2, load3)]
    changes = query(
        db,
        "select load_id, change_type, registration_id, old_value, new_value "
        "from mart_registration_changes where load_id <> $l order by all",
        {"l": load1},
    )
    assert changes == [
        (load2, "cancelled", A[3], "active", "cancelled"),
        (load2, "new", C[3], None, "模型丙"),
        (load2, "renamed", B[3], "模型乙", "模型乙二代"),
        (load3, "delisted", B[3], "模型乙二代", None),
    ]
    assert query(db, "select count(*) from mart_registration_changes where load_id = $l", {"l": load1}) == [(2,)]


def test_a_failing_source_keeps_its_previous_rows_and_the_others_load(tmp_path):
    db = tmp_path / "w.duckdb"
    for name in ("incidents.csv", "consent.csv"):
        shutil.copy(FIXTURES / "canonical" / name, tmp_path / name)
    config = write_config(
        tmp_path / "s.toml",
        [
            {"name": "inc", "entity": "incidents", "adapter": "canonical", "location": "incidents.csv"},
            {"name": "con", "entity": "consent", "adapter": "canonical", "location": "consent.csv"},
        ],
    )
    assert run_cli("run", "--sources", str(config), "--db", str(db), "--quiet").returncode == 0
    first_load = query(db, "select load_id from warehouse_meta")[0][0]
    (tmp_path / "incidents.csv").unlink()
    (tmp_path / "consent.csv").write_text(
        "registration_id,dataset_name,has_personal_info\nX-1,new data,no\n", encoding="utf-8"
    )
    result = run_cli("run", "--sources", str(config), "--db", str(db))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "incidents.csv: file not found. Check the location in the sources config." in result.stdout
    assert "kept 3 rows from the previous load" in result.stdout
    # The incidents (and their quarantine) are those of the first load; consent is new.
    assert query(db, "select count(*), min(load_id) from stg_incidents") == [(3, first_load)]
    assert query(db, "select count(*) from quarantine where source = 'inc'") == [(8,)]
    assert query(db, "select dataset_name from stg_consent") == [("new data",)]
    assert query(db, "select source, data_load_id = $l from etl_sources order by 1", {"l": first_load}) == [
        ("con", False),
        ("inc", True),
    ]
    assert query(db, "select source, status from etl_runs where load_id <> $l order by 1", {"l": first_load}) == [
        ("con", "loaded"),
        ("inc", "failed"),
    ]


def test_json_summary_and_status(tmp_path, sample_warehouse):
    result = run_cli("status", "--db", str(sample_warehouse), "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["is_sample"] is True
    by_source = {s["source"]: s for s in status["sources"]}
    assert by_source["sample_incidents"]["last_status"] == "loaded"
    # The generator writes 3,000 incidents, one valid row with hostile text and 5 flawed rows.
    assert by_source["sample_incidents"]["rows"] == 3001
    assert by_source["sample_incidents"]["quarantined"] == 5
    text = run_cli("status", "--db", str(sample_warehouse))
    assert text.returncode == 0
    assert "(built-in sample data)" in text.stdout and "sample_genai_xlsx" in text.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["frobnicate"], 2, "invalid choice"),
        (["run", "--sources", "/nonexistent/sources.toml"], 2, "sources config not found"),
        (["status", "--db", "/nonexistent/w.duckdb"], 1, "no warehouse yet. Build it with: python -m etl run"),
        (["sample", "--scale", "0"], 2, "--scale must be greater than 0"),
    ],
)
def test_usage_errors_have_clear_messages_and_exit_codes(args, code, message):
    result = run_cli(*args)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_config_names_the_file_and_the_problem(tmp_path):
    config = tmp_path / "s.toml"
    config.write_text('[[source]]\nname = "x"\nentity = "widgets"\nadapter = "canonical"\nlocation = "a.csv"\n')
    result = run_cli("run", "--sources", str(config), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2
    assert f"{config}: source 'x': unknown entity 'widgets'" in result.stderr


def test_unreachable_url_source_fails_alone_with_a_clear_message(tmp_path):
    with socket.socket() as sock:  # a loopback port with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    shutil.copy(FIXTURES / "canonical" / "consent.csv", tmp_path / "consent.csv")
    config = write_config(
        tmp_path / "s.toml",
        [
            {
                "name": "remote",
                "entity": "incidents",
                "adapter": "canonical",
                "location": f"http://127.0.0.1:{port}/incidents.csv",
                "options": {"timeout": 2},
            },
            {"name": "con", "entity": "consent", "adapter": "canonical", "location": "consent.csv"},
        ],
    )
    db = tmp_path / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db))
    assert result.returncode == 1
    assert f"http://127.0.0.1:{port}/incidents.csv: could not download" in result.stdout
    assert query(db, "select count(*) from stg_consent") == [(3,)]
