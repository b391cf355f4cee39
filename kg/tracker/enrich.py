"""`kg enrich`: refresh every tracked paper from arXiv and Semantic Scholar, add the
references of tracked papers and the papers citing the anchor papers.

Identity goes through :class:`kg.tracker.paper_index.PaperIndex` (arXiv id, DOI, Semantic
Scholar id, normalised title), so a preprint and its published version stay one node, also
when Semantic Scholar lists both in one reference list; every record of a paper in one run
is merged into one description per source (:func:`kg.mapping.map_live_record`).

What enrich writes about a paper. The tracked (survey) papers: their records from both
sources. A paper first described by enrich (a reference, a citer of an anchor): its record,
refreshed whenever the run sees it again. A paper another graph describes (a candidate of
the update, say): only the citation edge. A reference Semantic Scholar could not resolve is
no paper: the citing paper keeps their count (``mskg:unresolvedReferenceCount``).

The two live graphs describe a paper independently (each is refreshed when its source
answers for the paper), so a fact the whole graph allows once (title, first date, ids, counts)
that the other live graph keeps is not stated a second time; and a refresh keeps the ids the
source's graph stated before (a later answer that lists only the preprint keeps the DOI).

Safety: all writes of a run go to the store in one transaction at the end, per subject
(refreshed papers replace their own triples in the source's graph; a reference list is
replaced only when it was read again completely; nothing else is removed), so an unreachable
source or a failed run keeps what is stored. The same transaction repairs what earlier
versions stored: arXiv DOIs as ``bibo:doi`` and unresolved references as title-only papers.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ingest.arxiv import ArxivSource
from ingest.http import HttpPolicy, SourceError
from ingest.ids import split_doi
from ingest.records import Listing, PaperRecord
from ingest.semantic_scholar import SemanticScholarSource
from kg.mapping import Run, map_citation, map_live_record, provenance_update
from kg.mapping.live import StoredIds, map_unresolved_references
from kg.queries import internal, join_updates
from kg.store import Store
from kg.tracker.config import default_anchors
from kg.tracker.paper_index import PaperIndex
from kg.vocab import ARXIV, BIBO, CANDIDATES, DCTERMS, MSKG, SEMANTIC_SCHOLAR, XSD


@dataclass
class SourceOutcome:
    name: str
    reachable: bool = True
    papers: int = 0
    new_papers: int = 0
    citations: int = 0
    unresolved: int = 0  # references the source could not resolve (counted, not added)
    failures: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class EnrichReport:
    outcomes: list[SourceOutcome]
    conflicts: list[str]
    activity: str | None
    seconds: float
    started: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def did_anything(self) -> bool:
        return any(o.reachable and (o.papers or o.citations) for o in self.outcomes)


class _GraphWrite:
    """Triples for one source graph plus the subjects whose old triples they replace."""

    def __init__(self, name: URIRef, store: Store) -> None:
        self.name = name
        self.graph = Graph()
        self.stored = _stored_ids(store, name)  # what a refresh of each paper keeps
        self.refreshed: set[str] = set()  # metadata subjects (old non-citation triples removed)
        self.references_refreshed: set[str] = set()  # papers whose old reference lists are removed

    def update(self) -> str:
        parts = []
        if self.refreshed:
            parts.append(internal("refresh-live-subjects", graph=str(self.name), subjects=sorted(self.refreshed)))
        if self.references_refreshed:
            parts.append(internal("refresh-live-references", graph=str(self.name),
                                  subjects=sorted(self.references_refreshed)))
        parts.append(internal("drop-unidentified-live-papers", graph=str(self.name)))
        if len(self.graph):
            parts.append(internal("insert-into-graph", graph=str(self.name), data=self.graph.serialize(format="nt")))
        return join_updates(parts)


def _stored_ids(store: Store, graph: URIRef) -> dict[str, StoredIds]:
    """Each paper's identifiers in ``graph``, the property's value first (an arXiv DOI an
    earlier version stored as bibo:doi is read as the arXiv id it stands for)."""
    out: dict[str, StoredIds] = {}
    rows = store.select(internal("live-paper-identifiers", graph=str(graph))).rows
    for row in sorted(rows, key=lambda r: r["prop"] == str(DCTERMS.identifier)):  # properties first
        value = str(row["v"])
        if row["prop"] == str(DCTERMS.identifier):
            key, _, value = value.partition(":")  # 'doi:10.1016/...', 's2:5a49...', 'corpus:2581...'
            if key not in _ID_KEYS:
                key, value = "other", str(row["v"])
        else:
            key = _PROP_KEY[row["prop"]]
        if key == "doi":
            doi, arxiv_id = split_doi(value)
            key, value = ("arxiv", arxiv_id) if arxiv_id else ("doi", doi or value)
        kept = getattr(out.setdefault(row["p"], StoredIds()), key)
        if value not in kept:
            kept.append(value)
    return out


_PROP_KEY = {str(MSKG.arxivId): "arxiv", str(BIBO.doi): "doi", str(MSKG.s2PaperId): "s2",
             str(MSKG.corpusId): "corpus", str(MSKG.pubmedId): "pmid"}
_ID_KEYS = {"doi", "s2", "corpus", "pmid"}


class _Enrichment:
    """One enrich run's state: the index, what it wrote, and what it declined to write."""

    def __init__(self, store: Store, policy: HttpPolicy) -> None:
        self.store = store
        self.policy = policy
        self.index = PaperIndex.from_store(store, exclude_graphs=(ARXIV, SEMANTIC_SCHOLAR))
        self.conflicts: list[str] = []
        self.added: set[str] = set()  # papers this run describes that no other graph describes

    def write(self, w: _GraphWrite, r: PaperRecord, iri: str | None = None) -> tuple[str, bool]:
        new = False
        if iri is None:
            iri, new = self.index.resolve(r)
        else:
            self.index.resolve(r)  # register the record's identifiers under the known IRI
        stored = w.stored.get(iri) if iri not in w.refreshed else None
        self.conflicts.extend(map_live_record(w.graph, URIRef(iri), r, self.index.known(iri), stored))
        w.refreshed.add(iri)
        return iri, new

    def linked(self, w: _GraphWrite, r: PaperRecord) -> tuple[str, bool]:
        """The node of a reference or a citer: described by another graph, it only gets the
        edge; new, or enrich's own, its record is (re)written, merged with this run's others."""
        existing = self.index.find(r)
        if existing is not None and existing in self.index.external and existing not in self.added:
            return existing, False
        iri, new = self.write(w, r, existing)
        self.added.add(iri)
        return iri, new

    def failures_of(self, out: SourceOutcome, host_hint: str) -> None:
        for failure in self.policy.report.failures:
            if host_hint in failure.source.lower() or host_hint in failure.url.lower():
                out.failures.append(str(failure))


