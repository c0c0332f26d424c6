"""The app's query cache: st.cache_data keyed on (function, data version, filter values).

Query functions stay streamlit-free; pages call cached(fn, *args). The key holds the data
version of the live warehouse file, so the first rerun after an ETL publish misses the cache
and reads the new build, without a restart. Keys are plain values, never DataFrames.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from dashboard.warehouse import data_version

T = TypeVar("T")


@st.cache_data(show_spinner=False, max_entries=4000, ttl=6 * 3600)
def _call(module: str, name: str, version: str, args: tuple, kwargs: tuple) -> Any:
    del version  # only part of the key
    fn = getattr(importlib.import_module(module), name)
    return fn(*args, **dict(kwargs))


def cached(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """fn(*args, **kwargs) through the cache. Only dashboard functions, looked up by name, so a
    cached entry can be recomputed in any session."""
    if not fn.__module__.startswith("dashboard."):
        raise ValueError("only dashboard query functions are cached")
    return _call(fn.__module__, fn.__qualname__, data_version(), args, tuple(sorted(kwargs.items())))
