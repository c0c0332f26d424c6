"""Precision and recall of the sector and ownership rules against the hand-labelled sample
(tests/fixtures/sector_labels), on a warehouse built from the real lists.

    .venv/bin/python -m tests.sector_scores WAREHOUSE.duckdb

prints the table the README reports. tests/test_sector_rules.py holds the figures as floors.
Scored on the rows labelled with high or medium confidence (the fixture's README: `low` rows are
guesses), each registration number once.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

import duckdb

LABELS = Path(__file__).parent / "fixtures" / "sector_labels" / "labels.csv"
CONFIDENCES = ("high", "medium")


def labels() -> dict[str, dict]:
    with LABELS.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["confidence"] in CONFIDENCES]
    out: dict[str, dict] = {}
    for row in rows:
        out.setdefault(row["registration_id"], row)
    return out


def predictions(db: Path) -> tuple[dict[str, set[str]], dict[str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        sectors: dict[str, set[str]] = {}
        for rid, sector in con.execute("select registration_id, sector from mart_registration_sectors").fetchall():
            sectors.setdefault(rid, set()).add(sector)
        ownership = dict(
            con.execute(
                """select r.registration_id, o.ownership_type from mart_registrations r
                   join mart_provider_ownership o using (provider_name)"""
            ).fetchall()
        )
    finally:
        con.close()
    return sectors, ownership


def scores(db: Path) -> dict[str, dict[str, tuple[float | None, float | None, int, int]]]:
    """{'sector': {key: (precision, recall, predicted, labelled)}, 'ownership': {...}}"""
    gold = labels()
    sectors, ownership = predictions(db)
    out: dict[str, dict] = {"sector": {}, "ownership": {}}
    for kind in ("sector", "ownership"):
        tp: Counter = Counter()
        predicted: Counter = Counter()
        labelled: Counter = Counter()
        for rid, row in gold.items():
            if kind == "sector":
                want, got = set(row["sectors"].split(";")), sectors.get(rid, set())
            else:
                want, got = {row["ownership"]}, {ownership.get(rid, "")}
            for key in want:
                labelled[key] += 1
            for key in got:
                predicted[key] += 1
                tp[key] += key in want
        for key in sorted(set(labelled) | set(predicted)):
            if not key:
                continue
            p = tp[key] / predicted[key] if predicted[key] else None
            r = tp[key] / labelled[key] if labelled[key] else None
            out[kind][key] = (p, r, predicted[key], labelled[key])
        total_tp, total_pred, total_lab = sum(tp.values()), sum(predicted.values()), sum(labelled.values())
        out[kind]["(all)"] = (total_tp / total_pred, total_tp / total_lab, total_pred, total_lab)
    return out


def unclassified_share(db: Path, registry: str = "cac_genai") -> tuple[int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            """select count(distinct s.registration_id) filter (where s.sector = 'unclassified'),
                      count(distinct s.registration_id)
               from mart_registration_sectors s join mart_registrations r using (registration_id)
               where r.registry = $registry""",
            {"registry": registry},
        ).fetchone()
    finally:
        con.close()


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def main(argv: list[str]) -> int:
    db = Path(argv[0])
    for kind, table in scores(db).items():
        print(f"| {kind} | precision | recall | predicted | labelled |")
        print("|---|---:|---:|---:|---:|")
        for key, (p, r, n_pred, n_lab) in table.items():
            print(f"| {key} | {_pct(p)} | {_pct(r)} | {n_pred} | {n_lab} |")
        print()
    unclassified, total = unclassified_share(db)
    print(f"unclassified on the generative-AI list: {unclassified} of {total} ({100 * unclassified / total:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