def _enrich_arxiv(run: _Enrichment, source: Any) -> tuple[SourceOutcome, _GraphWrite]:
    out, w = SourceOutcome("arXiv"), _GraphWrite(ARXIV, run.store)
    index = run.index
    wanted = {index.known(p).arxiv_id: p for p in index.tracked if index.known(p).arxiv_id}
    try:
        records = source.fetch(list(wanted), strict=False)
    except SourceError as exc:
        records, out.reachable, out.note = [], False, str(exc)
    for r in records:
        run.write(w, r, wanted.get(r.arxiv_id))
        out.papers += 1
    run.failures_of(out, "arxiv")
    if wanted and not records and out.failures:
        out.reachable, out.note = False, out.note or out.failures[0]
    return out, w


def _s2_references(run: _Enrichment, source: Any, s2_ids: dict[str, str], out: SourceOutcome,
                   w: _GraphWrite) -> None:
    for citing, s2_id in s2_ids.items():
        try:
            listing: Listing = source.references(s2_id, strict=True)
        except SourceError:
            continue  # reported in the policy's report; this paper keeps its stored references
        if listing.complete:
            # the list read again replaces the stored one; a cut list only adds to it
            w.references_refreshed.add(citing)
            map_unresolved_references(w.graph, URIRef(citing), listing.unresolved)
        out.unresolved += listing.unresolved
        for ref in listing.records:
            cited, new = run.linked(w, ref)
            out.new_papers += int(new)
            map_citation(w.graph, URIRef(citing), URIRef(cited))
            out.citations += 1


def _s2_anchor_citations(run: _Enrichment, source: Any, anchors: Mapping[str, str], since: date | None,
                         out: SourceOutcome, w: _GraphWrite) -> None:
    for name, arxiv_id in anchors.items():
        anchor_iri = run.index.by_arxiv.get(arxiv_id)
        if anchor_iri is None:
            run.conflicts.append(f"anchor {name} (arXiv {arxiv_id}) is not in the graph; skipped")
            continue
        try:
            listing: Listing = source.citations(f"ARXIV:{arxiv_id}", since=since, strict=True)
        except SourceError:
            continue
        for r in listing.records:
            citing, new = run.linked(w, r)
            out.new_papers += int(new)
            map_citation(w.graph, URIRef(citing), URIRef(anchor_iri))
            out.citations += 1


def _enrich_s2(run: _Enrichment, source: Any, references: bool, anchors: Mapping[str, str],
               since: date | None) -> tuple[SourceOutcome, _GraphWrite]:
    out, w = SourceOutcome("Semantic Scholar"), _GraphWrite(SEMANTIC_SCHOLAR, run.store)
    asked: dict[str, str] = {}
    for p in run.index.tracked:
        ids = run.index.identifiers(p)
        key = f"ARXIV:{ids['arxiv']}" if ids["arxiv"] else (f"DOI:{ids['doi']}" if ids["doi"] else None)
        if key:
            asked[key] = p
    try:
        found = source.papers(list(asked), strict=False)
    except SourceError as exc:
        found, out.reachable, out.note = {}, False, str(exc)
    s2_ids: dict[str, str] = {}
    for key, r in found.items():
        iri, _ = run.write(w, r, asked[key])
        out.papers += 1
        if r.s2_paper_id:
            s2_ids.setdefault(iri, r.s2_paper_id)
    if asked and not found and run.policy.report.failures:
        out.reachable = False
        out.note = out.note or str(run.policy.report.failures[-1])
    if out.reachable and references:
        _s2_references(run, source, s2_ids, out, w)
    if out.reachable and anchors:
        _s2_anchor_citations(run, source, anchors, since, out, w)
    run.failures_of(out, "semantic")
    return out, w


