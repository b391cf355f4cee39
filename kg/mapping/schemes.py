"""Versions of the survey taxonomy as triples (issue #18): each version the upstream list
shows is a ``skos:ConceptScheme`` of its own, dated and ``prov:wasRevisionOf`` the scheme
in force when it appeared; the models and papers it lists are placed in it with
``dcterms:subject`` (the SKOS way of indexing a resource by a concept), never with
``mskg:category``, which keeps the class of record; what a table's extra column holds is a
term of the adaptation-strategy facet (``mskg:adaptationStrategy``, a concept of the small
scheme ``id:adaptation-strategy`` that ontology.ttl states with the canonical terms) or a
``skos:note``, never a class; and the crosswalk
from the previous scheme is a set of SKOS mapping links, each with its counts on a
reified statement.

IRIs. The original scheme is ``id:taxonomy`` with concepts ``id:taxonomy/<slug>``. A
version is ``id:taxonomy-<date>`` with concepts ``id:taxonomy-<date>/<slug>``: a separate
path, so no two versions can ever share a concept IRI, whatever their labels. Strategy
terms are ``id:adaptation-strategy/<slug>``; crosswalk links
``id:crosswalk/<old scheme>--<new scheme>/<old slug>--<new slug>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rdflib import Graph, Literal, URIRef

from ingest.ids import slugify
from kg.mapping.terms import concept_iri, date_literal, model_iri
from kg.vocab import (
    ADAPTATION_STRATEGY_SCHEME, DCTERMS, ID, MSKG, PROV, RDF, SKOS, TAXONOMY_SCHEME, XSD,
)

# Canonical strategy terms and the spellings the list uses for them (lower case, without
# "of SAM"). A cell of a strategy column that matches none becomes a term of its own.
STRATEGY_TERMS: dict[str, tuple[str, ...]] = {
    "Full fine-tuning": ("full fine-tuning", "full finetuning", "full fine tuning", "full-parameter fine-tuning"),
    "Adapters": ("adapters", "adapter", "adapter tuning", "adapter-based fine-tuning"),
    "LoRA": ("lora", "low-rank adaptation", "low rank adaptation", "low-rank adapters"),
    "Prompt tuning": ("prompt tuning", "prompt learning", "visual prompt tuning"),
    "Partial fine-tuning": ("partial fine-tuning", "decoder fine-tuning", "mask decoder fine-tuning"),
    "Parameter-efficient fine-tuning": ("parameter-efficient fine-tuning", "peft", "feft",
                                        "efficient fine-tuning"),
}
# headers of a column that holds a strategy (any other extra column holds free text)
STRATEGY_COLUMNS = {"fine-tuning", "fine tuning", "finetuning", "adaptation", "adaptation strategy", "strategy"}
_EMPTY = {"", "-", "--", "---", "n/a", "none"}
MATCHES = {"exactMatch": SKOS.exactMatch, "closeMatch": SKOS.closeMatch, "broadMatch": SKOS.broadMatch,
           "narrowMatch": SKOS.narrowMatch, "relatedMatch": SKOS.relatedMatch}


def version_scheme_iri(day: date, n: int = 1) -> URIRef:
    """The IRI of the version first seen on ``day`` (``n`` > 1 for a second one that day)."""
    return ID[f"taxonomy-{day.isoformat()}" + (f"-{n}" if n > 1 else "")]


def scheme_concept_iri(scheme: str, label: str) -> URIRef:
    """A concept's IRI in ``scheme``: the original keeps ``id:taxonomy/<slug>``."""
    if str(scheme) == str(TAXONOMY_SCHEME):
        return concept_iri(label)
    return URIRef(f"{scheme}/{slugify(label)}")


def strategy_iri(label: str) -> URIRef:
    return ID[f"adaptation-strategy/{slugify(label)}"]


def local_name(scheme: str) -> str:
    return str(scheme).removeprefix(str(ID))


def crosswalk_prefix(old_scheme: str, new_scheme: str) -> str:
    return str(ID[f"crosswalk/{slugify(local_name(old_scheme))}--{slugify(local_name(new_scheme))}/"])


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip().lower())
    text = re.sub(r"\s+of\s+(the\s+)?sam\s?2?$", "", text)
    return text.replace("finetuning", "fine-tuning").replace("fine tuning", "fine-tuning")


def strategy_term(text: str) -> str | None:
    """The canonical strategy a cell names ("Full fine-tuning of SAM" -> "Full fine-tuning"), or None."""
    cleaned = _clean(text)
    for label, spellings in STRATEGY_TERMS.items():
        if cleaned == label.lower() or cleaned in {_clean(s) for s in spellings}:
            return label
    return None


def read_facet(column: str, value: str) -> tuple[str | None, str | None]:
    """(strategy, note) of one extra-column cell: a strategy column always gives a strategy
    (a known term, else the cell itself without "of SAM"); another column gives a strategy
    only when the cell is exactly a known term, and a note otherwise."""
    if value.strip().lower() in _EMPTY:
        return None, None
    known = strategy_term(value)
    if column.strip().lower() in STRATEGY_COLUMNS:
        if known:
            return known, None
        cleaned = re.sub(r"\s+of\s+(the\s+)?SAM\s?2?$", "", value.strip(), flags=re.I)
        return cleaned[:1].upper() + cleaned[1:], None
    return (known, None) if known else (None, value.strip())


