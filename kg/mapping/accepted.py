"""A paper accepted *as a model*: the facts a reviewer confirmed (name, class, base model,
code, framework, results) as triples for ``graph:curation``.

Accepting a paper used to leave only a classified mskg:Paper; the app counts and draws
models, so an accepted model must be a mskg:Model introduced in that paper, with its
lineage, code and results. A name the graph already knows links to that model instead of
minting a second one (a journal version of MedSAM stays MedSAM); the lookup is
:class:`kg.known_models.KnownNames`, passed in, because this layer reads no store.

Results are mskg:Result nodes derived from the paper, each one a claim a human said yes
to: nothing extracted from an abstract reaches this module unconfirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rdflib import Graph, Literal, URIRef

from ingest.ids import slugify
from kg.known_models import KnownModel, KnownNames
from kg.mapping.schemes import scheme_concept_iri
from kg.mapping.terms import FRAMEWORKS, decimal_literal, model_iri
from kg.vocab import ID, MSKG, PROV, RDF, RDFS, SDO, SKOS, TAXONOMY_SCHEME

# Not yet in kg.vocab/ontology.ttl (see the wiring note of issue #17): who made the
# decision that put a paper, model or result in the graph. Spelled through the namespace
# until MSKG defines it, then MSKG.decidedBy.
DECIDED_BY = MSKG.decidedBy


class AcceptError(ValueError):
    """Accepted-model facts that cannot become triples; the message names the paper and the fix."""


@dataclass(frozen=True)
class ConfirmedResult:
    """One Dice score a reviewer confirmed for the accepted model."""

    dataset: str  # the dataset's IRI
    dice: Decimal  # percent, 0..100
    kind: str = "primary"  # "primary" (the model's own paper) or "best"
    evidence: str = ""  # the sentence it was read from, kept for audit


@dataclass(frozen=True)
class AcceptedModel:
    """What a reviewer confirmed when accepting ``paper`` as a model (built from a Decision)."""

    paper: str  # the paper's IRI
    name: str  # the model's name (rdfs:label when minted)
    category: str = ""  # skos:prefLabel of its taxonomy class
    based_on: str = ""  # the name of the model it adapts
    code: str = ""  # URL of its code
    framework: str = ""  # "generalist" or "task-specific" ("" when not said)
    results: tuple[ConfirmedResult, ...] = ()
    by: str = ""  # who decided
    decided: date | None = None
    scheme: str = ""  # the taxonomy scheme ``category`` is a class of ("": the original, id:taxonomy)


def framework_iri(value: str) -> URIRef | None:
    """mskg:Generalist / mskg:TaskSpecific for 'generalist', 'task-specific' (any case, spaces)."""
    if not value or not value.strip():
        return None
    found = FRAMEWORKS.get(value.strip().lower().replace(" ", "").replace("_", "-"))
    if found is None:
        raise AcceptError(f"framework '{value}' is neither 'generalist' nor 'task-specific'")
    return found


def _code_uri(accepted: AcceptedModel) -> URIRef | None:
    code = accepted.code.strip()
    if not code:
        return None
    if not code.startswith(("http://", "https://")) or any(c in code for c in ' <>"{}|\\^`'):
        raise AcceptError(f"{accepted.paper}: code '{code}' is not an http(s) URL; give the repository's address")
    return URIRef(code)


def result_iri(model: str, dataset_label: str, kind: str, paper: str) -> URIRef:
    """A stable IRI for a curated result: model, dataset, kind and the paper it comes from."""
    source = slugify(paper.rsplit("/id/", 1)[-1])
    return ID[f"result/{slugify(model)}/{slugify(dataset_label)}/{kind}/from-{source}"]


def add_result(g: Graph, node: URIRef, model: URIRef, dataset: URIRef, dice: Decimal, kind: str,
               paper: URIRef, *, note: str = "", by: str = "") -> None:
    """One mskg:Result (shared by accepted models and the maintainer's results table)."""
    if not Decimal(0) <= dice <= Decimal(100):
        raise AcceptError(f"Dice {dice} on <{dataset}> is outside 0..100 (percent)")
    if kind not in ("primary", "best"):
        raise AcceptError(f"result kind '{kind}' is neither 'primary' nor 'best'")
    g.add((node, RDF.type, MSKG.Result))
    g.add((node, MSKG.model, model))
    g.add((node, MSKG.dataset, dataset))
    g.add((node, MSKG.dice, decimal_literal(dice)))
    g.add((node, MSKG.resultKind, Literal(kind)))
    g.add((node, PROV.wasDerivedFrom, paper))
    g.add((model, MSKG.evaluatedOn, dataset))
    if note:
        g.add((node, RDFS.comment, Literal(note)))
    if by:
        g.add((node, DECIDED_BY, Literal(by)))


def _base(accepted: AcceptedModel, known: KnownNames, model: URIRef) -> URIRef | None:
    if not accepted.based_on.strip():
        return None
    base = known.model(accepted.based_on)
    if base is None:
        raise AcceptError(f"{accepted.paper}: based-on '{accepted.based_on}' names no model of the graph; "
                          "give a model's name (see `kg query models-by-base-model`)")
    if URIRef(base.iri) == model:
        raise AcceptError(f"{accepted.paper}: '{accepted.name}' cannot be based on itself")
    return URIRef(base.iri)


def _model_facts(g: Graph, accepted: AcceptedModel, model: URIRef, existing: KnownModel | None) -> None:
    paper = URIRef(accepted.paper)
    g.add((model, RDF.type, MSKG.Model))
    framework = framework_iri(accepted.framework)
    if existing is None:
        g.add((model, RDFS.label, Literal(accepted.name.strip())))
        g.add((model, MSKG.introducedIn, paper))
        if accepted.category.strip():
            # the class's concept in the decision's scheme: a class of an adopted version is
            # no concept of id:taxonomy, and minting it there would mix the two versions
            g.add((model, MSKG.category, scheme_concept_iri(accepted.scheme or str(TAXONOMY_SCHEME),
                                                            accepted.category.strip())))
        if framework is not None:
            g.add((model, MSKG.framework, framework))
        if accepted.by:
            g.add((model, DECIDED_BY, Literal(accepted.by)))
    else:
        # An existing model keeps its one label, first paper, class and framework (the
        # shapes allow one of each); the new paper describes it, the new name is another name.
        if accepted.name.strip() != existing.label:
            g.add((model, SKOS.altLabel, Literal(accepted.name.strip())))
        if existing.introduced_in is None:
            g.add((model, MSKG.introducedIn, paper))
        if framework is not None and existing.framework is None:
            g.add((model, MSKG.framework, framework))
    g.add((model, MSKG.describedIn, paper))


def _results(g: Graph, accepted: AcceptedModel, model: URIRef, label: str, known: KnownNames) -> None:
    for r in accepted.results:
        dataset_label = next((lab for iri, lab in known.datasets.values() if iri == r.dataset), None)
        if dataset_label is None:
            raise AcceptError(f"{accepted.paper}: result on <{r.dataset}>, which is no dataset of the graph")
        note = f'from the paper: "{r.evidence}"' if r.evidence else ""
        add_result(g, result_iri(label, dataset_label, r.kind, accepted.paper), model, URIRef(r.dataset), r.dice,
                   r.kind, URIRef(accepted.paper), note=note, by=accepted.by)


def _one(g: Graph, accepted: AcceptedModel, existing: KnownModel | None, known: KnownNames) -> None:
    model = URIRef(existing.iri) if existing is not None else model_iri(accepted.name.strip())
    _model_facts(g, accepted, model, existing)
    base = _base(accepted, known, model)
    if base is not None:
        g.add((model, MSKG.basedOn, base))
    code = _code_uri(accepted)
    if code is not None:
        # One repository per model: a model the graph already links to code keeps it, and the
        # reviewer's link stays findable as a see-also.
        has_code = existing is not None and existing.code is not None
        g.add((model, RDFS.seeAlso if has_code else SDO.codeRepository, code))
    _results(g, accepted, model, existing.label if existing is not None else accepted.name.strip(), known)


def combined_names(known: KnownNames, accepted: list[AcceptedModel]) -> KnownNames:
    """``known`` plus the models ``accepted`` mints (each new name at its first acceptance):
    the names a results table and a base model may use."""
    combined = known.copy()
    for a in accepted:
        if a.name.strip() and known.model(a.name) is None and combined.model(a.name) is None:
            fw = framework_iri(a.framework)
            combined.add_model(a.name.strip(), KnownModel(str(model_iri(a.name.strip())), a.name.strip(), a.paper,
                                                          str(fw) if fw else None), own=True)
    return combined


def accepted_models_triples(accepted: list[AcceptedModel], known: KnownNames) -> Graph:
    """The triples of every accepted model, in decision order: a name new to the graph mints
    a mskg:Model (label, introducedIn, class, framework) at its first acceptance; a name the
    graph knows (``known``, which must not count graph:curation itself) or one accepted
    earlier in the list links to that model. Base models may be survey or accepted models."""
    for a in accepted:
        if not a.name or not a.name.strip():
            raise AcceptError(f"{a.paper}: no model name; pass --model NAME")
    combined = combined_names(known, accepted)
    first = {}
    for a in accepted:
        if known.model(a.name) is None:
            first.setdefault(slugify(a.name), a)
    g = Graph()
    for a in accepted:
        minted_here = first.get(slugify(a.name)) is a
        _one(g, a, None if minted_here else combined.model(a.name), combined)
    return g


def accepted_model_triples(accepted: AcceptedModel, known: KnownNames) -> Graph:
    """The triples of one accepted model (see :func:`accepted_models_triples`)."""
    return accepted_models_triples([accepted], known)


def accepted_from_decision(decision: Any) -> AcceptedModel | None:
    """The accepted-model facts of a curation decision (``ingest.curation.Decision`` with its
    optional model fields), or None for a rejection or an acceptance without a model name."""
    name = str(getattr(decision, "model", "") or "").strip()
    if decision.status != "accepted" or not name:
        return None
    def text(field_name: str) -> str:  # the Decision's optional fields ("" when absent)
        return str(getattr(decision, field_name, "") or "").strip()

    return AcceptedModel(paper=decision.paper, name=name, category=decision.category or "",
                         based_on=text("based_on"), code=text("code"), framework=text("framework"), by=text("by"),
                         decided=decision.decided, scheme=text("scheme"))
