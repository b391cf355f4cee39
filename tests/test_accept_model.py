"""Accepting a paper as a model: the decision's model facts become a mskg:Model in
graph:curation (or link to the model of that name), with lineage, code, framework and
confirmed results, on the real survey graph plus one fake candidate paper. The curation
update is applied as the wiring will apply it: the decisions' update and the curated facts
in one request."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ingest.curation import Decision
from ingest.results_table import append_results
from kg.build import build
from kg.known_models import known_names, known_papers
from kg.mapping import concept_iri, curation_update, dataset_iri, decimal_literal, insert_update, model_iri
from kg.mapping.accepted import (
    DECIDED_BY, AcceptError, AcceptedModel, ConfirmedResult, accepted_from_decision, accepted_model_triples,
)
from kg.mapping.curated import curated_facts
from kg.queries import internal, join_updates, saved_text, with_prefixes
from kg.stats import graph_stats
from kg.tracker.suggest import suggest_model, table_rows
from kg.store import Store
from kg.validate import validate_store
from kg.vocab import CANDIDATES, CURATION, DCTERMS, MSKG, RDF

FAKE = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.00017"
FAKE2 = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.00018"
MEDSAM2_PAPER = "https://w3id.org/medseg-kg/id/paper/arxiv/2504.03600"
COUNT_MODELS = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a mskg:Model }"




def fake_candidates() -> Graph:
    g = Graph()
    for iri, title in ((FAKE, "MedSAM3: Segment Anything in 3D Medical Images, Faster"),
                       (FAKE2, "A journal version of a known model")):
        p = URIRef(iri)
        g.add((p, RDF.type, MSKG.Paper))
        g.add((p, DCTERMS.title, Literal(title)))
        g.add((p, MSKG.predictedCategory, concept_iri("Fine-tuning of SAM 2")))
        g.add((p, MSKG.confidence, decimal_literal("0.9")))
    return g


@pytest.fixture()
def store() -> Store:
    s = Store(None)
    build(s)
    s.update(insert_update(CANDIDATES, fake_candidates()))
    s.update(curation_update({}))
    return s


def rederive(store: Store, decisions: list[Decision], table: Path | None = None) -> None:
    """The curation update with the curated facts, as `kg review` and `kg build` will run it."""
    extra = curated_facts(decisions, known_names(store), table, known_papers(store))
    store.update(join_updates([curation_update({d.paper: d for d in decisions}), insert_update(CURATION, extra)]))


def count_models(store: Store) -> int:
    return store.select(with_prefixes(COUNT_MODELS)).rows[0]["n"]


def lineage(store: Store, name: str) -> list[tuple[str, int]]:
    text = saved_text("lineage-of-medsam2").replace('rdfs:label "MedSAM2"', f'rdfs:label "{name}"')
    return [(r["ancestor"], r["distance"]) for r in store.select(text).rows]


def medsam3(paper: str = FAKE, **kw: str) -> Decision:
    fields = {"model": "MedSAM3", "based_on": "MedSAM2", "code": "https://github.com/example/MedSAM3",
              "framework": "generalist", "by": "A. Maintainer"} | kw
    return Decision(paper, "accepted", "Fine-tuning of SAM 2", date(2026, 12, 1), **fields)


def test_an_accepted_model_is_counted_and_has_its_lineage(store: Store) -> None:
    assert count_models(store) == 83
    assert graph_stats(store)["classes"]["models"] == 83  # the app's overview asks the same question
    rederive(store, [medsam3()])
    assert count_models(store) == 84
    assert graph_stats(store)["classes"]["models"] == 84
    assert lineage(store, "MedSAM3") == [("MedSAM2", 1), ("SAM 2", 2), ("SAM", 3)]
    facts = {(r["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1], str(r["o"]))
             for r in store.select(internal("model-facts")).rows if r["m"] == str(model_iri("MedSAM3"))}
    assert facts == {("label", "MedSAM3"), ("introducedIn", FAKE), ("basedOn", str(model_iri("MedSAM2"))),
                     ("codeRepository", "https://github.com/example/MedSAM3"), ("framework", str(MSKG.Generalist))}
    m3 = model_iri("MedSAM3")
    cls = store.select(with_prefixes(f"SELECT DISTINCT ?l WHERE {{ <{m3}> mskg:category/skos:prefLabel ?l }}"))
    assert [r["l"] for r in cls.rows] == ["Fine-tuning of SAM 2"]
    by = store.select(with_prefixes(f"SELECT ?b WHERE {{ <{model_iri('MedSAM3')}> <{DECIDED_BY}> ?b }}")).rows
    assert [r["b"] for r in by] == ["A. Maintainer"]
    assert validate_store(store).violations == []


def test_re_deriving_keeps_one_model_with_one_label(store: Store) -> None:
    rederive(store, [medsam3()])
    before = set(store.quads())
    rederive(store, [medsam3()])  # graph:curation now holds MedSAM3: it must be minted again, not "found"
    assert set(store.quads()) == before
    labels = store.select(with_prefixes(f"SELECT ?l WHERE {{ <{model_iri('MedSAM3')}> rdfs:label ?l }}")).rows
    assert [r["l"] for r in labels] == ["MedSAM3"]


def test_a_name_the_graph_knows_links_to_that_model(store: Store) -> None:
    rederive(store, [medsam3(FAKE2, model="medsam2", based_on="SAM 2", framework="")])
    assert count_models(store) == 83
    m = str(model_iri("MedSAM2"))
    rows = store.select(with_prefixes(f"""SELECT DISTINCT ?p ?o WHERE {{ <{m}> ?p ?o
        FILTER(?p IN (rdfs:label, mskg:introducedIn, mskg:describedIn)) }}""")).rows
    assert sorted((r["p"].rsplit("#", 1)[-1], r["o"]) for r in rows) == [
        ("describedIn", MEDSAM2_PAPER), ("describedIn", FAKE2), ("introducedIn", MEDSAM2_PAPER),
        ("label", "MedSAM2")]
    assert validate_store(store).violations == []


def test_two_papers_accepted_under_one_new_name_make_one_model(store: Store) -> None:
    rederive(store, [medsam3(), medsam3(FAKE2)])
    assert count_models(store) == 84
    m = str(model_iri("MedSAM3"))
    rows = store.select(with_prefixes(f"""SELECT DISTINCT ?p ?o WHERE {{ <{m}> ?p ?o
        FILTER(?p IN (mskg:introducedIn, mskg:describedIn)) }}""")).rows
    assert sorted((r["p"].rsplit("#", 1)[-1], r["o"]) for r in rows) == [
        ("describedIn", FAKE), ("describedIn", FAKE2), ("introducedIn", FAKE)]


def test_confirmed_results_become_results_derived_from_the_paper(store: Store) -> None:
    before = {r["r"] for r in store.select(internal("results")).rows}
    accepted = AcceptedModel(FAKE, "MedSAM3", "Fine-tuning of SAM 2", "MedSAM2",
                             results=(ConfirmedResult(str(dataset_iri("BTCV")), Decimal("89.2"), "primary",
                                                      "MedSAM3 achieves an average Dice of 89.2% on BTCV."),))
    g = accepted_model_triples(accepted, known_names(store))
    store.update(insert_update(CURATION, g))
    new = [r for r in store.select(internal("results")).rows if r["r"] not in before]
    assert [(r["model"], r["dataset"], r["dice"], r["kind"], r["src"]) for r in new] == [
        ("MedSAM3", "BTCV", Decimal("89.2"), "primary", FAKE)]
    evaluated = [(r["model"], r["dataset"], r["results"]) for r in store.select(internal("evaluated-on")).rows
                 if r["m"] == str(model_iri("MedSAM3"))]
    assert evaluated == [("MedSAM3", "BTCV", 1)]
    assert (model_iri("MedSAM3"), MSKG.evaluatedOn, dataset_iri("BTCV")) in g


@pytest.mark.parametrize("change, message", [
    ({"based_on": "SAM 9"}, f"{FAKE}: based-on 'SAM 9' names no model of the graph; give a model's name "
                            "(see `kg query models-by-base-model`)"),
    ({"based_on": "MedSAM3"}, f"{FAKE}: 'MedSAM3' cannot be based on itself"),
    ({"framework": "foundation"}, "framework 'foundation' is neither 'generalist' nor 'task-specific'"),
    ({"code": "github.com/example/MedSAM3"}, f"{FAKE}: code 'github.com/example/MedSAM3' is not an http(s) URL; "
                                             "give the repository's address"),
])
def test_bad_facts_are_refused_with_the_paper_and_the_fix(store: Store, change: dict[str, str], message: str) -> None:
    with pytest.raises(AcceptError) as err:
        rederive(store, [medsam3(**change)])
    assert str(err.value) == message
    assert count_models(store) == 83  # nothing was written


def test_a_result_on_an_unknown_dataset_is_refused(store: Store) -> None:
    accepted = AcceptedModel(FAKE, "MedSAM3", results=(ConfirmedResult("https://w3id.org/medseg-kg/id/dataset/nope",
                                                                       Decimal("80")),))
    with pytest.raises(AcceptError, match="which is no dataset of the graph"):
        accepted_model_triples(accepted, known_names(store))


def test_only_an_acceptance_with_a_model_name_is_a_model() -> None:
    assert accepted_from_decision(Decision(FAKE, "rejected", "", date(2026, 12, 1), model="X")) is None
    assert accepted_from_decision(Decision(FAKE, "accepted", "FEFT of SAM", date(2026, 12, 1))) is None
    assert accepted_from_decision(Decision(FAKE, "accepted", "FEFT of SAM", date(2026, 12, 1))) is None
    assert accepted_from_decision(medsam3()) == AcceptedModel(
        FAKE, "MedSAM3", "Fine-tuning of SAM 2", "MedSAM2", "https://github.com/example/MedSAM3", "generalist",
        (), "A. Maintainer", date(2026, 12, 1))


def test_a_confirmed_claim_reaches_the_graph_through_the_results_table(store: Store, tmp_path: Path) -> None:
    """Suggest, confirm one claim of two, write the decision and the table row, re-derive:
    only the confirmed claim is a Result."""
    g = Graph()
    g.add((URIRef(FAKE), DCTERMS.abstract, Literal("MedSAM3 achieves an average Dice of 89.2% on BTCV and DSC "
                                                   "0.912 on AMOS.")))
    store.update(insert_update(CANDIDATES, g))
    suggestion = suggest_model(store, FAKE)
    assert [(str(c.value), c.dataset) for c in suggestion.claims] == [("89.2", "BTCV"), ("91.2", "AMOS")]
    accepted = suggestion.accepted(confirmed=[0], by="A. Maintainer", decided=date(2026, 12, 1))
    table = tmp_path / "results.csv"
    append_results(table, table_rows(accepted, known_names(store)))
    decision = Decision(FAKE, "accepted", accepted.category, date(2026, 12, 1), model=accepted.name,
                             based_on=accepted.based_on, framework=accepted.framework, by=accepted.by)
    before = {r["r"] for r in store.select(internal("results")).rows}
    rederive(store, [decision], table)
    new = [(r["model"], r["dataset"], r["dice"], r["kind"], r["src"], r["date"])
           for r in store.select(internal("results")).rows if r["r"] not in before]
    assert new == [("MedSAM3", "BTCV", Decimal("89.2"), "primary", FAKE, date(2026, 12, 1))]
    assert lineage(store, "MedSAM3") == [("SAM 2", 1), ("SAM", 2)]  # the class's base model, as suggested


def test_a_suggestion_names_the_model_accepted_earlier(store: Store) -> None:
    assert suggest_model(store, FAKE).existing is None
    rederive(store, [medsam3()])
    s = suggest_model(store, FAKE)
    assert (s.name, s.existing.iri if s.existing else None) == ("MedSAM3", str(model_iri("MedSAM3")))
    assert s.notes["name"] == "from the title; links to the model accepted earlier as 'MedSAM3'"
