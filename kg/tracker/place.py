"""Placement: each discovered paper is skipped with a reason (already a survey paper,
rejected earlier, already queued, no title, out of scope) or placed: a class with a
confidence (the classifier's, or the upstream list's own), links to the datasets, base
models and modalities it names, and its candidate triples through the mapping layer.

Classes are those of the scheme in force. A row of an upstream list that follows another
version of the taxonomy (:mod:`kg.tracker.schemes`) brings a class of that version, never
one of the scheme in force: its class in force comes through the crosswalk, else from the
classifier, and its place in the version is stated beside it (``dcterms:subject``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef

from ingest.curation import Decision
from kg.mapping import CandidateFacts, map_candidate, map_concept
from kg.mapping.schemes import scheme_concept_iri
from kg.tracker.classify import Category, PaperClassifier
from kg.tracker.discover import Discovery, Hit
from kg.tracker.linking import Gazetteer
from kg.tracker.report import Queued, Skipped
from kg.tracker.schemes import SchemeChange
from kg.vocab import RDF, SKOS, TAXONOMY_SCHEME


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
    scheme: str = str(TAXONOMY_SCHEME)  # the scheme in force: its classes are ``categories``
    list_version: SchemeChange | None = None  # the taxonomy version the upstream list follows, if not the original

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
        if row is not None and self.list_version is not None and self.list_version.changes_taxonomy:
            return self._class_of_a_row_of_another_version(hit)
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

    def _class_of_a_row_of_another_version(self, hit: Hit) -> tuple[str, float, dict[str, Any]]:
        """The crosswalk's class for the row, else the classifier's best class. The survey lists
        the paper, so it is never out of scope; a classifier that thinks so says it, with a
        low confidence, for the reviewer."""
        row, version = hit.list_row, self.list_version
        assert row is not None and version is not None
        mapped = version.class_in_force(row)
        if mapped is not None:
            label, confidence, evidence = mapped
            return label, confidence, {**evidence, **({"model": row.name} if row.name else {})}
        place = version.rows.get(row.line)
        listed = {"survey_list_line": row.line, "list_version": version.scheme,
                  "list_class": place.label if place else row.category, **({"model": row.name} if row.name else {})}
        prediction = self.classifier.classify(hit.title, hit.abstract)
        if prediction.relevant and prediction.category:
            return str(prediction.category), float(prediction.confidence), {
                "classifier": "kg.tracker.classify.PaperClassifier", **prediction.evidence, **listed}
        best = self.classifier.rank(hit.title, hit.abstract)[0][0]
        return best, 0.3, {"classifier": "kg.tracker.classify.PaperClassifier", **listed,
                           "reason": f"listed by the survey (line {row.line}) under a class of {version.scheme}, "
                                     "which the crosswalk cannot map; the classifier finds it out of scope "
                                     f"({prediction.evidence.get('reason', '')}), so its best class is only a guess"}

    def concept_for(self, g: Graph, category: str, hit: Hit) -> URIRef:
        """The class's concept in the scheme in force; a class new in the upstream list (which
        follows that scheme) is stated here, in that scheme, so the candidate can point at it."""
        known = {c.label: c for c in self.categories}
        if category in known and known[category].iri:
            return URIRef(str(known[category].iri))
        version = self.list_version
        if version is not None and version.scheme == self.scheme and category in version.labels:
            return scheme_concept_iri(self.scheme, category)  # staged with the version, where it belongs
        section = hit.list_row.section if hit.list_row else category
        broader = None if section == category else section
        if self.scheme == str(TAXONOMY_SCHEME):
            map_concept(g, category, broader=broader)
            if broader is not None and section not in {c.section for c in self.categories}:
                map_concept(g, section)
            return scheme_concept_iri(self.scheme, category)
        return self._state_concept(g, category, broader)

    def _state_concept(self, g: Graph, label: str, broader: str | None) -> URIRef:
        """A new class of an adopted version, under its section (stated too when new)."""
        concept, scheme = scheme_concept_iri(self.scheme, label), URIRef(self.scheme)
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.prefLabel, Literal(label)))
        g.add((concept, SKOS.inScheme, scheme))
        if broader is None:
            g.add((concept, SKOS.topConceptOf, scheme))
            return concept
        g.add((concept, SKOS.broader, scheme_concept_iri(self.scheme, broader)))
        if broader not in {c.section for c in self.categories}:
            self._state_concept(g, broader, None)
        return concept

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
            if self.list_version is not None and hit.list_row is not None:
                self.list_version.place_row(out.graph, URIRef(iri), hit.list_row)
            out.written.add(iri)
            out.queued.append(Queued(iri, hit.title, hit.arxiv_id, category, round(confidence, 4), list(hit.found_by),
                                     sorted({f"{ln.kind}:{ln.key}" for ln in links})))
        return out
