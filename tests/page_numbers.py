"""Every page's numbers for a fixed set of URLs: KPIs, chart data and table cells.

`python tests/page_numbers.py --db WAREHOUSE --out FILE` records them; test_page_numbers.py
compares a fresh run against the record in tests/fixtures/dashboard/page_numbers.json, so a
restructure that changes what a page shows fails. Only data is recorded: titles, axis labels,
hover text and formats may change, the numbers may not. Run stamps (load ids, timestamps) that
differ between two builds of the same inputs are masked.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "tests" / "fixtures" / "dashboard" / "page_numbers.json"

# Fixed periods only: the default "last 12 months" moves with the calendar.
URLS: dict[str, dict[str, str]] = {
    "all": {"period": "all"},
    "2025-Q2_bj_sh": {"period": "2025-Q2", "jur": "CN-BJ,CN-SH"},
    "2024_genai_privacy": {"period": "2024", "reg": "cac_genai", "cat": "privacy"},
    "custom_provider_zh": {"from": "2024-03-01", "to": "2025-08-31", "q": "科技", "lang": "zh"},
    "all_sector_ownership": {"period": "all", "sector": "media_content,healthcare", "own": "other_enterprise"},
}
PAGE_KEYS = ("overview", "licensing", "violations", "consent", "explorer", "quality", "briefing")
# "all" ends today, and the Briefing's default period follows the calendar: the record is taken,
# and compared, as of this day (DASHBOARD_TODAY).
TODAY = "2026-11-30"

_STAMP = re.compile(r"\d{8}T\d{6}\d*Z|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(\+00:00|Z| UTC)?")


def _clean(value):
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 9)
    if isinstance(value, bool | int):
        return value
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if hasattr(value, "tolist"):
        return _clean(value.tolist())
    text = str(value)
    if text in ("nan", "NaT", "None", "<NA>"):
        return None
    # Source file paths are recorded as given to the ETL: relative to the checkout, not absolute.
    return _STAMP.sub("<stamp>", text.replace(f"{ROOT}/", ""))


def _trace(trace: dict) -> dict:
    # Data only: x/y/values/labels/z. Names, hover templates and colours are presentation.
    return {k: _clean(trace[k]) for k in ("type", "x", "y", "values", "labels", "z") if k in trace}


def _frame(df) -> dict:
    df = df.reset_index(drop=True)
    # How long a load took differs between two builds of the same inputs.
    df = df.assign(**{c: "<timing>" for c in df.columns if str(c).endswith("_seconds")})
    return {"columns": [str(c) for c in df.columns], "rows": _clean(df.astype(object).values.tolist())}


def snapshot(at) -> dict:
    """The data an AppTest run shows: metrics, chart traces, table cells."""
    charts = []
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        charts.append([_trace(t) for t in spec.get("data", [])])
    return {
        "metrics": [[m.label, _clean(m.value), _clean(m.proto.delta)] for m in at.metric],
        "charts": charts,
        "tables": [_frame(d.value) for d in at.dataframe],
        "exceptions": [str(e.value) for e in at.exception],
    }


def record() -> dict:
    from conftest_dashboard import run_page

    return {f"{page} {name}": snapshot(run_page(page, params)) for page in PAGE_KEYS for name, params in URLS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=RECORD)
    args = parser.parse_args(argv)
    os.environ["WAREHOUSE_DB"] = str(args.db)
    os.environ["DASHBOARD_TODAY"] = TODAY
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    data = record()
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(data)} page views")
    return 0


if __name__ == "__main__":
    sys.exit(main())
