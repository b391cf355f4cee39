"""Dataset facets as terms: the survey database's free-text modality, region and structure
cells read against the two SKOS schemes of ``kg/data/facets.toml`` (imaging modality and
anatomy), so that a question asks for id:modality/mri and finds every MRI dataset whatever
sequence the source wrote, instead of a CONTAINS on a comma-joined string.

Placeholders ("[Too Many To List]", "unknown", "-", "N/A") are no values: they give neither
a term nor a note. Text that matches no concept keeps its note and is reported, never
guessed."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rdflib import Graph, Literal, URIRef

from kg.mapping.terms import facet_iri, facet_scheme_iri
from kg.resources import DATA_DIR
from kg.vocab import OWL, RDF, SKOS

FACETS_FILE = DATA_DIR / "facets.toml"
_DIMENSION = re.compile(r"^\s*[23]D\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Concept:
    scheme: str
    key: str
    label: str
    definition: str
    broader: tuple[str, ...] = ()
    alt: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()

    @property
    def iri(self) -> URIRef:
        return facet_iri(self.scheme, self.key)


@dataclass
class Facets:
    """The schemes, and every label (case-folded) -> concept, for matching source text."""

    concepts: dict[str, dict[str, Concept]]
    schemes: dict[str, dict[str, str]]
    placeholders: frozenset[str]
    index: dict[str, dict[str, Concept]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for scheme, concepts in self.concepts.items():
            idx = self.index.setdefault(scheme, {})
            for c in concepts.values():
                for text in (c.label, *c.alt, *c.hidden):
                    key = text.casefold()
                    if key in idx and idx[key] is not c:
                        raise ValueError(f"{FACETS_FILE.name}: '{text}' names both {idx[key].key} and {c.key}")
                    idx[key] = c

    def is_placeholder(self, text: str | None) -> bool:
        return text is None or text.strip().casefold() in self.placeholders

    def lookup(self, scheme: str, text: str) -> Concept | None:
        return self.index[scheme].get(text.strip().casefold())


def _concept(scheme: str, key: str, raw: dict[str, Any]) -> Concept:
    return Concept(scheme, key, raw["label"], raw["definition"], tuple(raw.get("broader", ())),
                   tuple(raw.get("alt", ())), tuple(raw.get("hidden", ())))


@cache
def load_facets() -> Facets:
    data = tomllib.loads(FACETS_FILE.read_text(encoding="utf-8"))
    concepts: dict[str, dict[str, Concept]] = {}
    schemes: dict[str, dict[str, str]] = {}
    for scheme in ("modality", "anatomy"):
        raw = data[scheme]
        schemes[scheme] = {"label": raw["scheme_label"], "definition": raw["scheme_definition"]}
        concepts[scheme] = {k: _concept(scheme, k, v) for k, v in raw["concepts"].items()}
        for c in concepts[scheme].values():
            missing = [b for b in c.broader if b not in concepts[scheme]]
            if missing:
                raise ValueError(f"{FACETS_FILE.name}: {scheme}.{c.key} is narrower than unknown {missing}")
    return Facets(concepts, schemes, frozenset(p.casefold() for p in data["placeholders"]))


@dataclass
class FacetReading:
    """The terms a cell names, and the parts of it that named none (kept as the note only)."""

    terms: list[URIRef] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def add(self, concept: Concept | None, text: str) -> None:
        if concept is None:
            self.unmatched.append(text)
        elif concept.iri not in self.terms:
            self.terms.append(concept.iri)


def read_modality(cell: str | None, facets: Facets | None = None) -> FacetReading:
    """'3D CT / CT (CE), 3D MRI (T1-CE)' -> CT, contrast-enhanced CT, contrast-enhanced T1 MRI.
    The dimension is dropped (every dataset of the survey is 3D; the note keeps it) and
    ' / ' separates alternatives, each a term of its own."""
    facets = facets or load_facets()
    out = FacetReading()
    if facets.is_placeholder(cell):
        return out
    for item in (cell or "").split(","):
        if facets.is_placeholder(item):
            continue
        for alternative in _DIMENSION.sub("", item).split(" / "):
            alternative = _DIMENSION.sub("", alternative).strip()
            out.add(facets.lookup("modality", alternative), item.strip())
    return out


def read_anatomy(values: list[str], facets: Facets | None = None) -> FacetReading:
    """One term per region or structure the source lists ('Kidneys' -> Kidney)."""
    facets = facets or load_facets()
    out = FacetReading()
    for value in values:
        if not facets.is_placeholder(value):
            out.add(facets.lookup("anatomy", value), value.strip())
    return out


def scheme_graph(facets: Facets | None = None) -> Graph:
    """Both schemes as SKOS, the hierarchy stated both ways, as the taxonomy is; ontology.ttl
    holds the same triples (tests/test_facets.py compares them)."""
    facets = facets or load_facets()
    g = Graph()
    for scheme, concepts in facets.concepts.items():
        s = facet_scheme_iri(scheme)
        g.add((s, RDF.type, SKOS.ConceptScheme))
        g.add((s, RDF.type, OWL.NamedIndividual))
        g.add((s, SKOS.prefLabel, Literal(facets.schemes[scheme]["label"])))
        g.add((s, SKOS.definition, Literal(facets.schemes[scheme]["definition"], lang="en")))
        for c in concepts.values():
            _concept_triples(g, s, c, concepts)
    return g


def _concept_triples(g: Graph, scheme: URIRef, c: Concept, concepts: dict[str, Concept]) -> None:
    g.add((c.iri, RDF.type, SKOS.Concept))
    g.add((c.iri, RDF.type, OWL.NamedIndividual))
    g.add((c.iri, SKOS.prefLabel, Literal(c.label)))
    g.add((c.iri, SKOS.definition, Literal(c.definition, lang="en")))
    g.add((c.iri, SKOS.inScheme, scheme))
    for label, prop in [(a, SKOS.altLabel) for a in c.alt] + [(h, SKOS.hiddenLabel) for h in c.hidden]:
        g.add((c.iri, prop, Literal(label)))
    if not c.broader:
        g.add((c.iri, SKOS.topConceptOf, scheme))
        g.add((scheme, SKOS.hasTopConcept, c.iri))
    for b in c.broader:
        g.add((c.iri, SKOS.broader, concepts[b].iri))
        g.add((concepts[b].iri, SKOS.narrower, c.iri))
