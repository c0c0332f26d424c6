"""What `python -m etl status` reports: the last runs, per-source freshness and quarantine.

Read through the same named queries as the Data quality page (source_freshness, etl_runs_recent,
quarantine_rows_count, warehouse_info), on the same locked read-only connection, plus
source_files for the files each source's rows came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import queries


def _iso(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.isoformat() if hasattr(value, "isoformat") else value


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def read_status(db: Path, runs: int = 10) -> dict:
    """The warehouse's build, each source's latest run and data, and the last `runs` loads.

    Raises core.connection.WarehouseMissing when there is no warehouse at `db`."""
    db = Path(db)
    meta = queries.warehouse_info(db)
    freshness = queries.source_freshness(db)
    # Enough run rows for the last `runs` loads: one row per source and load.
    recent = queries.etl_runs_recent(runs * max(1, len(freshness)), db)
    files = queries.source_files(db).groupby("source")["source_file"].apply(list).to_dict()
    sources = []
    for row in freshness.sort_values("source").itertuples():
        quarantined = queries.quarantine_rows(row.source, "", 0, 1, db)[1]
        sources.append(
            {
                "source": row.source,
                "entity": row.entity,
                "adapter": row.adapter,
                "last_status": row.latest_status if isinstance(row.latest_status, str) else None,
                "data_load_id": row.data_load_id if isinstance(row.data_load_id, str) else None,
                "data_as_of": _iso(row.data_as_of_at),
                "rows": _int(row.rows_loaded_count),
                "quarantined": quarantined,
                "message": row.latest_message if isinstance(row.latest_message, str) else None,
                "files": files.get(row.source, []),
            }
        )
    loads = (
        recent.groupby("load_id", sort=False)
        .agg(
            started_at=("started_at", "min"),
            finished_at=("finished_at", "max"),
            sources=("source", "count"),
            failed=("status", lambda s: int((s == "failed").sum())),
            rows_loaded=("rows_loaded_count", "sum"),
            rows_quarantined=("rows_quarantined_count", "sum"),
        )
        .sort_index(ascending=False)
        .head(runs)
    )
    return {
        "warehouse": str(db),
        "load_id": meta.get("load_id"),
        "built_at": _iso(meta.get("built_at")),
        "etl_version": meta.get("etl_version"),
        "is_sample": bool(meta.get("is_sample")),
        "sources": sources,
        "runs": [
            {
                "load_id": load_id,
                "started_at": _iso(r.started_at),
                "finished_at": _iso(r.finished_at),
                "sources": int(r.sources),
                "failed": int(r.failed),
                "rows_loaded": int(r.rows_loaded or 0),
                "rows_quarantined": int(r.rows_quarantined or 0),
            }
            for load_id, r in loads.iterrows()
        ],
    }
