"""A graph on a SPARQL 1.1 server (a shared Oxigraph, Fuseki or other), behind the interface
of the embedded store: :class:`RemoteStore`, spoken to over the SPARQL 1.1 Protocol and the Graph
Store Protocol, and :func:`endpoints`, which finds a server's endpoints from its URL.

``Store.open`` returns one for an ``http(s)://`` location. This module needs only
:mod:`kg.store_base`, not :mod:`kg.store`, so the two store modules do not import each other.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.queries import internal, join_updates
from kg.store_merge import merged_update, remerge_update, touched_graphs
from kg.vocab import MERGED
from kg.store_base import (
    STORE_ENV,
    GraphStore,
    StoreError,
    ox_to_rdflib,
    redact,
    fill_graph_updates,
    replace_graphs_update,
)

DEFAULT_TIMEOUT_S = float(os.environ.get("MSKG_STORE_TIMEOUT", "300"))
"""Seconds to wait for a remote answer (a build's one update request included); the
connection itself must open within 10 s."""

_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_BNODE_LABEL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")

VIRTUOSO_OWN_GRAPHS = ("http://www.openlinksw.com/", "http://www.w3.org/ns/ldp#", "http://localuriqaserver/",
                       "urn:activitystreams-owl:map")
"""IRI prefixes of the graphs Virtuoso keeps for itself in every database (its RDF views, the
LDP vocabulary, its own description): not part of the graph, so never listed, counted or
merged into the default graph."""

VIRTUOSO_BLOCK = 2000
"""Triples per insert-data operation sent to Virtuoso: its SPARQL parser runs out of stack
("SP030 ... memory exhausted") near 5000 in one operation, while one request may hold many."""


def _valid_blank_nodes(content: bytes) -> bytes:
    """Virtuoso's JSON results name blank nodes ``nodeID://b10007``, which is no blank node
    label: the same results with each such name made one (the same name, the same label)."""
    answer = json.loads(content)
    for binding in answer.get("results", {}).get("bindings", []):
        for term in binding.values():
            if term.get("type") == "bnode" and not _BNODE_LABEL.match(term.get("value", "")):
                term["value"] = "v" + term["value"].encode("utf-8").hex()
    return json.dumps(answer).encode("utf-8")


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


class RemoteStore(GraphStore):
    """A graph on a SPARQL 1.1 server, behind the same interface as the embedded store.

    Queries see the merge of the named graphs as their default graph, each triple once, as the
    embedded store's do: on Oxigraph the merge is kept in the server's default graph, rewritten
    in the same request as every write (:mod:`kg.store_merge`; start the server without
    ``--union-default-graph``); Virtuoso 7, whose default graph is every graph it holds, keeps it
    in the named graph :data:`kg.vocab.MERGED` and is asked for that as the default graph; other
    servers get the standard protocol's dataset description (every named graph as a
    ``default-graph-uri``, which the protocol defines as their RDF merge, and a
    ``named-graph-uri``), and writes go to named graphs only. :meth:`replace_graphs` is one
    update request, which is atomic on servers that apply a request in one transaction
    (Oxigraph, Fuseki/TDB2); Virtuoso 7 applies the operations before a failing one (a failed
    build there is repaired by the next).

    Virtuoso 7 (``--store http://host:8890/sparql``): updates go to ``/sparql`` too (the
    ``SPARQL`` user needs the ``SPARQL_UPDATE`` grant), long insert-data operations are cut in
    blocks, and the graphs Virtuoso keeps for itself (:data:`VIRTUOSO_OWN_GRAPHS`) are left out."""

    def __init__(self, url: str, *, read_only: bool = False, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        import requests  # only remote stores need it

        self.url = url.rstrip("/")  # as given, with any user:password@ (requests sends it as Basic auth)
        self.path = self.display_location  # type: ignore[assignment]  # what messages print: no password
        self.read_only = read_only
        self.timeout = (10.0, timeout)
        self.query_url, self.update_url, self._gsp_candidates = endpoints(self.url)
        self._gsp: str | None | bool = False  # False: not probed yet; None: not available
        self._oxigraph: bool | None = None  # is the server Oxigraph? (decided on first contact)
        self._merged = True  # does the server's default graph hold the merge? (Oxigraph; first contact)
        self._virtuoso = False  # Virtuoso: updates at the query endpoint, and graphs of its own to leave out
        self._requests = requests
        self._http = requests.Session()
        self._http.headers["User-Agent"] = "medseg-kg (kg.remote_store.RemoteStore)"
        self._ensure_contact()  # fail on open, with the fix, rather than in the middle of a command

    @property
    def atomic_updates(self) -> bool:
        """Whether one update request is applied whole or not at all (Virtuoso 7 applies the
        operations before a failing one; Oxigraph and Fuseki/TDB2 are atomic)."""
        return not self._virtuoso

    def __repr__(self) -> str:
        return f"RemoteStore({self.display_location!r}{', read_only=True' if self.read_only else ''})"

    # -- HTTP ------------------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, url, timeout=self.timeout, **kwargs)
        except self._requests.ConnectionError as exc:
            raise StoreError(f"cannot reach the SPARQL endpoint {redact(url)}: is the server running? "
                             f"(start one with `kg serve` or `oxigraph serve`, or fix --store / {STORE_ENV})") from exc
        except self._requests.Timeout as exc:
            raise StoreError(f"the SPARQL endpoint {redact(url)} did not answer within {self.timeout[1]:.0f} s "
                             "(set MSKG_STORE_TIMEOUT to wait longer)") from exc
        except (self._requests.exceptions.InvalidURL, self._requests.exceptions.InvalidSchema,
                self._requests.exceptions.MissingSchema):  # a URL requests cannot read: its text may hold the password
            raise StoreError(f"the store URL {redact(url)} cannot be read as a URL; a password holding #, /, ?, [ "
                             "or @ must be percent-encoded (%23, %2F, %3F, %5B, %40)") from None
        if self._oxigraph is None:
            server = response.headers.get("Server", "").lower()
            self._oxigraph = server.startswith("oxigraph")
            if server.startswith("virtuoso"):
                # Virtuoso answers SPARQL 1.1 Update at its one endpoint, /sparql (given the
                # SPARQL_UPDATE grant), not at a sibling /update.
                self._virtuoso, self.update_url = True, self.query_url
        return response

    def _fail(self, response: Any, what: str) -> StoreError:
        text = response.text.strip()[:500]
        where = redact(response.url)  # requests keeps user:password@ in the URL it reports
        if response.status_code in (401, 403) and what == "update":
            return StoreError(f"the SPARQL endpoint {where} refused the update (HTTP {response.status_code}: {text}); "
                              "the server is read-only or needs credentials (start it with `kg serve --writable`, "
                              "or put user:password@ in the URL)")
        if response.status_code == 401:
            return StoreError(f"the SPARQL endpoint {where} wants credentials (HTTP 401 to a {what}): put "
                              "user:password@ in the --store URL, or check the ones it has")
        return StoreError(f"the SPARQL endpoint {where} answered HTTP {response.status_code} to a {what}: {text}")

    def _ensure_contact(self) -> None:
        if self._oxigraph is None:
            self._query_request(internal("ping"), union=False)
            if self._oxigraph or self._virtuoso:
                # A store written before the merge was kept: merged by a writer, read as the union
                # (duplicates and all) by a reader.
                held = internal("any-default-triple") if self._oxigraph else internal("graph-has-triples", graph=MERGED)
                unmerged = not self._ask(held) and bool(self.named_graphs())
                if unmerged and not self.read_only:
                    self._post_update(remerge_update(self.named_graphs(), self._merge_graph))
                self._merged = not unmerged

    @property
    def _merge_graph(self) -> str | None:
        """Where the merge lives: the default graph (None) on Oxigraph, a named graph on Virtuoso."""
        return str(MERGED) if self._virtuoso else None

    @property
    def keeps_merge(self) -> bool:
        return bool((self._oxigraph or self._virtuoso) and self._merged)

    def _ask(self, sparql: str) -> bool:
        response = self._query_request(sparql, union=False, accept=_RESULTS_JSON)
        return bool(self._parse_answer(response))

    def _query_request(self, sparql: str, *, union: bool, accept: str = f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9") -> Any:
        data: list[tuple[str, str]] = [("query", sparql)]
        if union:
            self._ensure_contact()
            if self._oxigraph:
                if not self._merged:
                    data.append(("union-default-graph", ""))
            elif self._virtuoso and self._merged:  # the merge it keeps, and the sources by name
                data += [("default-graph-uri", str(MERGED))] + [("named-graph-uri", g) for g in self.named_graphs()]
            else:  # the standard way: the dataset is every named graph, merged as the default graph
                graphs = self.named_graphs()
                data += [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
        response = self._send("POST", self.query_url, data=data, headers={"Accept": accept})
        if response.status_code != 200:
            raise self._fail(response, "query")
        return response

    def _parse_answer(self, response: Any) -> Any:
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            if kind in (_RESULTS_JSON, "application/json"):
                content = _valid_blank_nodes(response.content) if self._virtuoso else response.content
                return ox.parse_query_results(content, ox.QueryResultsFormat.JSON)
            if kind == "application/sparql-results+xml":
                return ox.parse_query_results(response.content, ox.QueryResultsFormat.XML)
            rdf = ox.RdfFormat.from_media_type(kind)
            if rdf is None:
                raise StoreError(f"the SPARQL endpoint {redact(self.query_url)} answered in an unknown format '{kind}'")
            return ox.parse(response.content, rdf)
        except SyntaxError as exc:
            raise StoreError(f"the SPARQL endpoint {redact(self.query_url)} answered what this client cannot read "
                             f"({kind}): {exc}") from exc

    # -- writing ---------------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.display_location} was opened read-only")

    def update(self, sparql: str) -> None:
        """Run ``sparql``; the merge follows it, in the same request (Oxigraph) or the next (Virtuoso)."""
        self._writable()
        self._ensure_contact()
        changed = touched_graphs(sparql)
        if self._virtuoso and changed is None:
            # The graphs to merge are known only afterwards (Virtuoso's GRAPH ?g also reaches its
            # system graphs, so they are named); it applies a request in parts anyway.
            self._post_update(sparql)
            self._post_update(remerge_update(self.named_graphs(), self._merge_graph))
            return
        if self._oxigraph or self._virtuoso:
            sparql = merged_update(sparql, changed, self.named_graphs(), self._merge_graph)
        self._post_update(sparql)

    def _post_update(self, sparql: str) -> None:
        response = self._send("POST", self.update_url, data=sparql.encode("utf-8"),
                              headers={"Content-Type": "application/sparql-update; charset=utf-8"})
        if response.status_code not in (200, 201, 204):
            raise self._fail(response, "update")

    def replace_graphs(self, graphs: dict[URIRef, Graph], extra_update: str = "") -> int:
        """Replace each named graph's content in ONE update request (atomic where the server
        applies a request in one transaction, as Oxigraph and Fuseki/TDB2 do)."""
        update, count = replace_graphs_update(graphs, extra_update, VIRTUOSO_BLOCK if self._virtuoso else None)
        self.update(update)
        return count

    def bulk_load(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None, chunk: int = 50_000) -> None:
        """Load a file through the Graph Store Protocol when the server has it, else in update
        requests of ``chunk`` triples each (not one transaction, as the embedded bulk load)."""
        self._writable()
        gsp = self._gsp_url()
        if gsp is not None and (graph is not None or fmt.supports_datasets):
            params = {"graph": graph} if graph is not None else None
            with open(path, "rb") as body:
                response = self._send("POST", gsp, params=params, data=body, headers={"Content-Type": fmt.media_type})
            if response.status_code not in (200, 201, 204):
                raise self._fail(response, "Graph Store Protocol load")
            if self._oxigraph or self._virtuoso:  # the merge follows the load (in a request of its own)
                self._post_update(remerge_update(self.named_graphs(), self._merge_graph))
            return
        batch: dict[str, list[str]] = {}  # graph -> its N-Triples lines, in the file's order
        size = 0
        for q in ox.parse(path=str(path), format=fmt):
            named = isinstance(q, ox.Quad) and isinstance(q.graph_name, ox.NamedNode)
            target = graph or (q.graph_name.value if named else None)
            if target is None:
                raise StoreError("remote stores take named graphs only: pass graph= for a triple file")
            batch.setdefault(target, []).append(f"{q.subject} {q.predicate} {q.object} .")
            size += 1
            if size >= chunk:
                self._add_triples(batch)
                batch, size = {}, 0
        if batch:
            self._add_triples(batch)

    def _add_triples(self, batch: dict[str, list[str]]) -> None:
        """One update request adding each graph's N-Triples lines to it."""
        per_block = VIRTUOSO_BLOCK if self._virtuoso else None
        self.update(join_updates([part for name, lines in batch.items()
                                  for part in fill_graph_updates(name, [f"{line}\n" for line in lines], replace=False,
                                                                 per_block=per_block)]))

    def flush(self) -> None:
        """Nothing to do: the server persists each request."""

    # -- reading ---------------------------------------------------------------------------

    def raw_query(self, sparql: str) -> Any:
        """The parsed answer (pyoxigraph's QuerySolutions, QueryBoolean or triples), so that
        :meth:`select` converts exactly as for the embedded store."""
        return self._parse_answer(self._query_request(sparql, union=True))

    def _ours(self, graph: str) -> bool:
        """Whether ``graph`` is part of the graph (not one a server keeps for itself)."""
        return not (self._virtuoso and (graph.startswith(VIRTUOSO_OWN_GRAPHS) or graph == str(MERGED)))

    def named_graphs(self) -> list[str]:
        if self._virtuoso:
            # Virtuoso 7 answers GRAPH ?g { } with one empty row, and a DISTINCT ?g over every
            # triple took 90 s on 35k triples; counting per graph takes milliseconds.
            return sorted(self.graph_sizes())
        response = self._query_request(internal("named-graphs"), union=False, accept=_RESULTS_JSON)
        return sorted(s["g"].value for s in self._parse_answer(response))

    def graph_sizes(self) -> dict[str, int]:
        response = self._query_request(internal("graph-sizes"), union=False, accept=_RESULTS_JSON)
        return {s["g"].value: int(s["n"].value) for s in self._parse_answer(response) if self._ours(s["g"].value)}

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
        response = self._query_request(internal("graph-triples", graph=graph), union=False, accept=_RESULTS_JSON)
        return (ox.Triple(s["s"], s["p"], s["o"]) for s in self._parse_answer(response))

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        """The quads of ``graph``, or of every named graph (a remote default graph is not read:
        what a server calls its default graph differs, and this project writes none)."""
        for name in [graph] if graph is not None else self.named_graphs():
            gname = ox.NamedNode(name)
            for t in self._graph_triples(name):
                yield ox.Quad(t.subject, t.predicate, t.object, gname)

    def _serialised(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        if graph is not None:
            return ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in self.quads(graph)), format=fmt)
        if not fmt.supports_datasets:
            raise ValueError(f"{fmt.name} holds one graph; pass graph= or use N-Quads/TriG for the whole store")
        return ox.serialize(self.quads(), format=fmt)

    def dump_to(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        Path(path).write_bytes(self._serialised(fmt, graph))

    def to_rdflib(self, graphs: list[str] | None = None) -> Graph:
        g = Graph()
        for name in graphs if graphs is not None else self.named_graphs():
            for t in self._graph_triples(name):
                g.add((ox_to_rdflib(t.subject), ox_to_rdflib(t.predicate), ox_to_rdflib(t.object)))
        return g

    def is_empty(self) -> bool:
        if self._virtuoso:  # never empty by that question: its own graphs
            return not self.graph_sizes()
        response = self._query_request(internal("any-triple"), union=False, accept=_RESULTS_JSON)
        return not bool(self._parse_answer(response))
