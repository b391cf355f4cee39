"""The review queue's order and marks: least certain first, the top two classes and "needs a class",
seeded exploration, class definitions, "maybe" staying in the queue, the streak of rejections,
and the one-step change of a candidate's class."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pytest
from rdflib import Graph, Literal, URIRef

from ingest.curation import Decision
from kg.build import build
from kg.mapping import concept_iri, curation_update
from kg.store import Store
from kg.tracker.review import queue, reclassify, rejection_streak
from kg.tracker.review_order import needs_class, review_order
from kg.vocab import CANDIDATES, DCTERMS, MSKG, RDF

ID = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.0000"
DAY = date(2026, 11, 20)
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
# (title, predicted class, confidence, top2, P(in scope))
PAPERS = [
    ("Paper A", "FEFT of SAM", 0.9, [["FEFT of SAM", 0.92], ["Adapters for SAM", 0.05]], 0.98),
    ("Paper B", "Adapters for SAM", 0.3, [["Adapters for SAM", 0.45], ["Modifications to SAM architecture", 0.4]], 0.7),
    ("Paper C", "Zero-shot of SAM 2", 0.6, [["Zero-shot of SAM 2", 0.7], ["Fine-tuning of SAM 2", 0.2]], 0.99),
    ("Paper D", "Other SAM implementations", 0.5, [], 0.5),  # queued before top2 was recorded
]


@pytest.fixture()
def store() -> Store:
    s = Store(None)
    build(s)
    g = Graph()
    for i, (title, cls, conf, top2, p_rel) in enumerate(PAPERS, 1):
        p = URIRef(f"{ID}{i}")
        g.add((p, RDF.type, MSKG.Paper))
        g.add((p, DCTERMS.title, Literal(title)))
        g.add((p, MSKG.predictedCategory, concept_iri(cls)))
        g.add((p, MSKG.confidence, Literal(str(conf), datatype=DECIMAL)))
        evidence = {"top2": top2, "p_relevant": p_rel} if top2 else {}
        g.add((p, MSKG.evidence, Literal(json.dumps(evidence))))
    s.update(f"INSERT DATA {{ GRAPH <{CANDIDATES}> {{ {g.serialize(format='nt')} }} }}")
    s.update(curation_update({}))
    return s


def test_least_certain_first_with_the_top_two_classes_and_needs_a_class(store: Store) -> None:
    items = queue(store)
    assert [(i.title, i.confidence, i.needs_class) for i in items] == [
        ("Paper B", 0.3, True), ("Paper D", 0.5, False), ("Paper C", 0.6, False), ("Paper A", 0.9, False)]
    assert items[0].top2 == [("Adapters for SAM", 0.45), ("Modifications to SAM architecture", 0.4)]
    assert items[1].top2 == [("Other SAM implementations", 0.5)]  # no recorded top2: the prediction alone
    assert items[0].definition.startswith("Models that insert small trainable adapter modules")
    assert items[0].to_dict()["top2"] == [["Adapters for SAM", 0.45], ["Modifications to SAM architecture", 0.4]]


def test_the_screening_order_puts_the_most_probably_relevant_first(store: Store) -> None:
    assert [i.title for i in queue(store, order="screening")] == ["Paper C", "Paper A", "Paper B", "Paper D"]
    with pytest.raises(ValueError, match="uncertain, screening"):
        queue(store, order="newest")


def test_maybe_keeps_a_paper_in_the_queue_with_its_reason(store: Store) -> None:
    decisions = {f"{ID}2": Decision(f"{ID}2", "maybe", "", DAY), f"{ID}1": Decision(f"{ID}1", "rejected", "", DAY)}
    store.update(curation_update(decisions))
    noted = {f"{ID}2": SimpleNamespace(paper=f"{ID}2", status="maybe", reason="ask the clinicians")}
    items = queue(store, decisions=noted)  # type: ignore[arg-type]
    assert [(i.title, i.status, i.reason) for i in items] == [
        ("Paper B", "maybe", "ask the clinicians"), ("Paper D", "candidate", ""), ("Paper C", "candidate", "")]
    assert [i.title for i in queue(store, "maybe")] == ["Paper B"]
    assert [i.title for i in queue(store, "rejected")] == ["Paper A"]


def test_exploration_moves_about_five_percent_from_the_back_half_forward() -> None:
    certainty = [i / 40 for i in range(40)]
    order, explored = review_order(certainty, seed=7)
    assert sorted(order) == list(range(40)) and len(explored) == 2
    assert all(i >= 20 for i in explored)  # picked among the model's most certain half...
    assert all(order.index(i) < 20 for i in explored)  # ...and shown in the front half
    assert [i for i in order if i not in explored] == [i for i in range(40) if i not in explored]
    assert review_order(certainty, seed=7) == (order, explored)  # seeded
    assert review_order(certainty, seed=8)[1] != explored
    assert review_order(certainty[:9], seed=7) == (list(range(9)), set())  # too short a queue to spare a place


def test_needs_class_reads_the_margin() -> None:
    assert needs_class([["A", 0.5], ["B", 0.35]]) and not needs_class([["A", 0.6], ["B", 0.3]])
    assert not needs_class([["A", 0.5]]) and not needs_class(None) and not needs_class([["A", "x"], ["B", 0.1]])


def test_rejection_streak_counts_papers_rejected_since_the_last_acceptance() -> None:
    def d(paper: str, status: str) -> Decision:
        return Decision(paper, status, "", DAY)

    assert rejection_streak([]) == 0
    assert rejection_streak([d("a", "rejected"), d("b", "rejected")]) == 2
    assert rejection_streak([d("a", "rejected"), d("b", "accepted"), d("c", "rejected"), d("d", "maybe"),
                             d("e", "rejected"), d("e", "rejected")]) == 2
    assert rejection_streak([d("a", "rejected"), d("b", "accepted")]) == 0


def test_reclassify_is_one_decision(store: Store) -> None:
    accepted = {f"{ID}1": Decision(f"{ID}1", "accepted", "", DAY)}
    assert reclassify(store, f"{ID}1", "Adapters for SAM", accepted, today=DAY) == Decision(
        f"{ID}1", "accepted", "Adapters for SAM", DAY)
    assert reclassify(store, f"{ID}2", "Modifications to SAM architecture", accepted, today=DAY) == Decision(
        f"{ID}2", "maybe", "Modifications to SAM architecture", DAY)
    with pytest.raises(ValueError, match="'Adapters' is not a class of the taxonomy; one of: Adapters for SAM, "):
        reclassify(store, f"{ID}2", "Adapters", accepted)
