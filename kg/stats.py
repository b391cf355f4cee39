"""Counts for `kg stats` and the app's overview (DISTINCT, since the union of named graphs
repeats a triple that two sources both state)."""

from __future__ import annotations

from typing import Any

from kg.queries import with_prefixes
from kg.store import Store

CLASSES = {
    "models": "mskg:Model",
    "papers": "mskg:Paper",
    "datasets": "mskg:Dataset",
    "results": "mskg:Result",
    "taxonomy concepts": "skos:Concept",
    "people": "foaf:Person",
    "build and update runs": "prov:Activity",
}


def graph_stats(store: Store) -> dict[str, Any]:
    classes = {}
    for label, cls in CLASSES.items():
        rows = store.select(with_prefixes(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}")).rows
        classes[label] = rows[0]["n"]
    cites = store.select(with_prefixes("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?b WHERE { ?a cito:cites ?b } }")).rows
    classes["citations (cito:cites)"] = cites[0]["n"]
    last = store.select(with_prefixes(
        "SELECT ?a ?end WHERE { ?a a prov:Activity ; prov:endedAtTime ?end } ORDER BY DESC(?end) LIMIT 1")).rows
    return {
        "classes": classes,
        "graphs": store.graph_sizes(),
        "last_build": {"activity": last[0]["a"], "ended": last[0]["end"]} if last else None,
    }
