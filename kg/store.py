"""The store: the one place that knows which engine holds the graph.

Oxigraph (``pyoxigraph``) on disk, because it is embedded, persistent, keeps named graphs
natively and answers the saved questions in milliseconds where rdflib's in-memory store
takes seconds at scale (see docs/ and ``kg bench``). rdflib stays the library of the
mapping layer, SHACL validation and some exports; :meth:`Store.to_rdflib` hands them a copy.

Pitfalls this module exists to contain: the union of named graphs is not de-duplicated
(count with DISTINCT), results come back as typed literals (converted here to Python
values), and only one process may open a store directory for writing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

STORE_ENV = "MSKG_STORE"


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


class Store:
    """An Oxigraph store on disk (``path``) or in memory (``path=None``, for tests)."""

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
        return cls(Path(location).expanduser() if location else default_store_path(), read_only=read_only)

    # -- writing ---------------------------------------------------------------------------

    def replace_graphs(self, graphs: dict[URIRef, Graph], extra_update: str = "") -> int:
        """Replace each named graph's content in one transaction: readers see the old graphs
        or the new ones, never a mix, and a failure (or a kill) leaves the store as it was."""
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
        self._ox.update(" ;\n".join(parts))
        return count

    def add_graph(self, name: URIRef, graph: Graph) -> None:
        """Add triples to a named graph without removing what it holds (e.g. provenance)."""
        self._ox.extend(ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), ox.NamedNode(str(name))) for s, p, o in graph)

    def update(self, sparql: str) -> None:
        self._ox.update(sparql)

    def bulk_load(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Fast, non-transactional loading for large files (benchmarks, restores)."""
        self._ox.bulk_load(path=str(path), format=fmt, to_graph=ox.NamedNode(graph) if graph else None)

    def flush(self) -> None:
        if self.path is not None:
            self._ox.flush()

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