@dataclass(frozen=True)
class VersionConcept:
    """One concept of a version: a top concept (``broader`` None) or a class under one."""

    label: str
    broader: str | None
    notation: str  # its place in the list's order ("02", "02.01"), so outlines keep the order
    scope_note: str | None = None
    base_model: str | None = None  # a model id ('SAM', 'SAM 2') every member is built on


@dataclass
class Version:
    scheme: URIRef
    previous: URIRef
    issued: date
    source: str  # the list's URL
    concepts: list[VersionConcept] = field(default_factory=list)


@dataclass(frozen=True)
class Place:
    """An entry (model or paper) of the list under a class of a version, with its facet."""

    entry: URIRef
    concept: URIRef
    strategy: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class CrosswalkLink:
    """old -> new, derived from the ``shared`` entries listed under both: ``old_shared`` of
    the old class's entries and ``new_shared`` of the new class's are listed in both
    versions; ``old_total`` entries had the old class in all."""

    old: URIRef
    new: URIRef
    old_label: str
    new_label: str
    match: str  # a key of MATCHES
    shared: int
    old_shared: int
    old_total: int
    new_shared: int
    strategies: tuple[tuple[str, int], ...] = ()  # (strategy or '(none)', entries), most first
    entries: tuple[URIRef, ...] = ()


def map_version(g: Graph, v: Version) -> None:
    """The scheme and its concepts, the hierarchy stated both ways (topConceptOf and
    hasTopConcept, broader and narrower) as for the original scheme."""
    g.add((v.scheme, RDF.type, SKOS.ConceptScheme))
    g.add((v.scheme, SKOS.prefLabel, Literal(f"Survey taxonomy as the upstream list of {v.issued.isoformat()} "
                                             "organises it")))
    g.add((v.scheme, DCTERMS.issued, date_literal(v.issued)))
    g.add((v.scheme, PROV.wasRevisionOf, v.previous))
    g.add((v.scheme, DCTERMS.source, URIRef(v.source)))
    for c in v.concepts:
        iri = scheme_concept_iri(v.scheme, c.label)
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.prefLabel, Literal(c.label)))
        g.add((iri, SKOS.inScheme, v.scheme))
        g.add((iri, SKOS.notation, Literal(c.notation)))
        if c.broader is None:
            g.add((iri, SKOS.topConceptOf, v.scheme))
            g.add((v.scheme, SKOS.hasTopConcept, iri))
        else:
            g.add((iri, SKOS.broader, scheme_concept_iri(v.scheme, c.broader)))
            g.add((scheme_concept_iri(v.scheme, c.broader), SKOS.narrower, iri))
        if c.scope_note:
            g.add((iri, SKOS.scopeNote, Literal(c.scope_note)))
        if c.base_model:
            g.add((iri, MSKG.impliesBaseModel, model_iri(c.base_model)))


def map_strategy_term(g: Graph, label: str) -> URIRef:
    iri = strategy_iri(label)
    g.add((ADAPTATION_STRATEGY_SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((ADAPTATION_STRATEGY_SCHEME, SKOS.prefLabel, Literal("Adaptation strategies named by the survey list")))
    g.add((iri, RDF.type, SKOS.Concept))
    g.add((iri, SKOS.prefLabel, Literal(label)))
    g.add((iri, SKOS.inScheme, ADAPTATION_STRATEGY_SCHEME))
    g.add((iri, SKOS.topConceptOf, ADAPTATION_STRATEGY_SCHEME))
    g.add((ADAPTATION_STRATEGY_SCHEME, SKOS.hasTopConcept, iri))
    return iri


def map_place(g: Graph, p: Place) -> None:
    g.add((p.entry, DCTERMS.subject, p.concept))
    if p.strategy:
        g.add((p.entry, MSKG.adaptationStrategy, map_strategy_term(g, p.strategy)))
    if p.note:
        g.add((p.entry, SKOS.note, Literal(p.note)))


def map_crosswalk(g: Graph, old_scheme: str, new_scheme: str, links: list[CrosswalkLink]) -> None:
    """Each link as its SKOS mapping triple plus a reified statement carrying the counts and
    the entries it was derived from, so a reviewer sees why the link is there."""
    prefix = crosswalk_prefix(old_scheme, new_scheme)
    for link in links:
        prop = MATCHES[link.match]
        g.add((link.old, prop, link.new))
        node = URIRef(f"{prefix}{slugify(link.old_label)}--{slugify(link.new_label)}")
        g.add((node, RDF.type, RDF.Statement))
        g.add((node, RDF.subject, link.old))
        g.add((node, RDF.predicate, prop))
        g.add((node, RDF.object, link.new))
        g.add((node, RDF.value, Literal(link.shared, datatype=XSD.integer)))
        strategies = ", ".join(f"{s} {n}" for s, n in link.strategies)
        g.add((node, DCTERMS.description, Literal(
            f"{link.shared} of the {link.old_shared} entries of '{link.old_label}' listed in both versions "
            f"({link.old_total} in the old scheme) sit under '{link.new_label}' "
            f"({link.new_shared} shared entries there)" + (f"; strategies: {strategies}" if strategies else ""))))
        for entry in link.entries:
            g.add((node, PROV.wasDerivedFrom, entry))


def map_adoption(g: Graph, scheme: str, decided: date) -> None:
    """The scheme in force since ``decided`` (one triple; the history is the curation file)."""
    g.add((URIRef(scheme), DCTERMS.valid, date_literal(decided)))
