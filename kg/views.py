"""networkx views of the graph: the questions pictures raise (lineage depth, descendants,
central papers) are answered on these, and GraphML exports come from them."""

from __future__ import annotations

import networkx as nx

from kg.queries import with_prefixes
from kg.store import Store

_EDGES = """
SELECT DISTINCT ?s ?p ?o ?sl ?ol WHERE {
  ?s ?p ?o . FILTER(isIRI(?o) && ?p != rdf:type)
  OPTIONAL { ?s rdfs:label ?sl } OPTIONAL { ?o rdfs:label ?ol }
}"""
_LINEAGE = """
SELECT DISTINCT ?m ?ml ?b ?bl WHERE {
  ?m mskg:basedOn ?b . ?m rdfs:label ?ml . ?b rdfs:label ?bl
}"""
_CITATIONS = """
SELECT DISTINCT ?a ?b WHERE { ?a cito:cites ?b }"""


def _q(store: Store, body: str) -> list[dict]:
    return store.select(with_prefixes(body)).rows


def whole_graph(store: Store) -> nx.MultiDiGraph:
    """Every IRI-to-IRI statement as an edge keyed by its predicate (literals become node attributes
    only for labels, to keep GraphML readable)."""
    g = nx.MultiDiGraph()
    for row in _q(store, _EDGES):
        for node, label in ((row["s"], row["sl"]), (row["o"], row["ol"])):
            if node not in g:
                g.add_node(node, label=label or node.rsplit("/", 1)[-1])
            elif label:
                g.nodes[node]["label"] = label
        g.add_edge(row["s"], row["o"], key=row["p"], predicate=row["p"])
    return g


def lineage_graph(store: Store) -> nx.DiGraph:
    """Model -> base model (``mskg:basedOn``)."""
    g = nx.DiGraph()
    for row in _q(store, _LINEAGE):
        g.add_node(row["m"], label=row["ml"])
        g.add_node(row["b"], label=row["bl"])
        g.add_edge(row["m"], row["b"])
    return g


def citation_graph(store: Store) -> nx.DiGraph:
    g = nx.DiGraph()
    for row in _q(store, _CITATIONS):
        g.add_edge(row["a"], row["b"])
    return g


def descendants_of(lineage: nx.DiGraph, base: str) -> set[str]:
    """Models built on ``base``, directly or through others (edges point to the base)."""
    return nx.ancestors(lineage, base) if base in lineage else set()


def lineage_depth(lineage: nx.DiGraph, model: str) -> int:
    """Length of the longest basedOn chain from ``model`` to a root model."""
    if model not in lineage:
        return 0
    return max((len(p) - 1 for root in lineage.nodes if lineage.out_degree(root) == 0
                for p in nx.all_simple_paths(lineage, model, root)), default=0)


__all__ = ["whole_graph", "lineage_graph", "citation_graph", "descendants_of", "lineage_depth"]
