"""Suggestions for accepting a paper as a model, and the Dice claims read from abstracts:
on the real survey graph and the bundled snapshot's real abstracts, plus one fake paper."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from apptest import REVIEW_ABSTRACT, REVIEW_PAPER, add_review_candidate
from rdflib import Graph, URIRef

from ingest.snapshot import load_arxiv_snapshot
from ingest.survey_database import load_survey_database
from kg.build import build
from kg.mapping import dataset_iri, insert_update
from kg.mapping.accepted import AcceptedModel, ConfirmedResult
from kg.store import Store
from kg.tracker.claims import extract_claims
from kg.tracker.linking import Gazetteer
from kg.tracker.suggest import (
    code_from_text, default_decider, name_from_abstract, name_from_title, suggest_model,
)
from kg.vocab import CANDIDATES

CODE_REPOSITORY = URIRef("https://schema.org/codeRepository")

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "fixtures" / "claims" / "snapshot-dice-labels.json"
FAKE, ABSTRACT = REVIEW_PAPER, REVIEW_ABSTRACT  # the review tests' MedSAM3 candidate


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_survey_database(load_survey_database())


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store(None)
    build(s)
    add_review_candidate(s)
    return s


@pytest.mark.parametrize("title, name", [
    ("MedSAM2: Segment Anything in 3D Medical Images and Videos", "MedSAM2"),
    ("SAMM (Segment Any Medical Model): A 3D Slicer Integration to SAM", "SAMM"),
    ("SAM-Med2D", "SAM-Med2D"),
    ("Medical SAM Adapter: Adapting Segment Anything Model for Medical Image Segmentation", "Medical SAM Adapter"),
    ("Segment Anything in Medical Images", None),
    ("Is SAM 2 Better than SAM in Medical Image Segmentation?", None),
    ("One Model to Rule them All: Towards Universal Segmentation for Medical Images with Text Prompts", None),
    ("$\\mathrm{SAM^{Med}}$: A medical image annotation framework based on large vision model", None),
])
def test_the_name_from_the_title(title: str, name: str | None) -> None:
    assert name_from_title(title) == name


def test_the_name_an_abstract_introduces() -> None:
    by_id = {r.arxiv_id: r.abstract for r in load_arxiv_snapshot() if r.abstract}
    assert [name_from_abstract(by_id[i]) for i in ("2304.12306", "2306.00499", "2403.05912", "2311.13385",
                                                   "1904.00625", "2203.02098")] == [
        "MedSAM", "DeSAM", "M-SAM", "SegVol", "Med3D", None]


def test_code_urls_from_text() -> None:
    assert code_from_text(["no code here", "The code of SAMed is available at https://github.com/hitachinsk/SAMed."]) \
        == "https://github.com/hitachinsk/SAMed"
    assert code_from_text(["Project page: https://supermedintel.github.io/Medical-SAM2/"]) == \
        "https://supermedintel.github.io/Medical-SAM2/"
    assert code_from_text(["Our code will be released at this https URL"]) is None


def test_a_survey_paper_suggests_its_own_model_and_base(store: Store, gazetteer: Gazetteer) -> None:
    s = suggest_model(store, "https://w3id.org/medseg-kg/id/paper/arxiv/2504.03600", gazetteer)
    assert (s.name, s.existing.label if s.existing else None, s.based_on, s.category) == (
        "MedSAM2", "MedSAM2", "SAM 2", "Fine-tuning of SAM 2")
    assert s.notes["name"] == "the graph's model introduced in this paper"
    assert s.notes["based_on"] == "the paper builds on it; named 1x in the title and abstract"
    samed = suggest_model(store, "https://w3id.org/medseg-kg/id/paper/arxiv/2304.13785", gazetteer)
    assert (samed.name, samed.based_on, samed.code) == ("SAMed", "SAM", "https://github.com/hitachinsk/SAMed")
    assert [(str(c.value), c.dataset) for c in samed.claims] == [("81.88", "BTCV")]


def test_a_new_paper_gets_every_suggestion_and_no_result_without_a_yes(store: Store, gazetteer: Gazetteer) -> None:
    s = suggest_model(store, FAKE, gazetteer)
    assert (s.name, s.existing, s.based_on, s.category, s.code, s.framework) == (
        "MedSAM3", None, "MedSAM2", "Fine-tuning of SAM 2", "https://github.com/example/MedSAM3", "generalist")
    assert s.notes["category"] == "the predicted class"
    assert [label for _, label in s.datasets] == ["BTCV", "AMOS", "KiTS"]
    assert [(str(c.value), c.dataset, c.written) for c in s.claims] == [
        ("89.2", "BTCV", "89.2%"), ("91.2", "AMOS", "0.912")]
    assert s.accepted().results == ()
    accepted = s.accepted(confirmed=[1], name="MedSAM-3", by="A. Maintainer", decided=date(2026, 12, 1))
    assert accepted == AcceptedModel(
        FAKE, "MedSAM-3", "Fine-tuning of SAM 2", "MedSAM2", "https://github.com/example/MedSAM3", "generalist",
        (ConfirmedResult(str(dataset_iri("AMOS")), Decimal("91.2"), "primary", s.claims[1].sentence),),
        "A. Maintainer", date(2026, 12, 1))
    assert s.accepted(code="").code == ""  # an empty answer clears a suggestion
    assert s.lines()[2:4] == ["model      MedSAM3  (from the title)",
                              "class      Fine-tuning of SAM 2  (the predicted class)"]


@pytest.mark.parametrize("text, expected", [
    ("The model achieves an average Dice of 89.2% on BTCV.", [("89.2", "BTCV")]),
    ("It reaches DSC 0.912 on AMOS.", [("91.2", "AMOS")]),
    ("We obtain a Dice similarity coefficient of 85.3 on the MSD Pancreas.", [("85.3", "MSD Pancreas Tumour")]),
    ("Dice scores of 90.1% and 85.2% on BTCV and AMOS, respectively.", [("90.1", "BTCV"), ("85.2", "AMOS")]),
    ("Our method surpasses nnU-Net by 0.9%, 2.6%, and 9.9% in Dice on BTCV.", []),
    ("It attains a Dice score that is up to 12% higher than baselines.", []),
    ("The mean Dice was 0.775 ± 0.084 and DSC ≤ 0.443 for points (P < .001).", [("77.5", None)]),
])
def test_claims_in_written_sentences(text: str, expected: list[tuple[str, str | None]], gazetteer: Gazetteer) -> None:
    assert [(str(c.value), c.dataset) for c in extract_claims(text, gazetteer)] == expected


def test_claims_in_real_abstracts(gazetteer: Gazetteer) -> None:
    by_id = {r.arxiv_id: r.abstract for r in load_arxiv_snapshot() if r.abstract}

    def found(arxiv_id: str) -> list[tuple[str, str | None]]:
        return [(str(c.value), c.dataset) for c in extract_claims(by_id[arxiv_id], gazetteer)]

    # 'the Synapse multi-organ segmentation dataset' is BTCV to the gazetteer; the survey database says Synapse
    assert found("2304.13785") == [("81.88", "BTCV")]
    assert found("1904.00625") == [("94.6", "LiTS / MSD Liver")]
    assert found("2205.10342") == [("87.5", None), ("87.8", None)]
    assert found("2403.11229") == [("74.4", None)]  # 'from 29.68% to 74.40%': the baseline is left out
    assert found("2304.14660") == []  # 'improve its average DICE performance by 4.39% and 6.68%'
    assert found("2409.08492") == []  # 'a Dice score that is up to 12% higher'


def test_extraction_precision_and_recall_against_the_hand_labels() -> None:
    """Prints the scores (see scripts/eval_claims.py); asserts only that the labels match the
    abstracts they were read from, so the numbers measure what they claim to."""
    by_id = {r.arxiv_id: " ".join(r.abstract.split()) for r in load_arxiv_snapshot() if r.abstract}
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["claims"]
    for label in labels:
        assert label["text"] in by_id[label["paper"]], label
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "scripts/eval_claims.py"], cwd=ROOT,
                          capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)}, check=True)
    print(done.stdout)
    assert done.stdout.splitlines()[1] == f"gold claims {len(labels)}, extracted {done.stdout.split()[6]}"


def test_who_decides_git_then_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Ada Reviewer\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # outside any repository, so only the global file counts
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    assert default_decider() == "Ada Reviewer"
    monkeypatch.setenv("PATH", str(tmp_path))  # no git at all
    monkeypatch.setenv("LOGNAME", "ada")
    assert default_decider() == "ada"


def test_the_fake_paper_code_link_from_a_source_wins(store: Store, gazetteer: Gazetteer) -> None:
    g = Graph()
    g.add((URIRef(FAKE), CODE_REPOSITORY, URIRef("https://gitlab.com/example/medsam3")))
    store.update(insert_update(CANDIDATES, g))
    try:
        s = suggest_model(store, FAKE, gazetteer)
        assert (s.code, s.notes["code"]) == ("https://gitlab.com/example/medsam3", "a source's code link")
    finally:
        store.update(f"DELETE DATA {{ GRAPH <{CANDIDATES}> {{ <{FAKE}> <{CODE_REPOSITORY}> "
                     "<https://gitlab.com/example/medsam3> } }")
