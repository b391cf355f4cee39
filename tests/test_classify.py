"""Behaviour of the offline paper classifier on the bundled data (kg/tracker/classify.py)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from sklearn.model_selection import StratifiedKFold

from kg.taxonomy import bundled_categories
from kg.tracker.classify_options import ClassifierOptions
from kg.tracker.classify import (
    Category,
    Example,
    PaperClassifier,
    classify_jsonl,
    load_training_examples,
)

DEV = Path(__file__).parent / "data" / "classify-dev.jsonl"


@pytest.fixture(scope="module")
def categories() -> list[Category]:
    """The bundled survey list's classes with the ontology's definitions (what `kg classify` uses)."""
    return bundled_categories()


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return load_training_examples()


@pytest.fixture(scope="module")
def classifier(categories, examples) -> PaperClassifier:
    return PaperClassifier(categories, examples, reranker=None)


@pytest.fixture(scope="module")
def dev() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def section_of(categories: list[Category], label: str | None) -> str | None:
    return next((c.section for c in categories if c.label == label), None)


class TestSurveyPapers:
    def test_five_fold_places_held_out_survey_papers_in_their_own_class(self, categories, examples):
        # stratified 5-fold (seed 0) with every near miss in training; no held-out paper is ever trained on
        survey = [i for i in range(len(load_training_examples(extra=None))) if examples[i].label]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # classes with fewer papers than folds
            labels = [examples[i].label for i in survey]
            folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(survey, labels))
        right = end_to_end = 0
        for _, test in folds:
            held = {survey[k] for k in test}
            model = PaperClassifier(categories, [e for i, e in enumerate(examples) if i not in held], reranker=None)
            papers = [(examples[i].title, examples[i].abstract) for i in sorted(held)]
            for i, pred, probs in zip(sorted(held), model.classify_many(papers), model.scores(papers).classes):
                right += model.labels[int(probs.argmax())] == examples[i].label
                end_to_end += pred.relevant and pred.category == examples[i].label
        assert (len(survey), right, end_to_end) == (56, 48, 45)  # 0.857 and 0.804

    def test_every_dev_class_label_is_a_survey_class(self, categories, dev):
        labels = {c.label for c in categories}
        assert {d["label"] for d in dev if d["label"]} <= labels


class TestRelevance:
    def test_dev_set_relevance_f1(self, classifier, dev):
        # 39 in scope and 35 near misses in the 74-item dev set: every one decided right (F1 1.0)
        tp = sum(1 for d in dev if d["label"] and classifier.classify(d["title"], d["abstract"]).relevant)
        fp = sum(1 for d in dev if not d["label"] and classifier.classify(d["title"], d["abstract"]).relevant)
        fn = sum(1 for d in dev if d["label"]) - tp
        assert (tp, fp, fn) == (39, 0, 0)

    @pytest.mark.parametrize(
        "kind",
        ["remote-sensing", "camouflage", "3d-scene", "natural-images", "natural-video", "task-specific",
         "single-task-cnn", "report-generation", "classification", "vqa", "registration"],
    )
    def test_each_near_miss_kind_is_rejected(self, classifier, dev, kind):
        items = [d for d in dev if d["kind"] == f"near-miss:{kind}"]
        assert items, f"dev set has no near miss of kind {kind}"
        accepted = [d["title"] for d in items if classifier.classify(d["title"], d["abstract"]).relevant]
        assert accepted == []

    def test_rejection_says_why(self, classifier):
        pred = classifier.classify(
            "Segment Anything for Building Extraction from Satellite Imagery",
            "We adapt SAM with prompts to segment buildings and roads in aerial remote sensing images.",
        )
        assert not pred.relevant and pred.category is None
        assert pred.evidence["reason"] == (
            "out of scope: no medical cue; off-domain cues outweigh medical ones (aerial, remote sensing, satellite)")


class TestClasses:
    def test_sam2_and_sam_go_to_different_sections(self, classifier, categories):
        sam2 = classifier.classify(
            "Propagating Prompts through CT Volumes with SAM 2",
            "Slices are treated as video frames; SAM 2 and its memory propagate one box prompt through the volume "
            "for organ segmentation, compared with SAM.",
        )
        sam = classifier.classify(
            "Adapting SAM to 2D Slices of Abdominal CT",
            "We fine-tune the Segment Anything Model on 2D CT slices (SAM 2D mode) for medical organ segmentation.",
        )
        assert sam2.relevant and sam.relevant
        assert section_of(categories, sam2.category) == "SAM 2-based models"
        assert section_of(categories, sam.category) == "SAM-based models"

    def test_text_prompted_models_go_to_the_images_and_text_section(self, classifier, categories):
        pred = classifier.classify(
            "Segmenting Any Organ by Name: a Text-Prompted Universal Model for CT",
            "A text encoder embeds organ names; the universal model segments the named anatomy in medical CT.",
        )
        assert section_of(categories, pred.category) == "Other models trained only on both images and text"

    def test_class_set_comes_from_the_categories_passed_in(self, categories, examples):
        invented = Category("Diffusion-based universal segmenters", section="Generative generalist models")
        extra = [
            Example("Diffusion Foundation Model for Universal Medical Image Segmentation",
                    "A denoising diffusion model generates masks for any organ in CT and MRI, one model for many "
                    "tasks.",
                    invented.label),
            Example("Universal Lesion Masks by Conditional Diffusion",
                    "Conditional diffusion sampling produces lesion segmentation masks across medical modalities; "
                    "a single generalist model.", invented.label),
            Example("Score-Based Generative Segmentation as a Medical Foundation Model",
                    "A score-based diffusion generative prior segments organs and tumours in ultrasound, CT and MRI "
                    "with one universal model.", invented.label),
        ]
        model = PaperClassifier([*categories, invented], examples + extra, reranker=None)
        pred = model.classify(
            "A Generalist Diffusion Model for Medical Segmentation",
            "We train one diffusion model that denoises segmentation masks for many organs in CT and MRI.",
        )
        assert pred.relevant
        assert pred.category == invented.label

    def test_only_passed_categories_are_predicted(self, categories, examples):
        subset = [c for c in categories if c.section == "Other models trained only on images"]
        model = PaperClassifier(subset, examples, reranker=None)
        pred = model.classify("UniverSeg-like In-Context Segmentation for Medical Images",
                              "A universal model segments new medical tasks from a support set.")
        assert [c.label for c in subset] == ["Other models trained only on images"]
        assert (pred.relevant, pred.category) == (True, "Other models trained only on images")


class TestContract:
    def test_same_seed_same_output(self, categories, examples, dev):
        first = PaperClassifier(categories, examples, seed=3, reranker=None)
        second = PaperClassifier(categories, examples, seed=3, reranker=None)
        papers = [(d["title"], d["abstract"]) for d in dev]
        assert first.classify_many(papers) == second.classify_many(papers)
        assert [first.classify(t, a) for t, a in papers[:20]] == first.classify_many(papers[:20])

    def test_prediction_shape(self, classifier):
        pred = classifier.classify("MedSAM-like box-prompted segmentation for ultrasound", None)
        assert (pred.relevant, pred.category, pred.confidence) == (True, "Full fine-tuning of SAM", 0.2144)
        assert set(pred.evidence) == {"matched_phrases", "nearest", "reason", "top2", "p_relevant"}
        # a title alone says little about the class: the top two are close and both shown
        assert pred.evidence["top2"] == [["Full fine-tuning of SAM", 0.2159], ["Zero-shot of SAM", 0.1902]]
        assert pred.evidence["reason"] == ("in scope: P(in scope) 0.99; section 'SAM-based models', "
                                           "class 'Full fine-tuning of SAM' (P(class | in scope) 0.22)")
        assert [n["label"] for n in pred.evidence["nearest"]] == [
            "Zero-shot of SAM", "Other applications of SAM 2", "Full fine-tuning of SAM"]
        assert all(set(n) == {"title", "label", "similarity"} for n in pred.evidence["nearest"])

    def test_class_probabilities_sum_to_one_and_rank_agrees(self, classifier):
        title, abstract = "Adapters for SAM in 3D CT", "Small adapter modules in a frozen SAM segment organs in CT."
        ranked = classifier.rank(title, abstract)
        assert [label for label, _ in ranked][0] == classifier.classify(title, abstract).category == "Adapters for SAM"
        assert sum(p for _, p in ranked) == pytest.approx(1.0, abs=1e-3)
        assert sorted(label for label, _ in ranked) == sorted(classifier.labels)

    def test_classify_jsonl_reports_bad_lines_and_continues(self, classifier):
        lines = [
            json.dumps({"title": "Segment Anything Model 2 for 3D CT organ segmentation", "abstract": None}),
            "{not json",
            json.dumps({"abstract": "no title here"}),
            "",
            json.dumps({"title": "Remote sensing with SAM", "abstract": "satellite images of buildings"}),
        ]
        out = [json.loads(x) for x in classify_jsonl(lines, classifier)]
        assert len(out) == 4
        assert out[0]["relevant"] is True and set(out[0]) == {"title", "relevant", "category", "confidence", "evidence"}
        assert out[1] == {"line": 2, "error": "line 2: Expecting property name enclosed in double quotes: "
                                              "line 1 column 2 (char 1)"}
        assert out[2] == {"line": 3, "error": "line 3: missing 'title' (a non-empty string)"}
        assert out[3]["relevant"] is False

    def test_no_categories_is_an_error_that_names_the_fix(self, examples):
        with pytest.raises(ValueError, match="SKOS"):
            PaperClassifier([], examples, reranker=None)

    @pytest.mark.parametrize(("field", "value", "says"), [
        ("C", 0.0, "C = 0.0: the regularisation must be a positive number"),
        ("prior_penalty", -1.0, "prior_penalty = -1.0: must be >= 0"),
        ("char_low", 0, "char n-grams 0-5: need 1 <= low <= high"),
    ])
    def test_bad_options_are_errors_that_name_the_option(self, field, value, says):
        with pytest.raises(ValueError, match=says.replace("(", r"\(")):
            ClassifierOptions(**{field: value})

    def test_the_options_change_the_model_and_the_same_options_the_same_output(self, categories, examples, dev):
        papers = [(d["title"], d["abstract"]) for d in dev]
        shipped = PaperClassifier(categories, examples, reranker=None).scores(papers).classes
        again = PaperClassifier(categories, examples, reranker=None, options=ClassifierOptions()).scores(papers).classes
        unpenalised = PaperClassifier(categories, examples, reranker=None,
                                      options=ClassifierOptions(prior_penalty=0.0)).scores(papers).classes
        assert (shipped == again).all()
        assert not (shipped == unpenalised).all()
