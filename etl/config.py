"""Source declarations: `data/sources.toml` parsed into `Source` objects.

A declaration names a source, the entity it feeds, the adapter that reads it, where the input
is, and adapter options. See the README section "Sources config" for every key.
"""

from __future__ import annotations

import codecs
import difflib
import errno
import json
import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.schema import ENTITIES
from etl.errors import ConfigError


@dataclass(frozen=True)
class Source:
    name: str
    entity: str
    adapter: str
    location: str
    base_dir: Path
    registry: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    attribution: str | None = None
    enabled: bool = True
    # `[source.fetch]`: where `python -m etl fetch` gets the files (etl.fetch). With it, `location`
    # is the raw archive folder and a run reads the newest archived file of each attachment.
    fetch: dict[str, Any] | None = None

    def option(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))

    @property
    def archive_root(self) -> Path:
        root = Path(self.location)
        return root if root.is_absolute() else self.base_dir / root

    def paths(self) -> list[Path]:
        """Files the location names: one path or a glob, relative to the config file."""
        if self.is_url:
            return []
        if self.fetch is not None:
            from etl.archive import Archive

            return Archive(self.archive_root).current_files(self.name)
        pattern = Path(self.location)
        if not pattern.is_absolute():
            pattern = self.base_dir / pattern
        if any(ch in self.location for ch in "*?["):
            anchor = Path(pattern.anchor)
            return sorted(anchor.glob(str(pattern.relative_to(anchor))))
        return [pattern]


@dataclass(frozen=True)
class Config:
    path: Path
    sources: list[Source]
    # `[warehouse] sample = true` marks the built-in sample config; the app then shows a banner.
    is_sample: bool = False
    # `[warehouse]` memory_limit / temp_directory / threads for the build (etl.pipeline.build_settings).
    warehouse: dict[str, Any] = field(default_factory=dict)

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise ConfigError(f"{self.path}: no source named {name!r}")


# ---------------------------------------------------------------------------------------------
# The config schema, declared once: every key, what it accepts, and where it applies. The whole
# file is checked against it before anything runs; a mistake is a usage error (exit 2) that names
# the key, what is allowed, and the source it is in. README "Sources config" documents the same
# table (tests/test_hardening_round2.py checks that every option below is in the README).
# ---------------------------------------------------------------------------------------------
FORMATS = ("csv", "txt", "tsv", "xlsx", "xlsm", "json", "parquet", "docx", "pdf")


@dataclass(frozen=True)
class Setting:
    """One config key: a check returning an error text (None when fine) and what it allows."""

    allowed: str
    check: Callable[[Any], str | None]
    adapters: tuple[str, ...] | None = None  # None: every adapter


def _is_text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _text(v: Any) -> str | None:
    return None if _is_text(v) else "must be non-empty text in quotes"


def _boolean(v: Any) -> str | None:
    return None if isinstance(v, bool) else "must be true or false, without quotes"


def _whole_at_least(low: int) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        ok = isinstance(v, int) and not isinstance(v, bool) and v >= low
        return None if ok else f"must be a whole number ≥ {low}, without quotes"

    return check


def _positive_number(v: Any) -> str | None:
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
    return None if ok else "must be a number greater than 0, without quotes"


def _one_of(*values: str) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        return None if isinstance(v, str) and v.lower() in values else f"must be one of {', '.join(values)}"

    return check


def _delimiter(v: Any) -> str | None:
    if isinstance(v, str) and len(v) == 1 and v not in ('"', "\n", "\r"):
        return None
    return 'must be one character (e.g. "," or ";" or "\\t"), not a quote or a line break'


def _encoding(v: Any) -> str | None:
    if not isinstance(v, str):
        return "must be text"
    if v.lower() in ("auto", ""):
        return None
    try:
        codecs.lookup(v)
    except LookupError:
        return "is not a known encoding"
    return None


def _sheet(v: Any) -> str | None:
    if _is_text(v) or (isinstance(v, int) and not isinstance(v, bool) and v >= 0):
        return None
    return "must be a sheet name in quotes or a 0-based sheet number"


