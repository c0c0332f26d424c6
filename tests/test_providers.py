"""Provider name normalisation and matching (etl/providers.py, etl/sql/*provider*.sql).

The fixture warehouse is tests/fixtures/adapters/sources.toml; its alias table is
tests/fixtures/adapters/provider_aliases.csv (jia, baidu, tencent, deepseek, and twin_a / twin_b,
whose legal names differ only by the company form, so their match key is shared).
"""

from __future__ import annotations

import csv

import pytest

from etl.providers import name_keys
from tests.conftest import FIXTURES, ROOT, query, run_cli


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    db = tmp_path_factory.mktemp("providers") / "w.duckdb"
    result = run_cli("run", "--sources", str(FIXTURES / "adapters" / "sources.toml"), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    return db


@pytest.mark.parametrize(
    ("name", "clean", "key"),
    [
        ("北京智谱华章科技股份有限公司", "北京智谱华章科技股份有限公司", "北京智谱华章科技"),
        ("北京智谱华章科技有限公司", "北京智谱华章科技有限公司", "北京智谱华章科技"),
        ("腾讯科技（北京）有限公司", "腾讯科技(北京)有限公司", "腾讯科技北京"),
        ("腾讯科技(北京)有限公司", "腾讯科技(北京)有限公司", "腾讯科技北京"),
        ("广州合立正通信息 科技有限公司", "广州合立正通信息科技有限公司", "广州合立正通信息科技"),
        ("字体美化大 师", "字体美化大师", "字体美化大师"),
        ("ＡＢＣ　科技", "ABC科技", "abc科技"),
        ("Tencent Holdings Ltd.", "Tencent Holdings Ltd.", "tencent"),
        ("tencent-holdings", "tencent-holdings", "tencent"),
        ("Moonshot AI", "Moonshot AI", "moonshotai"),
        ("Baidu, Inc.", "Baidu, Inc.", "baidu"),
        # A suffix alone is kept: the key never becomes empty.
        ("Group", "Group", "group"),
        # 京东方 (BOE) is not 京东 (JD): keys are compared whole, never by substring.
        ("京东方科技集团股份有限公司", "京东方科技集团股份有限公司", "京东方科技"),
    ],
)
def test_normalisation(name, clean, key):
    assert name_keys([name])[name] == (clean, key)


def test_match_methods_are_recorded(warehouse):
    got = query(
        warehouse,
        "select provider_name, provider_id, match_method, match_status from mart_incident_providers "
        "where match_status <> 'unmatched' order by 1",
    )
    assert got == [
        ("DeepSeek", "deepseek", "alias", "matched"),
        ("DeepSeek Artificial Intelligence Co", "deepseek", "alias", "matched"),
        ("Tencent Holdings Ltd.", "tencent", "normalised_name", "matched"),
        ("baidu", "baidu", "exact_id", "matched"),
        ("tencent-holdings", "tencent", "alias", "matched"),
        ("北京甲科技有限公司", "jia", "alias", "matched"),
        # Two providers share the key 双子科技: listed as ambiguous, not guessed.
        ("双子科技集团", None, None, "ambiguous"),
    ]


def test_unmatched_names_are_listed(warehouse):
    got = query(
        warehouse,
        "select provider_name, match_status, candidate_provider_ids from mart_provider_names_unmatched order by 1",
    )
    names = [r[0] for r in got]
    assert "双子科技集团" in names and "unknown-scammers" in names and "Polish Mayor" in names
    # 上海乙科技股份有限公司 is in no alias table but shares its key with a registered provider.
    assert "上海乙科技股份有限公司" not in names
    assert ("双子科技集团", "ambiguous", ["twin_a", "twin_b"]) in got
    assert len(got) == 16


def test_incidents_link_through_provider_and_service(warehouse):
    got = query(
        warehouse,
        """select incident_id, link_status, link_method, linked_registration_id, provider_match_method, service_match,
                  candidate_registration_count, is_filed_before_incident
           from mart_incidents where link_status = 'linked' order by 1""",
    )
    assert [r[1:] for r in got] == [
        # 乙相机 by 上海乙科技股份有限公司: the registered provider 上海乙科技有限公司 by normalised name;
        # reported 2022-01-05, before the list that carries the number (2022-08): not filed before.
        ("linked", "provider_only", "网信算备310107000000201230011号", "normalised_name", None, 1, False),
        # 甲助手 by 北京甲科技有限公司 (alias of jia): both 甲 registrations list the product 甲助手（APP）;
        # the earlier-filed one (2022-08-01) wins, filed before the 2024-05-01 notice.
        ("linked", "provider_and_service", "网信算备110108000000102220011号", "alias", "exact", 2, True),
    ]
    assert query(warehouse, "select count(*) from mart_incidents where link_status = 'unlinked'") == [(13,)]


def test_providers_mart_counts(warehouse):
    assert query(
        warehouse,
        "select provider_id, registration_count, incident_count, enforcement_count from mart_providers order by 1",
    ) == [
        ("baidu", 0, 1, 0),
        ("deepseek", 0, 1, 0),
        ("jia", 2, 0, 1),
        ("tencent", 0, 1, 1),
        ("twin_a", 0, 0, 0),
        ("twin_b", 0, 0, 0),
    ]


def test_seed_alias_table_covers_the_largest_chinese_providers():
    with open(ROOT / "data" / "provider_aliases.csv", encoding="utf-8", newline="") as handle:
        seed = {row["provider_id"]: row for row in csv.DictReader(handle)}
    assert len(seed) >= 25
    for provider in (
        "baidu",
        "alibaba",
        "tencent",
        "bytedance",
        "iflytek",
        "sensetime",
        "zhipu",
        "moonshot",
        "deepseek",
        "minimax",
        "baichuan",
        "kuaishou",
    ):
        assert seed[provider]["legal_names"], provider
    assert "北京百度网讯科技有限公司" in seed["baidu"]["legal_names"].split(";")
    # No legal name belongs to two providers.
    legal = [n for row in seed.values() for n in row["legal_names"].split(";") if n]
    assert len(legal) == len(set(legal))
