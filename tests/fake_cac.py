"""A local stand-in for the CAC sites, on 127.0.0.1 and an ephemeral port, that behaves like them:

- a download without a same-site Referer gets 200 with an empty body;
- notice pages link attachments as `/cms/pub/interact/downloadfile.jsp?filepath=…&fText=<title>`;
- files carry an ETag and answer 304 to a matching If-None-Match;
- a file can be made to fail with 503 a number of times first, or to hang until the test ends;
- the filing system's notice list (`/api/notice/list`) and downloads by notice id.

It serves until `stop()` (the fixture calls it), and a hanging request waits at most `HANG_LIMIT`.
"""

from __future__ import annotations

import hashlib
import json
import threading
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HANG_LIMIT = 20.0
LAST_MODIFIED = "Wed, 09 Sep 2026 08:00:00 GMT"


@dataclass
class FakeFile:
    body: bytes
    fail_first: int = 0  # answer 503 this many times before serving
    hang: bool = False


@dataclass
class FakeSite:
    pages: dict[str, str] = field(default_factory=dict)  # path -> HTML
    files: dict[str, FakeFile] = field(default_factory=dict)  # filepath or noticeId -> file
    notices: list[dict] = field(default_factory=list)
    exports: dict[str, bytes] = field(default_factory=dict)  # path -> body, served as they are (CSV exports)
    requests: Counter = field(default_factory=Counter)
    not_modified: Counter = field(default_factory=Counter)  # 304 answers per file
    log: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # path, referer, if-none-match
    agents: set[str] = field(default_factory=set)  # User-Agent headers seen
    release: threading.Event = field(default_factory=threading.Event)
    base: str = ""

    def link(self, filepath: str, title: str) -> str:
        query = urllib.parse.urlencode({"filepath": filepath, "fText": title})
        return f'<a href="/cms/pub/interact/downloadfile.jsp?{query.replace("&", "&amp;")}">{title}</a>'

    def notice_page(self, path: str, links: list[tuple[str, str]], extra: str = "") -> None:
        body = "".join(f"<p>{self.link(fp, title)}</p>" for fp, title in links)
        self.pages[path] = f"<html><head><meta charset='utf-8'></head><body>{extra}{body}</body></html>"


def _handler(site: FakeSite):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def _send(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def do_GET(self):  # noqa: N802 - the http.server API
            parts = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(parts.query)
            referer = self.headers.get("Referer")
            site.log.append((parts.path, referer, self.headers.get("If-None-Match")))
            site.agents.add(self.headers.get("User-Agent") or "")
            same_site = bool(referer) and referer.startswith(site.base)
            if parts.path in site.exports:
                site.requests[parts.path] += 1
                return self._send(200, site.exports[parts.path], {"Content-Type": "text/csv; charset=utf-8"})
            if parts.path in site.pages:
                return self._send(200, site.pages[parts.path].encode(), {"Content-Type": "text/html; charset=utf-8"})
            if parts.path == "/api/notice/list":
                if not same_site:
                    return self._send(200)
                return self._send(200, json.dumps({"datas": site.notices}, ensure_ascii=False).encode())
            if parts.path in ("/cms/pub/interact/downloadfile.jsp", "/api/file/fileDownLoad"):
                key = (query.get("filepath") or query.get("noticeId") or [""])[0]
                site.requests[key] += 1
                if not same_site:
                    return self._send(200)  # what the real server does without a Referer
                file = site.files.get(key)
                if file is None:
                    return self._send(404, b"not found")
                if file.hang:
                    site.release.wait(HANG_LIMIT)
                    return self._send(200, file.body)
                if file.fail_first > 0:
                    file.fail_first -= 1
                    return self._send(503, b"busy")
                etag = '"' + hashlib.sha256(file.body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    site.not_modified[key] += 1
                    return self._send(304, headers={"ETag": etag})
                headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED, "Content-Type": "application/octet-stream"}
                return self._send(200, file.body, headers)
            return self._send(404, b"not found")

    return Handler


class FakeServer:
    def __init__(self, site: FakeSite) -> None:
        self.site = site
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
        self.httpd.daemon_threads = True
        site.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return self.site.base

    def stop(self) -> None:
        self.site.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=HANG_LIMIT)
