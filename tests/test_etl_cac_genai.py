"""The CAC generative-AI list adapter on tiny hand-written inputs, in every layout it reads."""

from __future__ import annotations

import json

import openpyxl
import pytest

from tests.conftest import query, run_cli, write_config

OLD_LAYOUT = """生成式人工智能服务已备案信息（2024年8月）
序号,属地,模型名称,备案单位,备案号,备案时间
1,北京市,文心一言,北京百度网讯科技有限公司,Beijing-WenXinYiYan-20230821,2023/8/31
2,浙江省,通义千问,阿里巴巴（中国）有限公司,ZheJiang-TongYiQianWen-20230901,2023/9/1
3,国资委,九天,中国移动通信集团有限公司,ZhongYangQiYe-JiuTian-20231101,2023/11/1
4,,海螺,上海稀宇科技有限公司,Shinghai-HaiLuo-20231201,2023/12/1
5,北京市,坏日期,北京某科技有限公司,Beijing-HuaiRiQi-20240101,2024/13/45
6,上海市,无单位,,Shanghai-WuDanWei-20240102,2024/1/2
序号,属地,应用/功能名称,登记单位,上线编号,登记时间
1,北京,百度App,北京百度网讯科技有限公司,Beijing-BaiDuApp-20240428S0001,2024/5/6（补登）
2,广东省,腾讯元宝,深圳市腾讯计算机系统有限公司,Guangdong-YuanBao-20240501S0001,2024/5/8
3,火星省,火星应用,火星科技有限公司,Huoxing-HuoXing-20240601S0001,2024/6/1
4,北京市,百度App,北京百度网讯科技有限公司,Beijing-BaiDuApp-20240428S0001,2024/5/6
"""
# Lines: 1 title, 2 header, 3-8 filings 1-6, 9 sub-header, 10-13 registrations 1-4.
OLD_LOADED = {
    "Beijing-WenXinYiYan-20230821": ("filing", "CN-BJ", None),
    "ZheJiang-TongYiQianWen-20230901": ("filing", "CN-ZJ", None),
    "ZhongYangQiYe-JiuTian-20231101": ("filing", "CN-SOE", None),
    "Shinghai-HaiLuo-20231201": ("filing", "CN-SH", None),  # empty 属地: the misspelt prefix decides
    "Beijing-BaiDuApp-20240428S0001": ("registration", "CN-BJ", "补登"),
    "Guangdong-YuanBao-20240501S0001": ("registration", "CN-GD", None),
}
OLD_QUARANTINE = [
    (7, ["date_parses"], 'filed_date: filed_date "2024/13/45" is not a date; expected YYYY-MM-DD or YYYY/M/D'),
    (8, ["required"], "provider_name: provider_name is required but empty"),
    (12, ["known_jurisdiction"], 'jurisdiction_code: jurisdiction "火星省" is not a known province or region'),
    (13, ["duplicate_key"], 'registration_id: duplicate key "Beijing-BaiDuApp-20240428S0001" first seen on line 10'),
]

NEW_HEADER = ["序号", "属地", "大模型名称", "备案单位", "备案编号", "备案时间"]
SUB_HEADER = ["序号", "属地", "应用/功能名称", "登记单位", "上线编号", "登记时间"]


def load(tmp_path, location, **options):
    config = write_config(
        tmp_path / "sources.toml",
        [
            {
                "name": "genai",
                "entity": "registrations",
                "adapter": "cac_genai",
                "registry": "cac_genai",
                "location": location,
                **({"options": options} if options else {}),
            }
        ],
    )
    db = tmp_path / "w.duckdb"
    result = run_cli("run", "--sources", str(config), "--db", str(db), "--quiet")
    return result, db


def registrations(db):
    rows = query(db, "select registration_id, kind, jurisdiction_code, filed_date_note from mart_registrations")
    return {r[0]: r[1:] for r in rows}


def quarantine(db):
    return query(db, "select source_line, rules, reason from quarantine order by source_line")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
def test_old_layout_csv_in_every_encoding(tmp_path, encoding):
    (tmp_path / "list.csv").write_bytes(OLD_LAYOUT.encode(encoding))
    result, db = load(tmp_path, "list.csv")
    assert result.returncode == 0, result.stderr
    assert registrations(db) == OLD_LOADED
    assert quarantine(db) == OLD_QUARANTINE
    # The title gives the batch; the embedded sub-header is skipped, not loaded or quarantined.
    assert query(db, "select distinct batch from mart_registrations") == [("2024-08",)]
    message = query(db, "select message from etl_runs")[0][0]
    assert "1 embedded sub-header row(s) skipped" in message
    assert query(db, "select count(*) from mart_registrations where service_name = '应用/功能名称'") == [(0,)]


def test_declared_encoding_wins(tmp_path):
    (tmp_path / "list.csv").write_bytes(OLD_LAYOUT.encode("gb18030"))
    result, db = load(tmp_path, "list.csv", encoding="gb18030")
    assert result.returncode == 0, result.stderr
    assert registrations(db) == OLD_LOADED


