"""`python -m etl fetch`: download each declared source's files into the raw archive.

A source declares `[source.fetch]` beside its load options (one file, no second catalogue):

- `pages`: notice pages whose attachment links (`/cms/pub/interact/downloadfile.jsp?filepath=…
  &fText=<title>`) are discovered; `fText` is the attachment's title and gives its batch.
- `urls`: files fetched as they are (the AI Incident Database snapshot, the AIAAIC sheet export).
- `notice_list`: the filing system's notice list API (`{"datas": [{"noticeId", "title",
  "createTime"}]}`); each notice's attachment is fetched by id from `notice_download`
  (default `/api/file/fileDownLoad?noticeId={noticeId}` on the same site), since the static
  PDF paths in the notices go dead.
- `include` / `exclude`: words an attachment title must hold / must not hold (the annual summary
  notices repeat the batches and are left out).
- `formats`: formats accepted (default docx and pdf for pages and notices); `link_pattern`,
  `referer`, `user_agent`, `timeout` (s), `retries`, `backoff` (s, doubled per retry),
  `max_bytes`.

The server answers 200 with an empty body to a request without a same-site Referer, so every
request carries one and a browser user agent; an empty or HTML body where a document was
expected is a failed download, never a file. Requests are conditional (ETag / Last-Modified):
a 304, or the same bytes again, adds no file. A source whose fetch fails keeps every file it
had; the others still complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from etl.archive import Archive, ArchiveBusy, FileRecord
from etl.config import Config, Source
from etl.documents import sniff_format
from etl.errors import ConfigError, UsageError

USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)
DEFAULT_LINK_PATTERN = r"downloadfile\.jsp\?"
FETCH_KEYS = {
    "pages",
    "urls",
    "notice_list",
    "notice_download",
    "include",
    "exclude",
    "formats",
    "link_pattern",
    "referer",
    "user_agent",
    "timeout",
    "retries",
    "backoff",
    "max_bytes",
}
DOCUMENT_FORMATS = ("docx", "pdf")


class FetchError(Exception):
    """One attachment or page could not be fetched; the message says what and why."""


@dataclass(frozen=True)
class Attachment:
    key: str
    url: str
    page: str | None
    title: str | None
    referer: str
    published: str | None = None


@dataclass
class FetchSpec:
    pages: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    notice_list: str | None = None
    notice_download: str | None = None
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    link_pattern: str = DEFAULT_LINK_PATTERN
    referer: str | None = None
    user_agent: str = USER_AGENT
    timeout: float = 60.0
    retries: int = 3
    backoff: float = 2.0
    max_bytes: int = 200 << 20


def _strings(value: Any, key: str, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{where}: fetch.{key} must be a string or a list of strings")


def spec_of(source: Source) -> FetchSpec:
    """The source's `[source.fetch]` table, checked; every problem names the source and key."""
    where = f"source {source.name!r}"
    table = source.fetch or {}
    unknown = set(table) - FETCH_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown fetch keys {sorted(unknown)}; allowed: {sorted(FETCH_KEYS)}")
    spec = FetchSpec(
        pages=_strings(table.get("pages"), "pages", where),
        urls=_strings(table.get("urls"), "urls", where),
        notice_list=table.get("notice_list"),
        notice_download=table.get("notice_download"),
        include=_strings(table.get("include"), "include", where),
        exclude=_strings(table.get("exclude"), "exclude", where),
        formats=[f.lower() for f in _strings(table.get("formats"), "formats", where)],
        link_pattern=table.get("link_pattern", DEFAULT_LINK_PATTERN),
        referer=table.get("referer"),
        user_agent=table.get("user_agent", USER_AGENT),
    )
    for key in ("timeout", "backoff"):
        if key in table:
            if not isinstance(table[key], (int, float)) or table[key] < 0:
                raise ConfigError(f"{where}: fetch.{key} must be a number ≥ 0")
            setattr(spec, key, float(table[key]))
    for key in ("retries", "max_bytes"):
        if key in table:
            if not isinstance(table[key], int) or table[key] < 0:
                raise ConfigError(f"{where}: fetch.{key} must be a whole number ≥ 0")
            setattr(spec, key, table[key])
    if not (spec.pages or spec.urls or spec.notice_list):
        raise ConfigError(f"{where}: [source.fetch] needs pages, urls or notice_list")
    for url in [*spec.pages, *spec.urls, *([spec.notice_list] if spec.notice_list else [])]:
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{where}: fetch address {url!r} is not an http(s) URL")
    try:
        re.compile(spec.link_pattern)
    except re.error as exc:
        raise ConfigError(f"{where}: fetch.link_pattern is not a valid regular expression: {exc}") from None
    return spec


