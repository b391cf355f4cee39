"""The mapped graphs of one run, one per source, and how they are written: as SPARQL
update text, so that a run's graphs reach the store in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from kg.queries import internal


@dataclass
class Mapped:
    graphs: dict[URIRef, Graph]
    counts: dict[str, int] = field(default_factory=dict)

    def g(self, name: URIRef) -> Graph:
        if name not in self.graphs:
            self.graphs[name] = Graph(identifier=name)
        return self.graphs[name]


def insert_update(name: URIRef, graph: Graph) -> str:
    """The update that adds ``graph``'s triples to the named graph ``name`` ('' when empty)."""
    if not len(graph):
        return ""
    return internal("insert-into-graph", graph=str(name), data=graph.serialize(format="nt"))
