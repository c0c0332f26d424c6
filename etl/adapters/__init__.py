"""Adapters: one small module per input layout.

An adapter module declares `ENTITIES` (which entities it can feed), `HEADER_MARKERS` (cells
that identify its header row under a title) and `prestage(ctx, raw) -> str`: a SELECT over the
raw table giving the entity's columns as text (lists as VARCHAR[]) plus `__file` and `__line`.
Typing, validation and quarantine are the same for every adapter (etl.stage).
"""

from __future__ import annotations

from types import ModuleType

from etl.adapters import aiaaic, aiid, cac_algorithm, cac_cancellations, cac_genai, canonical, enforcement, mapped

ADAPTERS: dict[str, ModuleType] = {
    "cac_genai": cac_genai,
    "canonical": canonical,
    # Real-source adapters (README "Loading the official lists").
    "cac_algorithm": cac_algorithm,
    "cac_cancellations": cac_cancellations,
    "aiid": aiid,
    "aiaaic": aiaaic,
    "enforcement": enforcement,
    "mapped": mapped,
}