def readable(url: str) -> str:
    """A URL as a person reads it in a message: percent-escapes decoded (fText is the title)."""
    return urllib.parse.unquote(url)


def site_root(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


@dataclass
class Response:
    status: int
    body: bytes | None
    headers: dict[str, str]
    temp: Path | None = None
    sha256: str | None = None
    size: int = 0


class Client:
    """urllib with a Referer, a browser user agent, a timeout and retries with backoff."""

    def __init__(self, spec: FetchSpec, sleep: Callable[[float], None] = time.sleep) -> None:
        self.spec = spec
        self.sleep = sleep

    def get(
        self, url: str, referer: str, *, conditional: dict[str, str] | None = None, to_file: Path | None = None
    ) -> Response:
        headers = {
            "User-Agent": self.spec.user_agent,
            "Referer": referer,
            "Accept": "*/*",
            "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
        }
        headers.update(conditional or {})
        last = ""
        for attempt in range(self.spec.retries + 1):
            if attempt:
                self.sleep(self.spec.backoff * (2 ** (attempt - 1)))
            request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) only, checked in spec_of
            try:
                with urllib.request.urlopen(request, timeout=self.spec.timeout) as response:  # noqa: S310
                    info = {k.lower(): v for k, v in response.headers.items()}
                    if to_file is None:
                        return Response(response.status, response.read(self.spec.max_bytes + 1), info)
                    return self._stream(response, info, to_file)
            except urllib.error.HTTPError as exc:
                if exc.code == 304:
                    return Response(304, None, {k.lower(): v for k, v in exc.headers.items()})
                last = f"HTTP {exc.code} {exc.reason}"
                if exc.code < 500 and exc.code not in (408, 429):
                    break
            except TimeoutError:
                last = f"no answer within {self.spec.timeout:g} s"
            except urllib.error.URLError as exc:
                reason = exc.reason
                last = (
                    f"no answer within {self.spec.timeout:g} s"
                    if isinstance(reason, TimeoutError)
                    else f"cannot connect ({reason})"
                )
            except (ConnectionError, OSError) as exc:
                last = f"connection failed ({type(exc).__name__}: {exc})"
        tries = f"{attempt + 1} attempt(s)"
        raise FetchError(f"{readable(url)}: {last} after {tries}")

    def _stream(self, response, info: dict[str, str], target: Path) -> Response:
        digest = hashlib.sha256()
        size = 0
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            while chunk := response.read(1 << 16):
                size += len(chunk)
                if size > self.spec.max_bytes:
                    out.close()
                    target.unlink(missing_ok=True)
                    raise FetchError(f"{response.url}: larger than fetch.max_bytes ({self.spec.max_bytes:,} bytes)")
                digest.update(chunk)
                out.write(chunk)
        return Response(response.status, None, info, target, digest.hexdigest(), size)


def _decode_page(body: bytes, headers: dict[str, str]) -> str:
    match = re.search(r"charset=([\w-]+)", headers.get("content-type", "")) or re.search(
        rb"charset=[\"']?([\w-]+)", body[:2048]
    )
    declared = match.group(1) if match else "utf-8"
    if isinstance(declared, bytes):
        declared = declared.decode("ascii", "replace")
    for encoding in (declared, "utf-8", "gb18030"):
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")


