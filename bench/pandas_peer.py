"""THE NAIVE PANDAS PEER (a benchmark yardstick, not part of the product).

    .venv/bin/python bench/pandas_peer.py OUT_DB genai.csv incidents.csv consent.csv

What an analyst would write without the ETL: pandas `read_csv` of each file, the same kind of
checks (required fields, dates, known categories, amounts, duplicate ids), bad rows set aside in
a quarantine table, good rows inserted into DuckDB. No provider matching, history, lineage or
atomic publish. bench/bench_etl.py runs it beside the ETL and prints the ratio.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.schema import INCIDENT_CATEGORIES, LEGAL_BASES, RECORD_TYPES, SEVERITIES, YES_NO_UNKNOWN  # noqa: E402


def _date(series: pd.Series) -> pd.Series:
    text = series.str.replace(r"（.*）$", "", regex=True).str.replace("/", "-")
    return pd.to_datetime(text, errors="coerce", format="mixed")


def check(df: pd.DataFrame, required: list[str], dates: list[str], vocab: dict, numbers: list[str], key: str):
    bad = pd.Series(False, index=df.index)
    for col in required:
        bad |= df[col].isna() | (df[col].str.strip() == "")
    for col in dates:
        parsed = _date(df[col])
        bad |= df[col].notna() & parsed.isna()
        df[col] = parsed
    for col, allowed in vocab.items():
        bad |= df[col].notna() & ~df[col].isin(list(allowed))
    for col in numbers:
        parsed = pd.to_numeric(df[col], errors="coerce")
        bad |= (df[col].notna() & parsed.isna()) | (parsed < 0)
        df[col] = parsed
    bad |= df[key].duplicated(keep="first") & ~bad
    return df[~bad], df[bad]


def main(argv: list[str]) -> None:
    out, genai, incidents, consent = argv
    con = duckdb.connect(out)
    quarantined = []
    frame = pd.read_csv(genai, dtype=str)
    frame.columns = ["seq", "province", "service_name", "provider_name", "registration_id", "filed_date"]
    required = ["registration_id", "service_name", "provider_name"]
    good, bad = check(frame, required, ["filed_date"], {}, [], "registration_id")
    con.execute("create or replace table registrations as select * from good")
    quarantined.append(bad.assign(source="genai").astype(str))
    frame = pd.read_csv(incidents, dtype=str)
    good, bad = check(
        frame,
        ["incident_id", "title", "category"],
        ["occurred_date", "reported_date"],
        {"record_type": RECORD_TYPES, "category": INCIDENT_CATEGORIES, "severity": SEVERITIES},
        ["penalty_amount"],
        "incident_id",
    )
    con.execute("create or replace table incidents as select * from good")
    quarantined.append(bad.assign(source="incidents").astype(str))
    del frame, good
    frame = pd.read_csv(consent, dtype=str)
    good, bad = check(
        frame,
        ["registration_id", "dataset_name"],
        ["audit_date"],
        {"has_personal_info": YES_NO_UNKNOWN, "has_sensitive_info": YES_NO_UNKNOWN, "legal_basis": LEGAL_BASES},
        ["personal_records", "consented_records"],
        "dataset_name",
    )
    con.execute("create or replace table consent as select * from good")
    quarantined.append(bad.assign(source="consent").astype(str))
    rejects = pd.concat(quarantined, ignore_index=True)[["source"]]  # noqa: F841 - read by DuckDB below
    con.execute("create or replace table quarantine as select * from rejects")
    con.execute("checkpoint")
    con.close()


if __name__ == "__main__":
    main(sys.argv[1:])
