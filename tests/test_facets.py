"""Dataset facets as terms (issue #20, item 1): modality and anatomy from two SKOS schemes,
one term per value, the source's text as a note, placeholders as no value, and the
"MRI brain datasets" question as two triple patterns."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kg.mapping.facets import load_facets, read_anatomy, read_modality, scheme_graph
from kg.mapping.terms import facet_iri
from kg.queries import saved_queries, with_prefixes
from kg.store import Store
from kg.vocab import ID, MSKG, SKOS

ONTOLOGY = Path(__file__).parents[1] / "ontology.ttl"
MODALITY = "https://w3id.org/medseg-kg/id/modality/"
ANATOMY = "https://w3id.org/medseg-kg/id/anatomy/"


def run(store: Store, name: str) -> list[dict]:
    query = next(q for q in saved_queries() if q.name == name)
    return store.select(with_prefixes(query.text)).rows


def test_the_ontology_states_exactly_the_schemes_of_facets_toml() -> None:
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    expected = scheme_graph()
    missing = [t for t in expected if t not in ontology]
    assert missing == [], f"ontology.ttl lacks {missing[:3]}: run scripts/write_facet_schemes.py"
    in_ontology = {s for s in ontology.subjects() if str(s).startswith((MODALITY, ANATOMY))}
    assert in_ontology == {s for s in expected.subjects() if str(s).startswith((MODALITY, ANATOMY))}


def test_a_modality_cell_gives_one_term_per_alternative_and_drops_the_dimension() -> None:
    reading = read_modality("3D CT / CT (CE), 3D MRI (T1-CE)")
    assert reading.terms == [facet_iri("modality", "ct"), facet_iri("modality", "ct-contrast"),
                             facet_iri("modality", "mri-t1-contrast")]
    assert reading.unmatched == []


def test_text_naming_no_term_is_reported_not_guessed_and_placeholders_are_no_values() -> None:
    assert read_modality("3D CT, 3D Thermography").unmatched == ["3D Thermography"]
    assert read_modality("[Too Many To List]").terms == [] and read_modality("N/A").unmatched == []
    reading = read_anatomy(["Kidneys", "unknown", "-", "Head"])
    assert reading.terms == [facet_iri("anatomy", "kidney"), facet_iri("anatomy", "head")]
    assert reading.unmatched == []


def test_synonyms_find_the_same_concept() -> None:
    facets = load_facets()
    assert facets.lookup("anatomy", "lungs") is facets.lookup("anatomy", "Lung")
    assert facets.lookup("modality", "magnetic resonance imaging").key == "mri"
    assert facets.lookup("modality", "FLAIR").key == "mri-flair"


def test_mri_brain_datasets_are_exactly_the_sources_mri_datasets_of_the_brain(store: Store) -> None:
    rows = run(store, "mri-brain-datasets")
    assert [r["dataset"] for r in rows] == [
        "ATLAS v2.0", "BraTS", "CANDI", "DLBS", "FeTA", "ISLES", "MSD Hippocampus", "MSSEG", "OASIS-1",
        "OASIS-3", "TopCoW", "WMH"]
    assert next(r for r in rows if r["dataset"] == "BraTS")["modalities"].startswith("3D MRI (T1)")


def test_every_facet_value_is_a_term_of_its_scheme_with_the_source_text_as_note(store: Store) -> None:
    g = store.to_rdflib()
    for prop, scheme in ((MSKG.modality, ID["modality"]), (MSKG.bodyRegion, ID["anatomy"]),
                         (MSKG.anatomicalStructure, ID["anatomy"])):
        values = set(g.objects(None, prop))
        assert values and all(isinstance(v, URIRef) and (v, SKOS.inScheme, scheme) in g for v in values), prop
    totalseg = ID["dataset/totalsegmentator"]
    assert g.value(totalseg, MSKG.modalityNote) == Literal("3D CT / CT (CE), 3D MRI")
    assert set(g.objects(totalseg, MSKG.modality)) == {facet_iri("modality", k) for k in ("ct", "ct-contrast", "mri")}


def test_placeholders_and_sub_datasets_carry_no_value(store: Store) -> None:
    g = store.to_rdflib()
    assert not any("too many" in str(o).lower() for o in g.objects(None, MSKG.segmentedObject))
    # Sub-datasets named only in results.csv: the source gives them no facets, so they show none.
    for sub in ("dataset/totalsegmentator-organs", "dataset/chaos-liver"):
        assert (ID[sub], MSKG.modality, None) not in g and (ID[sub], MSKG.bodyRegion, None) not in g


def test_head_finds_the_brain_datasets_and_the_mandible_is_not_brain(store: Store) -> None:
    query = """SELECT DISTINCT ?name WHERE { ?d (mskg:bodyRegion|mskg:anatomicalStructure)/skos:broader* ?a ;
                 rdfs:label ?name . ?a skos:prefLabel|skos:altLabel ?l FILTER(LCASE(STR(?l)) = "%s") }"""
    head = {r["name"] for r in store.select(with_prefixes(query % "head")).rows}
    brain = {r["name"] for r in store.select(with_prefixes(query % "brain")).rows}
    assert brain < head and "ToothFairy" in head - brain and "BraTS" in brain


@pytest.mark.parametrize("name", ["datasets-by-modality-and-region"])
def test_modality_rows_are_top_level_terms(store: Store, name: str) -> None:
    rows = run(store, name)
    assert {r["modality"] for r in rows} == {"CT", "MRI", "PET"}
    mri_head = next(r for r in rows if (r["modality"], r["region"]) == ("MRI", "Head"))
    assert mri_head["datasets"] == 12


@pytest.mark.parametrize(("prop", "value"), [
    (MSKG.modality, Literal("3D CT")),  # free text where a term belongs
    (MSKG.modality, facet_iri("anatomy", "brain")),  # a term of the other scheme
    (MSKG.bodyRegion, facet_iri("modality", "ct")),
])
def test_the_shapes_catch_a_facet_that_is_not_a_term_of_its_scheme(store: Store, prop: URIRef, value: object) -> None:
    from kg.validate import validate_graph

    g = store.to_rdflib()
    btcv = ID["dataset/btcv"]
    assert validate_graph(g, focus=[btcv]).conforms
    g.add((btcv, prop, value))
    report = validate_graph(g, focus=[btcv])
    assert not report.conforms
    expected = "modality scheme" if prop == MSKG.modality else "anatomy scheme"
    assert any(expected in v.message for v in report.violations), report.violations