def _wanted(title: str | None, spec: FetchSpec) -> bool:
    text = title or ""
    if spec.include and not any(word in text for word in spec.include):
        return False
    return not any(word in text for word in spec.exclude)


def links_in_page(page_html: str, page_url: str, spec: FetchSpec) -> list[Attachment]:
    """Attachment links of a notice page, with their titles (fText), in page order, once each."""
    found: dict[str, Attachment] = {}
    pattern = re.compile(spec.link_pattern)
    for match in re.finditer(r"<a\b[^>]*?href\s*=\s*([\"'])(.*?)\1[^>]*>(.*?)</a>", page_html, re.I | re.S):
        href = html.unescape(match.group(2)).strip()
        if not pattern.search(href):
            continue
        url = urllib.parse.urljoin(page_url, href)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        title = (query.get("fText") or [""])[0].strip()
        if not title:
            title = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", match.group(3)))).strip()
        if not _wanted(title, spec):
            continue
        key = title or url
        if key not in found:
            found[key] = Attachment(
                key, url, page_url, title or None, spec.referer or page_url, published_of_page(page_url)
            )
    return list(found.values())


_PAGE_DATE = re.compile(r"/(20\d{2})-(\d{2})/(\d{2})/[^/]*$")


def published_of_page(page_url: str) -> str | None:
    """The publication date a CAC notice page's address holds (`/2024-04/02/c_….htm` is a page
    published on 2024-04-02), else None."""
    match = _PAGE_DATE.search(urllib.parse.urlsplit(page_url).path)
    return "-".join(match.groups()) if match else None


def notices_in_list(body: bytes, list_url: str, spec: FetchSpec) -> list[Attachment]:
    """The filing system's notice list: one attachment per notice, fetched by its id."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"{list_url}: the notice list is not JSON ({exc})") from None
    items = data.get("datas", data.get("data")) if isinstance(data, dict) else data
    if isinstance(items, dict):
        items = items.get("list") or items.get("records") or items.get("datas")
    if not isinstance(items, list):
        raise FetchError(f"{list_url}: the notice list holds no list of notices (expected key 'datas')")
    template = spec.notice_download or urllib.parse.urljoin(list_url, "/api/file/fileDownLoad?noticeId={noticeId}")
    out: list[Attachment] = []
    for item in items:
        if not isinstance(item, dict) or not item.get("noticeId"):
            continue
        title = str(item.get("title") or "").strip() or None
        if not _wanted(title, spec):
            continue
        notice_id = str(item["noticeId"])
        url = template.replace("{noticeId}", urllib.parse.quote(notice_id, safe=""))
        published = str(item.get("createTime") or "")[:10] or None
        out.append(Attachment(notice_id, url, list_url, title, spec.referer or site_root(list_url), published))
    return out


def detect_format(temp: Path, url: str, headers: dict[str, str]) -> str:
    sniffed = sniff_format(temp)
    if sniffed:
        return sniffed
    with open(temp, "rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    path = urllib.parse.urlsplit(url).path.lower()
    if head[:1] in (b"{", b"[") or path.endswith(".json"):
        return "json"
    if "csv" in headers.get("content-type", "") or path.endswith(".csv") or "format=csv" in url:
        return "csv"
    if path.endswith(".parquet") or head.startswith(b"PAR1"):
        return "parquet"
    suffix = Path(path).suffix.lstrip(".")
    return suffix if re.fullmatch(r"[a-z0-9]{1,8}", suffix or "") else "bin"


@dataclass
class SourceFetch:
    source: str
    status: str  # ok / failed / offline
    attachments: int = 0
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    messages: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    offline: bool = False

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "offline")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def fetch_source(
    source: Source, archive: Archive, *, say: Callable[[str], None], sleep: Callable[[float], None] = time.sleep
) -> SourceFetch:
    """Discover and download one source's attachments; nothing archived before is ever removed."""
    spec = spec_of(source)
    client = Client(spec, sleep)
    result = SourceFetch(source.name, "ok")
    started = _now()
    attachments: list[Attachment] = []
    expected = spec.formats or (list(DOCUMENT_FORMATS) if (spec.pages or spec.notice_list) else [])
    try:
        for page in spec.pages:
            response = client.get(page, spec.referer or site_root(page))
            if not response.body or not response.body.strip():
                raise FetchError(f"{page}: the notice page came back empty (HTTP {response.status})")
            links = links_in_page(_decode_page(response.body, response.headers), page, spec)
            if not links:
                raise FetchError(
                    f"{page}: no attachment link matching {spec.link_pattern!r} on the notice page"
                    + (f" with a title holding {spec.include}" if spec.include else "")
                )
            attachments.extend(links)
        if spec.notice_list:
            response = client.get(spec.notice_list, spec.referer or site_root(spec.notice_list))
            if not response.body:
                raise FetchError(f"{spec.notice_list}: the notice list came back empty (HTTP {response.status})")
            notices = notices_in_list(response.body, spec.notice_list, spec)
            if not notices:
                raise FetchError(f"{spec.notice_list}: no notice in the list matches {spec.include}")
            attachments.extend(notices)
        for url in spec.urls:
            attachments.append(Attachment(url, url, None, None, spec.referer or site_root(url)))
    except FetchError as exc:
        result.status, result.failed = "failed", 1
        result.messages.append(str(exc))
    seen: set[str] = set()
    unique = [a for a in attachments if not (a.key in seen or seen.add(a.key))]
    result.attachments = len(unique)
    latest = archive.latest(source.name)
    for attachment in unique:
        outcome = _fetch_one(client, archive, source.name, attachment, latest.get(attachment.key), expected)
        if outcome.result == "failed":
            result.failed += 1
            result.status = "failed"
            result.messages.append(outcome.message or "failed")
        elif outcome.result == "new":
            result.new += 1
        else:
            result.unchanged += 1
        if outcome.file:
            result.files.append(outcome.file)
        say(f"  {outcome.result:<9} {attachment.title or attachment.url}")
    archive.log_run(
        source.name,
        {
            "started_at": started,
            "finished_at": _now(),
            "status": result.status,
            "attachments": result.attachments,
            "new": result.new,
            "unchanged": result.unchanged,
            "failed": result.failed,
            "message": "; ".join(result.messages),
        },
    )
    return result


