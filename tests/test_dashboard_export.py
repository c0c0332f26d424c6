"""The CSV writer: BOM, OWASP formula neutralisation on text only, numbers stay numbers."""

import csv
import io

import pandas as pd

from dashboard.export import to_csv_bytes


def rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_bom_and_chinese_text():
    out = rows(to_csv_bytes(pd.DataFrame({"provider_name": ["北京百度网讯科技有限公司"], "active_count": [3]})))
    assert out == [["provider_name", "active_count"], ["北京百度网讯科技有限公司", "3"]]


def test_formula_prefixes_are_neutralised_in_text_cells():
    evil = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rcr", "\nlf", "plain", "a=b"]
    out = rows(to_csv_bytes(pd.DataFrame({"title": evil})))
    assert [r[0] for r in out[1:]] == [
        "'=HYPERLINK(\"http://x\")", "'+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rcr", "'\nlf", "plain", "a=b"
    ]  # fmt: skip


def test_numbers_stay_numbers_even_when_negative():
    df = pd.DataFrame({"change_count": [-5, 7], "coverage_pct": [0.5, None], "penalty_cny": [-1.5, 2e6]})
    out = rows(to_csv_bytes(df))
    assert out[1] == ["-5", "0.5", "-1.5"]
    assert out[2] == ["7", "", "2000000.0"]


def test_lists_dates_and_header_injection():
    df = pd.DataFrame({"=cmd": [["a", "=b"]], "filed_date": [pd.Timestamp("2025-01-02")], "is_ok": [True]})
    out = rows(to_csv_bytes(df))
    assert out[0] == ["'=cmd", "filed_date", "is_ok"]
    assert out[1] == ["a; =b", "2025-01-02", "True"]


def test_attribution_travels_as_trailing_rows():
    out = rows(to_csv_bytes(pd.DataFrame({"x_count": [1]}), ["aiid: CC BY-SA 4.0", "=evil"]))
    assert out[-3:] == [["Attribution: aiid: CC BY-SA 4.0"], [], ["Attribution: =evil"]]
