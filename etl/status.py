"""What `python -m etl status` reports: the last runs, per-source freshness and quarantine."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.archive import Archive
from etl.errors import EtlError
from etl.schema import ENTITIES


def _source_files(con: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    """The files the warehouse's rows of a source came from (archive files for fetched sources)."""
    files: set[str] = set()
    for entity in ENTITIES.values():
        try:
            rows = con.execute(
                f"select distinct source_file from {entity.stg_table} where source = $s", {"s": source}
            ).fetchall()
        except duckdb.Error:
            continue
        files.update(r[0] for r in rows if r[0])
    return sorted(files)


def _last_fetch(raw: Path | None, source: str) -> dict | None:
    if raw is None:
        return None
    runs = Archive(raw).runs(source)
    if not runs:
        return None
    last = runs[-1]
    return {k: last.get(k) for k in ("finished_at", "status", "attachments", "new", "unchanged", "failed", "message")}


def read_status(db: Path, runs: int = 10, raw: Path | None = None) -> dict:
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
        files = {row[0]: _source_files(con, row[0]) for row in sources}
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
            {
                **{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in zip(cols, row, strict=True)},
                "last_fetch": _last_fetch(raw, row[0]),
                "files": files[row[0]],
            }
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
