"""The classifier learns from reviewers and from the graph's scheme: a curation decision changes
the next prediction; a different SKOS scheme (classes, definitions) just works."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Graph, Literal, URIRef

from ingest.curation import Decision, append_decision, latest_decisions
from kg.build import build
from kg.mapping import concept_iri, curation_update
from kg.store import Store
from kg.taxonomy import bundled_categories, taxonomy_categories
from kg.tracker.classify import Category, Example, PaperClassifier, PaperText, load_training_examples
from kg.tracker.classify_records import decision_examples
from kg.tracker.classify_reviewed import classifier_for_update, reviewed_texts
from kg.vocab import CANDIDATES, DCTERMS, MSKG, RDF, SURVEY_LIST

A = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.00001"
B = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.00002"
BORDERLINE = ("MedSAM-like box-prompted segmentation for ultrasound", None)  # a title alone: two classes close
NEAR_MISS = ("A Segment Anything Foundation Model for Chest X-ray Disease Classification",
             "We use the promptable segmentation masks of a medical foundation model as attention maps for "
             "classifying lung disease in chest X-rays.")
DAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def categories() -> list[Category]:
    return bundled_categories()


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return load_training_examples()


@pytest.fixture(scope="module")
def before(categories, examples) -> PaperClassifier:
    return PaperClassifier(categories, examples, reranker=None)


def test_accepting_with_the_runner_up_class_changes_the_next_prediction(categories, examples, before):
    first = before.classify(*BORDERLINE)
    assert first.evidence["top2"] == [["Full fine-tuning of SAM", 0.2159], ["Zero-shot of SAM", 0.1902]]
    decisions = [Decision(A, "accepted", "Zero-shot of SAM", DAY)]
    after = PaperClassifier(categories, examples, decisions=decisions, texts={A: PaperText(*BORDERLINE)},
                            reranker=None)
    second = after.classify(*BORDERLINE)
    assert (first.category, second.category) == ("Full fine-tuning of SAM", "Zero-shot of SAM")
    assert second.confidence > first.confidence


def test_accepting_as_predicted_confirms_the_predicted_class(categories, examples, before):
    decisions = {A: Decision(A, "accepted", "", DAY)}
    texts = {A: PaperText(*BORDERLINE, predicted="Zero-shot of SAM")}
    after = PaperClassifier(categories, examples, decisions=decisions, texts=texts, reranker=None)
    assert after.classify(*BORDERLINE).category == "Zero-shot of SAM"


def test_a_rejection_lowers_the_next_relevance(categories, examples, before):
    first = before.classify(*NEAR_MISS)
    after = PaperClassifier(categories, examples, decisions=[Decision(B, "rejected", "", DAY)],
                            texts={B: PaperText(*NEAR_MISS)}, reranker=None)
    second = after.classify(*NEAR_MISS)
    assert (first.evidence["p_relevant"], second.evidence["p_relevant"]) == (0.9976, 0.8802)


def test_decisions_become_examples_in_a_stable_order():
    texts = {A: PaperText("Paper A", "about A", predicted="FEFT of SAM"), B: PaperText("Paper B"),
             "urn:x:c": PaperText("Paper C"), "urn:x:d": PaperText("Paper D")}
    decisions = [
        Decision(B, "accepted", "Adapters for SAM", DAY),  # overridden by the later rejection
        Decision(A, "accepted", "", DAY),  # as predicted
        Decision(B, "rejected", "", DAY),
        Decision("urn:x:c", "maybe", "Zero-shot of SAM 2", DAY),  # class known, scope not decided
        Decision("urn:x:d", "maybe", "", DAY),  # teaches nothing
        Decision("urn:x:unknown", "accepted", "FEFT of SAM", DAY),  # no text in the graph
    ]
    assert decision_examples(decisions, texts) == [
        Example("Paper A", "about A", "FEFT of SAM"),
        Example("Paper B", None, None),
        Example("Paper C", None, "Zero-shot of SAM 2", in_relevance=False),
    ]


def test_the_update_classifier_reads_decided_papers_from_the_graph(tmp_path, categories, examples, before):
    store = Store(None)
    build(store)
    g = Graph()
    paper = URIRef(A)
    g.add((paper, RDF.type, MSKG.Paper))
    g.add((paper, DCTERMS.title, Literal(BORDERLINE[0])))
    g.add((paper, MSKG.predictedCategory, concept_iri("Few-shot of SAM")))
    store.update(f"INSERT DATA {{ GRAPH <{CANDIDATES}> {{ {g.serialize(format='nt')} }} }}")
    path = tmp_path / "curation.toml"
    append_decision(path, Decision(A, "accepted", "Zero-shot of SAM", DAY))
    decisions = latest_decisions(path)
    store.update(curation_update(decisions))
    assert reviewed_texts(store, decisions) == {A: PaperText(BORDERLINE[0], None, "Few-shot of SAM")}
    model = classifier_for_update(store, taxonomy_categories(store), decisions, examples)
    assert (before.classify(*BORDERLINE).category, model.classify(*BORDERLINE).category) == (
        "Full fine-tuning of SAM", "Zero-shot of SAM")


# --------------------------------------------------------------------------- another scheme

FUSION = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix id: <https://w3id.org/medseg-kg/id/> .
id:taxonomy a skos:ConceptScheme .
id:taxonomy\\/multimodal a skos:Concept ; skos:inScheme id:taxonomy ; skos:topConceptOf id:taxonomy ;
  skos:prefLabel "Multimodal fusion models" ;
  skos:definition "Generalist segmentation models that combine several imaging modalities, such as CT with PET." .
id:taxonomy\\/early a skos:Concept ; skos:inScheme id:taxonomy ; skos:broader id:taxonomy\\/multimodal ;
  skos:prefLabel "Early fusion" ;
  skos:definition "Models that stack the modalities as input channels of one encoder, fusing them at the input." .
id:taxonomy\\/late a skos:Concept ; skos:inScheme id:taxonomy ; skos:broader id:taxonomy\\/multimodal ;
  skos:prefLabel "Late fusion" ;
  skos:definition "Models with one encoder branch per modality whose predictions are merged only at the output." .
id:taxonomy\\/single a skos:Concept ; skos:inScheme id:taxonomy ; skos:topConceptOf id:taxonomy ;
  skos:prefLabel "Single-modality models" ;
  skos:definition "Generalist segmentation models trained and applied on one imaging modality only, such as CT alone." .
"""


