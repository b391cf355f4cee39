"""networkx views of the graph: the questions pictures raise (lineage depth, descendants)
are answered on these, and GraphML exports come from them."""

from __future__ import annotations

import networkx as nx

from kg.queries import internal
from kg.store import Store


def whole_graph(store: Store) -> nx.MultiDiGraph:
    """Every IRI-to-IRI statement as an edge keyed by its predicate (literals become node attributes
    only for labels, to keep GraphML readable)."""
    g = nx.MultiDiGraph()
    for row in store.select(internal("iri-edges")).rows:
        for node, label in ((row["s"], row["sl"]), (row["o"], row["ol"])):
            if node not in g:
                g.add_node(node, label=label or node.rsplit("/", 1)[-1])
            elif label:
                g.nodes[node]["label"] = label
        g.add_edge(row["s"], row["o"], key=row["p"], predicate=row["p"])
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


__all__ = ["whole_graph", "descendants_of", "lineage_depth"]