def _fetch_one(
    client: Client, archive: Archive, source: str, attachment: Attachment, previous: dict | None, expected: list[str]
) -> FileRecord:
    record = FileRecord(
        source=source,
        key=attachment.key,
        url=attachment.url,
        page=attachment.page,
        title=attachment.title,
        fetched_at=_now(),
        result="failed",
        published=attachment.published,
    )
    conditional: dict[str, str] = {}
    if previous:
        if previous.get("etag"):
            conditional["If-None-Match"] = previous["etag"]
        if previous.get("last_modified"):
            conditional["If-Modified-Since"] = previous["last_modified"]
    name = attachment.title or attachment.url
    temp = archive.root / "tmp" / f"{hashlib.sha256(attachment.key.encode()).hexdigest()[:16]}.part"
    try:
        response = client.get(attachment.url, attachment.referer, conditional=conditional, to_file=temp)
        if response.status == 304 and previous:
            _keep(record, previous, "unchanged")
        else:
            if not response.size:
                raise FetchError(
                    f"{name}: empty body (HTTP {response.status}) from {readable(attachment.url)}; "
                    "the server sends an empty page when the Referer is missing or wrong"
                )
            fmt = detect_format(temp, attachment.url, response.headers)
            if fmt == "html":
                raise FetchError(
                    f"{name}: an HTML page came back from {readable(attachment.url)} where a file was expected"
                )
            if expected and fmt not in expected:
                raise FetchError(
                    f"{name}: got a {fmt} file from {readable(attachment.url)}; expected {' or '.join(expected)}"
                )
            record.sha256, record.size, record.format = response.sha256, response.size, fmt
            record.etag = response.headers.get("etag")
            record.last_modified = response.headers.get("last-modified")
            if previous and previous.get("sha256") == response.sha256:
                temp.unlink(missing_ok=True)
                _keep(record, previous, "unchanged")
                record.etag = record.etag or previous.get("etag")
                record.last_modified = record.last_modified or previous.get("last_modified")
            else:
                record.file, stored = archive.store(temp, response.sha256, fmt, record)
                record.result = "new" if stored else "unchanged"
    except FetchError as exc:
        record.message = str(exc) if str(exc).startswith(name) else f"{name}: {exc}"
        record.result = "failed"
        if previous:  # the previous file stays the one in use
            record.file = None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    archive.log_fetch(record)
    return record


