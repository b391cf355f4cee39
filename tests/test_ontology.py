"""The ontology and the SHACL shapes: they parse, define every term the code uses,
carry the survey taxonomy, and accept good data while rejecting bad data with a
report that names the offending node."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyshacl
import pytest
import rdflib.namespace as rns  # XSD through rns: a module-level XSD makes pytest's collection warn
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS

from ingest.ids import slugify
from ingest.survey import load_survey_list
from kg.vocab import ID, MSKG, TAXONOMY_SCHEME

ROOT = Path(__file__).parents[1]
ONTOLOGY_IRI = URIRef("https://w3id.org/medseg-kg/ontology")
MSKG_TERMS = sorted(MSKG.__annotations__)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ROOT / "shapes.ttl", format="turtle")


# --- parsing and header -----------------------------------------------------


def test_ontology_has_a_header_with_title_licence_and_prefix(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.license, OWL.versionInfo):
        assert ontology.value(ONTOLOGY_IRI, p) is not None, p
    vann_prefix = URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")
    assert ontology.value(ONTOLOGY_IRI, vann_prefix) == Literal("mskg")


def test_shapes_are_valid_shacl(shapes: Graph) -> None:
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


# --- vocabulary contract ------------------------------------------------------


@pytest.mark.parametrize("name", MSKG_TERMS)
def test_every_vocab_term_is_defined(ontology: Graph, name: str) -> None:
    term = MSKG[name]
    assert ontology.value(term, RDF.type) is not None, f"{name}: no rdf:type in ontology.ttl"
    assert ontology.value(term, RDFS.label) is not None, f"{name}: no rdfs:label in ontology.ttl"
    assert ontology.value(term, RDFS.comment) is not None, f"{name}: no rdfs:comment in ontology.ttl"


def test_ontology_defines_no_term_missing_from_vocab(ontology: Graph) -> None:
    ns = str(MSKG._NS)
    defined = {str(s)[len(ns):] for s in ontology.subjects() if str(s).startswith(ns)}
    assert defined <= set(MSKG_TERMS), f"add to kg/vocab.py: {sorted(defined - set(MSKG_TERMS))}"


def test_properties_have_domain_and_range(ontology: Graph) -> None:
    """Our own properties; the imported ones are only declared (not redefined)."""
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for prop in ontology.subjects(RDF.type, kind):
            if not str(prop).startswith(str(MSKG._NS)):
                continue
            assert ontology.value(prop, RDFS.domain) is not None, f"{prop}: no rdfs:domain"
            assert ontology.value(prop, RDFS.range) is not None, f"{prop}: no rdfs:range"


# The OWL 2 datatype map's XML Schema types the ontology may name (no xsd:date, xsd:gYear ...).
OWL2_XSD = {rns.XSD[t] for t in ("string", "decimal", "integer", "nonNegativeInteger", "boolean", "double", "float",
                                  "dateTime", "dateTimeStamp", "anyURI", "normalizedString", "token")}


def test_datatype_properties_range_over_the_owl2_datatype_map(ontology: Graph) -> None:
    expected = {
        "dice": rns.XSD.decimal, "resultKind": rns.XSD.string, "confidence": rns.XSD.decimal,
        "citationCount": rns.XSD.integer, "gpuCount": rns.XSD.integer,
        "parametersMillions": rns.XSD.decimal, "totalVramGB": rns.XSD.decimal, "arxivId": rns.XSD.string,
        "volumeCount": rns.XSD.integer,
    }
    for name, datatype in expected.items():
        assert ontology.value(MSKG[name], RDFS.range) == datatype, name
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        for r in ontology.objects(prop, RDFS.range):
            assert r in OWL2_XSD, f"{prop}: range {r} is not in the OWL 2 datatype map"
    assert not list(ontology.triples((None, None, rns.XSD.date))), "xsd:date is outside the OWL 2 datatype map"


def test_dates_are_annotation_properties_with_literal_ranges(ontology: Graph) -> None:
    """A day, a month or a year: the datatypes for each are outside the OWL 2 map."""
    for name in ("lastIssued", "reviewedOn", "countsRetrieved", "windowStart", "windowEnd"):
        assert (MSKG[name], RDF.type, OWL.AnnotationProperty) in ontology, name
        assert ontology.value(MSKG[name], RDFS.range) == RDFS.Literal, name
    for term in (DCTERMS.issued, DCTERMS.date, DCTERMS.modified):
        assert (term, RDF.type, OWL.AnnotationProperty) in ontology, term


def test_the_five_kinds_of_node_are_disjoint(ontology: Graph) -> None:
    axiom = next(ontology.subjects(RDF.type, OWL.AllDisjointClasses))
    members = set(Collection(ontology, ontology.value(axiom, OWL.members)))
    assert members == {MSKG.Model, MSKG.Paper, MSKG.Dataset, MSKG.Result, FOAF.Person}


def test_reused_superclasses_and_subproperty(ontology: Graph) -> None:
    assert (MSKG.Paper, RDFS.subClassOf, URIRef("http://purl.org/spar/fabio/ScholarlyWork")) in ontology
    assert (MSKG.Dataset, RDFS.subClassOf, URIRef("http://www.w3.org/ns/dcat#Dataset")) in ontology
    assert (MSKG.Model, RDFS.subClassOf, PROV.Entity) in ontology
    assert (MSKG.Result, RDFS.subClassOf, PROV.Entity) in ontology
    assert (MSKG.introducedIn, RDFS.subPropertyOf, MSKG.describedIn) in ontology
    assert (MSKG.basedOn, RDF.type, OWL.TransitiveProperty) not in ontology


def test_framework_individuals_are_concepts_of_the_framework_scheme(ontology: Graph) -> None:
    for term, label in ((MSKG.Generalist, "Generalist"), (MSKG.TaskSpecific, "Task-specific")):
        assert (term, RDF.type, MSKG.Framework) in ontology
        assert (term, RDF.type, SKOS.Concept) in ontology
        assert (term, SKOS.inScheme, ID["framework"]) in ontology
        assert ontology.value(term, SKOS.prefLabel) == Literal(label)
        assert ontology.value(term, SKOS.definition).language == "en"


# --- survey taxonomy ----------------------------------------------------------


def _taxonomy_concepts(g: Graph) -> set[URIRef]:
    return set(g.subjects(SKOS.inScheme, TAXONOMY_SCHEME))


def _leaves(g: Graph) -> set[URIRef]:
    return {c for c in _taxonomy_concepts(g) if g.value(None, SKOS.broader, c) is None}


def test_taxonomy_has_four_sections_and_thirteen_classes(ontology: Graph) -> None:
    tops = set(ontology.subjects(SKOS.topConceptOf, TAXONOMY_SCHEME))
    assert len(tops) == 4
    assert len(_leaves(ontology)) == 13
    assert ontology.value(TAXONOMY_SCHEME, SKOS.prefLabel) == Literal(
        "Survey taxonomy of generalist models for medical image segmentation")


def test_taxonomy_labels_are_plain_and_iris_are_slugs(ontology: Graph) -> None:
    for concept in _taxonomy_concepts(ontology):
        labels = list(ontology.objects(concept, SKOS.prefLabel))
        assert len(labels) == 1, concept
        assert labels[0].language is None, f"{concept}: prefLabel must have no language tag"
        assert str(concept) == f"{TAXONOMY_SCHEME}/{slugify(str(labels[0]))}"
        assert ontology.value(concept, SKOS.definition) is not None, f"{concept}: no definition"


def test_hierarchy_is_stated_both_ways_for_both_schemes_and_two_levels_deep(ontology: Graph) -> None:
    assert set(ontology.subject_objects(SKOS.broader)) == {(c, p) for p, c in ontology.subject_objects(SKOS.narrower)}
    tops = set(ontology.subject_objects(SKOS.topConceptOf))
    assert tops == {(c, s) for s, c in ontology.subject_objects(SKOS.hasTopConcept)}
    assert set(ontology.objects(ID["framework"], SKOS.hasTopConcept)) == {MSKG.Generalist, MSKG.TaskSpecific}
    for concept, parent in ontology.subject_objects(SKOS.broader):
        if (concept, SKOS.inScheme, TAXONOMY_SCHEME) not in ontology:
            continue  # the facet schemes are deeper (tests/test_facets.py)
        assert (parent, SKOS.topConceptOf, TAXONOMY_SCHEME) in ontology, concept
        assert (concept, SKOS.topConceptOf, TAXONOMY_SCHEME) not in ontology, concept


@pytest.mark.parametrize(
    ("slug", "label", "section"),
    [
        ("adapters-for-sam", "Adapters for SAM", "sam-based-models"),
        ("feft-of-sam", "FEFT of SAM", "sam-based-models"),
        ("other-sam-implementations", "Other SAM implementations", "sam-based-models"),
        ("zero-shot-of-sam-2", "Zero-shot of SAM 2", "sam-2-based-models"),
    ],
)
def test_known_classes_sit_under_their_section(ontology: Graph, slug: str, label: str, section: str) -> None:
    concept = ID[f"taxonomy/{slug}"]
    assert ontology.value(concept, SKOS.prefLabel) == Literal(label)
    assert (concept, SKOS.broader, ID[f"taxonomy/{section}"]) in ontology


def test_sections_without_classes_are_classes_themselves(ontology: Graph) -> None:
    leaves = _leaves(ontology)
    for slug in ("other-models-trained-only-on-images", "other-models-trained-only-on-both-images-and-text"):
        concept = ID[f"taxonomy/{slug}"]
        assert (concept, SKOS.topConceptOf, TAXONOMY_SCHEME) in ontology
        assert concept in leaves


def test_feft_has_its_spelled_out_alt_label(ontology: Graph) -> None:
    assert ontology.value(ID["taxonomy/feft-of-sam"], SKOS.altLabel) == Literal(
        "Parameter-efficient fine-tuning of SAM")


def test_sam_sections_imply_their_base_model(ontology: Graph) -> None:
    assert ontology.value(ID["taxonomy/sam-based-models"], MSKG.impliesBaseModel) == ID["model/sam"]
    assert ontology.value(ID["taxonomy/sam-2-based-models"], MSKG.impliesBaseModel) == ID["model/sam-2"]


# --- SHACL ----------------------------------------------------------------------

MODEL = ID["model/medsam"]
SAM = ID["model/sam"]
DATASET = ID["dataset/btcv"]
PAPER = ID["paper/arxiv/2304.12306"]
RESULT = ID["result/test-1"]


def _base_graph() -> Graph:
    """A consistent little graph: MedSAM (based on SAM), its paper, BTCV, one result."""
    g = Graph()
    g.add((MODEL, RDF.type, MSKG.Model))
    g.add((MODEL, RDFS.label, Literal("MedSAM")))
    g.add((MODEL, MSKG.basedOn, SAM))
    g.add((MODEL, MSKG.introducedIn, PAPER))
    g.add((MODEL, MSKG.category, ID["taxonomy/full-fine-tuning-of-sam"]))
    g.add((MODEL, URIRef("https://schema.org/codeRepository"), URIRef("https://github.com/bowang-lab/MedSAM")))
    g.add((MODEL, MSKG.parametersMillions, Literal(Decimal("93.7"))))
    g.add((MODEL, MSKG.gpuCount, Literal(20)))
    g.add((SAM, RDF.type, MSKG.Model))
    g.add((SAM, RDFS.label, Literal("SAM")))
    g.add((PAPER, RDF.type, MSKG.Paper))
    g.add((PAPER, DCTERMS.title, Literal("Segment Anything in Medical Images")))
    g.add((PAPER, DCTERMS.issued, Literal("2023-04-24", datatype=rns.XSD.date)))
    g.add((PAPER, MSKG.arxivId, Literal("2304.12306")))
    g.add((PAPER, URIRef("http://purl.org/ontology/bibo/doi"), Literal("10.1038/s41467-024-44824-z")))
    g.add((PAPER, MSKG.reviewStatus, Literal("accepted")))
    g.add((PAPER, MSKG.confidence, Literal(Decimal("0.95"))))
    g.add((DATASET, RDF.type, MSKG.Dataset))
    g.add((DATASET, RDFS.label, Literal("BTCV")))
    g.add((DATASET, MSKG.volumeCount, Literal(50)))
    g.add((DATASET, MSKG.labelledVolumeCount, Literal(30)))
    g.add((RESULT, RDF.type, MSKG.Result))
    g.add((RESULT, MSKG.model, MODEL))
    g.add((RESULT, MSKG.dataset, DATASET))
    g.add((RESULT, MSKG.dice, Literal(Decimal("86.71"))))
    g.add((RESULT, MSKG.resultKind, Literal("primary")))
    g.add((RESULT, PROV.wasDerivedFrom, PAPER))
    g.add((MODEL, MSKG.evaluatedOn, DATASET))  # as the build materialises it for every result
    return g


def _validate(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph, str]:
    """As kg validate does it: the ontology mixed into the data (as the store holds it), not
    as pyshacl's ont_graph (whose copying of named individuals explodes on two-way SKOS links)."""
    merged = Graph()
    merged += data
    merged += ontology
    conforms, report, text = pyshacl.validate(merged, shacl_graph=shapes, inference="none", allow_warnings=True)
    return conforms, report, text