def _table_of_text(v: Any) -> str | None:
    if not isinstance(v, dict):
        return 'must be a table, e.g. { "Header" = "field" }'
    bad = [k for k, x in v.items() if not isinstance(x, str)]
    return f"must map to text; {bad} do not" if bad else None


def _table_of_scalars(v: Any) -> str | None:
    if not isinstance(v, dict):
        return 'must be a table, e.g. { record_type = "enforcement" }'
    bad = [k for k, x in v.items() if isinstance(x, (dict, list))]
    return f"must map to single values; {bad} do not" if bad else None


def _table_of_tables(v: Any) -> str | None:
    if not isinstance(v, dict):
        return 'must be a table of tables, e.g. [source.options.values.category] "Fraud" = "fraud"'
    for field_name, mapping in v.items():
        if not isinstance(mapping, dict):
            shown = json.dumps(mapping, ensure_ascii=False)
            return (
                f"has {field_name} = {shown}, which must be a table, "
                'e.g. { "source word" = "our value", "*" = "other" }'
            )
        bad = [k for k, x in mapping.items() if not isinstance(x, (str, int, float))]
        if bad:
            return f"has {field_name} mapping {bad} to something other than text"
    return None


def _list_of_scalars(v: Any) -> str | None:
    ok = isinstance(v, list) and all(isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in v)
    return None if ok else 'must be a list of text values, e.g. ["n/a", "-"]'


SOURCE_KEYS: dict[str, Setting] = {
    "name": Setting("ASCII letters, digits and underscores; unique", _text),
    "entity": Setting("one of " + ", ".join(ENTITIES), _text),
    "adapter": Setting("an adapter name (README: Adapters)", _text),
    "location": Setting("a file, a glob or an http(s) URL", _text),
    "registry": Setting("text: which list a registrations source is", _text),
    "attribution": Setting("text", _text),
    "enabled": Setting("true or false", _boolean),
    "options": Setting("a table of options", lambda v: None if isinstance(v, dict) else "must be a table"),
    # Its own keys are checked by etl.fetch (FETCH_KEYS) with the same kind of message.
    "fetch": Setting(
        "a table [source.fetch] (README: Loading the official lists)",
        lambda v: None if isinstance(v, dict) else "must be a table",
    ),
}


