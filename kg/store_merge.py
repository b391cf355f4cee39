"""The merged default graph: the store keeps the RDF merge of its named graphs in its default
graph, each triple once, and every query reads it.

Why: each source writes its own named graph, so a fact two sources state (a paper typed by the
list, the database and arXiv) is two quads. Oxigraph 0.5's union default graph, and a query
naming several graphs as its default graph, hand back one solution per quad (its issue #1919),
so ``COUNT(*)`` over ``?p a mskg:Paper`` gave 199 for 92 papers. Keeping the merge in the
default graph, rewritten in the same transaction as every write, makes every entry point
(`kg query`, the app, the saved questions, `kg serve`, any SPARQL client) count a fact once,
while ``GRAPH ?g`` still tells which source said it.

A write names the graphs it changes (:func:`touched_graphs` reads them from the update's text:
every graph IRI of :data:`kg.vocab.GRAPH` in it). Around the write, in one request,
:func:`merged_update` first takes out of the merge the triples only those graphs state, then
adds those graphs' triples back after the write: the work follows the size of the changed
graphs, not of the store. For the graphs that grow with the papers (:data:`GROWING`) it instead
adds what the merge lacks and drops what no graph states any more, which writes only the
difference. A write whose graphs cannot be read from its text brings the whole merge in line
(``remerge-all``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from typing import TYPE_CHECKING

from kg.queries import internal, join_updates
from kg.vocab import ARXIV, GRAPH, SEMANTIC_SCHOLAR

if TYPE_CHECKING:  # the stores import this module
    from kg.store_base import GraphStore

_GRAPH_NS = str(GRAPH)
# A graph named in full, or with the project's `graph:` prefix (which every internal text has).
_FULL = re.compile(r"<(" + re.escape(_GRAPH_NS) + r"[^<>\s]+)>")
_PREFIXED = re.compile(r"(?<![\w:/#-])graph:([A-Za-z0-9_][\w.-]*[\w-]|[A-Za-z0-9_])")
# Operations that reach graphs the text does not name.
_UNNAMED = re.compile(r"\b(?:DROP|CLEAR)\s+(?:SILENT\s+)?(?:ALL|NAMED)\b|\b(?:ADD|MOVE|COPY)\b", re.I)
_COMMENT = re.compile(r"(?m)^\s*#[^\n]*$")
# The graphs that grow with the papers (a live run's): taking all of one out of the merge and
# putting it back costs two writes a triple (an enrich write at 20k papers: 19.5 s), while
# adding what is new and dropping what went reads the graph and the merge and writes only the
# difference (4 s there); a graph of survey size is cheaper the first way (a few ms).
GROWING = {str(ARXIV), str(SEMANTIC_SCHOLAR)}


def touched_graphs(update: str) -> set[str] | None:
    """The named graphs ``update`` may change: a superset (every graph IRI in its text, data
    included), or None when its text does not tell (then the whole merge is rebuilt)."""
    text = _COMMENT.sub("", update)
    if _UNNAMED.search(text):
        return None
    graphs = {m.group(1) for m in _FULL.finditer(text)} | {_GRAPH_NS + m.group(1) for m in _PREFIXED.finditer(text)}
    return graphs or None


def merged_update(update: str, graphs: Iterable[str] | None, named: Iterable[str], into: str | None = None) -> str:
    """``update`` wrapped so that the merge of the named graphs is up to date afterwards:
    ``graphs`` are those it changes (None: unknown), ``named`` the store's named graphs before
    it, ``into`` the named graph that holds the merge on a server without a default graph of
    its own to write (None: the default graph)."""
    sources = sorted(set(named) - {into})
    if graphs is None:
        return join_updates([update, remerge_update(sources, into)])
    changed = sorted(set(graphs) - {into})
    if into is None and set(changed) & GROWING:
        return join_updates([update, internal("merge-new-triples", graphs=changed), internal("drop-stale-triples")])
    others = sorted(set(sources) - set(changed))
    suffix, target = ("-named", {"merge": into}) if into else ("", {})
    return join_updates([internal(f"unmerge-graphs{suffix}", graphs=changed, others=others, **target), update,
                         internal(f"merge-graphs{suffix}", graphs=changed, **target)])


def remerge_update(sources: list[str] | None = None, into: str | None = None) -> str:
    """The update that rebuilds the merge from every named graph (``sources``, when the merge
    lives in the named graph ``into``)."""
    if into:
        return internal("remerge-all-named", merge=into, graphs=[g for g in sources or [] if g != into])
    return internal("remerge-all")


def merge_problems(store: GraphStore) -> list[str]:
    """What is wrong with ``store``'s merged default graph (`kg validate`): triples no named
    graph states, or triples of a named graph it lacks. A server that is not Oxigraph merges
    the named graphs itself, for each query (the protocol's dataset), so there is nothing to check."""
    if not store.keeps_merge:
        return ([] if store.url is not None else
                ["the store was written by an older medseg-kg and has no merged default graph: a fact two "
                 "sources state counts twice; open it for writing once (kg build, kg update or kg restore)"])
    problems = []
    for name, what in (("merge-stale", "triple(s) in the merged default graph that no named graph states"),
                       ("merge-missing", "triple(s) of the named graphs missing from the merged default graph")):
        n = int(store.select(internal(name)).rows[0]["n"])
        if n:
            problems.append(f"{n} {what}; a write outside kg changed the store (rebuild the merge: kg build, "
                            "or any kg command that writes)")
    return problems