def _violations(report: Graph) -> set[tuple[URIRef, URIRef | None]]:
    """(focus node, result path) of every validation result."""
    return {
        (report.value(r, SH.focusNode), report.value(r, SH.resultPath))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


def _assert_rejected(data: Graph, shapes: Graph, ontology: Graph, focus: URIRef, path: URIRef) -> None:
    conforms, report, text = _validate(data, shapes, ontology)
    assert not conforms
    assert (focus, path) in _violations(report), text
    assert str(focus) in text
    assert all(report.value(r, SH.resultMessage) for r in report.subjects(RDF.type, SH.ValidationResult))


def test_valid_graph_conforms(shapes: Graph, ontology: Graph) -> None:
    conforms, _, text = _validate(_base_graph(), shapes, ontology)
    assert conforms, text


def test_the_ontology_itself_conforms(shapes: Graph, ontology: Graph) -> None:
    conforms, _, text = pyshacl.validate(ontology, shacl_graph=shapes, inference="none")
    assert conforms, text


def test_result_with_dice_above_100_is_rejected(shapes: Graph, ontology: Graph) -> None:
    g = _base_graph()
    g.set((RESULT, MSKG.dice, Literal(Decimal("120"))))
    _assert_rejected(g, shapes, ontology, RESULT, MSKG.dice)


def test_result_without_dataset_is_rejected(shapes: Graph, ontology: Graph) -> None:
    g = _base_graph()
    g.remove((RESULT, MSKG.dataset, None))
    _assert_rejected(g, shapes, ontology, RESULT, MSKG.dataset)


def test_result_may_name_two_models(shapes: Graph, ontology: Graph) -> None:
    g = _base_graph()
    g.add((RESULT, MSKG.model, SAM))
    g.add((SAM, MSKG.evaluatedOn, DATASET))
    conforms, _, text = _validate(g, shapes, ontology)
    assert conforms, text


def test_result_kind_outside_primary_and_best_is_rejected(shapes: Graph, ontology: Graph) -> None:
    g = _base_graph()
    g.set((RESULT, MSKG.resultKind, Literal("secondary")))
    _assert_rejected(g, shapes, ontology, RESULT, MSKG.resultKind)


def test_model_with_generalist_framework_conforms(shapes: Graph, ontology: Graph) -> None:
    g = _base_graph()
    g.add((MODEL, MSKG.framework, MSKG.Generalist))
    conforms, _, text = _validate(g, shapes, ontology)
    assert conforms, text


def test_model_with_framework_as_string_is_rejected(shapes: Graph, ontology: Graph) -> None:
    g = _base_graph()
    g.add((MODEL, MSKG.framework, Literal("Generalist")))
    _assert_rejected(g, shapes, ontology, MODEL, MSKG.framework)


def test_model_category_outside_the_taxonomy_is_rejected(shapes: Graph, ontology: Graph) -> None:
    g = _base_graph()
    g.add((MODEL, MSKG.category, MSKG.Generalist))
    _assert_rejected(g, shapes, ontology, MODEL, MSKG.category)


def test_model_adaptation_strategy_is_a_term_of_its_scheme_not_a_class(shapes: Graph, ontology: Graph) -> None:
    """The list's third column is a facet: a strategy term conforms, a taxonomy class in its
    place is rejected (and a strategy term as mskg:category is rejected too)."""
    lora = ID["adaptation-strategy/lora"]
    g = _base_graph()
    g.add((MODEL, MSKG.adaptationStrategy, lora))
    conforms, _, text = _validate(g, shapes, ontology)
    assert conforms, text
    g.set((MODEL, MSKG.adaptationStrategy, ID["taxonomy/adapters-for-sam"]))
    _assert_rejected(g, shapes, ontology, MODEL, MSKG.adaptationStrategy)
    g = _base_graph()
    g.add((MODEL, MSKG.category, lora))
    _assert_rejected(g, shapes, ontology, MODEL, MSKG.category)


def test_the_strategy_terms_are_those_the_mapping_reads_cells_against(ontology: Graph) -> None:
    """ontology.ttl states the canonical strategies of kg.mapping.schemes.STRATEGY_TERMS, at
    the IRIs the mapping mints, and the mapping reads every synonym the ontology lists."""
    from kg.mapping.schemes import STRATEGY_TERMS, strategy_iri, strategy_term

    scheme = ID["adaptation-strategy"]
    concepts = set(ontology.subjects(SKOS.inScheme, scheme))
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
    assert {str(ontology.value(c, SKOS.prefLabel)) for c in concepts} == set(STRATEGY_TERMS)
    assert concepts == {strategy_iri(label) for label in STRATEGY_TERMS}
    assert set(ontology.objects(scheme, SKOS.hasTopConcept)) == concepts
    for c in concepts:
        label = str(ontology.value(c, SKOS.prefLabel))
        assert {strategy_term(str(a)) for a in ontology.objects(c, SKOS.altLabel)} == {label}
        assert (c, SKOS.inScheme, TAXONOMY_SCHEME) not in ontology


def test_paper_without_title_is_rejected(shapes: Graph, ontology: Graph) -> None:
    g = _base_graph()
    g.remove((PAPER, DCTERMS.title, None))
    _assert_rejected(g, shapes, ontology, PAPER, DCTERMS.title)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (MSKG.arxivId, Literal("arXiv:2304.12306v2")),
        (URIRef("http://purl.org/ontology/bibo/doi"), Literal("https://doi.org/10.1038/s41467-024-44824-z")),
        (DCTERMS.issued, Literal("April 2023")),
        (MSKG.reviewStatus, Literal("maybe")),
    ],
)
def test_paper_with_malformed_value_is_rejected(shapes: Graph, ontology: Graph, path: URIRef, value: Literal) -> None:
    g = _base_graph()
    g.set((PAPER, path, value))
    _assert_rejected(g, shapes, ontology, PAPER, path)


