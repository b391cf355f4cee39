"""A paper queued by the weekly update, as triples for ``graph:candidates``: what its
sources said about it (through the same live-record mapping as `kg enrich`), the class the
classifier predicted with its confidence and evidence, and the datasets, models and
modalities it mentions. The review status is not written here: the curation layer derives
it (:mod:`kg.mapping.curation`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef

from ingest.records import PaperRecord
from kg.mapping.live import KnownFacts, map_live_record
from kg.mapping.terms import dataset_iri, decimal_literal, model_iri
from kg.vocab import BIBO, DCTERMS, FOAF, MSKG, PROV, RDF, RDFS


@dataclass
class CandidateFacts:
    """What the update decided about one candidate."""

    category: URIRef  # the predicted skos:Concept
    confidence: float
    evidence: dict[str, Any]
    run: URIRef  # the update's prov:Activity
    links: list[tuple[str, str]] = field(default_factory=list)  # (kind, key): dataset, model or modality
    code: str | None = None  # a code URL the upstream list gives


def _map_list_record(g: Graph, paper: URIRef, r: PaperRecord, known: KnownFacts) -> None:
    """A row of the upstream list: only its identifiers, title and link (no live metadata)."""
    g.add((paper, RDF.type, MSKG.Paper))
    if r.title and known.title is None:
        g.add((paper, DCTERMS.title, Literal(r.title)))
        known.title = r.title
    if r.arxiv_id and known.arxiv_id is None:
        g.add((paper, MSKG.arxivId, Literal(r.arxiv_id)))
        known.arxiv_id = r.arxiv_id
    if r.doi and known.doi is None:
        g.add((paper, BIBO.doi, Literal(r.doi)))
        known.doi = r.doi
    if r.url:
        g.add((paper, FOAF.page, URIRef(r.url)))


def map_candidate(g: Graph, paper: URIRef, records: list[PaperRecord], known: KnownFacts,
                  facts: CandidateFacts) -> list[str]:
    """Every triple of one candidate; returns the conflicts the live mapping declined to write."""
    conflicts: list[str] = []
    for r in records:
        if r.source == "survey-list":
            _map_list_record(g, paper, r, known)
        else:
            conflicts += map_live_record(g, paper, r, known)
    if facts.code:
        # Papers link code only through their model (schema:codeRepository is a model's);
        # the list's code link of a candidate stays findable until it is accepted as a model.
        g.add((paper, RDFS.seeAlso, URIRef(facts.code)))
    g.add((paper, MSKG.predictedCategory, facts.category))
    g.add((paper, MSKG.confidence, decimal_literal(round(facts.confidence, 4))))
    g.add((paper, MSKG.evidence, Literal(json.dumps(facts.evidence, ensure_ascii=False, sort_keys=True))))
    g.add((paper, PROV.wasGeneratedBy, facts.run))
    for kind, key in facts.links:
        if kind == "dataset":
            g.add((paper, MSKG.mentionsDataset, dataset_iri(key)))
        elif kind == "model":
            g.add((paper, MSKG.mentionsModel, model_iri(key)))
        else:
            g.add((paper, MSKG.mentionsModality, Literal(key)))
    return conflicts
