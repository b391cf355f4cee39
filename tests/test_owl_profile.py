"""OWL 2 DL for real: the OWL API's OWL 2 DL profile checker and HermiT's consistency check
(both from owlready2's HermiT.jar, run by kg/owl_check.py with java) over the ontology
alone and over the ontology with the built survey graph; and proof that each check fails
on a file that breaks it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, RDFS

from kg.owl_check import check_owl
from kg.store import Store
from kg.vocab import ID, MSKG

ONTOLOGY = Path(__file__).parents[1] / "ontology.ttl"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def test_the_ontology_is_owl2_dl_and_consistent(ontology: Graph) -> None:
    report = check_owl(ontology)
    assert report.violations == [], report.violations[:5]
    assert report.consistent is True, report.reasoner_error


def test_the_ontology_with_the_survey_graph_is_owl2_dl_and_consistent(store: Store) -> None:
    report = check_owl(store.to_rdflib())  # the store holds the ontology graph too
    assert report.violations == [], report.violations[:5]
    assert report.consistent is True, report.reasoner_error


def test_the_profile_check_names_an_undeclared_term_and_a_datatype_outside_the_map(ontology: Graph) -> None:
    broken = Graph()
    broken += ontology
    broken.remove((URIRef("http://www.w3.org/2004/02/skos/core#broader"), None, None))
    broken.set((MSKG.lastIssued, RDF.type, URIRef("http://www.w3.org/2002/07/owl#DatatypeProperty")))
    broken.set((MSKG.lastIssued, RDFS.range, XSD_DATE))
    report = check_owl(broken)
    kinds = {kind for kind, _ in report.violations}
    assert "UseOfUndeclaredAnnotationProperty" in kinds or "UseOfUndeclaredObjectProperty" in kinds, kinds
    assert any("broader" in text for _, text in report.violations)
    assert report.consistent is None and "not part of the OWL 2 datatype map" in (report.reasoner_error or "")


def test_hermit_finds_a_node_that_is_a_model_and_a_person(ontology: Graph) -> None:
    """The disjointness axiom at work: MedSAM typed foaf:Person as well."""
    g = Graph()
    g += ontology
    g.add((ID["model/medsam"], RDF.type, MSKG.Model))
    g.add((ID["model/medsam"], RDF.type, FOAF.Person))
    g.add((ID["model/medsam"], RDFS.label, Literal("MedSAM")))
    report = check_owl(g)
    assert report.violations == []
    assert report.consistent is False
