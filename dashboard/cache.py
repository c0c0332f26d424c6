"""The app's query cache: st.cache_data keyed on (function, data version, filter values).

Query functions stay streamlit-free; pages call cached(fn, *args). The key holds the data
version of the live warehouse file, so the first rerun after an ETL publish misses the cache
and reads the new build, without a restart. Keys are plain values, never DataFrames, and hold
only the filters a function reads (dashboard.queries.filters_unused).

The frame pins the version once per run (pin_build); every query of that run is keyed on it and
reads only that build. A publish during the run raises BuildChanged and the run starts again.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any, TypeVar

import duckdb
import streamlit as st

from core.connection import (
    PINNED_VERSION,
    BuildChanged,
    WarehouseMissing,
    WarehouseOutdated,
    data_version,
    db_path,
    missing_from_contract,
)
from dashboard.filters import Filters
from dashboard.queries import unused_fields

T = TypeVar("T")
_DEFAULTS = {f.name: f.default for f in fields(Filters)}


@st.cache_data(show_spinner=False, max_entries=4000, ttl=6 * 3600)
def _call(module: str, name: str, version: str, args: tuple, kwargs: tuple) -> Any:
    fn = getattr(importlib.import_module(module), name)
    token = PINNED_VERSION.set(version)
    try:
        return fn(*args, **dict(kwargs))
    finally:
        PINNED_VERSION.reset(token)


_PIN = "_data_version"


def pin_build() -> None:
    """Called by the frame at the start of every run: the build this run reads."""
    try:
        st.session_state[_PIN] = data_version()
    except WarehouseMissing:
        st.session_state.pop(_PIN, None)


def cached(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """fn(*args, **kwargs) through the cache. Only dashboard functions, looked up by name, so a
    cached entry can be recomputed in any session."""
    if not fn.__module__.startswith("dashboard."):
        raise ValueError("only dashboard query functions are cached")
    version = st.session_state.get(_PIN) or data_version()
    # Filters fields the function does not read are set to their defaults, so the cache key holds
    # only what the result depends on (queries.filters_unused).
    if unused := unused_fields(fn, args, kwargs):
        blank = {name: _DEFAULTS[name] for name in unused}
        args = tuple(replace(a, **blank) if isinstance(a, Filters) else a for a in args)
        kwargs = {k: replace(v, **blank) if isinstance(v, Filters) else v for k, v in kwargs.items()}
    try:
        return _call(fn.__module__, fn.__qualname__, version, args, tuple(sorted(kwargs.items())))
    except BuildChanged:
        # Not cached (st.cache_data keeps no result for a raise): rerun the whole page on the new build.
        st.rerun()
    except duckdb.Error:
        # A build by an older version lacks what this one reads: say so (and how to rebuild), not a
        # traceback. Any other error is a bug and is raised as it is.
        missing = missing_from_contract(db_path())
        if missing:
            raise WarehouseOutdated(db_path(), missing) from None
        raise
