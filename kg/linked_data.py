"""The HTTP front of `kg serve`: resource IRIs answered as Linked Data, everything else passed
to the Oxigraph server untouched.

`kg serve` runs the Oxigraph server on an internal 127.0.0.1 port and this front on the port
the user asked for. A request for ``/id/...``, ``/graph/...`` or ``/ontology`` is answered
here (:mod:`kg.descriptions`: content negotiation, the description read from the Oxigraph
server through :class:`kg.store.Store`, read-only); any other request (``/query``,
``/update``, ``/store``, the query UI at ``/``) is forwarded as it came, body and headers, and
the answer streamed back, so SPARQL clients see the Oxigraph server they saw before. One
change on the way: a SPARQL update (``/update``) is wrapped so that the store's merged default
graph follows it in the same request, and a Graph Store Protocol write is followed by a
rebuild of the merge (:mod:`kg.store_merge`), so that a client writing a ``--writable`` server
leaves every fact counted once, as `kg` itself does.

A thread per request (the standard library's ThreadingHTTPServer): descriptions take
milliseconds, and a long SPARQL query must not hold up a browser. Every wait is bounded: a
client that stops sending is dropped after :data:`CLIENT_TIMEOUT_S`, a server that stops
answering after the query timeout plus a margin (:func:`proxy_timeout`).
"""

from __future__ import annotations

import http.client
import queue
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

from kg import description_html as pages
from kg.descriptions import HTML, Form, Refusal, choose_form, describe, graph_name, iri_for_path, is_resource_path
from kg.descriptions import ontology as ontology_graph
from kg.descriptions import serialize
from kg.store import GraphStore, Store, StoreError
from kg.store_merge import merged_update, remerge_update, touched_graphs

CLIENT_TIMEOUT_S = 60  # per read or write on a client's connection (a stalled client frees its thread)
DEFAULT_PROXY_TIMEOUT_S = 600  # no --timeout-s: how long a silent SPARQL answer is waited for
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade", "host", "expect"}
BLOCK = 64 * 1024


def proxy_timeout(timeout_s: int | None) -> float:
    """How long the front waits on the Oxigraph server: its own query timeout, plus a margin
    for it to say so itself (its answer is clearer than ours)."""
    return float(timeout_s + 30) if timeout_s else float(DEFAULT_PROXY_TIMEOUT_S)


class LimitedReader:
    """The next ``length`` bytes of a client's stream as a file, so that http.client forwards
    a request body in blocks, without reading past it into the next request."""

    def __init__(self, stream: BinaryIO, length: int) -> None:
        self.stream, self.left = stream, length

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        data = self.stream.read(self.left if size < 0 else min(size, self.left))
        self.left -= len(data)
        if not data:
            self.left = 0
        return data


def read_chunked(stream: BinaryIO) -> bytes:
    """A ``Transfer-Encoding: chunked`` request body, whole (Refusal 400 if it is not one)."""
    parts = []
    while True:
        line = stream.readline(1024)
        try:
            size = int(line.split(b";")[0].strip(), 16)
        except ValueError:
            raise Refusal(400, "the chunked request body is malformed (a chunk size is not hexadecimal)") from None
        if size == 0:
            while stream.readline(1024).strip():  # trailers
                pass
            return b"".join(parts)
        parts.append(stream.read(size))
        stream.readline(1024)


BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 5\r\n"
        b"Connection: close\r\n\r\nkg serve is busy: %d connections are open already; try again in a few seconds\n")


