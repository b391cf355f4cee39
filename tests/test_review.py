"""The review queue: decisions in the curation file are the single source of truth; every
build and update re-derives the candidates' status and class from them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kg.build import build
from ingest.curation import Decision, append_decision, latest_decisions
from kg.mapping import concept_iri
from kg.queries import with_prefixes
from kg.vocab import CANDIDATES, CURATION
from kg.mapping import curation_update
from kg.taxonomy import taxonomy_categories
from kg.tracker.review import apply_curation, queue
from kg.store import Store
from kg.vocab import DCTERMS, MSKG, RDF

A = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.00001"
B = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.00002"
C = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.00003"


@pytest.fixture()
def store() -> Store:
    s = Store(None)
    build(s)
    g = Graph()
    papers = ((A, "Paper A", "FEFT of SAM"), (B, "Paper B", "Zero-shot of SAM 2"), (C, "Paper C", "Adapters for SAM"))
    for iri, title, cls in papers:
        p = URIRef(iri)
        g.add((p, RDF.type, MSKG.Paper))
        g.add((p, DCTERMS.title, Literal(title)))
        g.add((p, MSKG.predictedCategory, concept_iri(cls)))
        g.add((p, MSKG.confidence, Literal("0.8", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    s.update(f"INSERT DATA {{ GRAPH <{CANDIDATES}> {{ {g.serialize(format='nt')} }} }}")
    s.update(curation_update({}))
    return s


def status(store: Store, iri: str) -> list[tuple[str, str | None]]:
    rows = store.select(with_prefixes(f"""SELECT DISTINCT ?st ?cl WHERE {{ <{iri}> mskg:reviewStatus ?st .
        OPTIONAL {{ <{iri}> mskg:category/skos:prefLabel ?cl }} }}""")).rows
    return sorted((r["st"], r["cl"]) for r in rows)


def test_taxonomy_classes_come_from_the_graph(store: Store) -> None:
    cats = taxonomy_categories(store)
    assert len(cats) == 13
    assert cats[0].label == "Zero-shot of SAM" and cats[0].section == "SAM-based models"
    own = [c for c in cats if c.label == c.section]
    assert {c.label for c in own} == {"Other models trained only on images",
                                      "Other models trained only on both images and text"}


def test_undecided_candidates_carry_their_prediction(store: Store) -> None:
    assert status(store, A) == [("candidate", "FEFT of SAM")]
    titles = {A: "Paper A", B: "Paper B", C: "Paper C"}
    assert [i.paper for i in queue(store)] == sorted([A, B, C], key=lambda x: titles[x])


def test_accept_with_override_accept_as_predicted_and_reject(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "curation.toml"
    append_decision(path, Decision(A, "accepted", "Adapters for SAM", date(2026, 11, 20)))
    append_decision(path, Decision(B, "accepted", "", date(2026, 11, 20)))
    append_decision(path, Decision(C, "rejected", "", date(2026, 11, 21)))
    assert apply_curation(store, path) == 3
    assert status(store, A) == [("accepted", "Adapters for SAM")]
    assert status(store, B) == [("accepted", "Zero-shot of SAM 2")]
    assert status(store, C) == [("rejected", None)]
    assert queue(store) == []
    assert {i.paper for i in queue(store, "accepted")} == {A, B}
    # the prediction is kept next to the decision
    assert [i.predicted for i in queue(store, "accepted") if i.paper == A] == ["FEFT of SAM"]
    # applying twice changes nothing
    before = set(store.quads())
    apply_curation(store, path)
    assert set(store.quads()) == before


def test_the_latest_decision_wins_and_removing_it_puts_the_paper_back_in_the_queue(store: Store,
                                                                                   tmp_path: Path) -> None:
    path = tmp_path / "curation.toml"
    append_decision(path, Decision(A, "rejected", "", date(2026, 11, 20)))
    append_decision(path, Decision(A, "accepted", "", date(2026, 11, 22)))
    apply_curation(store, path)
    assert status(store, A) == [("accepted", "FEFT of SAM")]
    assert latest_decisions(path)[A].decided == date(2026, 11, 22)
    path.write_text("")
    apply_curation(store, path)
    assert status(store, A) == [("candidate", "FEFT of SAM")]
    assert not any(True for _ in store.quads(str(CURATION)))


def test_a_build_re_applies_the_curation_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "decisions.toml"
    monkeypatch.setenv("MSKG_CURATION_FILE", str(path))
    s = Store(tmp_path / "store")
    build(s)
    s.update(f"""INSERT DATA {{ GRAPH <{CANDIDATES}> {{ <{A}> a <{MSKG.Paper}> ;
        <{MSKG.predictedCategory}> <{concept_iri('FEFT of SAM')}> }} }}""")
    append_decision(path, Decision(A, "rejected", "", date(2026, 11, 20)))  # written by hand or by the app
    build(s)
    assert status(s, A) == [("rejected", None)]
