"""The hand-labelled sample of real registrations (tests/fixtures/sector_labels, groundwork for
issue 14's sector and ownership rules): the chosen rows are exactly what the seeded choice gives
on the real lists, and every chosen row has one valid label."""

from __future__ import annotations

import csv
import importlib.util

from tests.conftest import FIXTURES

LABELS = FIXTURES / "sector_labels"
SECTORS = {
    "healthcare", "education", "finance", "government_public", "legal", "customer_service", "ecommerce_retail",
    "media_content", "transport_automotive", "manufacturing_industry", "energy", "telecoms", "general_purpose",
    "unclassified",
}  # fmt: skip
OWNERSHIP = {"central_soe", "university", "research_institute", "other_enterprise"}


def _read(name: str) -> list[dict]:
    with (LABELS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_chosen_rows_are_the_seeded_choice_from_the_real_lists(real_data):
    spec = importlib.util.spec_from_file_location("choose", LABELS / "choose.py")
    choose = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(choose)
    assert real_data.resolve() == choose.REAL_DATA
    assert choose.choose() == _read("chosen.csv")


def test_every_chosen_row_has_one_valid_label():
    chosen = [(r["list"], r["registration_id"]) for r in _read("chosen.csv")]
    labels = _read("labels.csv")
    assert [(r["list"], r["registration_id"]) for r in labels] == chosen
    counts = {name: sum(1 for r in labels if r["list"] == name) for name in {r["list"] for r in labels}}
    assert counts == {"cac_algorithm": 30, "cac_deep_synthesis": 41, "cac_genai": 240}
    for row in labels:
        sectors = row["sectors"].split(";")
        assert sectors and set(sectors) <= SECTORS, row
        assert "unclassified" not in sectors or sectors == ["unclassified"], row
        assert row["ownership"] in OWNERSHIP, row
        assert row["confidence"] in {"high", "medium", "low"}, row