# Facts the shapes allow once per paper in the whole graph, and what a second value becomes.
_ONCE = {DCTERMS.title: DCTERMS.alternative, DCTERMS.issued: None, MSKG.arxivId: None, BIBO.doi: "doi",
         MSKG.s2PaperId: "s2", MSKG.citationCount: None, MSKG.influentialCitationCount: None}


def _one_value_across_live_graphs(writes: list[_GraphWrite], store: Store) -> None:
    """A paper rewritten in one live graph while the other keeps its stored description (the
    other source did not answer for it this run) must not get a second value of a fact that
    description states: the stored value stands, the new one becomes an alternative or an
    identifier, or is left out. (Within one run the sources already see each other's values.)"""
    names = [str(w.name) for w in writes]
    stored: dict[tuple[str, str, str], set[Node]] = {}
    for row in store.select(internal("live-single-facts", graphs=names)).rows:
        stored.setdefault((row["g"], row["p"], row["prop"]), set()).add(_literal(row["lex"], row["dt"]))
    for w in writes:
        for p in w.refreshed:
            for prop, instead in _ONCE.items():
                mine = set(w.graph.objects(URIRef(p), prop))
                theirs: set[Node] = set()
                for other in (o for o in writes if o is not w):
                    theirs |= (set(other.graph.objects(URIRef(p), prop)) if p in other.refreshed
                               else stored.get((str(other.name), p, str(prop)), set()))
                for value in (mine - theirs) if theirs else ():
                    w.graph.remove((URIRef(p), prop, value))
                    if instead == DCTERMS.alternative:
                        w.graph.add((URIRef(p), DCTERMS.alternative, value))
                    elif instead:
                        w.graph.add((URIRef(p), DCTERMS.identifier, Literal(f"{instead}:{value}")))


def _literal(lexical: str, datatype: str) -> Node:
    """A stored value as the literal the mapping writes (plain for strings)."""
    return Literal(lexical) if datatype == str(XSD.string) else Literal(lexical, datatype=URIRef(datatype))


def enrich(store: Store, *, policy: HttpPolicy, use_arxiv: bool = True, use_s2: bool = True,
           references: bool = True, anchors: Mapping[str, str] | None = None, since: date | None = None,
           arxiv_source: Any = None, s2_source: Any = None) -> EnrichReport:
    """Enrich the tracked papers. Sources are built on ``policy`` unless given (tests give
    sources pointed at a local server through the same environment variables)."""
    prov = Run("enrich")
    t0 = time.perf_counter()
    run = _Enrichment(store, policy)
    anchors = dict(default_anchors() if anchors is None else anchors)
    results: list[tuple[SourceOutcome, _GraphWrite]] = []
    if use_arxiv:
        results.append(_enrich_arxiv(run, arxiv_source or ArxivSource(policy)))
    if use_s2:
        results.append(_enrich_s2(run, s2_source or SemanticScholarSource(policy), references, anchors, since))
    outcomes = [o for o, _ in results]
    activity = None
    if any(o.reachable and (o.papers or o.citations) for o in outcomes):
        counts = {MSKG.papersEnriched: sum(o.papers for o in outcomes),
                  MSKG.papersAdded: sum(o.new_papers for o in outcomes),
                  MSKG.citationsAdded: sum(o.citations for o in outcomes),
                  MSKG.failureCount: sum(len(o.failures) for o in outcomes)}
        comments = [f"{o.name}: {'reachable' if o.reachable else 'unreachable'}; "
                    f"{o.papers} papers, {o.new_papers} new, {o.citations} citations, "
                    f"{o.unresolved} unresolved references not added" for o in outcomes]
        written = [w.name for _, w in results if len(w.graph)]
        _one_value_across_live_graphs([w for _, w in results], store)
        updates = [w.update() for _, w in results]
        updates.append(internal("repair-arxiv-dois", graphs=[str(ARXIV), str(SEMANTIC_SCHOLAR), str(CANDIDATES)]))
        updates.append(provenance_update(prov, datetime.now(timezone.utc), counts=counts, comments=comments,
                                         graphs=written))
        store.update(join_updates(updates))
        store.flush()
        activity = str(prov.iri)
    return EnrichReport(outcomes, run.conflicts, activity, time.perf_counter() - t0, prov.started)
