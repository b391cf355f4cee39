"""The optional LLM re-ranker against a local OpenAI-compatible fake (tests/fakeapi.py on 127.0.0.1):
it chooses among the top three classes, its answer and rationale go into the evidence, answers are
cached on disk by request, and a slow, dead or confused server never stops a run."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from fakeapi import FakeApi, Reply, Seen, fake_api, json_reply  # noqa: F401
from kg.taxonomy import bundled_categories
from kg.tracker.classify import PaperClassifier, load_training_examples
from kg.tracker.llm_rerank import LlmReranker, parse_answer, reranker_from_env

# the top two: Full fine-tuning, Zero-shot of SAM
BORDERLINE = ("MedSAM-like box-prompted segmentation for ultrasound", None)
OTHER = ("LoRA-Med: Low-Rank Parameter-Efficient Fine-Tuning of SAM for Multi-Organ CT Segmentation",
         "We insert low-rank updates into the frozen SAM image encoder and fine-tune them on BTCV.")
PATH = "/v1/chat/completions"


@pytest.fixture(scope="module")
def classifier() -> PaperClassifier:
    return PaperClassifier(bundled_categories(), load_training_examples(), reranker=None)


def listed_classes(seen: Seen) -> list[str]:
    return re.findall(r"^- (.+?): ", seen.json()["messages"][1]["content"], re.MULTILINE)


def chat(content: str) -> Reply:
    return json_reply({"choices": [{"message": {"role": "assistant", "content": content}}]})


def second_choice(seen: Seen) -> Reply:
    """A model that always prefers the second class it is shown."""
    return chat(json.dumps({"class": listed_classes(seen)[1], "rationale": "the study applies SAM unchanged"}))


def with_llm(classifier: PaperClassifier, reranker: LlmReranker) -> PaperClassifier:
    classifier.reranker = reranker
    return classifier


def test_the_llm_chooses_among_the_top_three_and_says_why(classifier, fake_api: FakeApi, tmp_path: Path) -> None:  # noqa: F811
    fake_api.handle("POST", PATH, second_choice)
    llm = LlmReranker(fake_api.url + "/v1", "tiny-model", api_key="sk-test", cache_dir=tmp_path)
    plain = classifier.classify(*BORDERLINE)
    pred = with_llm(classifier, llm).classify(*BORDERLINE)
    classifier.reranker = None
    assert (plain.category, pred.category) == ("Full fine-tuning of SAM", "Zero-shot of SAM")
    assert pred.evidence["llm"] == {"model": "tiny-model", "choice": "Zero-shot of SAM",
                                    "rationale": "the study applies SAM unchanged", "cached": False}
    assert pred.evidence["reason"].endswith("; the LLM chose 'Zero-shot of SAM' among the top three")
    # the confidence stays the classifier's own probability of the class now returned
    # (up to the rounding of the three printed numbers to 4 places)
    assert abs(pred.confidence - pred.evidence["p_relevant"] * pred.evidence["top2"][1][1]) <= 1.5e-4
    [seen] = fake_api.requests_to(PATH)
    body = seen.json()
    assert (body["model"], body["temperature"], seen.headers["authorization"]) == ("tiny-model", 0, "Bearer sk-test")
    assert listed_classes(seen) == ["Full fine-tuning of SAM", "Zero-shot of SAM", "Adapters for SAM"]
    definitions = {c.label: c.definition for c in bundled_categories()}
    assert f"- Zero-shot of SAM: {definitions['Zero-shot of SAM']}" in body["messages"][1]["content"]


def test_answers_are_cached_on_disk_by_request(classifier, fake_api: FakeApi, tmp_path: Path) -> None:  # noqa: F811
    fake_api.handle("POST", PATH, second_choice)
    first = with_llm(classifier, LlmReranker(fake_api.url + "/v1", "tiny-model", cache_dir=tmp_path)) \
        .classify(*BORDERLINE)
    again = with_llm(classifier, LlmReranker(fake_api.url + "/v1", "tiny-model", cache_dir=tmp_path)) \
        .classify(*BORDERLINE)
    assert len(fake_api.requests_to(PATH)) == 1 and len(list(tmp_path.glob("*.json"))) == 1
    assert (first.evidence["llm"]["cached"], again.evidence["llm"]["cached"], again.category) == (
        False, True, "Zero-shot of SAM")
    other_model = with_llm(classifier, LlmReranker(fake_api.url + "/v1", "other-model", cache_dir=tmp_path))
    other_model.classify(*BORDERLINE)  # another model is another request
    classifier.reranker = None
    assert len(fake_api.requests_to(PATH)) == 2


def test_a_slow_server_times_out_and_the_run_goes_on_without_it(classifier, fake_api: FakeApi,  # noqa: F811
                                                                tmp_path: Path) -> None:
    fake_api.add("POST", PATH, Reply(200, b"{}", stall=3.0))
    llm = LlmReranker(fake_api.url + "/v1", "tiny-model", timeout=0.2, cache_dir=tmp_path)
    first, second = with_llm(classifier, llm).classify_many([BORDERLINE, OTHER])
    classifier.reranker = None
    assert (first.category, second.category) == ("Full fine-tuning of SAM", "FEFT of SAM")
    assert first.evidence["llm"]["error"] == (
        f"{fake_api.url}/v1/chat/completions did not answer (ReadTimeout); the run goes on without the LLM")
    assert second.evidence["llm"]["error"].startswith("not asked: ")
    assert len(fake_api.requests_to(PATH)) == 1  # after a timeout the run stops asking
    assert list(tmp_path.iterdir()) == []  # nothing cached


def test_no_server_at_all(classifier, tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    pred = with_llm(classifier, LlmReranker(f"http://127.0.0.1:{port}", "m", cache_dir=tmp_path)).classify(*BORDERLINE)
    classifier.reranker = None
    assert pred.category == "Full fine-tuning of SAM"
    assert "did not answer (ConnectionError)" in pred.evidence["llm"]["error"]


@pytest.mark.parametrize("content", ["It is about segmentation.", json.dumps({"class": "FEFT of SAM"})])
def test_an_answer_naming_none_of_the_three_keeps_the_classifiers_class(classifier, fake_api: FakeApi,  # noqa: F811
                                                                       tmp_path: Path, content: str) -> None:
    fake_api.add("POST", PATH, chat(content))
    pred = with_llm(classifier, LlmReranker(fake_api.url + "/v1/chat/completions", "m", cache_dir=tmp_path)) \
        .classify(*BORDERLINE)
    classifier.reranker = None
    assert pred.category == "Full fine-tuning of SAM"
    assert pred.evidence["llm"]["error"] == "the answer names none of the three classes"


def test_a_server_error_is_evidence_not_a_failure(classifier, fake_api: FakeApi, tmp_path: Path) -> None:  # noqa: F811
    fake_api.add("POST", PATH, json_reply({"error": "model not loaded"}, 500))
    llm = LlmReranker(fake_api.url + "/v1", "m", cache_dir=tmp_path)
    first, second = with_llm(classifier, llm).classify_many([BORDERLINE, OTHER])
    classifier.reranker = None
    assert first.category == "Full fine-tuning of SAM"
    assert first.evidence["llm"]["error"].startswith(f"{fake_api.url}/v1")
    assert len(fake_api.requests_to(PATH)) == 2  # a server that answers is asked again


def test_off_unless_configured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MSKG_LLM_URL", raising=False)
    assert reranker_from_env() is None
    assert PaperClassifier(bundled_categories(), load_training_examples()).reranker is None
    llm = reranker_from_env({"MSKG_LLM_URL": "http://127.0.0.1:11434/v1/", "MSKG_LLM_MODEL": "llama3.1:8b",
                             "MSKG_LLM_TIMEOUT": "7", "MSKG_LLM_CACHE": str(tmp_path)})
    assert llm is not None
    assert (llm.endpoint, llm.model, llm.timeout, llm.cache_dir) == (
        "http://127.0.0.1:11434/v1/chat/completions", "llama3.1:8b", 7.0, tmp_path)
    unset_model = reranker_from_env({"MSKG_LLM_URL": "http://127.0.0.1:1/v1"})
    assert unset_model is not None and unset_model.choose("t", None, [("A", 0.5, "")]).error == (
        "MSKG_LLM_URL is set but MSKG_LLM_MODEL is not; set it to a model the server serves")


@pytest.mark.parametrize(("content", "expected"), [
    ('{"class": "Zero-shot of SAM", "rationale": "no training"}', ("Zero-shot of SAM", "no training")),
    ('Sure!\n```json\n{"class": "zero-shot of sam 2", "rationale": "video"}\n```', ("Zero-shot of SAM 2", "video")),
    ("The best fit is Zero-shot of SAM 2, since it evaluates SAM 2 as is.", ("Zero-shot of SAM 2", None)),
    ("Zero-shot of SAM or Fine-tuning of SAM 2", (None, None)),
])
def test_parse_answer(content: str, expected: tuple[str | None, str | None]) -> None:
    choice, rationale = parse_answer(content, ["Zero-shot of SAM", "Zero-shot of SAM 2", "Fine-tuning of SAM 2"])
    assert choice == expected[0]
    if expected[1] is not None:
        assert rationale == expected[1]
