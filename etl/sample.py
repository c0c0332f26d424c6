"""Deterministic built-in sample inputs in the real layouts (`python -m etl sample`).

Everything comes from one `random.Random(seed)`, so the same seed and scale give the same
files byte for byte (XLSX timestamps are pinned). The data are invented; the shapes follow
DOMAIN.md: batches every two months from 2023-08, growth over time, concentration in Beijing,
Shanghai and Guangdong, central SOEs under 国资委, both header generations, the registration
sub-header mid-file, `（补登）` notes, inconsistent pinyin prefixes, numbers shared by two
algorithm lists, a few cancellations and one cancelled number that is on no list.

Believable records only: the hostile and broken rows the tests need are in
tests/fixtures/corpus.py, added through write_sample's `extend`.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from etl.jurisdictions import CENTRAL_SOE, PROVINCES

BATCHES = [
    f"{y}-{m:02d}"
    for y in (2023, 2024, 2025, 2026)
    for m in (2, 4, 6, 8, 10, 12)
    if "2023-08" <= f"{y}-{m:02d}" <= "2026-10"
]
# The header generation changed in 2025-03 (模型名称/备案号 → 大模型名称/备案编号).
OLD_HEADER = ["序号", "属地", "模型名称", "备案单位", "备案号", "备案时间"]
NEW_HEADER = ["序号", "属地", "大模型名称", "备案单位", "备案编号", "备案时间"]
SUB_HEADER = ["序号", "属地", "应用/功能名称", "登记单位", "上线编号", "登记时间"]
ALGO_HEADER = [
    "registration_id",
    "registry",
    "kind",
    "service_name",
    "provider_name",
    "provider_role",
    "jurisdiction_code",
    "category",
    "products",
    "purpose",
    "filed_date",
    "batch",
    "status",
    "cancelled_date",
    "remarks",
]
INCIDENT_HEADER = [
    "incident_id",
    "record_type",
    "occurred_date",
    "reported_date",
    "title",
    "description",
    "country",
    "jurisdiction_code",
    "provider_names",
    "service_name",
    "category",
    "severity",
    "issuing_body",
    "enforcement_action",
    "penalty_amount",
    "penalty_currency",
    "status",
    "registration_id",
    "url",
]
CONSENT_HEADER = [
    "registration_id",
    "dataset_name",
    "has_personal_info",
    "personal_records",
    "consented_records",
    "has_sensitive_info",
    "legal_basis",
    "audit_date",
]
CANCEL_HEADER = ["registration_id", "cancelled_date", "notice"]
OFFICIAL_TOTALS_HEADER = ["date", "list", "filed", "registered", "source_url", "note"]

# Province weights: concentration in Beijing, Shanghai and Guangdong as in the real lists.
WEIGHTS = {"CN-BJ": 26, "CN-SH": 22, "CN-GD": 15, "CN-JS": 10, "CN-ZJ": 6, "CN-SD": 3, "CN-HE": 2, "CN-SC": 2}
# A few prefixes are spelled as the real lists spell them.
ODD_PREFIXES = {"CN-ZJ": "ZheJiang", "CN-BJ": "BeiJing", "CN-SN": "ShaanXi", "CN-CQ": "ChongQing", "CN-SH": "Shinghai"}

MAJOR_PROVIDERS = [
    ("CN-BJ", "北京百度网讯科技有限公司", "Baidu"),
    ("CN-ZJ", "阿里巴巴（中国）有限公司", "Alibaba"),
    ("CN-ZJ", "阿里云计算有限公司", "Alibaba Cloud"),
    ("CN-GD", "深圳市腾讯计算机系统有限公司", "Tencent"),
    ("CN-BJ", "北京抖音信息服务有限公司", "ByteDance"),
    ("CN-BJ", "北京字节跳动科技有限公司", "ByteDance"),
    ("CN-AH", "科大讯飞股份有限公司", "iFlytek"),
    ("CN-SH", "上海商汤智能科技有限公司", "SenseTime"),
    ("CN-BJ", "北京智谱华章科技有限公司", "Zhipu"),
    ("CN-BJ", "北京月之暗面科技有限公司", "Moonshot"),
    ("CN-ZJ", "杭州深度求索人工智能基础技术研究有限公司", "DeepSeek"),
    ("CN-SH", "上海稀宇科技有限公司", "MiniMax"),
    ("CN-BJ", "北京百川智能科技有限公司", "Baichuan"),
    ("CN-BJ", "北京快手科技有限公司", "Kuaishou"),
    ("CN-GD", "华为云计算技术有限公司", "Huawei Cloud"),
    ("CN-BJ", "北京京东世纪贸易有限公司", "JD"),
    ("CN-SH", "上海哔哩哔哩科技有限公司", "Bilibili"),
    ("CN-BJ", "网易有道信息技术（北京）有限公司", "NetEase Youdao"),
    ("CN-BJ", "北京360智脑科技有限公司", "360"),
    ("CN-SH", "上海阶跃星辰智能科技有限公司", "StepFun"),
]
SYLLABLES = [
    ("智", "Zhi"),
    ("星", "Xing"),
    ("云", "Yun"),
    ("问", "Wen"),
    ("海", "Hai"),
    ("天", "Tian"),
    ("灵", "Ling"),
    ("犀", "Xi"),
    ("言", "Yan"),
    ("知", "Zhi"),
    ("图", "Tu"),
    ("医", "Yi"),
    ("学", "Xue"),
    ("法", "Fa"),
    ("金", "Jin"),
    ("工", "Gong"),
    ("慧", "Hui"),
    ("通", "Tong"),
    ("达", "Da"),
    ("思", "Si"),
    ("源", "Yuan"),
    ("景", "Jing"),
    ("明", "Ming"),
    ("数", "Shu"),
    ("安", "An"),
    ("信", "Xin"),
    ("创", "Chuang"),
    ("象", "Xiang"),
    ("书", "Shu"),
    ("语", "Yu"),
]
CITY_WORDS = ["华", "新", "中", "东", "智", "联", "创", "科", "数", "云", "汇", "博", "泰", "瑞", "鼎", "远"]
COMPANY_WORDS = ["科技", "信息技术", "网络科技", "人工智能", "数据科技", "软件"]
ALGO_CATEGORIES = ["生成合成类", "个性化推送类", "排序精选类", "检索过滤类", "调度决策类"]
PURPOSES = [
    "应用于智能客服场景，根据用户输入生成文本回复",
    "应用于图像生成场景，根据文本生成图片",
    "应用于语音合成场景，生成语音内容",
    "应用于视频生成场景，生成短视频",
    "应用于信息推荐场景",
]
INCIDENT_KINDS = [
    ("deepfake", "Deepfake video impersonating a public figure", "深度合成视频冒充公众人物"),
    ("privacy", "Chatbot exposed users' personal information", "对话服务泄露用户个人信息"),
    ("misinformation", "Generated news article spread false claims", "生成的新闻稿件传播虚假信息"),
    ("fraud", "Voice clone used in a phone scam", "声音克隆用于电话诈骗"),
    ("bias", "Image generator produced biased depictions", "图像生成结果存在偏见"),
    ("safety", "Assistant gave dangerous medical advice", "助手给出危险的医疗建议"),
    ("intellectual_property", "Model reproduced copyrighted text", "模型复现受版权保护的文本"),
    ("security", "Prompt injection leaked system data", "提示注入导致系统数据泄露"),
    ("unlicensed_service", "Generative AI service offered without filing", "未备案即上线生成式人工智能服务"),
    ("labelling", "AI-generated content published without label", "AI 生成内容未按规定标识"),
]
ISSUING_BODIES = [
    "国家互联网信息办公室",
    "工业和信息化部",
    "北京市网信办",
    "上海市网信办",
    "广东省通信管理局",
    "浙江省网信办",
    "江苏省通信管理局",
]
ACTIONS = ["约谈", "责令整改", "下架", "罚款", "警告", "暂停服务"]
COUNTRIES = ["CN"] * 6 + ["US"] * 5 + ["GB", "DE", "FR", "KR", "JP", "IN", "BR", "AU", "CA", "IT"]
DATASETS = [
    "公开网页语料",
    "用户对话日志",
    "授权图书语料",
    "客服录音",
    "医学文献",
    "人脸图像库",
    "合成数据",
    "代码仓库",
    "新闻语料",
    "商品评论",
]
LEGAL_BASES = ["consent", "separate_consent", "contract", "publicly_available", "anonymised", "legal_duty", "other"]


@dataclass
class Registration:
    number: str
    code: str  # jurisdiction code
    place: str  # 属地 as written
    name: str
    provider: str
    filed: date
    batch: str
    note: str = ""
    date_text: str | None = None  # overrides the written date (for a deliberately broken one)

    @property
    def written_date(self) -> str:
        return self.date_text or f"{self.filed.year}/{self.filed.month}/{self.filed.day}{self.note}"


@dataclass
class SampleRows:
    """The generated rows, by file, before they are written: what `extend` may add to."""

    per_batch: dict[str, list[Registration]]  # CAC generative-AI list rows per batch
    algorithms: list[list[str]]  # registrations_algorithm.csv
    incidents: list[list[str]]
    consent: list[list[str]]
    cancellations: list[list[str]]


def _weighted_code(rng: random.Random) -> str:
    codes = [p[0] for p in PROVINCES] + [CENTRAL_SOE[0]]
    weights = [WEIGHTS.get(c, 1.0 if c != "CN-SOE" else 1.2) for c in codes]
    return rng.choices(codes, weights)[0]


def _place(rng: random.Random, code: str) -> str:
    if code == "CN-SOE":
        return "国资委"
    zh = next(p[1] for p in PROVINCES if p[0] == code)
    # Some batches write the short form (北京) instead of 北京市.
    return zh.rstrip("市省") if rng.random() < 0.05 and zh.endswith(("市", "省")) else zh


def _prefix(rng: random.Random, code: str) -> str:
    if code == "CN-SOE":
        return "ZhongYangQiYe"
    if code in ODD_PREFIXES and rng.random() < 0.15:
        return ODD_PREFIXES[code]
    en = next(p[2] for p in PROVINCES if p[0] == code)
    return {"Inner Mongolia": "Neimenggu", "Tibet": "Xizang"}.get(en, en)


def _provider_name(rng: random.Random, code: str) -> str:
    if code == "CN-SOE":
        return rng.choice(
            [
                "中国移动通信集团有限公司",
                "中国电信集团有限公司",
                "中国联合网络通信集团有限公司",
                "国家电网有限公司",
                "中国石油天然气集团有限公司",
                "中国中化控股有限责任公司",
            ]
        )
    city = next(p[1] for p in PROVINCES if p[0] == code).rstrip("市省")[:2]
    return f"{city}{rng.choice(CITY_WORDS)}{rng.choice(CITY_WORDS)}{rng.choice(COMPANY_WORDS)}有限公司"


def _model_name(rng: random.Random) -> tuple[str, str]:
    picks = rng.sample(SYLLABLES, 2)
    zh = "".join(c for c, _ in picks)
    pinyin = "".join(p for _, p in picks)
    suffix = rng.choice(["大模型", "", "助手", "AI"])
    return zh + suffix, pinyin


def _batch_date(rng: random.Random, batch: str) -> date:
    y, m = map(int, batch.split("-"))
    start = date(y, m, 1) - timedelta(days=60)
    return max(start + timedelta(days=rng.randrange(0, 58)), date(2023, 8, 1))


def generate_registrations(rng: random.Random, scale: float) -> dict[str, list[Registration]]:
    """Generative-AI filings and registrations per batch, growing over time."""
    providers: list[tuple[str, str]] = [(c, n) for c, n, _ in MAJOR_PROVIDERS]
    per_batch: dict[str, list[Registration]] = {}
    seen: set[str] = set()
    reg_serial: dict[tuple[str, str], int] = {}
    for i, batch in enumerate(BATCHES):
        count = max(1, round((25 + 7.5 * i) * scale * rng.uniform(0.85, 1.15)))
        rows = []
        for _ in range(count):
            if rng.random() < 0.12:
                code, provider = rng.choice(providers[: len(MAJOR_PROVIDERS)])
            elif rng.random() < 0.3 and len(providers) > len(MAJOR_PROVIDERS):
                code, provider = rng.choice(providers[len(MAJOR_PROVIDERS) :])
            else:
                code = _weighted_code(rng)
                provider = _provider_name(rng, code)
                providers.append((code, provider))
            filed = _batch_date(rng, batch)
            name, pinyin = _model_name(rng)
            # Registrations (登记, numbers ending S####) start with the 2024-08 batch.
            is_registration = batch >= "2024-08" and rng.random() < 0.42
            prefix = _prefix(rng, code)
            base = f"{prefix}-{pinyin}-{filed:%Y%m%d}"
            if is_registration:
                key = (prefix, f"{filed:%Y%m%d}")
                reg_serial[key] = reg_serial.get(key, 0) + 1
                number = f"{base}S{reg_serial[key]:04d}"
            else:
                number = base
            n = 2
            while number in seen:
                number = f"{base}{n}" if not is_registration else number.replace("S", f"{n}S", 1)
                n += 1
            seen.add(number)
            note = "（补登）" if is_registration and rng.random() < 0.04 else ""
            rows.append(Registration(number, code, _place(rng, code), name, provider, filed, batch, note))
        per_batch[batch] = rows
    return per_batch


def _cac_rows(rows: list[Registration], header: list[str]) -> list[list[str]]:
    """A batch as CAC publishes it: filings, then the registration sub-header, then registrations."""
    filings = [r for r in rows if "S" not in r.number.split("-")[-1]]
    registrations = [r for r in rows if r not in filings]
    out = [header]
    for i, r in enumerate(filings, start=1):
        out.append([str(i), r.place, r.name, r.provider, r.number, r.written_date])
    if registrations:
        out.append(SUB_HEADER)
        for i, r in enumerate(registrations, start=1):
            out.append([str(i), r.place, r.name, r.provider, r.number, r.written_date])
    return out


def _title(batch: str) -> str:
    y, m = batch.split("-")
    return f"生成式人工智能服务已备案信息（{y}年{int(m)}月）"


def _csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n" if encoding == "gb18030" else "\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx_bytes(title: str, rows: list[list[str]]) -> bytes:
    """An XLSX with a title row above the header, byte-stable (timestamps pinned)."""
    from datetime import datetime

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append([title])
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text, as in a scraped list
    workbook.properties.created = datetime(2026, 1, 1)
    workbook.properties.modified = datetime(2026, 1, 1)
    raw = io.BytesIO()
    workbook.save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                # Only the text is pinned: the start tag stays as openpyxl wrote it, with or
                # without lxml (which declares only the prefixes it uses, so an injected
                # xsi:type would be an unbound prefix and the file unreadable).
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2026-01-01T00:00:00Z\g<2>",
                    data,
                )
            dst.writestr(
                zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return fixed.getvalue()


def generate_algorithms(rng: random.Random, scale: float) -> tuple[list[list[str]], list[list[str]]]:
    """Deep-synthesis and algorithm-recommendation filings in the canonical format; some numbers
    appear in both lists, as they do in CAC's publications."""
    gb = {p[0]: p[3] for p in PROVINCES}
    deep, algo = [], []
    n = max(2, round(330 * scale))
    for i in range(n):
        code = _weighted_code(rng)
        if code == "CN-SOE":
            code = "CN-BJ"
        year = rng.choice([2023, 2024, 2025, 2026])
        district = f"{gb[code]}{rng.randrange(1, 19):02d}{rng.randrange(1, 30):02d}"
        number = f"网信算备{district}{rng.randrange(10**7, 10**8)}{str(year)[2:]}{i % 10000:04d}号"
        filed = date(year, rng.randrange(1, 11 if year == 2026 else 13), rng.randrange(1, 29))
        name = _model_name(rng)[0] + "算法"
        role = "服务技术支持者" if rng.random() < 0.2 else "服务提供者"
        products = (
            "--"
            if role == "服务技术支持者"
            else ";".join(rng.sample(["APP", "小程序", "网站", "公众号", "PC端"], rng.randrange(1, 3)))
        )
        provider = rng.choice(MAJOR_PROVIDERS)[1] if rng.random() < 0.2 else _provider_name(rng, code)
        remarks = "原名称：" + _model_name(rng)[0] + "算法" if rng.random() < 0.03 else ""
        row = [
            number,
            "cac_deep_synthesis",
            "filing",
            name,
            provider,
            role,
            code,
            "深度合成",
            products,
            rng.choice(PURPOSES),
            filed.isoformat(),
            f"{year}",
            "",
            "",
            remarks,
        ]
        deep.append(row)
        # One number in eight is also on the algorithm recommendation list.
        if rng.random() < 0.125:
            algo.append(
                [
                    number,
                    "cac_algorithm",
                    "filing",
                    name,
                    provider,
                    "",
                    code,
                    rng.choice(ALGO_CATEGORIES),
                    products,
                    rng.choice(PURPOSES),
                    filed.isoformat(),
                    f"{year}",
                    "",
                    "",
                    "",
                ]
            )
    for i in range(max(1, round(120 * scale))):
        code = _weighted_code(rng)
        if code == "CN-SOE":
            code = "CN-SH"
        year = rng.choice([2022, 2023, 2024, 2025])
        number = f"网信算备{gb[code]}0101{rng.randrange(10**7, 10**8)}{str(year)[2:]}{(5000 + i) % 10000:04d}号"
        filed = date(year, rng.randrange(3 if year == 2022 else 1, 13), rng.randrange(1, 29))
        algo.append(
            [
                number,
                "cac_algorithm",
                "filing",
                _model_name(rng)[0] + "推荐算法",
                _provider_name(rng, code),
                "",
                code,
                rng.choice(ALGO_CATEGORIES),
                "APP",
                rng.choice(PURPOSES),
                filed.isoformat(),
                f"{year}",
                "",
                "",
                "",
            ]
        )
    return deep, algo


