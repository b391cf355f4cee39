"""The derived graph (``graph:derived``): what every visit of the app would otherwise recompute
(the overview's counts, papers per year and section, the taxonomy's counts, the leaderboards'
datasets, the best Dice per dataset and framework, the citation graph's PageRank), written by
each write that changes the facts it is computed from.

The store computes the counts itself, in the same request as the write and after the write's
merge (:data:`DERIVE`, passed as ``then`` to :meth:`Store.update` / :meth:`Store.replace_graphs`):
readers see the facts and their aggregates change together. PageRank is not SPARQL: networkx
computes it from the citation links as the write left them, so it is written by the next
request, :func:`write_pagerank`, with the citation graph's size beside it; readers use it only
while that size is the one the counts state (:func:`pagerank_current`), else they compute it
as before. `kg validate` asks every aggregate's question again and compares (:func:`derived_problems`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import networkx as nx
from rdflib import URIRef

from kg.mapping.derived import derivation_update, map_pagerank, pagerank_update
from kg.mapping.runs import Run
from kg.queries import internal
from kg.store_base import GraphStore

# The citation view shows PageRank three ways: the picker's 500 most central papers, the top 15
# table, and node sizes of 8 + 400 x rank pixels. At 100k papers (350,000 links) the 2,000th rank
# is about 2e-5 (docs/benchmarks.md): 0.01 px, no visible size, so storing every paper's rank
# (400,000 triples that grow with the papers and are rewritten by each write) would buy nothing
# the view shows; papers below the top get the smallest size, as they look now.
TOP_PAPERS = 2000


def derive_update(informed_by: URIRef | None) -> list[str]:
    """The derived graph's update for a write recorded by the activity ``informed_by``: the
    store's aggregates, then the derivation's own activity (run them as ``then``; two parts,
    so that the aggregates read the provenance graph's runs while they are in the merge)."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    act = Run("derive", started=now).iri
    return [internal("derive-aggregates"), derivation_update(act, informed_by, now, now)]


def derived_then(store: GraphStore, then: str | list[str], derive: bool) -> str | list[str]:
    """What a write runs after its merge: ``then`` when given, else (``derive``) the derived
    graph's update when the store holds one, so that no write through the store leaves the
    aggregates behind the facts (the stores ask this for every write)."""
    if then or not derive:
        return then
    return derive_update(None) if has_derived(store) else ""


def ranked_citations(store: GraphStore) -> tuple[list[tuple[str, float]], int, int]:
    """Every paper of the citation graph with its PageRank, most central first, with the graph's
    links and citing papers."""
    g = nx.DiGraph()
    g.add_edges_from((str(r["a"]), str(r["b"])) for r in store.select(internal("citations")).rows)
    rank = nx.pagerank(g) if g.number_of_edges() else {}
    ranked = sorted(rank.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked, g.number_of_edges(), sum(1 for p in g if g.out_degree(p))


def write_pagerank(store: GraphStore) -> None:
    """Recompute the PageRank rows from the citation links as they are now, and write them."""
    ranked, links, citing = ranked_citations(store)
    store.update(pagerank_update(map_pagerank(ranked[:TOP_PAPERS], links, citing)), derive=False)


def refresh(store: GraphStore, informed_by: URIRef | None = None) -> None:
    """Write the whole derived graph from the graph as it is (after a restore, which loads
    files rather than writing facts through :meth:`update`)."""
    aggregates, *after = derive_update(informed_by)
    store.update(aggregates, then=after)
    write_pagerank(store)


def has_derived(store: GraphStore) -> bool:
    return bool(store.raw_query(internal("derived-present")))


def pagerank_rows(store: GraphStore) -> tuple[list[tuple[str, float]], int, int] | None:
    """The stored PageRank rows (most central first), links and citing papers, or None when
    absent or not current (the citation links changed since they were computed)."""
    rows = store.select(internal("derived-pagerank")).rows
    graph = [r for r in rows if r.get("p") is None and r.get("links") is not None]
    if not graph or not pagerank_current(store, int(graph[0]["links"])):
        return None
    ranked = [(str(r["p"]), float(r["rank"])) for r in rows if r.get("p") is not None]
    return ranked, int(graph[0]["links"]), int(graph[0]["citing"])


def pagerank_current(store: GraphStore, links: int) -> bool:
    """Whether PageRank rows computed on ``links`` citation links match the links the derived
    counts state (written in the write's own transaction, so current)."""
    counts = {r["what"]: int(r["n"]) for r in store.select(internal("derived-class-counts")).rows}
    return counts.get("citations (cito:cites)") == links


def _key(value: object) -> object:
    """Values as comparable keys: numbers by value (a count may come back int or Decimal)."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value)).normalize()
    return None if value is None else str(value)


def expected_rows(store: GraphStore) -> dict[str, set[tuple[object, ...]]]:
    """Each aggregate's rows recomputed by the questions it stands for."""
    counts = {(r["what"], _key(r["n"])) for r in store.select(internal("class-counts")).rows}
    cites = store.select(internal("citation-count")).rows
    counts.add(("citations (cito:cites)", _key(int(cites[0]["n"]) if cites else 0)))
    return {
        "class-counts": counts,
        "papers-per-year-per-section": {(r["section"], _key(r["year"]), _key(r["papers"]))
                                        for r in store.select(internal("papers-per-year-per-section")).rows
                                        if r.get("year") is not None},
        "concept-counts": {(str(r["c"]), _key(r["models"]), _key(r["papers"]))
                           for r in store.select(internal("concept-counts")).rows},
        "best-dice": {(str(r["d"]), str(r["f"]), _key(r["best"]))
                      for r in store.select(internal("best-dice-per-dataset-framework")).rows},
        "leaderboard-datasets": {(str(r["d"]), _key(r["models"]))
                                 for r in store.select(internal("leaderboard-datasets")).rows},
    }


def stored_rows(store: GraphStore) -> dict[str, set[tuple[object, ...]]]:
    """The derived graph's rows in the shapes of :func:`expected_rows`."""
    shape = {"class-counts": ("key", "count"), "papers-per-year-per-section": ("key", "year", "count"),
             "concept-counts": ("subject", "models", "papers"), "best-dice": ("subject", "framework", "dice"),
             "leaderboard-datasets": ("subject", "models")}
    out: dict[str, set[tuple[object, ...]]] = {name: set() for name in shape}
    for r in store.select(internal("derived-rows")).rows:
        name = str(r["name"])
        out.setdefault(name, set()).add(tuple(_key(r.get(col)) for col in shape.get(name, ())))
    return out


def derived_problems(store: GraphStore) -> list[str]:
    """Where the derived graph disagrees with the facts (`kg validate`): each aggregate whose
    rows differ from its question's answers, named, with a row or two of the difference."""
    if not has_derived(store):
        return []  # a store written before the derived graph: the app computes as before
    problems = []
    stored, expected = stored_rows(store), expected_rows(store)
    for name, rows in expected.items():
        have = stored.get(name, set())
        if have != rows:
            extra, missing = sorted(have - rows, key=str)[:2], sorted(rows - have, key=str)[:2]
            problems.append(f"derived graph: aggregate '{name}' disagrees with the facts ({len(have - rows)} row(s) "
                            f"not in the recomputed answer, e.g. {extra}; {len(rows - have)} missing, e.g. "
                            f"{missing}); any write (kg build, kg enrich, kg update) recomputes it")
    problems.extend(_pagerank_problems(store))
    return problems


def _pagerank_problems(store: GraphStore) -> list[str]:
    rows = store.select(internal("derived-pagerank")).rows
    stored = {str(r["p"]): float(r["rank"]) for r in rows if r.get("p") is not None}
    ranked, links, _ = ranked_citations(store)
    graph = [r for r in rows if r.get("p") is None and r.get("links") is not None]
    if not graph:
        return ["derived graph: aggregate 'pagerank' is missing; any write recomputes it"] if links else []
    if int(graph[0]["links"]) != links:
        return [f"derived graph: aggregate 'pagerank' was computed on {graph[0]['links']} citation links, the graph "
                f"has {links}; any write recomputes it"]
    full = dict(ranked)
    # networkx stops within a tolerance, and the links' order may differ: equal to 1e-6 is equal
    # (so is the order of papers of equal rank at the cut).
    wrong = sorted(p for p in stored if abs(full.get(p, 0.0) - stored[p]) > 1e-6)
    cut = min(stored.values(), default=0.0)
    wrong += [p for p, rank in ranked[:TOP_PAPERS] if p not in stored and rank > cut + 1e-6]
    if wrong:
        return [f"derived graph: aggregate 'pagerank' disagrees with the citation graph for {len(wrong)} paper(s), "
                f"e.g. {wrong[:2]}; any write recomputes it"]
    return []
