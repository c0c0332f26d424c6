"""Chinese provincial-level jurisdictions and their many spellings.

One table serves three inputs: the `属地` column (`北京市`, `北京`), the pinyin prefix of a
generative-AI filing number (`Beijing`, `BeiJing`, even `Shinghai`), and the GB/T 2260
division code at the start of an algorithm filing number (`110108…` is Beijing).
"""

from __future__ import annotations

import re
import unicodedata

# code, Chinese name, English name, GB/T 2260 prefix, extra pinyin spellings seen in the lists
PROVINCES: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("CN-BJ", "北京市", "Beijing", "11", ()),
    ("CN-TJ", "天津市", "Tianjin", "12", ()),
    ("CN-HE", "河北省", "Hebei", "13", ()),
    ("CN-SX", "山西省", "Shanxi", "14", ()),
    ("CN-NM", "内蒙古自治区", "Inner Mongolia", "15", ("neimenggu", "neimeng")),
    ("CN-LN", "辽宁省", "Liaoning", "21", ()),
    ("CN-JL", "吉林省", "Jilin", "22", ()),
    ("CN-HL", "黑龙江省", "Heilongjiang", "23", ()),
    ("CN-SH", "上海市", "Shanghai", "31", ("shinghai", "shanghi")),
    ("CN-JS", "江苏省", "Jiangsu", "32", ()),
    ("CN-ZJ", "浙江省", "Zhejiang", "33", ()),
    ("CN-AH", "安徽省", "Anhui", "34", ()),
    ("CN-FJ", "福建省", "Fujian", "35", ()),
    ("CN-JX", "江西省", "Jiangxi", "36", ()),
    ("CN-SD", "山东省", "Shandong", "37", ()),
    ("CN-HA", "河南省", "Henan", "41", ()),
    ("CN-HB", "湖北省", "Hubei", "42", ()),
    ("CN-HN", "湖南省", "Hunan", "43", ()),
    ("CN-GD", "广东省", "Guangdong", "44", ()),
    ("CN-GX", "广西壮族自治区", "Guangxi", "45", ()),
    ("CN-HI", "海南省", "Hainan", "46", ()),
    ("CN-CQ", "重庆市", "Chongqing", "50", ()),
    ("CN-SC", "四川省", "Sichuan", "51", ()),
    ("CN-GZ", "贵州省", "Guizhou", "52", ()),
    ("CN-YN", "云南省", "Yunnan", "53", ()),
    ("CN-XZ", "西藏自治区", "Tibet", "54", ("xizang",)),
    ("CN-SN", "陕西省", "Shaanxi", "61", ()),
    ("CN-GS", "甘肃省", "Gansu", "62", ()),
    ("CN-QH", "青海省", "Qinghai", "63", ()),
    ("CN-NX", "宁夏回族自治区", "Ningxia", "64", ()),
    ("CN-XJ", "新疆维吾尔自治区", "Xinjiang", "65", ()),
)
CENTRAL_SOE = ("CN-SOE", "国资委", "Central SOE", "", ("zhongyangqiye", "guoziwei", "sasac"))

_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def _fold(text: str) -> str:
    """Full-width to half-width, drop spaces, lowercase: the key every spelling is looked up by."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, zh, en, _gb, extra in (*PROVINCES, CENTRAL_SOE):
        short = zh
        for suffix in _SUFFIXES:
            if short.endswith(suffix) and len(short) > len(suffix):
                short = short[: -len(suffix)]
                break
        for name in (zh, short, en, code, code.removeprefix("CN-"), *extra):
            lookup[_fold(name)] = code
    lookup[_fold("中央企业")] = "CN-SOE"
    lookup[_fold("央企")] = "CN-SOE"
    return lookup


_LOOKUP = _build_lookup()
_BY_GB = {gb: code for code, _zh, _en, gb, _x in PROVINCES}
# Shanxi (山西, CN-SX) and Shaanxi (陕西, CN-SN) differ by one letter; the lists spell
# Shaanxi both as "Shaanxi" and "ShaanXi", and Shanxi as "Shanxi"/"ShanXi". _fold keeps them apart.


def aliases() -> dict[str, str]:
    """Every folded spelling and its code (used to build the SQL lookup)."""
    return dict(_LOOKUP)


def jurisdiction_code(text: str | None) -> str | None:
    """Canonical code for a province name in any spelling the lists use, or None."""
    if text is None:
        return None
    key = _fold(str(text))
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] in _LOOKUP:
            return _LOOKUP[key[: -len(suffix)]]
    return None


def jurisdiction_from_division_code(digits: str | None) -> str | None:
    """Province code from a GB/T 2260 division code (its first two digits)."""
    if not digits or len(digits) < 2:
        return None
    return _BY_GB.get(digits[:2])


def reference_rows() -> list[tuple[str, str, str, str, str]]:
    """Rows of the ref_jurisdictions table: code, name_zh, name_en, gb_prefix, country."""
    return [(c, zh, en, gb, "CN") for c, zh, en, gb, _x in (*PROVINCES, CENTRAL_SOE)]
