"""The store: the one place that knows which engine holds the graph.

Oxigraph (``pyoxigraph``) on disk, because it is embedded, persistent, keeps named graphs
natively and answers the saved questions in milliseconds where rdflib's in-memory store
takes seconds at scale (see docs/ and ``kg bench``). rdflib stays the library of the
mapping layer, SHACL validation and some exports; :meth:`Store.to_rdflib` hands them a copy.

Pitfalls this module exists to contain: the union of named graphs is not de-duplicated
(count with DISTINCT), results come back as typed literals (converted here to Python
values), and only one process may open a store directory for writing.

A location is a directory (the embedded default), ``None`` for an in-memory store (tests), or
an ``http(s)://`` SPARQL 1.1 endpoint (:class:`RemoteStore`: a shared Oxigraph, Fuseki or
other server, spoken to over the SPARQL 1.1 Protocol and the Graph Store Protocol with the
same public methods and the same Python values).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.queries import join_updates

STORE_ENV = "MSKG_STORE"


_URL = re.compile(r"^(https?):/+(?=[^/])", re.IGNORECASE)


def store_url(location: str | Path | None) -> str | None:
    """The endpoint URL if ``location`` names a SPARQL endpoint, else None. Accepts the form a
    ``pathlib.Path`` leaves of a URL (``http:/host:7878``: click's path options collapse ``//``)."""
    if location is None:
        return None
    text = str(location).strip()
    match = _URL.match(text)
    return f"{match.group(1).lower()}://{text[match.end():]}" if match else None


def default_store_location() -> str | Path:
    """``$MSKG_STORE`` as given (a directory or an http(s):// endpoint), else the default directory."""
    url = store_url(os.environ.get(STORE_ENV))
    return url if url else default_store_path()


def default_store_path() -> Path:
    """``$MSKG_STORE``, else ``$XDG_DATA_HOME/medseg-kg/store`` (``~/.local/share/medseg-kg/store``)."""
    if os.environ.get(STORE_ENV):
        return Path(os.environ[STORE_ENV]).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "medseg-kg" / "store"


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message names the location and the fix."""


@dataclass
class QueryResult:
    """A SELECT result as Python values (IRIs as str, numbers as int/Decimal/float, dates as date)."""

    variables: list[str]
    rows: list[dict[str, Any]]


_XSD = "http://www.w3.org/2001/XMLSchema#"


def _to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store RDF term {term!r}")


def to_python(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        value = term.value
        try:
            if dt in (_XSD + "integer", _XSD + "int", _XSD + "long", _XSD + "nonNegativeInteger"):
                return int(value)
            if dt == _XSD + "decimal":
                return Decimal(value)
            if dt in (_XSD + "double", _XSD + "float"):
                return float(value)
            if dt == _XSD + "boolean":
                return value == "true"
            if dt == _XSD + "date":
                return date.fromisoformat(value)
            if dt == _XSD + "dateTime":
                return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return value
    return str(term)


def _ox_to_rdflib(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD + "string":
            return Literal(term.value)  # rdflib tells plain from xsd:string literals; RDF 1.1 does not
        if term.datatype.value == _XSD + "decimal" and "." not in term.value:
            # Oxigraph writes 12.0 as "12"; rdflib's Turtle round trip turns that into "12.0".
            return Literal(term.value + ".0", datatype=URIRef(term.datatype.value))
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term {term!r}")


def _replace_graphs_update(graphs: dict[URIRef, Graph], extra_update: str = "") -> tuple[str, int]:
    """One SPARQL update request that drops and refills ``graphs`` (and runs ``extra_update``)."""
    parts = [f"DROP SILENT GRAPH <{name}>" for name in graphs]
    body = []
    count = 0
    for name, graph in graphs.items():
        if len(graph):
            body.append(f"GRAPH <{name}> {{\n{graph.serialize(format='nt')}}}")
            count += len(graph)
    if body:
        parts.append("INSERT DATA {\n" + "\n".join(body) + "\n}")
    if extra_update:
        parts.append(extra_update)
    return join_updates(parts), count


PIECE_BYTES = 8 * 2**20  # ~40k quads of our N-Quads; at 100k papers: 180 MB peak, as fast as 64 MB pieces


def _line_pieces(path: Path, piece_bytes: int) -> Iterator[tuple[list[int] | int, bytes]]:
    """Whole-line pieces of ``path`` with the file's number of their first line. Lines with a
    blank node are blanked in place (numbering stays true) and come last, together, with the
    list of their line numbers."""
    with_bnodes: list[bytes] = []
    bnode_lines: list[int] = []
    line_no, rest = 1, b""
    with open(path, "rb") as fh:
        while block := fh.read(piece_bytes):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            if cut == 0:  # one line longer than a piece: keep reading
                rest = block
                continue
            piece, rest = block[:cut], block[cut:]
            if b"_:" in piece:  # rare (ontology lists); a literal with "_:" only moves its line
                lines = piece.split(b"\n")[:-1]
                for i, line in enumerate(lines):
                    if b"_:" in line:
                        with_bnodes.append(line + b"\n")
                        bnode_lines.append(line_no + i)
                        lines[i] = b""
                piece = b"\n".join(lines) + b"\n"
            yield line_no, piece
            line_no += piece.count(b"\n")
    if rest:
        yield line_no, rest + b"\n"
    if with_bnodes:
        yield bnode_lines, b"".join(with_bnodes)


def _load_line_pieces(store: ox.Store, path: Path, fmt: ox.RdfFormat, to_graph: ox.NamedNode | None,
                      trusted: bool, workers: int, piece_bytes: int) -> None:
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    def load(lines: list[int] | int, piece: bytes) -> None:
        try:
            store.bulk_load(piece, format=fmt, to_graph=to_graph, lenient=trusted)
        except SyntaxError as exc:
            n = (exc.lineno or 1) - 1
            line = lines + n if isinstance(lines, int) else lines[min(n, len(lines) - 1)]
            raise StoreError(f"{path}, line {line}: {exc.msg.split(': ', 1)[-1]}; fix the file and load it "
                             "again (other lines may already be loaded)") from exc

    # Oxigraph releases the GIL while it parses and writes, so threads use every core; at most
    # ``workers`` pieces are in flight, which is what bounds the memory.
    with ThreadPoolExecutor(workers) as pool:
        running: set[Future[None]] = set()
        for lines, piece in _line_pieces(path, piece_bytes):
            if len(running) >= workers:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for f in done:
                    f.result()
            running.add(pool.submit(load, lines, piece))
        for f in running:
            f.result()


class Store:
    """An Oxigraph store on disk (``path``) or in memory (``path=None``, for tests).

    ``Store.open(location)`` also accepts an ``http(s)://`` SPARQL endpoint and then returns a
    :class:`RemoteStore` with the same methods."""

    url: str | None = None  # the endpoint of a RemoteStore; None for an embedded store

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        try:
            if self.path is None:
                self._ox = ox.Store()
            elif read_only:
                if not self.path.exists():
                    raise StoreError(f"no graph at {self.path}; run `kg build` first (or pass --store / set {STORE_ENV})")
                self._ox = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._ox = ox.Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"the store at {self.path} is in use by another process (a running `kg serve`, build or update); "
                    "stop it, or open the store read-only"
                ) from exc
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc

    @classmethod
    def open(cls, location: str | Path | None = None, *, read_only: bool = False) -> "Store":
        """The store at ``location`` (a directory or an http(s):// SPARQL endpoint); ``None``
        means ``$MSKG_STORE`` or the default directory."""
        where = location if location else default_store_location()
        url = store_url(where)
        if url is not None:
            return RemoteStore(url, read_only=read_only)
        return cls(Path(where).expanduser(), read_only=read_only)

    @property
    def location(self) -> str:
        """Where the graph lives, for messages: a directory, an endpoint URL or 'memory'."""
        return self.url or (str(self.path) if self.path is not None else "memory")

    # -- writing ---------------------------------------------------------------------------

    def replace_graphs(self, graphs: dict[URIRef, Graph], extra_update: str = "") -> int:
        """Replace each named graph's content in one transaction: readers see the old graphs
        or the new ones, never a mix, and a failure (or a kill) leaves the store as it was."""
        update, count = _replace_graphs_update(graphs, extra_update)
        self._ox.update(update)
        return count

    def add_graph(self, name: URIRef, graph: Graph) -> None:
        """Add triples to a named graph without removing what it holds (e.g. provenance)."""
        self._ox.extend(ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), ox.NamedNode(str(name))) for s, p, o in graph)

    def update(self, sparql: str) -> None:
        self._ox.update(sparql)

    def bulk_load(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None, *, trusted: bool = False,
                  workers: int | None = None, compact: bool = True, piece_bytes: int = PIECE_BYTES) -> None:
        """Fast, non-transactional loading for large files (benchmarks, restores), then a
        compaction so that the first questions are not slowed by many small files.

        N-Quads and N-Triples, a statement per line, are loaded in pieces of about
        ``piece_bytes`` on ``workers`` threads: memory stays bounded by the pieces in flight
        (Oxigraph sorts a whole call's quads in memory), and both cores work. Every line with a
        blank node goes into one last piece, because Oxigraph gives each call its own blank-node
        scope: ``_:b1`` in two pieces would become two nodes. Other formats load in one call.
        ``trusted`` skips Oxigraph's IRI and literal validation (for files this project wrote).
        A syntax error names the file and its line; what was already loaded stays (one load is
        not one transaction)."""
        to_graph = ox.NamedNode(graph) if graph else None
        if self.path is None or fmt not in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES):
            try:
                self._ox.bulk_load(path=str(path), format=fmt, to_graph=to_graph, lenient=trusted)
            except SyntaxError as exc:
                raise StoreError(f"{path}: {exc.msg}; fix the file and load it again") from exc
        else:
            _load_line_pieces(self._ox, Path(path), fmt, to_graph, trusted, workers or min(4, os.cpu_count() or 1),
                              piece_bytes)
        self.flush()
        if compact:
            self.compact()

    def flush(self) -> None:
        if self.path is not None:
            self._ox.flush()

    def compact(self) -> None:
        """Merge the store's files. A bulk load leaves many small files, and a store opened
        read-only never compacts them itself; at 100k papers the slow questions ran 2-2.5x
        faster after this (1.6 s of work)."""
        if self.path is not None:
            self._ox.optimize()

    # -- reading ---------------------------------------------------------------------------

    def raw_query(self, sparql: str) -> Any:
        """The engine's own result object; the default graph is the union of all named graphs."""
        return self._ox.query(sparql, use_default_graph_as_union=True)

    def select(self, sparql: str) -> QueryResult:
        result = self.raw_query(sparql)
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            rows = [{n: to_python(sol[n]) for n in names} for sol in result]
            return QueryResult(names, rows)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(["result"], [{"result": bool(result)}])
        raise StoreError("this is a CONSTRUCT/DESCRIBE query; use `kg export` or construct()")

    def construct(self, sparql: str) -> Graph:
        result = self.raw_query(sparql)
        g = Graph()
        for t in result:
            g.add((_ox_to_rdflib(t.subject), _ox_to_rdflib(t.predicate), _ox_to_rdflib(t.object)))
        return g

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._ox.named_graphs())

    def graph_sizes(self) -> dict[str, int]:
        rows = self._ox.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {r["g"].value: int(r["n"].value) for r in rows}

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        return self._ox.quads_for_pattern(None, None, None, ox.NamedNode(graph) if graph else None)

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        if graph is not None:
            return self._ox.dump(format=fmt, from_graph=ox.NamedNode(graph))
        return self._ox.dump(format=fmt)

    def dump_to(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Write the store (or ``graph``) to ``path`` as it is serialised, without holding the
        whole text in memory (at 100k papers the N-Quads are 270 MB)."""
        self._ox.dump(str(path), format=fmt, from_graph=ox.NamedNode(graph) if graph is not None else None)

    def to_rdflib(self, graphs: list[str] | None = None) -> Graph:
        """The union of the named graphs (or of ``graphs``) as an in-memory rdflib Graph: the form
        pyshacl and rdflib's serialisers want (and pyshacl runs faster on it than through a store)."""
        g = Graph()
        names = graphs if graphs is not None else self.named_graphs()
        for name in names:
            for q in self._ox.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                g.add((_ox_to_rdflib(q.subject), _ox_to_rdflib(q.predicate), _ox_to_rdflib(q.object)))
        return g

    def to_dataset(self) -> Dataset:
        ds = Dataset()
        for q in self._ox.quads_for_pattern(None, None, None, None):
            gname = q.graph_name
            ctx = ds.graph(URIRef(gname.value)) if isinstance(gname, ox.NamedNode) else ds.default_graph
            ctx.add((_ox_to_rdflib(q.subject), _ox_to_rdflib(q.predicate), _ox_to_rdflib(q.object)))
        return ds

    def is_empty(self) -> bool:
        return not any(True for _ in self._ox.named_graphs())


# -- a remote SPARQL 1.1 endpoint ------------------------------------------------------------

DEFAULT_TIMEOUT_S = float(os.environ.get("MSKG_STORE_TIMEOUT", "300"))
"""Seconds to wait for a remote answer (a build's one update request included); the
connection itself must open within 10 s."""

_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"


def endpoints(url: str) -> tuple[str, str, list[str]]:
    """(query, update, Graph Store Protocol candidates) for a server's URL.

    Give the base URL of an Oxigraph server (``http://host:7878``) or of a Fuseki dataset
    (``http://host:3030/ds``), or its query endpoint (``.../query`` or ``.../sparql``); the
    update endpoint is its sibling ``update``, the Graph Store Protocol endpoint ``store``
    (Oxigraph) or ``data`` (Fuseki), whichever answers."""
    base = url.rstrip("/")
    head, _, last = base.rpartition("/")
    if last in ("query", "sparql", "update") and "//" in head:
        return (base if last != "update" else f"{head}/query"), f"{head}/update", [f"{head}/store", f"{head}/data"]
    return f"{base}/query", f"{base}/update", [f"{base}/store", f"{base}/data"]


class RemoteStore(Store):
    """A graph on a SPARQL 1.1 server, behind the same interface as the embedded store.

    Queries see the union of the named graphs as their default graph, as the embedded store's
    do: on Oxigraph through its ``union-default-graph`` parameter, elsewhere through the
    standard protocol's dataset description (every named graph as a ``default-graph-uri`` and a
    ``named-graph-uri``). Writes go to named graphs only, so no client ever depends on what a
    server calls its default graph. :meth:`replace_graphs` is one update request, which is
    atomic on servers that apply a request in one transaction (Oxigraph, Fuseki/TDB2)."""

    def __init__(self, url: str, *, read_only: bool = False, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        import requests  # only remote stores need it

        self.url = url.rstrip("/")
        self.path = self.url  # type: ignore[assignment]  # what messages print as the location
        self.read_only = read_only
        self.timeout = (10.0, timeout)
        self.query_url, self.update_url, self._gsp_candidates = endpoints(self.url)
        self._gsp: str | None | bool = False  # False: not probed yet; None: not available
        self._oxigraph: bool | None = None  # is the server Oxigraph? (decided on first contact)
        self._requests = requests
        self._http = requests.Session()
        self._http.headers["User-Agent"] = "medseg-kg (kg.store.RemoteStore)"
        self._ensure_contact()  # fail on open, with the fix, rather than in the middle of a command

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r}{', read_only=True' if self.read_only else ''})"

    # -- HTTP ------------------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, url, timeout=self.timeout, **kwargs)
        except self._requests.ConnectionError as exc:
            raise StoreError(f"cannot reach the SPARQL endpoint {url}: is the server running? "
                             f"(start one with `kg serve` or `oxigraph serve`, or fix --store / {STORE_ENV})") from exc
        except self._requests.Timeout as exc:
            raise StoreError(f"the SPARQL endpoint {url} did not answer within {self.timeout[1]:.0f} s "
                             "(set MSKG_STORE_TIMEOUT to wait longer)") from exc
        if self._oxigraph is None:
            self._oxigraph = response.headers.get("Server", "").lower().startswith("oxigraph")
        return response

    def _fail(self, response: Any, what: str) -> StoreError:
        text = response.text.strip()[:500]
        if response.status_code in (401, 403) and what == "update":
            return StoreError(f"the SPARQL endpoint {response.url} refused the update (HTTP {response.status_code}: {text}); "
                              "the server is read-only or needs credentials (start it with `kg serve --writable`, "
                              "or put user:password@ in the URL)")
        return StoreError(f"the SPARQL endpoint {response.url} answered HTTP {response.status_code} to a {what}: {text}")

    def _ensure_contact(self) -> None:
        if self._oxigraph is None:
            self._query_request("ASK {}", union=False)

    def _query_request(self, sparql: str, *, union: bool, accept: str = f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9") -> Any:
        data: list[tuple[str, str]] = [("query", sparql)]
        if union:
            self._ensure_contact()
            if self._oxigraph:
                data.append(("union-default-graph", ""))
            else:  # the standard way: the dataset is every named graph, merged as the default graph
                graphs = self.named_graphs()
                data += [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
        response = self._send("POST", self.query_url, data=data, headers={"Accept": accept})
        if response.status_code != 200:
            raise self._fail(response, "query")
        return response

    def _parse_answer(self, response: Any) -> Any:
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind in (_RESULTS_JSON, "application/json"):
            return ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
        if kind == "application/sparql-results+xml":
            return ox.parse_query_results(response.content, ox.QueryResultsFormat.XML)
        rdf = ox.RdfFormat.from_media_type(kind)
        if rdf is None:
            raise StoreError(f"the SPARQL endpoint {self.query_url} answered in an unknown format '{kind}'")
        return ox.parse(response.content, rdf)

    # -- writing ---------------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.url} was opened read-only")

    def update(self, sparql: str) -> None:
        self._writable()
        response = self._send("POST", self.update_url, data=sparql.encode("utf-8"),
                              headers={"Content-Type": "application/sparql-update; charset=utf-8"})
        if response.status_code not in (200, 201, 204):
            raise self._fail(response, "update")

    def replace_graphs(self, graphs: dict[URIRef, Graph], extra_update: str = "") -> int:
        """Replace each named graph's content in ONE update request (atomic where the server
        applies a request in one transaction, as Oxigraph and Fuseki/TDB2 do)."""
        update, count = _replace_graphs_update(graphs, extra_update)
        self.update(update)
        return count

    def add_graph(self, name: URIRef, graph: Graph) -> None:
        if len(graph):
            self.update(f"INSERT DATA {{ GRAPH <{name}> {{\n{graph.serialize(format='nt')}}} }}")

    def bulk_load(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None, chunk: int = 50_000) -> None:
        """Load a file through the Graph Store Protocol when the server has it, else in chunks
        of ``chunk`` triples of INSERT DATA (not one transaction, as the embedded bulk load)."""
        self._writable()
        gsp = self._gsp_url()
        if gsp is not None and (graph is not None or fmt.supports_datasets):
            params = {"graph": graph} if graph is not None else None
            with open(path, "rb") as body:
                response = self._send("POST", gsp, params=params, data=body, headers={"Content-Type": fmt.media_type})
            if response.status_code not in (200, 201, 204):
                raise self._fail(response, "Graph Store Protocol load")
            return
        batch: list[str] = []
        for q in ox.parse(path=str(path), format=fmt):
            target = graph or (q.graph_name.value if isinstance(q, ox.Quad) and isinstance(q.graph_name, ox.NamedNode) else None)
            if target is None:
                raise StoreError("remote stores take named graphs only: pass graph= for a triple file")
            batch.append(f"GRAPH <{target}> {{ {q.subject} {q.predicate} {q.object} }}")
            if len(batch) >= chunk:
                self.update("INSERT DATA {\n" + "\n".join(batch) + "\n}")
                batch = []
        if batch:
            self.update("INSERT DATA {\n" + "\n".join(batch) + "\n}")

    def flush(self) -> None:
        """Nothing to do: the server persists each request."""

    # -- reading ---------------------------------------------------------------------------

    def raw_query(self, sparql: str) -> Any:
        """The parsed answer (pyoxigraph's QuerySolutions, QueryBoolean or triples), so that
        :meth:`select` and :meth:`construct` convert exactly as for the embedded store."""
        return self._parse_answer(self._query_request(sparql, union=True))

    def named_graphs(self) -> list[str]:
        response = self._query_request("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", union=False, accept=_RESULTS_JSON)
        return sorted(s["g"].value for s in self._parse_answer(response))

    def graph_sizes(self) -> dict[str, int]:
        response = self._query_request("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                                       union=False, accept=_RESULTS_JSON)
        return {s["g"].value: int(s["n"].value) for s in self._parse_answer(response)}

    def _gsp_url(self) -> str | None:
        """The Graph Store Protocol endpoint, if the server has one (probed once)."""
        if self._gsp is False:
            self._gsp = None
            for candidate in self._gsp_candidates:
                try:
                    response = self._send("HEAD", candidate, params={"default": ""}, headers={"Accept": _NTRIPLES})
                except StoreError:
                    break
                if response.status_code == 200:
                    self._gsp = candidate
                    break
        return self._gsp or None

    def _graph_triples(self, graph: str) -> Iterator[ox.Triple]:
        gsp = self._gsp_url()
        if gsp is not None:
            response = self._send("GET", gsp, params={"graph": graph}, headers={"Accept": _NTRIPLES})
            if response.status_code == 404:
                return iter(())
            if response.status_code == 200:
                return iter(ox.parse(response.content, ox.RdfFormat.N_TRIPLES))
        response = self._query_request(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                                       union=False, accept=_RESULTS_JSON)
        return (ox.Triple(s["s"], s["p"], s["o"]) for s in self._parse_answer(response))

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        """The quads of ``graph``, or of every named graph (a remote default graph is not read:
        what a server calls its default graph differs, and this project writes none)."""
        for name in [graph] if graph is not None else self.named_graphs():
            gname = ox.NamedNode(name)
            for t in self._graph_triples(name):
                yield ox.Quad(t.subject, t.predicate, t.object, gname)

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        if graph is not None:
            return ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in self.quads(graph)), format=fmt)
        if not fmt.supports_datasets:
            raise ValueError(f"{fmt.name} holds one graph; pass graph= or use N-Quads/TriG for the whole store")
        return ox.serialize(self.quads(), format=fmt)

    def dump_to(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        Path(path).write_bytes(self.dump(fmt, graph))

    def to_rdflib(self, graphs: list[str] | None = None) -> Graph:
        g = Graph()
        for name in graphs if graphs is not None else self.named_graphs():
            for t in self._graph_triples(name):
                g.add((_ox_to_rdflib(t.subject), _ox_to_rdflib(t.predicate), _ox_to_rdflib(t.object)))
        return g

    def to_dataset(self) -> Dataset:
        ds = Dataset()
        for name in self.named_graphs():
            ctx = ds.graph(URIRef(name))
            for t in self._graph_triples(name):
                ctx.add((_ox_to_rdflib(t.subject), _ox_to_rdflib(t.predicate), _ox_to_rdflib(t.object)))
        return ds

    def is_empty(self) -> bool:
        response = self._query_request("ASK { GRAPH ?g { ?s ?p ?o } }", union=False, accept=_RESULTS_JSON)
        return not bool(self._parse_answer(response))
