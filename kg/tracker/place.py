"""Placement: each discovered paper is skipped with a reason (already a survey paper,
rejected earlier, already queued, no title, out of scope) or placed: a class with a
confidence (the classifier's, or the upstream list's own), links to the datasets, base
models and modalities it names, and its candidate triples through the mapping layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef

from kg.mapping import CandidateFacts, concept_iri, map_candidate, map_concept
from kg.tracker.classify import Category, PaperClassifier
from ingest.curation import Decision
from kg.tracker.discover import Discovery, Hit
from kg.tracker.linking import Gazetteer
from kg.tracker.report import Queued, Skipped


@dataclass
class Placement:
    """The candidate triples of one run and what was queued or skipped."""

    graph: Graph = field(default_factory=Graph)
    queued: list[Queued] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    written: set[str] = field(default_factory=set)  # papers in graph:candidates after this run


@dataclass
class Placer:
    classifier: PaperClassifier
    gazetteer: Gazetteer
    categories: list[Category]
    survey_papers: set[str]
    queued: set[str]
    decisions: dict[str, Decision]
    run: URIRef

    def skip_reason(self, hit: Hit) -> Skipped | None:
        decision = self.decisions.get(hit.iri)
        if hit.iri in self.survey_papers:
            return Skipped(hit.iri, hit.title, "in the graph", "already a paper of the survey")
        if decision is not None and decision.status == "rejected":
            return Skipped(hit.iri, hit.title, "rejected earlier",
                           f"rejected on {decision.decided}; not proposed again")
        if hit.iri in self.queued:
            status = decision.status if decision else "candidate"
            return Skipped(hit.iri, hit.title, "already queued", f"already in the review queue ({status})")
        if not hit.title:
            return Skipped(hit.iri, hit.iri, "no title", "the source gave no title; nothing to classify")
        return None

    def decide_class(self, hit: Hit) -> tuple[str, float, dict[str, Any]] | Skipped:
        """(class, confidence, evidence), or why the paper is out of scope."""
        row = hit.list_row
        if row is not None:
            evidence: dict[str, Any] = {
                "reason": f"a new row (line {row.line}) of the upstream survey list, class '{row.category}'"
                          + (f", model '{row.name}'" if row.name else ""),
                "classifier": "survey list", "survey_list_line": row.line}
            if row.name:
                evidence["model"] = row.name
            return row.category, 1.0, evidence
        prediction = self.classifier.classify(hit.title, hit.abstract)
        if not prediction.relevant:
            reason = str(prediction.evidence.get("reason", "out of scope"))
            return Skipped(hit.iri, hit.title, "out of scope", f"{reason} (confidence {prediction.confidence:.2f})")
        evidence = {"classifier": "kg.tracker.classify.PaperClassifier", **prediction.evidence}
        return str(prediction.category), float(prediction.confidence), evidence

    def concept_for(self, g: Graph, category: str, hit: Hit) -> URIRef:
        """The class's concept; a class new in the upstream list is stated here so the
        candidate can point at it."""
        if category not in {c.label for c in self.categories}:
            section = hit.list_row.section if hit.list_row else category
            map_concept(g, category, broader=None if section == category else section)
            if section != category and section not in {c.section for c in self.categories}:
                map_concept(g, section)
        return concept_iri(category)

    def place(self, d: Discovery) -> Placement:
        out = Placement(written=set(self.queued))
        for iri in d.order:
            hit = d.hits[iri]
            skipped = self.skip_reason(hit)
            decided = skipped or self.decide_class(hit)
            if isinstance(decided, Skipped):
                out.skipped.append(decided)
                continue
            category, confidence, evidence = decided
            links = self.gazetteer.link(hit.title + "\n" + (hit.abstract or ""))
            evidence = {"found_by": hit.found_by, **evidence,
                        "links": [{"kind": ln.kind, "key": ln.key, "text": ln.evidence} for ln in links]}
            facts = CandidateFacts(self.concept_for(out.graph, category, hit), confidence, evidence, self.run,
                                   [(ln.kind, ln.key) for ln in links],
                                   hit.list_row.code if hit.list_row is not None else None)
            map_candidate(out.graph, URIRef(iri), hit.records, d.index.known(iri), facts)
            out.written.add(iri)
            out.queued.append(Queued(iri, hit.title, hit.arxiv_id, category, round(confidence, 4), list(hit.found_by),
                                     sorted({f"{ln.kind}:{ln.key}" for ln in links})))
        return out
