"""Exports: RDF in the usual syntaxes (JSON-LD with a usable @context, kg.export_jsonld),
GraphML with typed node attributes (via networkx, kg.views) and CSV tables (kg.export_tables).

Every RDF syntax writes one lexical form per literal. Oxigraph stores a decimal in its
XSD 1.1 canonical form ("74" for 74.0), while the mapping and the store's rdflib view use
the form rdflib's Turtle writer keeps ("74.0"); the quad formats, which Oxigraph writes
itself, get their decimals in that form too, so an N-Triples and a TriG export of one store
hold the same literals."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.export_jsonld import write_jsonld
from kg.export_tables import write_tables
from kg.store import Store
from kg.views import whole_graph
from kg.vocab import PREFIXES

FORMATS = ("turtle", "nt", "nquads", "trig", "jsonld", "graphml", "csv")


def export(store: Store, fmt: str, out: Path) -> None:
    """Write the graph to ``out``. Triple formats get the merge of all named graphs;
    quad formats (nquads, trig) keep each source's named graph; csv writes the tables of
    kg.export_tables into the directory ``out`` (or the zip archive, if it ends in .zip)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}")
    if fmt == "csv":
        write_tables(store, out)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("nquads", "trig"):
        rdf_format = ox.RdfFormat.N_QUADS if fmt == "nquads" else ox.RdfFormat.TRIG
        prefixes = {p: str(iri) for p, iri in PREFIXES.items()} if fmt == "trig" else None
        ox.serialize((_canonical(q) for q in store.quads()), str(out), rdf_format, prefixes=prefixes)
    elif fmt in ("turtle", "nt", "jsonld"):
        g = store.to_rdflib()
        for prefix, iri in PREFIXES.items():
            g.bind(prefix, iri, override=True)
        if fmt == "jsonld":
            write_jsonld(g, out)
        else:
            g.serialize(destination=out, format=fmt, encoding="utf-8")
    else:  # graphml: typed node attributes, one edge per statement (a multigraph keeps parallel predicates)
        nx.write_graphml(whole_graph(store), out)


_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


def _canonical(q: ox.Quad) -> ox.Quad:
    """``q`` with a whole decimal written "74.0", as kg.mapping.terms.decimal_literal and the
    rdflib serialisers write it (Oxigraph hands back "74")."""
    o = q.object
    if isinstance(o, ox.Literal) and o.datatype.value == _DECIMAL and "." not in o.value:
        return ox.Quad(q.subject, q.predicate, ox.Literal(o.value + ".0", datatype=o.datatype), q.graph_name)
    return q