class FrontServer(ThreadingHTTPServer):
    daemon_threads = True  # a request in flight does not keep `kg serve` from stopping
    request_queue_size = 128  # the listen backlog (socketserver's 5 drops bursts of clients)
    max_connections = 64  # open at once, each with its thread; the next is told 503 at once
    upstream: str  # the Oxigraph server's base URL
    wait_s: float

    def __init__(self, address: tuple[str, int], upstream: str, wait_s: float) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.upstream, self.wait_s = upstream, wait_s
        self._idle: queue.SimpleQueue[GraphStore] = queue.SimpleQueue()
        self._slots = threading.BoundedSemaphore(self.max_connections)
        super().__init__(address, FrontHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread for the connection if fewer than :attr:`max_connections` are open; else a
        503 straight away: clients that open connections and send nothing (or slowly) must not
        make the server start threads without end."""
        if not self._slots.acquire(blocking=False):
            try:
                request.setblocking(False)
                try:
                    request.recv(65536)  # what the client sent, so that closing does not reset the connection
                except OSError:
                    pass
                request.setblocking(True)
                request.sendall(BUSY % self.max_connections)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line on stderr, not the standard library's traceback, for a connection that
        broke outside a request's own handling (a client resetting it mid-request line)."""
        import sys

        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            print(f"kg serve: a request from {client_address[0]} failed: {type(error).__name__}: {error}",
                  file=sys.stderr)

    @contextmanager
    def store(self) -> Iterator[GraphStore]:
        """A read-only view of the graph, through the Oxigraph server, lent to one request at
        a time: each request has a thread of its own, and a view (an HTTP session, opened with
        a round trip) is not meant to be shared between threads, nor worth opening per request."""
        try:
            store = self._idle.get_nowait()
        except queue.Empty:
            store = Store.open(self.upstream, read_only=True)
        try:
            yield store
        finally:
            self._idle.put(store)


class FrontHandler(BaseHTTPRequestHandler):
    server: FrontServer
    server_version = "medseg-kg"
    timeout = CLIENT_TIMEOUT_S
    resource = False
    # HTTP/1.1, so that a client sending "Expect: 100-continue" (curl, for a body over 1 KB) is
    # told to go on at once instead of waiting a second; one request per connection, closed
    # after the answer, so that a streamed answer needs no re-chunking.
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet, like the Oxigraph server it fronts (`kg serve` prints where it answers, not each request)."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.route()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def route(self) -> None:
        path = urlsplit(self.path).path if self.path.startswith("/") else self.path
        self.resource = is_resource_path(path)  # its answers, errors included, vary with Accept
        self.close_connection = True
        try:
            if self.resource:
                self.answer_resource(path)
            else:
                self.forward()
        except Refusal as refusal:
            self.send_text(refusal.status, refusal.message)
        except StoreError as exc:
            self.send_text(502, f"the SPARQL server behind kg serve did not answer: {exc}")
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client went away, or stalled: nothing to tell it
        except Exception as exc:  # noqa: BLE001 - a page must end in a status and a reason, never a traceback
            self.send_text(500, f"kg serve could not answer {path[:200]!r}: {type(exc).__name__}: {exc}")

    # -- Linked Data -----------------------------------------------------------------------

    def answer_resource(self, path: str) -> None:
        if self.command not in ("GET", "HEAD"):
            raise Refusal(405, f"{self.command} is not answered at a resource IRI; use GET or HEAD "
                               "(SPARQL goes to /query)")
        iri = iri_for_path(path)
        formats = parse_qs(urlsplit(self.path).query).get("format")
        form = choose_form(self.headers.get("Accept"), formats[0] if formats else None)
        graph = graph_name(iri)
        if graph is not None and form is not HTML:
            self.forward_graph(iri, graph, form)
            return
        body = self.html_for_graph(iri, graph, path) if graph is not None else self.description(iri, path, form)
        self.send_body(200, form.content_type, body)

    def description(self, iri: str, path: str, form: Form) -> bytes:
        with self.server.store() as store:
            found = describe(store, iri)
        if not len(found):
            raise Refusal(404, f"{iri} is not in this graph: no statement names it (check the IRI, "
                               "or search the graph at /query)")
        return pages.resource_page(found, iri, path) if form is HTML else serialize(found, form, iri)

    def html_for_graph(self, iri: str, graph: str, path: str) -> bytes:
        with self.server.store() as store:
            sizes = store.graph_sizes()
            if graph not in sizes:
                raise Refusal(404, f"{graph} is not a named graph of this store (they are: {', '.join(sorted(sizes))})")
            if graph != iri:
                return pages.ontology_page(ontology_graph(store), iri, path)
            return pages.graph_page(iri, path, sizes[graph], describe(store, iri))

    def forward_graph(self, iri: str, graph: str, form: Form) -> None:
        """A named graph's content in an RDF form, streamed by the server's Graph Store Protocol."""
        from urllib.parse import quote

        target = f"/store?graph={quote(graph, safe='')}"
        method = "HEAD" if self.command == "HEAD" else "GET"
        self.forward(target=target, method=method, accept=form.media_type, body=False,
                     missing=f"{graph} is not a named graph of this store")

    # -- SPARQL and everything else: forwarded ------------------------------------------------

    def request_body(self) -> Any:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return read_chunked(self.rfile)
        length = self.headers.get("Content-Length")
        if length is None:
            return None
        if not length.strip().isdigit():
            raise Refusal(400, f"Content-Length {length[:40]!r} is not a number of bytes")
        return LimitedReader(self.rfile, int(length))

    def forward(self, *, target: str | None = None, method: str | None = None, accept: str | None = None,
                body: bool = True, missing: str | None = None) -> None:
        """Pass this request (or ``method target``) to the Oxigraph server and stream its answer back."""
        upstream = urlsplit(self.server.upstream)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        data = self.request_body() if body else None
        writes_graphs = self.command in ("PUT", "POST", "DELETE") and urlsplit(target or self.path).path == "/store"
        if body and self.command == "POST" and urlsplit(self.path).path == "/update":
            data = self.merged_body(data, headers)
        if accept:
            headers["Accept"] = accept
        if isinstance(data, LimitedReader):
            headers["Content-Length"] = str(data.left)
        elif isinstance(data, bytes):
            headers["Content-Length"] = str(len(data))
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=self.server.wait_s)
        try:
            try:
                connection.request(method or self.command, target or self.path, body=data, headers=headers)
                response = connection.getresponse()
            except TimeoutError:
                raise Refusal(504, f"the SPARQL server behind kg serve gave no answer within "
                                   f"{self.server.wait_s:.0f} s") from None
            except (ConnectionError, http.client.HTTPException) as exc:
                raise Refusal(502, f"the SPARQL server behind kg serve is not answering ({exc})") from None
            if missing and response.status == 404:
                raise Refusal(404, missing)
            if writes_graphs and 200 <= response.status < 300:
                response.read()
                self.remerge(connection, upstream.path)
            self.relay(response)
        finally:
            connection.close()

    def merged_body(self, data: Any, headers: dict[str, str]) -> bytes:
        """The update of this request, wrapped so the merged default graph follows it."""
        raw = data.read() if isinstance(data, LimitedReader) else (data or b"")
        with self.server.store() as store:
            named = store.named_graphs()

        def wrapped(text: str) -> str:
            return merged_update(text, touched_graphs(text), named)

        kind = headers.get("Content-Type", headers.get("content-type", "")).split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            fields = [(k, wrapped(v) if k == "update" else v) for k, v in parse_qsl(raw.decode("utf-8"))]
            return urlencode(fields).encode("utf-8")
        return wrapped(raw.decode("utf-8")).encode("utf-8")

    def remerge(self, connection: http.client.HTTPConnection, base: str) -> None:
        """After a Graph Store Protocol write: the merge rebuilt from every named graph."""
        connection.request("POST", base.rstrip("/") + "/update", body=remerge_update().encode("utf-8"),
                           headers={"Content-Type": "application/sparql-update; charset=utf-8"})
        connection.getresponse().read()

    def relay(self, response: http.client.HTTPResponse) -> None:
        # The server's own Server and Date headers pass through: clients (kg.remote_store among
        # them) tell an Oxigraph server by its Server header.
        self.log_request(response.status)
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        if self.resource:
            self.send_header("Vary", "Accept")
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        while block := response.read(BLOCK):
            self.wfile.write(block)

    # -- answers of our own ----------------------------------------------------------------------

    def send_body(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.resource:
            self.send_header("Vary", "Accept")
        if status == 405:
            self.send_header("Allow", "GET, HEAD")
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_text(self, status: int, message: str) -> None:
        self.send_body(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def _url(host: str, port: int) -> str:
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}"


@contextmanager
def linked_data_front(host: str, port: int, upstream: str, *, timeout_s: int | None = None) -> Iterator[str]:
    """Serve the front on ``host:port`` (0: any free port) before the Oxigraph server at
    ``upstream``; yield its base URL; stop it on exit."""
    try:
        server = FrontServer((host, port), upstream, proxy_timeout(timeout_s))
    except OSError as exc:
        raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port "
                         "(or stop what uses it)") from exc
    thread = threading.Thread(target=server.serve_forever, name="kg-serve-front", daemon=True)
    thread.start()
    try:
        yield _url(host, server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
