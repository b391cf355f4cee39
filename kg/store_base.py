"""What the embedded store (:mod:`kg.store`) and a SPARQL 1.1 server (:mod:`kg.remote_store`)
have in common: the interface every command and page uses (:class:`GraphStore`), the error
they raise, results as Python values, and the one update that replaces named graphs.

It is its own module so that the remote store needs nothing of the embedded one: :mod:`kg.store`
imports :mod:`kg.remote_store` (``Store.open`` returns a remote store for an http(s) location),
and nothing imports back, so there is no import cycle, lazy or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ingest.redact import redact_text
from kg.queries import internal, join_updates

STORE_ENV = "MSKG_STORE"


def redact(text: str) -> str:
    """``text`` with the secrets a store location can carry masked: the ``user:password@`` (or
    ``token@``) of every URL, and the values of query keys such as ``api_key``, ``token`` and
    ``password``. Every message that may show a location goes through here (and every
    :class:`StoreError` does by construction), because such messages end up in terminals, CI
    logs and bug reports. The rules are :mod:`ingest.redact`'s, the one helper."""
    return redact_text(text)


class StoreError(RuntimeError, click.ClickException):
    """The store cannot be opened or used; the message names the location and the fix.

    Its message is redacted (:func:`redact`) whatever the caller put in it. It is also a
    ``click.ClickException``: a command that lets one through (a build on a full disk, an
    update on a store being served) ends with ``Error: <message>`` and exit status 1, never a
    traceback, without each command having to catch it."""

    def __init__(self, message: str) -> None:
        click.ClickException.__init__(self, redact(str(message)))


@dataclass
class QueryResult:
    """A SELECT result as Python values (IRIs as str, numbers as int/Decimal/float, dates as date)."""

    variables: list[str]
    rows: list[dict[str, Any]]


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = (_XSD + "integer", _XSD + "int", _XSD + "long", _XSD + "nonNegativeInteger")


def _literal_value(value: str, datatype: str) -> Any:
    if datatype in _INTEGERS:
        return int(value)
    if datatype == _XSD + "decimal":
        return Decimal(value)
    if datatype in (_XSD + "double", _XSD + "float"):
        return float(value)
    if datatype == _XSD + "boolean":
        return value == "true"
    if datatype == _XSD + "date":
        return date.fromisoformat(value)
    if datatype == _XSD + "dateTime":
        return datetime.fromisoformat(value)  # Python 3.11 reads a final "Z"
    return value


def to_python(term: Any) -> Any:
    """A pyoxigraph term as the Python value the tables, JSON and comparisons want; a literal
    that does not parse as its datatype comes back as its text."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        try:
            return _literal_value(term.value, term.datatype.value)
        except ValueError:
            return term.value
    return str(term)


def ox_to_rdflib(term: Any) -> Node:
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


def query_result(result: Any) -> QueryResult:
    """A SELECT or ASK answer (pyoxigraph's result object) as Python values."""
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [{n: to_python(sol[n]) for n in names} for sol in result]
        return QueryResult(names, rows)
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(["result"], [{"result": bool(result)}])
    raise StoreError("this is a CONSTRUCT/DESCRIBE query; use `kg export`, or raw_query() for its triples")


def fill_graph_updates(graph: str, lines: list[str], *, replace: bool, per_block: int | None = None) -> list[str]:
    """The update operations that (drop and) fill ``graph`` with N-Triples ``lines``: one
    insert-data operation, or, with ``per_block`` (for Virtuoso 7), insert-data operations of at most
    ``per_block`` triples (its parser gives up near 5000 in one) and the triples with blank
    nodes in one insert template (it refuses blank nodes there; one template keeps
    each label one node)."""
    if not per_block:
        return [internal("replace-graph" if replace else "insert-into-graph", graph=graph, data="".join(lines))]
    plain = [line for line in lines if "_:" not in line]
    blanks = [line for line in lines if "_:" in line]
    parts = [internal("drop-graph", graph=graph)] if replace else []  # Virtuoso refuses an empty INSERT DATA
    parts += [internal("insert-into-graph", graph=graph, data="".join(plain[i:i + per_block]))
              for i in range(0, len(plain), per_block)]
    if blanks:
        parts.append(internal("insert-template-into-graph", graph=graph, data="".join(blanks)))
    return parts


def replace_graphs_update(graphs: dict[URIRef, Graph], extra_update: str = "",
                          per_block: int | None = None) -> tuple[str, int]:
    """One update request that drops and refills each of ``graphs`` (then runs ``extra_update``),
    and the number of triples it writes (``per_block``: see :func:`fill_graph_updates`)."""
    parts = [part for name, graph in graphs.items()
             for part in fill_graph_updates(str(name), graph.serialize(format="nt").splitlines(keepends=True),
                                            replace=True, per_block=per_block)]
    return join_updates([*parts, extra_update]), sum(len(graph) for graph in graphs.values())


class GraphStore:
    """The store's interface, whichever engine holds the graph. Reading and conversion are
    shared here; each engine supplies :meth:`raw_query` and the rest."""

    url: str | None = None  # the endpoint of a remote store; None for an embedded one
    path: Path | None = None

    @property
    def display_location(self) -> str:
        """Where the graph lives, for messages: a directory, an endpoint URL without its
        password (:func:`redact`), or 'memory'. The endpoint itself is :attr:`url`."""
        if self.url:
            return redact(self.url)
        return str(self.path) if self.path is not None else "memory"

    @property
    def location(self) -> str:
        """The same as :attr:`display_location` (it has always been the form for messages)."""
        return self.display_location

    # -- reading (shared) ------------------------------------------------------------------

    def raw_query(self, sparql: str) -> Any:
        """The engine's result object (pyoxigraph's QuerySolutions, QueryBoolean or triples);
        the default graph is the merge of all named graphs, each triple once (kg.store_merge)."""
        raise NotImplementedError

    def select(self, sparql: str) -> QueryResult:
        return query_result(self.raw_query(sparql))

    def construct(self, sparql: str) -> Graph:
        """A CONSTRUCT's triples as an rdflib graph (the live-path checks read shapes' inputs so)."""
        g = Graph()
        for t in self.raw_query(sparql):
            g.add((ox_to_rdflib(t.subject), ox_to_rdflib(t.predicate), ox_to_rdflib(t.object)))
        return g

    # -- what each engine supplies ---------------------------------------------------------

    def replace_graphs(self, graphs: dict[URIRef, Graph], extra_update: str = "") -> int:
        """Replace each named graph's content in one request; the number of triples written."""
        raise NotImplementedError

    def update(self, sparql: str) -> None:
        raise NotImplementedError

    def bulk_load(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        """Make what was written durable (nothing to do where every request already is)."""

    def compact(self) -> None:
        """Merge the engine's files after a bulk load (nothing to do where there are none)."""

    def named_graphs(self) -> list[str]:
        raise NotImplementedError

    def graph_sizes(self) -> dict[str, int]:
        raise NotImplementedError

    @property
    def keeps_merge(self) -> bool:
        """Whether queries read a merged default graph this project keeps (kg.store_merge)."""
        return False

    def quad_count(self) -> int:
        """The quads of the named graphs (the sources' statements; the merged default graph,
        derived from them, is not counted)."""
        return sum(self.graph_sizes().values())

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        raise NotImplementedError

    def dump_to(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        raise NotImplementedError

    def to_rdflib(self, graphs: list[str] | None = None) -> Graph:
        raise NotImplementedError

    def is_empty(self) -> bool:
        raise NotImplementedError
