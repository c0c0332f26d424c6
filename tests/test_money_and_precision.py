"""Money in its own currency and dates at their precision, on every real source loaded together
(tests/fixtures/real_sources.toml): the 1,701 GDPR fines are in EUR (they sum to 4,001,455,789
EUR, see test_real_sources.py), so a CNY-only card would show a zero that hides them; AIAAIC
often dates an incident only to a year, which a monthly chart must not draw as January."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard import briefing, kpis, queries
from dashboard.filters import Filters
from dashboard.formatting import format_value
from tests.conftest import FIXTURES, query, run_cli

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def real_db(real_data, tmp_path_factory):
    db = tmp_path_factory.mktemp("money") / "w.duckdb"
    result = run_cli("run", "--sources", str(FIXTURES / "real_sources.toml"), "--db", str(db), "--json", "--quiet")
    assert result.returncode == 0, result.stderr + result.stdout
    assert json.loads(result.stdout)["sources"]
    return db


def test_a_card_per_currency_and_never_a_zero_that_hides_eur(real_db):
    f = Filters(today=TODAY).with_period("all")
    present = dict(
        query(
            real_db,
            "select penalty_currency, sum(penalty_amount) from mart_incidents "
            "where penalty_amount is not null group by all",
        )
    )
    assert "EUR" in present
    cards = {k.currency: k for k in kpis.overview_kpis(f, real_db) if k.currency}
    assert set(cards) == set(present)
    assert cards["EUR"].value == pytest.approx(4_001_455_789)
    assert cards["EUR"].n == 1701
    assert format_value(cards["EUR"].column, cards["EUR"].value) == "4,001,455,789 EUR"
    assert kpis.kpi_label(cards["EUR"], lambda key, **v: f"{key}:{v.get('currency')}") == "kpi_penalties_in:EUR"
    # No card says 0 while another currency has amounts.
    assert all(card.value for card in cards.values())


def test_the_briefing_summary_has_the_same_cards(real_db, tmp_path):
    import csv
    import io
    import zipfile

    filters = briefing.make_filters(briefing.parse_period("2021", TODAY))
    bundle = briefing.write_bundle(filters, tmp_path, path=real_db)
    with zipfile.ZipFile(bundle) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("summary.csv").decode("utf-8-sig"))))
    eur = [r for r in rows if r["value_column"] == "penalty_eur"]
    assert len(eur) == 1 and eur[0]["label_en"] == "Total penalties (EUR)" and float(eur[0]["value"]) > 0
    assert not any(r["value_column"] == "penalty_cny" and r["value"] == "0" for r in rows)


@pytest.mark.parametrize("period", ["all", "2019", "2023"])
def test_monthly_charts_leave_out_year_precision_dates_and_count_them(real_db, period):
    f = Filters(today=TODAY).with_period(period)
    monthly = queries.incidents_by_month(f, "category", real_db)
    left_out = queries.incidents_month_unknown(f, real_db)
    params = {"all": True, "s": f.params()["start_date"], "e": f.params()["end_date"]}
    params["all"] = period == "all"
    where = "event_date is not null and ($all or event_date between $s and $e)"
    total = query(real_db, f"select count(*) from mart_incidents where {where}", params)[0][0]
    imprecise = query(
        real_db,
        f"select count(*) from mart_incidents where {where} and occurred_date is not null "
        "and occurred_precision in ('year', 'range', 'open', 'unknown')",
        params,
    )[0][0]
    assert imprecise > 0, "the real AIAAIC data has year-precision dates in this period"
    assert int(left_out["record_count"].sum()) == imprecise
    assert int(monthly["record_count"].sum()) + imprecise == total
    # What the chart draws in January is only what is known to be in January.
    january = monthly[monthly["month_date"].astype(str).str[5:7] == "01"]["record_count"].sum()
    precise_january = query(
        real_db,
        f"select count(*) from mart_incidents where {where} and month(event_date) = 1 "
        "and (occurred_date is null or occurred_precision in ('day', 'month'))",
        params,
    )[0][0]
    assert january == precise_january
    # Penalties per month: the same rule.
    penalties = queries.penalties_by_month(f, real_db)
    fined = query(real_db, f"select count(*) from mart_incidents where {where} and penalty_amount is not null", params)
    assert int(penalties["action_count"].sum()) + int(left_out["penalty_record_count"].sum()) == fined[0][0]


def _amounts(texts) -> dict[str, float]:
    """Sum of `CCY amount; CCY amount` texts per currency."""
    out: dict[str, float] = {}
    for text in texts:
        if isinstance(text, str) and text:
            for part in text.split("; "):
                code, amount = part.split(" ")
                out[code] = out.get(code, 0.0) + float(amount)
    return out


def test_by_jurisdiction_and_repeat_providers_show_every_currency(real_db):
    f = Filters(today=TODAY).with_period("all")
    present = dict(
        query(
            real_db,
            "select coalesce(penalty_currency, 'unknown'), sum(penalty_amount) from mart_incidents "
            "where penalty_amount is not null group by all",
        )
    )
    places = queries.fetch("period_counts_by_jurisdiction", {**f.params(), "categories": []}, real_db)
    assert "penalty_cny" not in places.columns
    by_currency = _amounts(places["penalties"])
    assert set(by_currency) == set(present)
    for code, amount in present.items():
        assert by_currency[code] == pytest.approx(amount, abs=0.01 * places["penalty_count"].sum()), code
    assert by_currency["EUR"] == pytest.approx(4_001_455_789, abs=20)
    assert (
        int(places["penalty_count"].sum())
        == query(real_db, "select count(*) from mart_incidents where penalty_amount is not null")[0][0]
    )
    # Providers named again and again: their EUR fines are shown, not a CNY zero.
    repeat = queries.repeat_providers(f, 500, real_db)
    assert "penalty_cny" not in repeat.columns
    assert "EUR" in _amounts(repeat["penalties"])
    assert (repeat.loc[repeat["penalties"].isna(), "penalty_count"] == 0).all()
