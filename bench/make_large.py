"""Large benchmark inputs in the real layouts, generated inside DuckDB (10M rows in seconds).

    python bench/make_large.py --out bench/out/large --incidents 10000000 --registrations 200000 --consent 1000000

Writes a CAC-layout generative-AI list (Chinese headers, UTF-8 CSV), canonical incidents and
consent CSVs, the provider alias table, and a sources.toml that loads them with the project's sector rules and SASAC's
list. Values are derived from hashes of the row number, so the files are the same on every run.
About one row in 100,000 is deliberately flawed, so validation and quarantine do real work at
scale.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import duckdb

from core.schema import INCIDENT_CATEGORIES

PROVINCES = [
    "Beijing",
    "Shanghai",
    "Guangdong",
    "Jiangsu",
    "ZheJiang",
    "Shandong",
    "Sichuan",
    "Hubei",
    "Anhui",
    "Fujian",
    "Tianjin",
    "ChongQing",
    "Hunan",
    "Hebei",
    "ShaanXi",
    "Henan",
    "Liaoning",
    "Guangxi",
    "Yunnan",
    "Guizhou",
    "Jiangxi",
    "Shanxi",
    "Heilongjiang",
    "Jilin",
    "Gansu",
    "Neimenggu",
    "Xinjiang",
    "Ningxia",
    "Qinghai",
    "Hainan",
    "Xizang",
    "ZhongYangQiYe",
]
CATEGORIES = list(INCIDENT_CATEGORIES)
# Words a service name ends with, so the sector rules (data/sector_rules.csv) have work to do:
# most names give no sector, as in the real list.
SERVICE_WORDS = [
    "",
    "",
    "",
    "",
    "大模型",
    "智能客服",
    "医疗助手",
    "教育大模型",
    "写作",
    "金融问答",
    "政务助手",
    "汽车座舱",
]
ROOT = Path(__file__).resolve().parents[1]


def sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v + "'" for v in values) + "]"


def make(out: Path, incidents: int, registrations: int, consent: int) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = true")
    # A deterministic pseudo-random whole number in [0, n) for row i and stream k.
    con.execute("create macro h(i, k, n) as (hash(i, k) % n)::bigint")
    provinces = sql_list(PROVINCES)
    categories = sql_list(CATEGORIES)
    words = sql_list(SERVICE_WORDS)
    t0 = time.perf_counter()
    con.execute(f"""
        copy (
            select
                i + 1 as "序号",
                case when {provinces}[1 + h(i, 1, 32)] = 'ZhongYangQiYe' then '国资委' else '' end as "属地",
                '模型' || i || {words}[1 + h(i, 6, {len(SERVICE_WORDS)})] as "大模型名称",
                '示例科技有限公司' || (h(i, 2, 20000)) as "备案单位",
                {provinces}[1 + h(i, 1, 32)] || '-MoXing' || i || '-'
                    || strftime(date '2023-08-01' + (h(i, 3, 1150))::int, '%Y%m%d')
                    || case when h(i, 4, 10) < 4 then 'S' || lpad((i % 10000)::varchar, 4, '0') else '' end
                    as "备案编号",
                strftime(date '2023-08-01' + (h(i, 3, 1150))::int, '%Y/%-m/%-d')
                    || case when h(i, 5, 50) = 0 then '（补登）' else '' end as "备案时间",
            from range({registrations}) as t(i)
        ) to '{out / "genai.csv"}' (header, delimiter ',')
    """)
    con.execute(f"""
        copy (
            select
                'L' || i as incident_id,
                case when h(i, 1, 5) = 0 then 'enforcement' else 'incident' end as record_type,
                case when i % 100000 = 7 then '2024-02-30'
                     else strftime(date '2019-01-01' + (h(i, 2, 2850))::int, '%Y-%m-%d') end as occurred_date,
                strftime(date '2019-01-01' + (h(i, 2, 2850))::int + 3, '%Y-%m-%d') as reported_date,
                'Incident number ' || i as title,
                'Generated description of incident ' || i || ', for the benchmark.' as description,
                case when h(i, 3, 3) = 0 then 'CN' else 'US' end as country,
                '' as jurisdiction_code,
                'provider-' || (h(i, 4, 50000)) as provider_names,
                '' as service_name,
                case when i % 100000 = 13 then 'weather' else {categories}[1 + h(i, 5, 12)] end as category,
                ['low', 'medium', 'high', 'critical', 'unknown'][1 + h(i, 6, 5)] as severity,
                '' as issuing_body,
                '' as enforcement_action,
                case when h(i, 1, 5) = 0 then (h(i, 7, 1000000))::varchar else '' end as penalty_amount,
                case when h(i, 1, 5) = 0 then 'CNY' else '' end as penalty_currency,
                'open' as status,
                '' as registration_id,
                'https://example.org/' || i as url,
            from range({incidents}) as t(i)
        ) to '{out / "incidents.csv"}' (header, delimiter ',')
    """)
    con.execute(f"""
        copy (
            select
                'Beijing-MoXing' || (i // 5) as registration_id,
                'dataset-' || i as dataset_name,
                ['yes', 'yes', 'no', 'unknown'][1 + h(i, 1, 4)] as has_personal_info,
                case when h(i, 1, 4) < 2 then (1000 + h(i, 2, 1000000))::varchar else '' end
                    as personal_records,
                case when h(i, 1, 4) < 2 then ((1000 + h(i, 2, 1000000)) * (h(i, 3, 101)) // 100)::varchar
                     else '' end as consented_records,
                ['yes', 'no', 'unknown'][1 + h(i, 4, 3)] as has_sensitive_info,
                ['consent', 'separate_consent', 'contract', 'other', 'unknown'][1 + h(i, 5, 5)] as legal_basis,
                strftime(date '2024-01-01' + (h(i, 6, 1000))::int, '%Y-%m-%d') as audit_date,
            from range({consent}) as t(i)
        ) to '{out / "consent.csv"}' (header, delimiter ',')
    """)
    aliases = Path(__file__).resolve().parents[1] / "data" / "provider_aliases.csv"
    (out / "provider_aliases.csv").write_bytes(aliases.read_bytes())
    (out / "genai_new.csv").unlink(missing_ok=True)
    (out / "sources.toml").write_text(
        """[[source]]
name = "large_genai"
entity = "registrations"
adapter = "cac_genai"
registry = "cac_genai"
location = "genai*.csv"  # bench_etl.py adds genai_new.csv to time a new batch

[[source]]
name = "large_aliases"
entity = "provider_aliases"
adapter = "canonical"
location = "provider_aliases.csv"

[[source]]
name = "large_incidents"
entity = "incidents"
adapter = "canonical"
location = "incidents.csv"

[[source]]
name = "large_consent"
entity = "consent"
adapter = "canonical"
location = "consent.csv"
"""
        # The project's sector rules and SASAC's list, so the run tags every registration.
        + "".join(
            f'\n[[source]]\nname = "{name}"\nentity = "{name}"\nadapter = "canonical"\n'
            f"location = {json.dumps(str(ROOT / 'data' / (name + '.csv')))}\n"
            for name in ("sector_rules", "central_enterprises")
        ),
        encoding="utf-8",
    )
    print(f"wrote {out} in {time.perf_counter() - t0:.1f} s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/out/large"))
    parser.add_argument("--incidents", type=int, default=10_000_000)
    parser.add_argument("--registrations", type=int, default=200_000)
    parser.add_argument("--consent", type=int, default=1_000_000)
    args = parser.parse_args()
    make(args.out, args.incidents, args.registrations, args.consent)


if __name__ == "__main__":
    main()
