"""What a resource IRI answers when it is dereferenced (`kg serve`): which IRI a request path
names, which form the client asked for (content negotiation), and the resource's description
in that form.

Every IRI of the graph lives under one namespace (``https://w3id.org/medseg-kg/``); w3id
redirects it to the host where `kg serve` runs (deploy/), so a request path is the IRI minus
that namespace: ``/id/model/medsam2`` is ``https://w3id.org/medseg-kg/id/model/medsam2``.
Three kinds of path are answered:

- ``/id/...``: a resource (model, paper, dataset, concept, run...): its outgoing triples, the
  blank nodes they lead to and its incoming links, with the names of its neighbours
  (internal question ``describe-resource``), never more than one resource's neighbourhood;
- ``/graph/NAME``: a named graph, i.e. its content (served by the Oxigraph server's Graph
  Store Protocol, which streams it; a graph can hold millions of triples);
- ``/ontology``: the ontology (the content of ``…/graph/ontology``); a term such as
  ``ontology#Model`` is the same document, the fragment never reaches a server.

Everything here is pure (no sockets): :mod:`kg.linked_data` is the HTTP side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from rdflib import Graph

from kg.export_jsonld import context
from kg.queries import check_iri, internal
from kg.store_base import GraphStore
from kg.vocab import GRAPH, ID, ONTOLOGY_GRAPH, PREFIXES

#: the namespace every IRI of the graph starts with (ids, the ontology, named graphs)
NAMESPACE = str(ID).removesuffix("id/")
ONTOLOGY_IRI = NAMESPACE + "ontology"
MAX_PATH = 1024  # the longest IRI of the survey build is under 120 characters


@dataclass(frozen=True)
class Form:
    """One form a description is served in."""

    key: str  # the ?format= value and the name in links
    media_type: str
    rdflib_format: str | None  # None: the HTML page
    charset: bool = True  # say "; charset=utf-8" (JSON-LD is UTF-8 by definition and takes no parameter)

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


HTML = Form("html", "text/html", None)
FORMS = (HTML, Form("ttl", "text/turtle", "turtle"), Form("jsonld", "application/ld+json", "json-ld", charset=False),
         Form("nt", "application/n-triples", "nt"))
BY_KEY = {form.key: form for form in FORMS}
BY_MEDIA_TYPE = {form.media_type: form for form in FORMS} | {
    "application/xhtml+xml": HTML,  # browsers list it beside text/html
    "application/json": BY_KEY["jsonld"],  # JSON-LD is JSON: a plain JSON client gets it too
    "text/plain": BY_KEY["nt"],  # N-Triples' old media type
}


class Refusal(Exception):
    """A request this server answers with an error status and a plain-text reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def is_resource_path(path: str) -> bool:
    """Whether a request path (without its query) is an IRI of the graph rather than a
    SPARQL endpoint's (``/query``, ``/update``, ``/store``, the query UI at ``/``)."""
    return path == "/ontology" or path.startswith(("/id/", "/graph/"))


def iri_for_path(path: str) -> str:
    """The IRI a request path names (Refusal 400/414 for a path no IRI of ours can have).

    The path is compared as sent, percent-escapes included, as IRIs compare as strings; only
    escapes of non-ASCII text are decoded (a client sends an IRI's ``é`` as ``%C3%A9``)."""
    if len(path) > MAX_PATH:
        raise Refusal(414, f"the path is {len(path)} characters long; no IRI of this graph is longer than "
                           f"{MAX_PATH} (check the link)")
    if any(segment in (".", "..") for segment in path.split("/")) or "//" in path:
        raise Refusal(400, f"the path {path[:200]!r} has an empty, '.' or '..' segment; IRIs of this graph "
                           "have none (check the link)")
    try:
        text = re.sub(r"(%[89A-Fa-f][0-9A-Fa-f])+", lambda m: unquote_to_bytes(m.group(0)).decode("utf-8"), path)
    except UnicodeDecodeError:
        raise Refusal(400, f"the path {path[:200]!r} has percent-escapes that are not UTF-8 text") from None
    iri = NAMESPACE + text.removeprefix("/")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in iri):
        raise Refusal(400, f"the path {path[:200]!r} holds control characters; no IRI may (check the link)")
    try:
        return check_iri(iri)
    except ValueError:
        raise Refusal(400, f"the path {path[:200]!r} has characters no IRI may hold (spaces, quotes, <, >, "
                           "braces or controls); percent-encode them") from None