def generate_incidents(rng: random.Random, scale: float, regs: list[Registration]) -> list[list[str]]:
    rows = []
    n = max(10, round(3000 * scale))
    start = date(2023, 1, 1)
    span = (date(2026, 10, 31) - start).days
    for i in range(1, n + 1):
        # Growth over time: later dates more likely.
        occurred = start + timedelta(days=int(span * (rng.random() ** 0.7)))
        reported = occurred + timedelta(days=rng.randrange(0, 45))
        reported = min(reported, date(2026, 11, 1))
        category, en, zh = rng.choice(INCIDENT_KINDS)
        is_enforcement = rng.random() < 0.22
        reg = rng.choice(regs) if rng.random() < 0.45 else None
        country = "CN" if is_enforcement or reg else rng.choice(COUNTRIES)
        provider = (
            reg.provider
            if reg
            else (rng.choice(MAJOR_PROVIDERS)[2] if rng.random() < 0.3 else f"provider-{rng.randrange(1, 400)}")
        )
        severity = rng.choices(["low", "medium", "high", "critical", "unknown"], [30, 35, 20, 5, 10])[0]
        penalty = ""
        currency = ""
        action = ""
        body = ""
        if is_enforcement:
            action = rng.choice(ACTIONS)
            body = rng.choice(ISSUING_BODIES)
            if action == "罚款":
                penalty = str(rng.choice([10000, 50000, 100000, 200000, 500000, 1000000, 5000000]))
                currency = "CNY"
        title = f"{zh}：{reg.name}" if reg else en
        rows.append(
            [
                f"S{i:06d}",
                "enforcement" if is_enforcement else "incident",
                occurred.isoformat(),
                reported.isoformat(),
                title,
                f"{en}. {zh}。",
                country,
                reg.code if reg and rng.random() < 0.8 else "",
                provider,
                reg.name if reg else "",
                category,
                severity,
                body,
                action,
                penalty,
                currency,
                rng.choice(["open", "closed", "closed"]),
                reg.number if reg and rng.random() < 0.5 else "",
                f"https://example.org/reports/{i}",
            ]
        )
    return rows


