"""Counts for `kg stats` and the app's overview: one question (``class-counts``) for both,
so they never disagree."""

from __future__ import annotations

from typing import Any

from kg.queries import internal
from kg.store import Store

KINDS = ("models", "papers", "datasets", "results", "taxonomy sections", "taxonomy classes", "people", "runs")


def class_counts(store: Store) -> dict[str, int]:
    """Every kind of :data:`KINDS` with its count (0 when absent), and the citation links."""
    found = {r["what"]: int(r["n"]) for r in store.select(internal("class-counts")).rows}
    counts = {kind: found.get(kind, 0) for kind in KINDS}
    cites = store.select(internal("citation-count")).rows
    counts["citations (cito:cites)"] = int(cites[0]["n"]) if cites else 0
    return counts


def graph_stats(store: Store) -> dict[str, Any]:
    last = store.select(internal("last-run")).rows
    return {
        "classes": class_counts(store),
        "graphs": store.graph_sizes(),
        "last_build": {"activity": last[0]["a"], "ended": last[0]["end"]} if last else None,
    }
