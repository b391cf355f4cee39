"""The maintainer's results table (:mod:`ingest.results_table`) as mskg:Result nodes for
``graph:curation``: human-entered facts, re-derived with the decisions on every build and
review, so the table stays the single source of truth for them."""

from __future__ import annotations

from rdflib import Graph, URIRef

from ingest.results_table import TableResult
from kg.known_models import KnownNames
from kg.mapping.accepted import AcceptError, add_result, result_iri
from kg.mapping.terms import date_literal
from kg.vocab import DCTERMS


def results_table_triples(rows: list[TableResult], known: KnownNames, source: str = "results table") -> Graph:
    """The Result nodes of validated rows. ``known`` must hold every model the rows name
    (survey models and accepted ones); a row with no Source takes the paper of its Related
    Paper model, else of its own model, and fails if that model has no paper."""
    g = Graph()
    for r in rows:
        model = known.model(r.model)
        dataset = known.dataset(r.dataset)
        if model is None or dataset is None:
            raise AcceptError(f"{source}, line {r.line}: '{r.model if model is None else r.dataset}' is not in "
                              "the graph; validate the table against the graph's names first")
        reporter = known.model(r.related_model) if r.related_model else model
        paper = r.source or (reporter.introduced_in if reporter is not None else None)
        if not paper:
            raise AcceptError(f"{source}, line {r.line}: no Source, and '{(reporter or model).label}' has no paper "
                              "in the graph; give the paper in the Source column")
        node = result_iri(model.label, dataset[1], r.kind, paper)
        note = f'from the paper: "{r.evidence}"' if r.evidence else ""
        add_result(g, node, URIRef(model.iri), URIRef(dataset[0]), r.dice, r.kind, URIRef(paper), note=note, by=r.by)
        if r.date:
            g.add((node, DCTERMS.date, date_literal(r.date)))
    return g