def generate_consent(rng: random.Random, scale: float, regs: list[Registration]) -> list[list[str]]:
    rows = []
    target = max(10, round(5000 * scale))
    audit_start = date(2024, 1, 1)
    while len(rows) < target:
        for reg in regs:
            if len(rows) >= target:
                break
            for dataset in rng.sample(DATASETS, rng.randrange(1, 4)):
                if len(rows) >= target:
                    break
                pi = rng.choices(["yes", "no", "unknown"], [60, 25, 15])[0]
                personal = consented = ""
                sensitive = "no"
                basis = "unknown"
                if pi == "yes":
                    personal_n = rng.randrange(1000, 5_000_000)
                    personal = str(personal_n)
                    r = rng.random()
                    share = 1.0 if r < 0.55 else (0.0 if r < 0.62 else rng.uniform(0.3, 0.99))
                    consented = str(int(personal_n * share)) if rng.random() > 0.08 else ""
                    sensitive = rng.choices(["yes", "no", "unknown"], [20, 70, 10])[0]
                    basis = "separate_consent" if sensitive == "yes" and rng.random() < 0.7 else rng.choice(LEGAL_BASES)
                elif pi == "no":
                    basis = rng.choice(["publicly_available", "anonymised", "other"])
                else:
                    sensitive = "unknown"
                audit = audit_start + timedelta(days=rng.randrange(0, (date(2026, 10, 31) - audit_start).days))
                rows.append(
                    [
                        reg.number,
                        f"{dataset}-{len(rows) + 1}",
                        pi,
                        personal,
                        consented,
                        sensitive,
                        basis,
                        audit.isoformat(),
                    ]
                )
    return rows