def _memory_size(v: Any) -> str | None:
    ok = isinstance(v, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", v, re.I)
    return None if ok else 'must be a size in quotes such as "1GB" or "512MB"'


WAREHOUSE_KEYS: dict[str, Setting] = {
    "sample": Setting("true or false", _boolean),
    # The build's memory: DuckDB spills to temp_directory beyond memory_limit (README: Memory).
    "memory_limit": Setting('a size such as "1GB" (default "1GB"; env ETL_MEMORY_LIMIT)', _memory_size),
    "temp_directory": Setting("a folder for spill files (default: beside the warehouse)", _text),
    "threads": Setting("a whole number ≥ 1 (default: DuckDB's, one per core)", _whole_at_least(1)),
}
_ID_ADAPTERS = ("canonical", "mapped", "aiid", "aiaaic", "enforcement")
OPTIONS: dict[str, Setting] = {
    "format": Setting(", ".join(FORMATS), _one_of(*FORMATS)),
    "encoding": Setting('"auto" or a Python codec name (utf-8, gb18030, utf-16)', _encoding),
    "delimiter": Setting("one character", _delimiter),
    "header_row": Setting("a whole number ≥ 1", _whole_at_least(1)),
    "sheet": Setting("a sheet name or a 0-based sheet number", _sheet),
    "records": Setting('a records path such as "batches[].rows[]"', _text),
    "timeout": Setting("seconds, a number > 0", _positive_number),
    "max_inflated_mb": Setting("megabytes, a number > 0", _positive_number),
    "decimal_separator": Setting('"." (default) or ","', lambda v: None if v in (".", ",") else 'must be "." or ","'),
    "columns": Setting("a table of header = field", _table_of_text),
    "id_prefix": Setting("text", _text, _ID_ADAPTERS),
    "batch": Setting('a month such as "2025-12"', _text, ("cac_genai", "cac_algorithm", "cac_cancellations")),
    "classifications": Setting("a file path", _text, ("aiid",)),
    "country": Setting("an ISO country code such as CN", _text, ("enforcement",)),
    "currency": Setting("a currency code such as CNY", _text, ("enforcement",)),
    "category": Setting("an incident category", _text, ("enforcement",)),
    "fields": Setting("a table of field = header", _table_of_text, ("mapped",)),
    "constants": Setting("a table of field = value", _table_of_scalars, ("mapped",)),
    "values": Setting("a table of tables: field → { source word = our value }", _table_of_tables, ("mapped",)),
    "null_values": Setting("a list of text values", _list_of_scalars, ("mapped",)),
    "date_format": Setting('a strptime format such as "%m/%d/%Y"', _text, ("mapped",)),
    "separator": Setting("characters between list values", _text, ("mapped",)),
}


def _setting_error(where: str, key: str, value: Any, setting: Setting) -> str | None:
    problem = setting.check(value)
    if problem is None:
        return None
    if isinstance(value, (str, bool, int, float)):
        return f"{where}: {key} = {json.dumps(value, ensure_ascii=False)} {problem} (allowed: {setting.allowed})"
    return f"{where}: {key} {problem} (allowed: {setting.allowed})"


def _unknown(where: str, kind: str, key: str, allowed: Iterable[str]) -> str:
    allowed = sorted(allowed)
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"{where}: unknown {kind} {key!r}.{hint} Allowed: {', '.join(allowed)}"


def _check_location(where: str, base_dir: Path, location: str) -> str | None:
    """A folder or a symlink loop is a config mistake; a file that is missing is a source failure
    (it may appear by the next run), so that is left to the run."""
    if location.startswith(("http://", "https://")) or any(ch in location for ch in "*?["):
        return None
    path = Path(location) if Path(location).is_absolute() else base_dir / location
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return (
                f"{where}: location = {json.dumps(location, ensure_ascii=False)} is a symlink loop; point it at a file"
            )
        return None
    if stat.S_ISDIR(mode):
        return (
            f"{where}: location = {json.dumps(location, ensure_ascii=False)} is a folder; "
            "give a file, or a glob such as 'dir/*.csv'"
        )
    return None


def validate(data: dict[str, Any], path: Path) -> None:
    """Check the whole parsed config against the declared schema; every problem is listed."""
    from etl.adapters import ADAPTERS  # local import: adapters import config

    problems: list[str] = []

    def nul_keys(node: Any, where: str) -> Iterable[str]:
        # Text reaches SQL only through etl.sqlquote, which refuses NUL: say so here, up front.
        if isinstance(node, str) and "\x00" in node:
            yield where
        elif isinstance(node, dict):
            for key, value in node.items():
                yield from nul_keys(key, f"{where}.{key}".lstrip("."))
                yield from nul_keys(value, f"{where}.{key}".lstrip("."))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from nul_keys(value, f"{where}[{i}]")

    for where in dict.fromkeys(nul_keys(data, "")):
        problems.append(f"{path}: {where} holds a NUL character (\\u0000); remove it")
    for key in data:
        if key not in ("source", "warehouse"):
            problems.append(_unknown(str(path), "top-level key", key, ("source", "warehouse")))
    warehouse = data.get("warehouse", {})
    if not isinstance(warehouse, dict):
        problems.append(f"{path}: warehouse must be a table, e.g. [warehouse] sample = false")
    else:
        for key, value in warehouse.items():
            if key not in WAREHOUSE_KEYS:
                problems.append(_unknown(f"{path}: [warehouse]", "key", key, WAREHOUSE_KEYS))
            elif error := _setting_error(f"{path}: [warehouse]", key, value, WAREHOUSE_KEYS[key]):
                problems.append(error)
    entries = data.get("source")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        problems.append(f"{path}: declares no sources; add [[source]] tables (see README).")
        entries = []
    for i, entry in enumerate(entries, start=1):
        name = entry.get("name")
        where = f"{path}: source {name!r}" if isinstance(name, str) and name else f"{path}: [[source]] #{i}"
        for key, value in entry.items():
            if key not in SOURCE_KEYS:
                problems.append(_unknown(where, "key", key, SOURCE_KEYS))
            elif error := _setting_error(where, key, value, SOURCE_KEYS[key]):
                problems.append(error)
        adapter = entry.get("adapter")
        options = entry.get("options", {})
        if isinstance(options, dict):
            allowed = {k for k, s in OPTIONS.items() if s.adapters is None or adapter in s.adapters}
            for key, value in options.items():
                if key not in allowed:
                    problems.append(_unknown(where, f"option for adapter {adapter!r}", key, allowed))
                elif error := _setting_error(where, f"options.{key}", value, OPTIONS[key]):
                    problems.append(error)
        # A fetched source's location is its raw archive folder (etl.fetch): a folder is right there.
        if (
            isinstance(entry.get("location"), str)
            and "fetch" not in entry
            and (error := _check_location(where, path.parent, entry["location"]))
        ):
            problems.append(error)
        if isinstance(adapter, str) and adapter not in ADAPTERS:
            problems.append(f"{where}: unknown adapter {adapter!r}; expected one of {sorted(ADAPTERS)}")
    if problems:
        raise ConfigError(
            "the sources config has problems:\n  " + "\n  ".join(problems) if len(problems) > 1 else problems[0]
        )


def load_config(path: str | Path) -> Config:
    """Parse and check the sources config; every problem names the file and the source."""
    from etl.adapters import ADAPTERS  # local import: adapters import config

    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: sources config not found. Pass --sources FILE or create it (see README).")
    try:
        # utf-8-sig: Windows editors save TOML with a byte-order mark, which tomllib refuses.
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    validate(data, path)
    entries = data["source"]
    sources: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, start=1):
        where = f"{path}: [[source]] #{i}"
        for key in ("name", "entity", "adapter", "location"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ConfigError(f"{where}: missing required key {key!r}")
        name = entry["name"]
        where = f"{path}: source {name!r}"
        if not name.replace("_", "").isalnum() or not name.isascii():
            raise ConfigError(f"{where}: name must be ASCII letters, digits and underscores")
        if name in seen:
            raise ConfigError(f"{where}: declared twice")
        seen.add(name)
        if entry["entity"] not in ENTITIES:
            raise ConfigError(f"{where}: unknown entity {entry['entity']!r}; expected one of {sorted(ENTITIES)}")
        if entry["adapter"] not in ADAPTERS:
            raise ConfigError(f"{where}: unknown adapter {entry['adapter']!r}; expected one of {sorted(ADAPTERS)}")
        adapter = ADAPTERS[entry["adapter"]]
        if entry["entity"] not in adapter.ENTITIES:
            raise ConfigError(
                f"{where}: adapter {entry['adapter']!r} feeds {sorted(adapter.ENTITIES)}, not {entry['entity']!r}"
            )
        if entry["entity"] == "registrations" and not entry.get("registry"):
            raise ConfigError(f'{where}: a registrations source needs registry = "…" (which list it is)')
        options = entry.get("options", {})
        if not isinstance(options, dict):
            raise ConfigError(f"{where}: options must be a table")
        fetch = entry.get("fetch")
        if fetch is not None and not isinstance(fetch, dict):
            raise ConfigError(f"{where}: fetch must be a table ([source.fetch])")
        sources.append(
            Source(
                name=name,
                entity=entry["entity"],
                adapter=entry["adapter"],
                location=entry["location"],
                base_dir=path.parent,
                registry=entry.get("registry"),
                options=options,
                attribution=entry.get("attribution"),
                enabled=entry.get("enabled", True),
                fetch=fetch,
            )
        )
    warehouse = data.get("warehouse", {})
    settings = {k: v for k, v in warehouse.items() if k != "sample"}
    if "temp_directory" in settings and not Path(settings["temp_directory"]).is_absolute():
        settings["temp_directory"] = str(path.parent / settings["temp_directory"])
    return Config(path=path, sources=sources, is_sample=warehouse.get("sample", False), warehouse=settings)