def test_a_fusion_level_scheme_from_the_graph_just_works(examples):
    store = Store(None)
    # into a named graph: the store's default graph is the merge of its named graphs, rebuilt on each write
    store.update(f"INSERT DATA {{ GRAPH <{SURVEY_LIST}> {{ "
                 + Graph().parse(data=FUSION, format="turtle").serialize(format="nt") + " } }")
    categories = taxonomy_categories(store)
    assert [(c.label, c.section) for c in categories] == [
        ("Early fusion", "Multimodal fusion models"), ("Late fusion", "Multimodal fusion models"),
        ("Single-modality models", "Single-modality models")]
    assert categories[1].definition.startswith("Models with one encoder branch per modality")
    labelled = [  # two papers for each fusion class, none at all for the single-modality class
        Example("Channel-Stacked PET/CT Foundation Model for Universal Lesion Segmentation",
                "PET and CT volumes are concatenated as input channels of a single 3D encoder; one generalist "
                "model segments lesions across cancers.", "Early fusion"),
        Example("Input-Level Fusion of Multi-Sequence MRI for a Universal Brain Segmenter",
                "T1, T2 and FLAIR sequences enter one network as stacked channels; the universal model segments "
                "tumours and anatomy.", "Early fusion"),
        Example("Decision-Level Fusion of Modality-Specific Foundation Models for Tumour Segmentation",
                "Separate CT and MRI branches each predict a mask; the masks are averaged at the output of the "
                "generalist model.", "Late fusion"),
        Example("Ensembling Per-Modality Segment Anything Branches by Voting",
                "Each modality has its own SAM-based branch; their predictions are merged by majority voting into "
                "one segmentation.", "Late fusion"),
    ]
    model = PaperClassifier(categories, examples + labelled, reranker=None)  # the survey's labels are not classes here
    assert model.labels == ["Early fusion", "Late fusion", "Single-modality models"]
    predictions = model.classify_many([
        ("Merging Modality Branches at the Output for Universal Segmentation",
         "Independent encoders for PET and MRI each segment the organs; their output probabilities are averaged "
         "by the generalist model."),
        ("One Encoder, Stacked Modalities: Early Fusion for Generalist Lesion Segmentation",
         "CT and PET enter the network as channels of a single input; a foundation model segments lesions."),
        ("A Universal CT-Only Segmentation Foundation Model",
         "Trained on CT alone, one generalist model segments 100 organs in CT scans of one imaging modality only."),
        ("Segment Anything for Building Extraction from Satellite Imagery",
         "We adapt SAM with prompts to segment buildings and roads in aerial remote sensing images."),
    ])
    assert [(p.relevant, p.category) for p in predictions] == [
        (True, "Late fusion"), (True, "Early fusion"), (True, "Single-modality models"), (False, None)]