def test_paper_issued_as_year_conforms(shapes: Graph, ontology: Graph) -> None:
    g = _base_graph()
    g.set((PAPER, DCTERMS.issued, Literal("2023", datatype=rns.XSD.gYear)))
    conforms, _, text = _validate(g, shapes, ontology)
    assert conforms, text


def test_creator_as_string_is_rejected_and_as_person_conforms(shapes: Graph, ontology: Graph) -> None:
    g = _base_graph()
    author = BNode()
    g.add((PAPER, DCTERMS.creator, author))
    g.add((author, RDF.type, FOAF.Person))
    g.add((author, FOAF.name, Literal("Jun Ma")))
    assert _validate(g, shapes, ontology)[0]
    g.add((PAPER, DCTERMS.creator, Literal("Bo Wang")))
    _assert_rejected(g, shapes, ontology, PAPER, DCTERMS.creator)


def test_dataset_with_more_labelled_than_total_volumes_is_rejected(shapes: Graph, ontology: Graph) -> None:
    g = _base_graph()
    g.set((DATASET, MSKG.labelledVolumeCount, Literal(80)))
    _assert_rejected(g, shapes, ontology, DATASET, MSKG.labelledVolumeCount)


def test_concept_with_two_pref_labels_is_rejected(shapes: Graph, ontology: Graph) -> None:
    g = Graph()
    concept = ID["taxonomy/adapters-for-sam"]
    g.add((concept, SKOS.prefLabel, Literal("Adapters")))
    _assert_rejected(g, shapes, ontology, concept, SKOS.prefLabel)


def test_taxonomy_matches_the_bundled_survey_list(ontology: Graph) -> None:
    survey = load_survey_list()
    label = {c: str(ontology.value(c, SKOS.prefLabel)) for c in _taxonomy_concepts(ontology)}
    tops = {label[c] for c in ontology.subjects(SKOS.topConceptOf, TAXONOMY_SCHEME)}
    assert tops == set(survey.sections)
    classes = {label[c] for c in _leaves(ontology)}
    assert classes == {category for categories in survey.categories.values() for category in categories}
    for concept, parent in ontology.subject_objects(SKOS.broader):
        if concept in label:  # a taxonomy concept, not one of the facet schemes'
            assert label[concept] in survey.categories[label[parent]]
