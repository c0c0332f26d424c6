"""cac_algorithm and cac_cancellations on hand-written fixtures (tests/fixtures/adapters/).

Expected values are read off the fixture files by eye; each file has one row per quirk:
- deep_synthesis_gb18030.csv (GB18030, title line 1, header line 2): line 3 甲 with products
  `甲助手（APP）、甲（网站、小程序）` (the 、 inside brackets does not split); line 4 乙, a
  technical supporter with `--` products, spaces in the provider and in the number; line 5 a
  repeated header; line 6 丙, full-width digits in the number and `2024年3月已注销` in 备注;
  line 7 丁 with no number (quarantined).
- algorithm_list.json: batches 2022-08 (甲 recommendation, a rename in 备注; 乙 again, the same
  number as in the deep-synthesis list) and 2023-01 (戊, division code 99…, no province).
- cancellations.json: 甲 (notice 2025-07-14, month 2025年7月), an unknown number, 乙 written with
  a space (month 2025年8月, notice 2025-09-11), and 甲 again (a duplicate).
"""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, query, run_cli

JIA_DEEP = "网信算备110108000000101230019号"
JIA_ALGO = "网信算备110108000000102220011号"
YI = "网信算备310107000000201230011号"
BING = "网信算备330110000000301240013号"
WU = "网信算备999999000000103230015号"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    db = tmp_path_factory.mktemp("adapters") / "w.duckdb"
    result = run_cli("run", "--sources", str(FIXTURES / "adapters" / "sources.toml"), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    return db


def test_lists_load_with_role_category_products_and_province_from_the_number(warehouse):
    rows = query(
        warehouse,
        """select registration_id, provider_role, category, products, jurisdiction_code, provider_name
           from stg_registrations order by source, source_line""",
    )
    assert rows == [
        (JIA_ALGO, None, "个性化推送类", ["甲助手(APP)"], "CN-BJ", "北京甲科技有限公司"),
        (YI, None, "生成合成类", [], "CN-SH", "上海乙科技有限公司"),
        (WU, None, "检索过滤类", ["戊搜索(APP)"], None, "戊科技(北京)有限公司"),
        (JIA_DEEP, "服务提供者", None, ["甲助手(APP)", "甲(网站、小程序)"], "CN-BJ", "北京甲科技有限公司"),
        # Spaces left in the provider (上海 乙 科技) and in the number are removed.
        (YI, "服务技术支持者", None, [], "CN-SH", "上海乙科技有限公司"),
        (BING, "服务提供者", None, ["丙相机(APP)"], "CN-ZJ", "杭州丙网络有限公司"),
    ]


def test_filed_date_comes_from_the_batch_and_says_so(warehouse):
    rows = query(
        warehouse,
        "select registration_id, filed_date::varchar, batch, filed_date_note from stg_registrations "
        "where source = 'deep' order by source_line",
    )
    # The CSV's batch comes from its title line 境内深度合成服务算法备案清单（2023年6月）.
    assert {(r[1], r[2]) for r in rows} == {("2023-06-01", "2023-06")}
    assert rows[0][3] == "batch date (the list gives no filing date)"


def test_remarks_cancel_and_renames_are_noted(warehouse):
    assert query(
        warehouse,
        f"select status, cancelled_date::varchar, remarks from stg_registrations where registration_id = '{BING}'",
    ) == [("cancelled", "2024-03-01", "2024年3月已注销")]
    messages = dict(query(warehouse, "select source, message from etl_runs"))
    assert "1 repeated header row(s) skipped" in messages["deep"]
    assert "1 number(s) marked cancelled in 备注" in messages["deep"]
    assert "encoding gb18030" in messages["deep"]
    assert "1 rename(s) or change(s) noted in 备注" in messages["algo"]


def test_missing_number_is_quarantined_with_its_line(warehouse):
    assert query(warehouse, "select source_line, rules, reason from quarantine where source = 'deep'") == [
        (7, ["required"], "registration_id: registration_id is required but empty")
    ]


def test_numbers_are_unique_across_lists(warehouse):
    # 3 deep-synthesis + 3 algorithm numbers, 乙 in both lists: 5 unique.
    assert query(warehouse, "select count(*), count(distinct registration_id) from mart_registrations") == [(5, 5)]
    assert query(
        warehouse, f"select registries, filed_date::varchar from mart_registrations where registration_id = '{YI}'"
    ) == [(["cac_algorithm", "cac_deep_synthesis"], "2022-08-01")]


def test_cancellations_set_status_and_date_and_keep_unknown_numbers(warehouse):
    assert query(
        warehouse,
        "select registration_id, status, cancelled_date::varchar from mart_registrations "
        "where status = 'cancelled' order by 1",
    ) == [
        (JIA_ALGO, "cancelled", "2025-07-14"),  # the notice's own date, in the month given
        (YI, "cancelled", "2025-08-01"),  # notice dated September for an August month: the month
        (BING, "cancelled", "2024-03-01"),  # from 备注
    ]
    assert query(warehouse, "select registration_id from mart_cancellations_unmatched") == [
        ("网信算备440300000000901240019号",)
    ]
    assert query(warehouse, "select source_line, rules from quarantine where source = 'cancel'") == [
        (4, ["duplicate_key"])
    ]
