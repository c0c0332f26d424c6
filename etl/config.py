"""Source declarations: `data/sources.toml` parsed into `Source` objects.

A declaration names a source, the entity it feeds, the adapter that reads it, where the input
is, and adapter options. See the README section "Sources config" for every key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.errors import ConfigError
from etl.schema import ENTITIES

_KNOWN_KEYS = {"name", "entity", "adapter", "location", "registry", "enabled", "options", "attribution", "fetch"}


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

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise ConfigError(f"{self.path}: no source named {name!r}")


def load_config(path: str | Path) -> Config:
    """Parse and check the sources config; every problem names the file and the source."""
    from etl.adapters import ADAPTERS  # local import: adapters import config

    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: sources config not found. Pass --sources FILE or create it (see README).")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: declares no sources; add [[source]] tables (see README).")
    sources: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, start=1):
        where = f"{path}: [[source]] #{i}"
        unknown = set(entry) - _KNOWN_KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_KNOWN_KEYS)}")
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
                enabled=bool(entry.get("enabled", True)),
                fetch=fetch,
            )
        )
    unknown_top = set(data) - {"source", "warehouse"}
    if unknown_top:
        raise ConfigError(f"{path}: unknown top-level keys {sorted(unknown_top)}; allowed: source, warehouse")
    warehouse = data.get("warehouse", {})
    return Config(path=path, sources=sources, is_sample=bool(warehouse.get("sample", False)))
