"""Filters <-> URL: canonical round trip, invalid values dropped with notices, periods."""

from datetime import date

import pytest

from dashboard.filters import Filters, parse_query_params, period_bounds, period_presets, to_query_params

TODAY = date(2026, 11, 27)


def parse(qp, **known):
    return parse_query_params(qp, today=TODAY, **known)


def test_defaults_make_an_empty_url():
    result = parse({})
    assert result.notices == []
    assert result.filters.period == "12m"
    assert (result.filters.start, result.filters.end) == (date(2025, 11, 28), TODAY)
    assert to_query_params(result.filters) == {}


@pytest.mark.parametrize(
    "qp",
    [
        {"period": "2025-Q3", "jur": "CN-BJ,CN-SH", "reg": "cac_genai", "q": "百度", "lang": "zh"},
        {"period": "custom", "from": "2024-02-01", "to": "2024-05-31", "cat": "fraud,privacy"},
        {"period": "all"},
        {"period": "2024"},
    ],
)
def test_round_trip_is_canonical(qp):
    filters = parse(qp, known_jurisdictions=["CN-BJ", "CN-SH"], known_registries=["cac_genai"]).filters
    again = parse(to_query_params(filters)).filters
    assert again == filters
    assert to_query_params(again) == to_query_params(filters)


def test_unknown_values_are_dropped_and_reported():
    result = parse(
        {"jur": "CN-BJ,XX-NOPE,<script>", "reg": "nope", "period": "2025-Q9", "lang": "fr", "cat": "weather"},
        known_jurisdictions=["CN-BJ"],
        known_registries=["cac_genai"],
        known_categories=["fraud"],
    )
    assert result.filters.jurisdictions == ("CN-BJ",)
    assert result.filters.registries == ()
    assert result.filters.categories == ()
    assert result.filters.period == "12m" and result.filters.lang == "en"
    assert sorted(result.notices) == sorted(
        [("jur", "XX-NOPE"), ("jur", "<script>"), ("reg", "nope"), ("period", "2025-Q9"), ("lang", "fr"),
         ("cat", "weather")]
    )  # fmt: skip


def test_bad_custom_range_falls_back_with_notice():
    result = parse({"period": "custom", "from": "2025-05-01", "to": "2025-01-01"})
    assert result.filters.period == "12m"
    assert result.notices and result.notices[0][0] == "period"
    bad_date = parse({"from": "yesterday"})
    assert ("from", "yesterday") in bad_date.notices


def test_from_and_to_alone_mean_a_custom_range():
    result = parse({"from": "2025-01-01", "to": "2025-03-31"})
    assert result.filters.period == "custom"
    assert (result.filters.start, result.filters.end) == (date(2025, 1, 1), date(2025, 3, 31))


def test_previous_period():
    base = Filters(today=TODAY)
    # Calendar presets compare with the calendar period before them.
    assert (base.with_period("2025-Q1").previous().start, base.with_period("2025-Q1").previous().end) == (
        date(2024, 10, 1),
        date(2024, 12, 31),
    )
    assert base.with_period("2025").previous().start == date(2024, 1, 1)
    assert base.with_period("2025-01").previous().end == date(2024, 12, 31)
    # Rolling and custom ranges: the same number of days, ending the day before.
    custom = base.with_period("custom", date(2025, 3, 1), date(2025, 3, 10)).previous()
    assert (custom.start, custom.end) == (date(2025, 2, 19), date(2025, 2, 28))
    rolling = base.with_period("12m").previous()
    assert rolling.end == date(2025, 11, 27) and (rolling.end - rolling.start).days == 364
    assert base.with_period("all").previous() is None


def test_period_bounds():
    assert period_bounds("2024", TODAY) == (date(2024, 1, 1), date(2024, 12, 31))
    assert period_bounds("2024-Q4", TODAY) == (date(2024, 10, 1), date(2024, 12, 31))
    assert period_bounds("2024-02", TODAY) == (date(2024, 2, 1), date(2024, 2, 29))
    with pytest.raises(ValueError):
        period_bounds("soon", TODAY)


def test_presets_list_years_and_started_quarters_newest_first():
    presets = period_presets(2025, TODAY)
    assert presets[:4] == ["12m", "all", "2026", "2025"]
    assert "2026-Q4" in presets and "2025-Q1" in presets and "2024" not in presets
    assert presets.index("2026-Q4") < presets.index("2026-Q1")


def test_overlong_provider_query_is_refused():
    result = parse({"q": "x" * 500})
    assert result.filters.provider == "" and result.notices[0][0] == "q"


def test_sector_and_ownership_filters_round_trip_and_drop_unknown_values():
    known = {
        "known_sectors": ["healthcare", "finance", "unclassified"],
        "known_ownership": ["central_soe", "university"],
    }
    result = parse({"sector": "healthcare,finance,astrology", "own": "central_soe,<b>"}, **known)
    assert result.filters.sectors == ("finance", "healthcare")
    assert result.filters.ownership == ("central_soe",)
    assert sorted(result.notices) == [("own", "<b>"), ("sector", "astrology")]
    qp = to_query_params(result.filters)
    assert qp == {"sector": "finance,healthcare", "own": "central_soe"}
    assert parse(qp, **known).filters == result.filters
    # They reach SQL as parameters, as lists.
    params = result.filters.params()
    assert params["sectors"] == ["finance", "healthcare"] and params["ownership"] == ["central_soe"]