def _accepted(accept: str) -> list[tuple[float, int, str]]:
    """``accept``'s media ranges as (q, specificity, range), best first; a malformed q counts as 0."""
    ranges = []
    for position, part in enumerate(accept.split(",")[:64]):  # 64: more is no client, and costs nothing
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        media = media.strip().lower()
        if media:
            specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
            ranges.append((q, specificity, -position, media))
    return [(q, s, m) for q, s, _, m in sorted(ranges, reverse=True)]


def choose_form(accept: str | None, format_key: str | None) -> Form:
    """The form to answer in: ``?format=`` if given, else the client's Accept header
    (HTML when it accepts anything, as browsers do, or sends none). Refusal 400 for an unknown
    ``format``, 406 when nothing the client accepts is served."""
    if format_key:
        if format_key not in BY_KEY:
            raise Refusal(400, f"unknown format {format_key[:40]!r}; use one of: {', '.join(BY_KEY)}")
        return BY_KEY[format_key]
    if not accept or not accept.strip():
        return HTML
    refused = {m for q, _, m in _accepted(accept) if q == 0}
    for q, specificity, media in _accepted(accept):
        if q == 0:
            continue
        if specificity == 2 and media in BY_MEDIA_TYPE:
            return BY_MEDIA_TYPE[media]
        if specificity < 2:
            family = media.split("/")[0]
            for form in FORMS:  # our order: HTML first, then Turtle
                if (family == "*" or form.media_type.startswith(family + "/")) and form.media_type not in refused:
                    return form
    offered = ", ".join(sorted({form.media_type for form in FORMS}))
    raise Refusal(406, f"none of the media types in Accept: {accept[:200]} is served here; ask for one of: "
                       f"{offered} (or add ?format={'|'.join(BY_KEY)})")


def graph_name(iri: str) -> str | None:
    """The named graph a path's IRI stands for: the graph itself, or for the ontology its graph."""
    if iri == ONTOLOGY_IRI:
        return str(ONTOLOGY_GRAPH)
    return iri if iri.startswith(str(GRAPH)) else None


def describe(store: GraphStore, iri: str) -> Graph:
    """``iri``'s description (empty when the graph does not know it)."""
    return store.construct(internal("describe-resource", this=iri))


def ontology(store: GraphStore) -> Graph:
    """The ontology's triples, for its HTML page (the RDF forms come from the server's store)."""
    return store.construct(internal("graph-content", graph=str(ONTOLOGY_GRAPH)))


def with_prefixes(graph: Graph) -> Graph:
    for prefix, base in PREFIXES.items():
        graph.bind(prefix, base, override=True, replace=True)
    return graph


def serialize(graph: Graph, form: Form, base: str) -> bytes:
    """``graph`` in an RDF ``form``; JSON-LD under the export's @context (compact keys),
    Turtle with the project's prefixes. ``base`` is the IRI the answer is about."""
    if form.rdflib_format == "json-ld":
        return graph.serialize(format="json-ld", context=context(), auto_compact=True).encode("utf-8")
    if form.rdflib_format == "turtle":
        return with_prefixes(graph).serialize(format="turtle").encode("utf-8")
    return graph.serialize(format=form.rdflib_format or "nt", encoding="utf-8")


def local_path(iri: str) -> str | None:
    """The path this server answers ``iri`` at (for links in pages), or None if it is not ours."""
    if not iri.startswith(NAMESPACE):
        return None
    rest = iri[len(NAMESPACE):]
    return "/" + rest if is_resource_path("/" + rest.split("#")[0]) else None