def official_totals(per_batch: dict[str, list[Registration]]) -> list[list[str]]:
    """Announced cumulative totals for the sample's list, as a regulator would publish them:
    at the end of every second batch from 2024-08, the unique filings (备案) and registrations
    (登记, numbers ending S####) listed so far. Two announcements differ from the lists on
    purpose (a late entry, two registrations listed twice), so the Licensing page's comparison
    shows what a difference looks like; every row says it is synthetic."""
    rows: list[list[str]] = []
    seen: set[str] = set()
    tweaks = {
        "2025-04": (1, 0, "one late entry counted in the announcement"),
        "2026-04": (0, -2, "two registrations cancelled before the announcement"),
    }
    for i, batch in enumerate(sorted(per_batch)):
        seen.update(r.number for r in per_batch[batch])
        if batch < "2024-08" or i % 2:
            continue
        registered = sum(1 for n in seen if "S" in n[-6:])
        filed_extra, registered_extra, why = tweaks.get(batch, (0, 0, ""))
        y, m = map(int, batch.split("-"))
        end = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).isoformat()
        note = "synthetic sample announcement" + (f"; differs from the lists on purpose: {why}" if why else "")
        rows.append(
            [end, "cac_genai", str(len(seen) - registered + filed_extra), str(registered + registered_extra), "", note]
        )
    return rows


