"""Curation decisions (read from the curation file by :mod:`ingest.curation`) as the update
that re-derives ``graph:curation`` and the candidates' review status and class."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ingest.curation import Decision
from kg.mapping.schemes import scheme_concept_iri
from kg.mapping.terms import date_literal
from kg.queries import internal
from kg.vocab import MSKG, RDF, TAXONOMY_SCHEME


def curation_update(decisions: dict[str, Decision], extra: Graph | None = None) -> str:
    """The update that rebuilds ``graph:curation`` from ``decisions`` (plus ``extra``: the
    curated facts beyond status and class, e.g. accepted models and the maintainer's results,
    :func:`kg.mapping.accepted.curated_facts`) and re-derives the candidates' status and class
    (see the module docstring). Idempotent."""
    g = Graph()
    if extra is not None:
        g += extra
    take_prediction = []
    for d in decisions.values():
        paper = URIRef(d.paper)
        g.add((paper, RDF.type, MSKG.Paper))
        g.add((paper, MSKG.reviewStatus, Literal(d.status)))
        g.add((paper, MSKG.reviewedOn, date_literal(d.decided)))
        if getattr(d, "by", ""):
            g.add((paper, MSKG.decidedBy, Literal(d.by)))
        if d.status in ("accepted", "maybe"):  # a "maybe" stays in the queue with a class, as reviewed
            if d.category:
                g.add((paper, MSKG.category, scheme_concept_iri(d.scheme or str(TAXONOMY_SCHEME), d.category)))
            else:
                take_prediction.append(d.paper)
    return internal("curation-rebuild", data=g.serialize(format="nt"), take_prediction=take_prediction)
