"""A scriptable local HTTP server standing in for arXiv and Semantic Scholar.

The real client libraries (``arxiv``, ``semanticscholar``) talk to it over a real
socket on 127.0.0.1, so their URL building, parsing and pagination run exactly
as in production. Routes are keyed by method + path (+ an optional subset of the
query); each route replays a script of replies (the last one repeats), or calls
a handler that builds the reply from the request. Every request is kept in
``api.seen`` so tests can count calls and inspect URLs, headers and bodies.

Import it from a test module (``from fakeapi import FakeApi, Reply, fake_api``);
the ``fake_api`` fixture starts a server per test and stops it afterwards.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

RECORDED = Path(__file__).parent / "recorded"
_REPO = Path(__file__).resolve().parent.parent

# The tests import ``ingest`` from the work tree even when the project is not
# pip-installed into the venv (tests/conftest.py is owned elsewhere).
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))


@dataclass
class Reply:
    """One scripted answer. ``body`` may be bytes, str, or JSON-able data."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    stall: float = 0.0  # seconds to sleep before answering (to trip client timeouts)

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, self.content_type or "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), self.content_type or "text/plain; charset=utf-8"
        return json.dumps(self.body).encode("utf-8"), self.content_type or "application/json"


def atom(body: str | bytes) -> Reply:
    return Reply(200, body, content_type="application/atom+xml; charset=utf-8")


def json_reply(data: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(status, data, headers=dict(headers), content_type="application/json")


@dataclass
class Seen:
    """A request as the server received it."""

    method: str
    path: str
    raw_query: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def target(self) -> str:
        return self.path + ("?" + self.raw_query if self.raw_query else "")

    def json(self) -> Any:
        return json.loads(self.body or b"null")


Handler = Callable[[Seen], Reply]


@dataclass
class _Route:
    method: str
    path: str
    query: dict[str, str]
    script: list[Reply] | None = None
    handler: Handler | None = None
    calls: int = 0
    suffix: str | None = None  # set: ``path`` is a prefix and the request path must end with this

    def matches(self, seen: Seen) -> bool:
        if self.method != seen.method:
            return False
        if self.suffix is not None:
            if not (seen.path.startswith(self.path) and seen.path.endswith(self.suffix)):
                return False
        elif self.path != seen.path:
            return False
        return all(seen.query.get(k, [None])[0] == v for k, v in self.query.items())

    def next_reply(self, seen: Seen) -> Reply:
        self.calls += 1
        if self.handler is not None:
            return self.handler(seen)
        assert self.script
        return self.script[min(self.calls, len(self.script)) - 1]


class FakeApi:
    def __init__(self) -> None:
        self.routes: list[_Route] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting

    def add(self, method: str, path: str, *replies: Reply, query: dict[str, str] | None = None) -> None:
        """Answer ``method path`` with ``replies`` in order; the last one repeats."""
        self.routes.append(_Route(method.upper(), path, query or {}, script=list(replies)))

    def handle(self, method: str, path: str, handler: Handler, query: dict[str, str] | None = None) -> None:
        self.routes.append(_Route(method.upper(), path, query or {}, handler=handler))

    def handle_prefix(self, method: str, prefix: str, suffix: str, handler: Handler) -> None:
        """Answer every ``method`` request whose path starts with ``prefix`` and ends with ``suffix``
        (e.g. ``/graph/v1/paper/`` ... ``/references`` for any paper id)."""
        self.routes.append(_Route(method.upper(), prefix, {}, handler=handler, suffix=suffix))

    def requests_to(self, path: str, method: str | None = None) -> list[Seen]:
        return [s for s in self.seen if s.path == path and (method is None or s.method == method)]

    # -- lifecycle

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeApi:
        api = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in two writes; without TCP_NODELAY each keep-alive
            # answer waited ~40 ms for the client's delayed ACK (a real run does not).
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(
                    self.command,
                    parts.path,
                    parts.query,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    time.monotonic(),
                )
                with api._lock:
                    api.seen.append(seen)
                    candidates = [r for r in api.routes if r.matches(seen)]
                    route = max(candidates, key=lambda r: len(r.query)) if candidates else None
                    reply = (
                        route.next_reply(seen)
                        if route
                        else json_reply({"error": f"no fake route for {seen.method} {seen.target}"}, 404)
                    )
                if reply.stall and api._stopping.wait(reply.stall):
                    return  # the server is stopping; drop the stalled request
                data, ctype = reply.encoded()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = _serve
            do_POST = _serve

        server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def fake_api() -> Any:
    api = FakeApi().start()
    try:
        yield api
    finally:
        api.stop()


# --------------------------------------------------------------------------- recorded data


def recorded_text(name: str) -> str:
    return (RECORDED / name).read_text(encoding="utf-8")


def recorded_json(name: str) -> Any:
    return json.loads(recorded_text(name))


_FEED_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?{query}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: {title}</title>
  <id>http://arxiv.org/api/7bGcD2h9ZtJYDJsRvbB1pQ0YlTM</id>
  <updated>2025-06-20T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{start}</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{per_page}</opensearch:itemsPerPage>
"""


def arxiv_feed(entries: list[str], *, total: int | None = None, start: int = 0, per_page: int | None = None,
               query: str = "") -> str:
    """An arXiv API Atom page wrapping ``entries`` (each an ``<entry>`` element as text)."""
    head = _FEED_HEAD.format(
        query=query.replace("&", "&amp;"),
        title=query.replace("&", "&amp;"),
        total=len(entries) if total is None else total,
        start=start,
        per_page=len(entries) if per_page is None else per_page,
    )
    return head + "".join(entries) + "</feed>\n"


def arxiv_entry(arxiv_id: str) -> str:
    """The recorded ``<entry>`` of one survey paper (MedSAM, SAM or SAM 2), as text."""
    feed = recorded_text("arxiv/id_list-medsam-sam-sam2.xml")
    for m in re.finditer(r"  <entry>.*?</entry>\n", feed, re.DOTALL):
        if f"/abs/{arxiv_id}v" in m.group(0):
            return m.group(0)
    raise KeyError(f"no recorded arXiv entry for {arxiv_id}")


def synthetic_entry(arxiv_id: str, title: str | None = None, published: str = "2024-03-01T12:00:00Z") -> str:
    """A minimal but well-formed entry, for tests that need many papers."""
    return f"""  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}v1</id>
    <updated>{published}</updated>
    <published>{published}</published>
    <title>{title or 'Paper ' + arxiv_id}</title>
    <summary>Abstract of {arxiv_id}.</summary>
    <author>
      <name>A. Author</name>
    </author>
    <link href="http://arxiv.org/abs/{arxiv_id}v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{arxiv_id}v1" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="eess.IV" scheme="http://arxiv.org/schemas/atom"/>
    <category term="eess.IV" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
"""


def fast_config(**overrides: Any) -> Any:
    """An HttpConfig for tests: no politeness delay, tiny backoff, short timeouts."""
    from ingest.http import HttpConfig

    values: dict[str, Any] = {
        "cache_dir": None,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "max_attempts": 3,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "wait_budget_seconds": 10.0,
    }
    values.update(overrides)
    return HttpConfig(**values)


def fast_policy(**overrides: Any) -> Any:
    from ingest.http import HttpPolicy

    secrets = overrides.pop("secrets", ())
    return HttpPolicy(fast_config(**overrides), secrets=secrets)