def write_new_layout_xlsx(path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["生成式人工智能服务已备案和已登记信息（2025年12月）"])
    sheet.merge_cells("A1:F1")
    sheet.append(NEW_HEADER)
    sheet.append([1, "上海市", "书生", "上海人工智能实验室", "Shanghai-ShuSheng-20250301", "2025/3/5"])
    sheet.append([2, "陕西省", "秦岭", "西安某科技有限公司", "ShaanXi-QinLing-20250302", "2025/3/6"])
    sheet.append([3, "山西省", "晋韵", "太原某科技有限公司", "ShanXi-JinYun-20250303", "2025/3/7"])
    sheet.append(SUB_HEADER)
    sheet.append([1, "江苏省", "苏小智", "南京某科技有限公司", "Jiangsu-SuXiaoZhi-20250401S0001", "2025/4/1（补登）"])
    sheet.append([2, "江苏省", "未来应用", "苏州某科技有限公司", "Jiangsu-WeiLai-20250402S0001", "2031/4/1"])
    workbook.save(path)


def test_new_layout_xlsx_with_title_and_merged_cells(tmp_path):
    write_new_layout_xlsx(tmp_path / "genai_2025-12.xlsx")
    result, db = load(tmp_path, "genai_2025-12.xlsx")
    assert result.returncode == 0, result.stderr
    assert registrations(db) == {
        "Shanghai-ShuSheng-20250301": ("filing", "CN-SH", None),
        "ShaanXi-QinLing-20250302": ("filing", "CN-SN", None),
        "ShanXi-JinYun-20250303": ("filing", "CN-SX", None),
        "Jiangsu-SuXiaoZhi-20250401S0001": ("registration", "CN-JS", "补登"),
    }
    # Row 8 of the sheet: a date in the future.
    assert quarantine(db) == [(8, ["date_plausible"], "filed_date: filed_date 2031-04-01 is in the future")]
    assert query(db, "select distinct batch from mart_registrations") == [("2025-12",)]


def test_json_records_with_both_header_generations(tmp_path):
    document = {
        "meta": {"title": "生成式人工智能服务已备案信息公告"},
        "batches": [
            {
                "period": "2024-04",
                "rows": [
                    {
                        "序号": "1",
                        "属地": "北京市",
                        "模型名称": "文心一言",
                        "备案单位": "北京百度网讯科技有限公司",
                        "备案号": "Beijing-WenXinYiYan-20230821",
                        "备案时间": "2023/8/31",
                    },
                ],
            },
            {
                "period": "2025-03",
                "rows": [
                    {
                        "序号": "1",
                        "属地": "Beijing",
                        "大模型名称": "智谱清言",
                        "备案单位": "北京智谱华章科技有限公司",
                        "备案编号": "Beijing-ZhiPuQingYan-20230830",
                        "备案时间": "2025/3/1",
                    },
                    {
                        "序号": "序号",
                        "属地": "属地",
                        "大模型名称": "应用/功能名称",
                        "备案单位": "登记单位",
                        "备案编号": "上线编号",
                        "备案时间": "登记时间",
                    },
                    {
                        "序号": "1",
                        "属地": "国资委",
                        "大模型名称": "星辰",
                        "备案单位": "中国电信集团有限公司",
                        "备案编号": "ZhongYangQiYe-XingChen-20250301S0001",
                        "备案时间": "2025/3/2（补登）",
                    },
                ],
            },
        ],
    }
    (tmp_path / "list.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result, db = load(tmp_path, "list.json", records="batches[].rows[]")
    assert result.returncode == 0, result.stderr
    assert registrations(db) == {
        "Beijing-WenXinYiYan-20230821": ("filing", "CN-BJ", None),
        "Beijing-ZhiPuQingYan-20230830": ("filing", "CN-BJ", None),
        "ZhongYangQiYe-XingChen-20250301S0001": ("registration", "CN-SOE", "补登"),
    }
    assert query(db, "select registration_id, batch from mart_registrations order by 1") == [
        ("Beijing-WenXinYiYan-20230821", "2024-04"),
        ("Beijing-ZhiPuQingYan-20230830", "2025-03"),
        ("ZhongYangQiYe-XingChen-20250301S0001", "2025-03"),
    ]
    assert quarantine(db) == []


def test_missing_required_columns_fail_the_source_with_a_clear_message(tmp_path):
    (tmp_path / "list.csv").write_text("序号,属地,模型名称,备案时间\n1,北京市,文心一言,2023/8/31\n", encoding="utf-8")
    result, db = load(tmp_path, "list.csv")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    out = result.stdout
    assert "list.csv: required columns missing" in out
    assert "provider_name (any of: provider_name, 备案单位, 登记单位, 主体名称)" in out
    assert "Headers found: ['序号', '属地', '模型名称', '备案时间']" in out
    assert query(db, "select status from etl_runs") == [("failed",)]
