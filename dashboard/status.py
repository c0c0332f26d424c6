"""What `python -m etl status` reports: the last runs, per-source freshness and quarantine."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.errors import EtlError


def read_status(db: Path, runs: int = 10) -> dict:
    if not Path(db).exists():
        raise EtlError(f"{db}: no warehouse yet. Build it with: python -m etl run")
    con = duckdb.connect(str(db), read_only=True)
    try:
        meta = con.execute("select load_id, built_at, etl_version, is_sample from warehouse_meta").fetchone()
        sources = con.execute(
            """
            select
                sources.source,
                sources.entity,
                sources.adapter,
                last_run.status as last_status,
                sources.data_load_id,
                data_run.finished_at as data_as_of,
                data_run.rows_loaded,
                (select count(*) from quarantine where quarantine.source = sources.source) as quarantined,
                last_run.message,
            from etl_sources as sources
            left join etl_runs as last_run
                on last_run.source = sources.source and last_run.load_id = $load_id
            left join etl_runs as data_run
                on data_run.source = sources.source and data_run.load_id = sources.data_load_id
            order by sources.source
            """,
            {"load_id": meta[0]},
        ).fetchall()
        recent = con.execute(
            """
            select load_id, min(started_at), max(finished_at), count(*),
                count(*) filter (where status = 'failed'), sum(rows_loaded), sum(rows_quarantined)
            from etl_runs group by load_id order by load_id desc limit $n
            """,
            {"n": runs},
        ).fetchall()
    finally:
        con.close()
    cols = [
        "source",
        "entity",
        "adapter",
        "last_status",
        "data_load_id",
        "data_as_of",
        "rows",
        "quarantined",
        "message",
    ]
    return {
        "warehouse": str(db),
        "load_id": meta[0],
        "built_at": meta[1].isoformat(),
        "etl_version": meta[2],
        "is_sample": meta[3],
        "sources": [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in zip(cols, row, strict=True)}
            for row in sources
        ],
        "runs": [
            {
                "load_id": r[0],
                "started_at": r[1].isoformat(),
                "finished_at": r[2].isoformat() if r[2] else None,
                "sources": r[3],
                "failed": r[4],
                "rows_loaded": int(r[5] or 0),
                "rows_quarantined": int(r[6] or 0),
            }
            for r in recent
        ],
    }
