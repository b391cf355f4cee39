"""Exports: RDF in the usual syntaxes, GraphML (via networkx) and CSV.

Every RDF syntax writes one lexical form per literal. Oxigraph stores a decimal in its
XSD 1.1 canonical form ("74" for 74.0), while the mapping and the store's rdflib view use
the form rdflib's Turtle writer keeps ("74.0"); the quad formats, which Oxigraph writes
itself, get their decimals in that form too, so an N-Triples and a TriG export of one store
hold the same literals."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.store import Store, to_python
from kg.views import whole_graph
from kg.vocab import PREFIXES

FORMATS = ("turtle", "nt", "nquads", "trig", "jsonld", "graphml", "csv")


def export(store: Store, fmt: str, out: Path) -> None:
    """Write the graph to ``out``. Triple formats get the union of all named graphs;
    quad formats (nquads, trig) keep each source's named graph."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("nquads", "trig"):
        rdf_format = ox.RdfFormat.N_QUADS if fmt == "nquads" else ox.RdfFormat.TRIG
        prefixes = {p: str(iri) for p, iri in PREFIXES.items()} if fmt == "trig" else None
        ox.serialize((_canonical(q) for q in store.quads()), str(out), rdf_format, prefixes=prefixes)
    elif fmt in ("turtle", "nt", "jsonld"):
        g = store.to_rdflib()
        for prefix, iri in PREFIXES.items():
            g.bind(prefix, iri, override=True)
        g.serialize(destination=out, format={"jsonld": "json-ld"}.get(fmt, fmt), encoding="utf-8")
    elif fmt == "graphml":
        g = whole_graph(store)
        # GraphML wants simple attribute values; a multigraph keeps parallel predicates apart.
        nx.write_graphml(g, out)
    else:  # csv: one row per quad, so nothing of the named-graph provenance is lost
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["graph", "subject", "predicate", "object", "datatype", "language"])
        for q in store.quads():
            o = q.object
            datatype = o.datatype.value if isinstance(o, ox.Literal) and not o.language else ""
            writer.writerow([q.graph_name.value, to_python(q.subject), q.predicate.value,
                             o.value, datatype, o.language if isinstance(o, ox.Literal) and o.language else ""])
        out.write_text(buffer.getvalue(), encoding="utf-8")


_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


def _canonical(q: ox.Quad) -> ox.Quad:
    """``q`` with a whole decimal written "74.0", as kg.mapping.terms.decimal_literal and the
    rdflib serialisers write it (Oxigraph hands back "74")."""
    o = q.object
    if isinstance(o, ox.Literal) and o.datatype.value == _DECIMAL and "." not in o.value:
        return ox.Quad(q.subject, q.predicate, ox.Literal(o.value + ".0", datatype=o.datatype), q.graph_name)
    return q