def _keep(record: FileRecord, previous: dict, result: str) -> None:
    record.result = result
    for key in ("sha256", "size", "format", "file", "etag", "last_modified"):
        if getattr(record, key) is None:
            setattr(record, key, previous.get(key))


def fetchable(config: Config, only: list[str] | None) -> list[Source]:
    declared = [s for s in config.sources if s.fetch is not None]
    if not only:
        return [s for s in declared if s.enabled]
    names = {s.name for s in declared}
    unknown = [n for n in only if n not in names]
    if unknown:
        raise UsageError(
            f"--only {', '.join(unknown)}: no such source with [source.fetch] in {config.path}; "
            f"fetchable: {', '.join(sorted(names)) or 'none'}"
        )
    return [s for s in declared if s.name in only]


def fetch_all(
    config: Config,
    *,
    only: list[str] | None = None,
    offline: bool = False,
    say: Callable[[str], None] = lambda _m: None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[SourceFetch]:
    """Fetch every declared source (or `only` those); one source's failure never stops another."""
    results: list[SourceFetch] = []
    sources = fetchable(config, only)
    if not sources:
        raise UsageError(f"{config.path}: no source declares [source.fetch]; nothing to fetch")
    for source in sources:
        spec_of(source)  # every declaration is checked before anything is fetched
    for source in sources:
        say(f"{source.name}:")
        archive = Archive(source.archive_root)
        if offline:
            files = [str(p.relative_to(archive.root)) for p in archive.current_files(source.name)]
            status = "offline" if files else "failed"
            message = [] if files else [f"the archive {archive.root} holds no file of it yet"]
            results.append(SourceFetch(source.name, status, len(files), 0, len(files), 0, message, files, True))
            continue
        try:
            with archive.locked(source.name):
                results.append(fetch_source(source, archive, say=say, sleep=sleep))
        except ArchiveBusy as exc:
            results.append(SourceFetch(source.name, "failed", messages=[f"{exc}; try again when it has finished"]))
        except Exception as exc:  # noqa: BLE001 - one source's failure must never stop the others
            first = str(exc).splitlines()[0] if str(exc) else ""
            results.append(SourceFetch(source.name, "failed", messages=[f"{type(exc).__name__}: {first}"]))
    return results


def print_report(results: list[SourceFetch], *, as_json: bool = False) -> int:
    """One line per source on stdout (or JSON), failures named on stderr; the exit code."""
    if as_json:
        print(json.dumps([vars(r) for r in results], ensure_ascii=False, indent=2))
    else:
        for r in results:
            if r.offline:
                print(f"{r.source}: offline, {len(r.files)} archived file(s) in use")
                for line in [*r.files, *r.messages]:
                    print(f"    {line}")
                continue
            print(
                f"{r.source}: {r.status}, {r.attachments} attachment(s): {r.new} new, {r.unchanged} unchanged, "
                f"{r.failed} failed"
            )
            for message in r.messages:
                print(f"    {message}")
    failed = [r.source for r in results if not r.ok and not r.offline]
    empty = [r.source for r in results if not r.ok and r.offline]
    if failed:
        print(f"error: fetch failed for {', '.join(failed)}; their archived files are kept", file=sys.stderr)
    if empty:
        print(f"error: nothing archived yet for {', '.join(empty)}; fetch them online first", file=sys.stderr)
    return 1 if failed or empty else 0
