"""One definition of "active on date D" (dashboard/sql/_active_on.sql) for every registration
query: the Licensing KPI "active at period end" equals the active-by-month chart's point at the
period end, the map's, the ranked bars', top providers' and the briefing's totals, for every
real list loaded alone and for all of them together, over several periods. A number cancelled
without a date counts as cancelled from the first batch (or load) that shows it cancelled, and
the row says so (cancelled_date_basis)."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import pytest

from dashboard import queries
from dashboard.filters import Filters
from tests.conftest import FIXTURES, query, run_cli, write_config

REAL_TOML = FIXTURES / "real_sources.toml"
LISTS = ("cac_genai", "cac_deep_synthesis", "cac_algorithm")
PERIODS = ("all", "2022-Q1", "2022", "2023-03", "2023", "2024", "2025-Q2", "2025-12", "2026")
TODAY = date(2026, 11, 30)


def _real_source(name: str) -> dict:
    config = tomllib.loads(REAL_TOML.read_text(encoding="utf-8"))
    source = next(s for s in config["source"] if s["name"] == name)
    source = dict(source)
    source["location"] = str((REAL_TOML.parent / source["location"]).resolve())
    return source


@pytest.fixture(scope="module")
def real_dbs(real_data, tmp_path_factory) -> dict[str, Path]:
    dbs = {}
    for name in LISTS:
        folder = tmp_path_factory.mktemp(f"alone_{name}")
        # Each list alone, with the cancellation notices (they cancel numbers of any list).
        config = write_config(folder / "sources.toml", [_real_source(name), _real_source("cac_cancellations")])
        result = run_cli("run", "--sources", str(config), "--db", str(folder / "w.duckdb"), "--quiet")
        assert result.returncode == 0, result.stderr
        dbs[name] = folder / "w.duckdb"
    folder = tmp_path_factory.mktemp("all_real")
    result = run_cli("run", "--sources", str(REAL_TOML), "--db", str(folder / "w.duckdb"), "--quiet")
    assert result.returncode == 0, result.stderr
    dbs["all"] = folder / "w.duckdb"
    return dbs


def _figures(db: Path, f: Filters) -> dict[str, int]:
    kpi = queries.registration_kpis(f, db)
    chart = queries.active_registrations_by_month(f, db)
    by_jurisdiction = queries.registrations_by_jurisdiction(f, db)
    top = queries.top_providers(f, path=db)
    counts = queries.fetch(
        "period_counts_by_jurisdiction",
        {**f.params(), "categories": [], "threshold": 0.8},
        db,
    )
    return {
        "kpi": int(kpi["active_count"]),
        "chart_at_period_end": int(chart["active_count"].iloc[-1]) if len(chart) else 0,
        "map_total": int(by_jurisdiction["active_count"].sum()),
        "top_providers_total": int(top["total_active_count"].iloc[0]) if len(top) else 0,
        "briefing_total": int(counts["active_count"].sum()),
    }


@pytest.mark.parametrize("which", [*LISTS, "all"])
def test_active_at_period_end_is_one_number_everywhere(real_dbs, which):
    db = real_dbs[which]
    seen = set()
    for period in PERIODS:
        f = Filters(today=TODAY).with_period(period)
        figures = _figures(db, f)
        assert len(set(figures.values())) == 1, f"{which} {period}: {figures}"
        seen.add(figures["kpi"])
        # The previous period's KPI is the chart's point at the previous period's end too.
        previous = f.previous()
        if previous is not None:
            kpi = queries.registration_kpis(f, db)
            assert int(kpi["prev_active_count"]) == _figures(db, previous)["kpi"], f"{which} {period} previous"
    assert len(seen) > 1, f"{which}: every period gave the same figure, the test proves little"


# Undated cancellations ---------------------------------------------------------------------


def _algorithm_batch(path: Path, period: str, rows: list[tuple[str, str, str]]) -> Path:
    records = [
        {
            "序号": str(i),
            "算法名称": name,
            "角色": "服务提供者",
            "主体名称": "北京测试科技有限公司",
            "应用产品": "测试（APP）",
            "主要用途": "测试",
            "备案编号": number,
            "备注": remark,
        }
        for i, (number, name, remark) in enumerate(rows, 1)
    ]
    path.write_text(json.dumps({"batches": [{"period": period, "rows": records}]}, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture(scope="module")
def undated_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("undated")
    a = "网信算备110108000000001240001号"
    b = "网信算备110108000000002240002号"
    c = "网信算备110108000000003240003号"
    first = _algorithm_batch(folder / "b1.json", "2024-06", [(a, "甲算法", ""), (b, "乙算法", "")])
    second = _algorithm_batch(folder / "b2.json", "2024-08", [(b, "乙算法", "已注销"), (c, "丙算法", "已注销")])
    canonical = folder / "registrations.csv"
    canonical.write_text(
        "registration_id,kind,service_name,provider_name,filed_date,status\n"
        "Beijing-DingMoXing-20240301,filing,丁模型,北京丁科技有限公司,2024-03-01,cancelled\n",
        encoding="utf-8",
    )
    sources = [
        {"name": f"algo_{i}", "entity": "registrations", "adapter": "cac_algorithm", "registry": "cac_deep_synthesis",
         "location": str(p), "options": {"records": "batches[].rows[]"}}
        for i, p in enumerate((first, second), 1)
    ]  # fmt: skip
    sources.append(
        {
            "name": "canon",
            "entity": "registrations",
            "adapter": "canonical",
            "registry": "t",
            "location": str(canonical),
        }
    )
    config = write_config(folder / "sources.toml", sources)
    result = run_cli("run", "--sources", str(config), "--db", str(folder / "w.duckdb"), "--quiet")
    assert result.returncode == 0, result.stderr
    return folder / "w.duckdb"


def test_undated_cancellation_dates_from_its_first_batch_and_says_so(undated_db):
    rows = dict(
        (r[0][-6:], r[1:])
        for r in query(
            undated_db,
            "select registration_id, status, filed_date, cancelled_date, cancelled_date_basis from mart_registrations",
        )
    )
    assert rows["40001号"] == ("active", date(2024, 6, 1), None, None)
    # Listed active in 2024-06, cancelled in the 2024-08 batch: cancelled from 2024-08-01.
    assert rows["40002号"] == ("cancelled", date(2024, 6, 1), date(2024, 8, 1), "batch 2024-08")
    # First listed already cancelled: filed and cancelled with the batch, never active at a month end.
    assert rows["40003号"] == ("cancelled", date(2024, 8, 1), date(2024, 8, 1), "batch 2024-08")
    # No batch, no date anywhere: from the load that first saw it cancelled.
    (status, filed, cancelled, basis) = rows["240301"]
    load_day = query(undated_db, "select max(started_at)::date from etl_runs")[0][0]
    assert (status, filed, cancelled) == ("cancelled", date(2024, 3, 1), load_day)
    assert basis.startswith("load ")


def test_undated_cancellations_agree_between_kpi_and_chart(undated_db):
    for period, expected in (("2024-06", 3), ("2024-07", 3), ("2024-08", 2), ("2024", 2)):
        f = Filters(today=TODAY).with_period(period)
        figures = _figures(undated_db, f)
        assert set(figures.values()) == {expected}, (period, figures)
