"""One loader for every .sql file, on both sides: includes, parameters, references, run order.

Includes. A definition several files share (a filter scope, a service's consent status) is
written once, as a fragment `_name.sql` beside the files that use it. A file that uses it holds
a checked copy between two marker comments:

    where filed_date <= $end_date
        -- include: _registration_scope
        and (len($jurisdictions::varchar[]) = 0 or ...)
        -- end include: _registration_scope

The copy is what runs, so a file pasted into a DuckDB shell runs with its filters (a bare
`-- include:` comment would run without them). The fragment stays the one definition: loading
fails with SqlIncludeError when the fragment is missing, the copy differs from it, or the end
marker is missing, and `python -m core.sql --write` rewrites the copies after a fragment changes.
Leading comment lines of a fragment document the fragment file and are not copied.

References. A model's dependencies are the names after `from` and `join` that are other
models; model_order() sorts models so that each runs after the ones it reads.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)-- include: (?P<name>_[a-z0-9_]+)[ \t]*\n"
    r"(?P<body>.*?)"
    r"^(?P=indent)-- end include: (?P=name)[ \t]*$",
    re.M | re.S,
)
_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)-- include: (?P<name>_[a-z0-9_]+)[ \t]*$", re.M)
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_REFERENCE = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)\b", re.I)
_COMMENT = re.compile(r"--[^\n]*")


class SqlIncludeError(Exception):
    """A SQL file's include is broken: missing fragment, stale copy or missing end marker."""


def _fragment_body(path: Path) -> str:
    if not path.is_file():
        raise SqlIncludeError(f"{path.name} is included but does not exist (looked in {path.parent})")
    lines = path.read_text(encoding="utf-8").rstrip("\n").splitlines()
    while lines and lines[0].lstrip().startswith("--"):
        lines.pop(0)
    return "\n".join(lines)


def _indented(text: str, indent: str) -> str:
    return "".join(f"{indent}{line}\n" if line.strip() else "\n" for line in text.splitlines())


def _copy(name: str, indent: str, folder: Path) -> str:
    body = _indented(_fragment_body(folder / f"{name}.sql"), indent)
    return f"{indent}-- include: {name}\n{body}{indent}-- end include: {name}"


def expand(text: str, folder: Path) -> str:
    """`text` with every include copy (or bare directive) replaced by the fragment's current text."""
    out, last = [], 0
    for match in _BLOCK.finditer(text):
        out += [_expand_bare(text[last : match.start()], folder), _copy(match["name"], match["indent"], folder)]
        last = match.end()
    out.append(_expand_bare(text[last:], folder))
    return "".join(out)


def _expand_bare(text: str, folder: Path) -> str:
    return _DIRECTIVE.sub(lambda m: _copy(m["name"], m["indent"], folder), text)


def check(path: Path) -> str:
    """The text of a .sql file, after checking that each include copy matches its fragment."""
    text = path.read_text(encoding="utf-8")
    for match in _DIRECTIVE.finditer(_BLOCK.sub("", text)):
        raise SqlIncludeError(
            f"{path}: `-- include: {match['name']}` has no `-- end include: {match['name']}` below it; "
            "run: python -m core.sql --write"
        )
    for match in _BLOCK.finditer(text):
        want = _copy(match["name"], match["indent"], path.parent)
        if match.group(0) != want:
            raise SqlIncludeError(
                f"{path}: the copy of {match['name']}.sql differs from the fragment; run: python -m core.sql --write"
            )
    return text


@cache
def load(path: Path) -> str:
    """The SQL of one file, includes checked. FileNotFoundError for a file that does not exist."""
    return check(path)


def includes(text: str) -> list[str]:
    return [m["name"] for m in _DIRECTIVE.finditer(text)]


def parameters(text: str) -> set[str]:
    """The $named parameters a statement uses (comments ignored)."""
    return set(_PARAM.findall(_COMMENT.sub("", text)))


def references(text: str) -> set[str]:
    """Names after `from` / `join`: tables, views and CTEs (comments ignored)."""
    return {name.lower() for name in _REFERENCE.findall(_COMMENT.sub("", text))}


def model_order(models: dict[str, str]) -> list[str]:
    """Model names sorted so each comes after the models it references; ties keep the given order.

    Raises ValueError on a cycle."""
    deps = {name: references(text) & (set(models) - {name}) for name, text in models.items()}
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(models):
        ready = [name for name in models if name not in done and deps[name] <= done]
        if not ready:
            raise ValueError(f"SQL models reference each other in a cycle: {sorted(set(models) - done)}")
        order.append(ready[0])
        done.add(ready[0])
    return order


def sql_files(folders: Iterable[Path]) -> list[Path]:
    return sorted(p for folder in folders for p in Path(folder).rglob("*.sql"))


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(
        prog="python -m core.sql", description="Check (default) or rewrite the include copies in .sql files."
    )
    parser.add_argument("--write", action="store_true", help="rewrite stale copies from their fragments")
    parser.add_argument("folders", nargs="*", type=Path, default=[root / "dashboard" / "sql", root / "etl" / "sql"])
    args = parser.parse_args(argv)
    bad = 0
    for path in sql_files(args.folders):
        text = path.read_text(encoding="utf-8")
        if args.write:
            new = expand(text, path.parent)
            if new != text:
                path.write_text(new, encoding="utf-8")
                print(f"rewrote {path}")
            continue
        try:
            check(path)
        except SqlIncludeError as exc:
            print(exc, file=sys.stderr)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
