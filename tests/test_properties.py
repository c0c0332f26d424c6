"""Property-based tests (hypothesis) for the normalisers and the CSV writer."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dashboard.export import FORMULA_PREFIXES, to_csv_bytes
from etl.jurisdictions import CENTRAL_SOE, PROVINCES, jurisdiction_code, jurisdiction_from_division_code
from etl.providers import install_macros

# Text as DuckDB and CSV files can hold it: any character except lone surrogates.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
# Example counts and randomness come from the profile (tests/conftest.py: `ci` or `explore`).
SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    install_macros(connection)
    yield connection
    connection.close()


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@SETTINGS
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from(["", "（补登）", " (note)"]))
def test_every_date_form_parses_to_the_same_day(con, day, note):
    forms = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}{note}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f" {day.year}-{day.month}-{day.day} ",
    ]
    for form in forms:
        assert con.execute("select parse_date($t)", {"t": form}).fetchone()[0] == day, form
    assert con.execute("select date_precision($t)", {"t": forms[1]}).fetchone()[0] == "day"


# DuckDB's casts and strptime read these words as dates (9999-12-31, 0001-01-01, 1970-01-01).
SPECIAL_DATE_WORDS = [
    "infinity",
    "-infinity",
    "INFINITY",
    " Infinity ",
    "inf",
    "-INF",
    "epoch",
    " EPOCH\t",
    "0000-01-01",
]


@SETTINGS
@given(TEXT)
@example("infinity")
@example("-infinity")
@example("INFINITY")
@example(" Infinity ")
@example("+infinity")
@example("inf")
@example("-inf")
@example("epoch")
@example(" Epoch ")
@example("0000-01-01")
def test_date_parsing_never_raises_and_never_invents_a_date(con, text):
    parsed, precision = con.execute("select parse_date($t), date_precision($t)", {"t": text}).fetchone()
    if parsed is not None:
        # Whatever parsed carries its year in the text.
        assert str(parsed.year) in unicodedata.normalize("NFKC", text)
        assert precision in ("day", "month", "year")


@pytest.mark.parametrize("word", SPECIAL_DATE_WORDS)
def test_special_date_words_are_no_date_in_any_date_path(con, word):
    assert con.execute("select parse_date($t)", {"t": word}).fetchone()[0] is None
    # The mapped adapter's declared format goes through strptime_date.
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d %B %Y"):
        assert con.execute("select strptime_date($t, $f)", {"t": word, "f": fmt}).fetchone()[0] is None


PLACES = [(code, name) for code, zh, en, _gb, extra in (*PROVINCES, CENTRAL_SOE) for name in (zh, en, code, *extra)]


@SETTINGS
@given(
    st.sampled_from(PLACES),
    st.sampled_from([str.lower, str.upper, str.title, lambda s: s]),
    st.booleans(),
    st.sampled_from(["", " ", "\u3000"]),
)
def test_every_spelling_of_a_province_finds_its_code_in_python_and_sql(con, place, case, fullwidth, pad):
    code, name = place
    spelled = case(name)
    if fullwidth:
        spelled = to_fullwidth(spelled)
    spelled = pad + spelled + pad
    assert jurisdiction_code(spelled) == code
    assert con.execute("select jurisdiction_of($t)", {"t": spelled}).fetchone()[0] == code


@SETTINGS
@given(TEXT)
def test_python_and_sql_jurisdiction_lookups_agree(con, text):
    sql = con.execute("select jurisdiction_of($t)", {"t": text}).fetchone()[0]
    python = jurisdiction_code(text)
    if python is not None:
        assert sql == python
    elif sql is not None:
        # The SQL lookup also passes other ISO 3166-2 codes through (US-CA).
        assert sql == text.strip().upper() and len(sql) <= 6 and sql[2] == "-"


@SETTINGS
@given(st.sampled_from(PROVINCES), st.integers(0, 9999), st.integers(0, 99))
def test_division_code_of_a_filing_number_gives_its_province(con, province, district, year):
    code, _zh, _en, gb, _extra = province
    number = f"网信算备{gb}{district:04d}{'0' * 8}{year:02d}0001号"
    assert jurisdiction_from_division_code(number.removeprefix("网信算备")[:6]) == code


HAN = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=8)


@SETTINGS
@given(HAN, st.sampled_from(["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"]))
def test_name_key_ignores_pdf_spaces_full_width_and_company_forms(con, base, suffix):
    def key(text):
        return con.execute("select name_key($t)", {"t": text}).fetchone()[0]

    plain = key(base + "科技" + suffix)
    spaced = " ".join(base) + " 科技 " + suffix
    assert key(spaced) == plain
    assert key(to_fullwidth("(") + base + to_fullwidth(")") + "科技" + suffix) == key("(" + base + ")科技" + suffix)
    assert key(base + "科技") == plain
    assert key(key(base + "科技" + suffix)) == plain  # idempotent


@SETTINGS
@given(st.lists(st.tuples(TEXT, st.integers(-(10**12), 10**12) | st.none()), min_size=1, max_size=20))
def test_csv_writer_round_trips_and_never_starts_a_cell_with_a_formula(rows):
    frame = pd.DataFrame({"name_text": [r[0] for r in rows], "amount_count": pd.array([r[1] for r in rows], "Int64")})
    data = to_csv_bytes(frame)
    assert data.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert parsed[0] == ["name_text", "amount_count"]
    body = parsed[1:]
    assert len(body) == len(rows)
    for (text, amount), (cell, number) in zip(rows, body, strict=True):
        assert not cell.startswith(FORMULA_PREFIXES)
        restored = cell[1:] if text.startswith(FORMULA_PREFIXES) else cell
        assert restored == text
        assert number == ("" if amount is None else str(amount))


EDGE_SPACES = " \t\n\r\u3000"


@SETTINGS
@given(
    st.text(st.sampled_from(list(EDGE_SPACES)), max_size=3),
    TEXT,
    st.text(st.sampled_from(list(EDGE_SPACES)), max_size=3),
)
@example("", "\r\n", "")
@example(" ", "a\u0301", "\r\n")
@example("", "\u3000\u4e2d\u3000", "")
def test_clean_text_trims_the_spaces_of_both_ends_and_keeps_the_rest(con, before, text, after):
    """clean_text tests only each end's character before it trims (etl/sql/macros.sql): the
    result is Python's strip of those five spaces, an empty result being null."""
    value = before + text + after
    expected = value.strip(EDGE_SPACES) or None
    assert con.execute("select clean_text($t)", {"t": value}).fetchone()[0] == expected