def write_sample(
    out: Path, *, scale: float = 1.0, seed: int = 42, extend: Callable[[SampleRows], None] | None = None
) -> list[Path]:
    """Write every sample input into `out` and return the paths written.

    `extend` may add rows to the generated ones before they are written (the tests add their
    corpus of hostile and broken rows this way: tests/fixtures/corpus/corpus.py); the demo
    sample holds the believable generated records only."""
    rng = random.Random(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in list(out.glob("cac_genai_*.csv")) + list(out.glob("cac_genai_*.xlsx")):
        old.unlink()
    per_batch = generate_registrations(rng, scale)
    regs = [r for rows in per_batch.values() for r in rows]
    deep, algo = generate_algorithms(rng, scale)
    incidents = generate_incidents(rng, scale, regs)
    consent = generate_consent(rng, scale, regs)
    cancellable = [row[0] for row in deep] + [r.number for r in regs if "S" not in r.number[-6:]]
    cancellations = [
        [number, f"{rng.choice(['2025-07', '2025-11', '2026-03', '2026-07'])}", "注销算法备案编号公告"]
        for number in rng.sample(cancellable, max(1, round(40 * scale)))
    ]
    cancellations.append(["网信算备310101999999992500001号", "2025-11", "注销算法备案编号公告"])  # on no list
    if extend is not None:
        extend(SampleRows(per_batch, algo, incidents, consent, cancellations))
    written: list[Path] = []
    for batch, rows in per_batch.items():
        table = _cac_rows(rows, OLD_HEADER if batch < "2025-03" else NEW_HEADER)
        if batch < "2025-03":
            # Older batches as GB18030 CSV with a title line, as analysts save them from Excel.
            path = out / f"cac_genai_{batch}.csv"
            path.write_bytes(_csv_bytes([[_title(batch)], *table], "gb18030"))
        else:
            path = out / f"cac_genai_{batch}.xlsx"
            path.write_bytes(_xlsx_bytes(_title(batch), table))
        written.append(path)
    for name, header, rows in (
        ("registrations_deep_synthesis.csv", ALGO_HEADER, deep),
        ("registrations_algorithm.csv", ALGO_HEADER, algo),
        ("cancellations.csv", CANCEL_HEADER, cancellations),
        ("incidents.csv", INCIDENT_HEADER, incidents),
        ("consent.csv", CONSENT_HEADER, consent),
        ("official_totals.csv", OFFICIAL_TOTALS_HEADER, official_totals(per_batch)),
    ):
        path = out / name
        path.write_bytes(_csv_bytes([header, *rows]))
        written.append(path)
    return written
