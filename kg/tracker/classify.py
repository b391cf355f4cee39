"""The relevance and taxonomy classifier for new papers: learned, calibrated, hierarchical.

The weekly update finds papers by keyword; most hits are near misses (SAM for remote
sensing, a new U-Net for one organ, a medical VQA foundation model). This module decides,
with no network, whether a paper is about *generalist* models for *medical* image
*segmentation* and, if so, which class of the survey taxonomy it belongs to, with a
probability that means what it says.

Three linear models (scikit-learn logistic regressions, :mod:`kg.tracker.classify_linear`)
share one vector per paper (word and character n-grams, cue phrases, cue scores:
:mod:`kg.tracker.classify_vectors`):

1. relevance: in scope or a near miss;
2. section: which section of the taxonomy;
3. class within the section (for sections with several classes).

Each adds class-specific evidence with one shared weight per kind (the "priors": the
former rule gate's score for relevance; anchor words, own cue phrases and closeness to the
class definition for sections and classes), and a temperature; weights and temperatures
are fitted on out-of-fold scores of the model's own training papers, so the
probabilities are calibrated on papers each inner model had not seen.

P(class | in scope) = P(section) x P(class | section); the prediction is the most probable
class, and the confidence is P(in scope) x P(class | in scope): the probability that the
whole answer ("in scope, class X") is right.

What the models learn from: the survey's labelled papers (the bundled arXiv snapshot),
the team's examples (kg/data/classifier-examples.jsonl), each class's skos:definition as a
prototype paper (so a class with no labelled paper still has a description), and every
reviewer decision passed in (``decisions`` + ``texts``: accepted with a class = a
labelled paper, rejected = a near miss). Nothing here names a class: the categories come
from the caller (the graph's SKOS scheme), so a renamed or added class just works.
Training is seeded, so the same inputs give the same predictions.

An optional LLM (:mod:`kg.tracker.llm_rerank`, off unless ``MSKG_LLM_URL`` is set) may pick
among the three most probable classes; its answer and rationale go into the evidence.

The records, text normalisation, cue phrases and JSON Lines filter live beside this module
and are re-exported here, so ``from kg.tracker.classify import ...`` keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from ingest.curation import Decision
from kg.tracker.classify_cue_features import CueFeatures, CueView
from kg.tracker.classify_jsonl import classify_jsonl
from kg.tracker.classify_linear import CalibratedLinear, RowSpace, calibrate_jointly
from kg.tracker.classify_options import DEFAULT_OPTIONS, ClassifierOptions
from kg.tracker.classify_records import (
    BUNDLED_EXAMPLES,
    Category,
    Example,
    PaperText,
    Prediction,
    categories_from_sections,
    decision_examples,
    load_training_examples,
)
from kg.tracker.classify_text import document
from kg.tracker.classify_vectors import Featurizer, Vectors
from kg.tracker.cues import BUNDLED_CUES, load_cues
from kg.tracker.llm_rerank import FROM_ENV, Reranker, reranker_from_env

__all__ = [
    "BUNDLED_CUES",
    "BUNDLED_EXAMPLES",
    "Category",
    "Example",
    "PaperClassifier",
    "PaperText",
    "Prediction",
    "Scores",
    "categories_from_sections",
    "classify_jsonl",
    "load_cues",
    "load_training_examples",
]


_threads: list[ThreadpoolController] = []  # made on first use: the library scan costs ~1 ms once


def _one_blas_thread() -> Any:
    """The matrices here are ~150 x 150: a multi-threaded BLAS only adds overhead (on a
    machine with a CPU quota below its core count, 70 times slower), so one thread while we
    compute. (threadpoolctl is one of scikit-learn's own dependencies.)"""
    if not _threads:
        _threads.append(ThreadpoolController())
    return _threads[0].limit(limits=1, user_api="blas")


class Scores:
    """The models' probabilities for a batch of papers (rows), before any decision."""

    def __init__(self, relevant: np.ndarray, classes: np.ndarray, views: list[CueView], nearest: np.ndarray) -> None:
        self.relevant = relevant  # P(in scope), shape (n,)
        self.classes = classes  # P(class | in scope), shape (n, classes)
        self.views = views
        self.nearest = nearest  # word-block cosine similarity to each training paper, shape (n, examples)
        self.top_nearest = np.argsort(-nearest, axis=1, kind="stable")[:, :3]


class PaperClassifier:
    """Relevance + taxonomy class for (title, abstract) pairs; deterministic for a given ``seed``.

    ``categories`` come from the graph's SKOS scheme (with their definitions when known);
    ``examples`` are labelled papers (label = a category's prefLabel, or None for out of
    scope); examples whose label is not among ``categories`` are ignored, so a caller can pass
    a subset of the taxonomy. ``decisions`` (the curation file's) with ``texts`` (paper IRI ->
    title, abstract and predicted class, from the graph) add the reviewers' verdicts.
    ``cues`` is the parsed cue file (default: bundled). ``reranker``: an LLM to consult on
    the top three classes; by default the one configured by ``MSKG_LLM_URL`` (none if unset).
    """

    relevance_threshold = 0.5

    def __init__(
        self,
        categories: Sequence[Category],
        examples: Sequence[Example],
        cues: Mapping[str, Any] | None = None,
        *,
        decisions: Iterable[Decision] | Mapping[str, Decision] | None = None,
        texts: Mapping[str, PaperText] | None = None,
        seed: int = 0,
        reranker: Reranker | None | object = FROM_ENV,
        options: ClassifierOptions = DEFAULT_OPTIONS,
    ) -> None:
        if not categories:
            raise ValueError("no categories given; read them from the taxonomy's SKOS scheme")
        self.categories = list(categories)
        self.labels = [c.label for c in self.categories]
        self._index = {label: i for i, label in enumerate(self.labels)}
        self._section_of = {c.label: c.section for c in self.categories}
        self.sections = list(dict.fromkeys(c.section for c in self.categories))
        self.definitions = {c.label: c.definition for c in self.categories if c.definition}
        self.seed = seed
        self.options = options
        self._cues = CueFeatures(self.categories, dict(cues) if cues is not None else load_cues())
        reviewed = decision_examples(decisions, texts or {}) if decisions is not None else []
        self.examples = [e for e in [*examples, *reviewed] if e.label is None or e.label in self._index]
        with _one_blas_thread():
            self._fit()
        self.reranker: Reranker | None = reranker_from_env() if reranker is FROM_ENV else reranker  # type: ignore[assignment]

    # ---- training

    def _fit(self) -> None:
        prototypes = [Example(c.label, c.definition, c.label) for c in self.categories if c.definition]
        rows = self.examples + prototypes
        docs = [document(e.title, e.abstract) for e in rows]
        views = [self._cues.view(d) for d in docs]
        opts = self.options
        self._featurizer = Featurizer(self._cues, (opts.char_low, opts.char_high))
        vectors = self._featurizer.fit_transform(docs, views)
        self._space = RowSpace(vectors.all)
        n = len(self.examples)
        self._train_words = vectors.words[:n].T.tocsr()  # for the nearest labelled papers
        self._definitions = vectors.lexical[n:].T.tocsr()
        self._definition_of = [self._index[p.label] for p in prototypes]  # type: ignore[index]
        X, priors = self._space.train, self._priors(vectors, views)
        always = np.array([False] * n + [True] * len(prototypes))
        rel = [i for i, e in enumerate(rows) if e.in_relevance]
        self._relevance = CalibratedLinear(["out", "in"], self.seed).fit(
            X[rel], ["in" if rows[i].label else "out" for i in rel], always=always[rel],
            priors=priors["relevance"][rel])
        labelled = [i for i, e in enumerate(rows) if e.label is not None]
        if not labelled:
            raise ValueError("no labelled paper and no class definition: nothing to learn the classes from")
        section_of = [self._section_of[rows[i].label] for i in labelled]  # type: ignore[index]
        self._section_model = CalibratedLinear(self.sections, self.seed, opts.C, opts.prior_penalty).fit(
            X[labelled], section_of, always=always[labelled], priors=priors[""][labelled])
        self._within: dict[str, CalibratedLinear] = {}
        for section in self.sections:
            members = [c for c in self.labels if self._section_of[c] == section]
            inside = [i for i, s in zip(labelled, section_of) if s == section]
            if len(members) > 1 and inside:
                self._within[section] = CalibratedLinear(members, self.seed, opts.C, opts.prior_penalty).fit(
                    X[inside], [rows[i].label for i in inside], always=always[inside],  # type: ignore[misc]
                    priors=priors[section][inside], calibrate=False)
        calibrate_jointly(list(self._within.values()), opts.prior_penalty)

    def _priors(self, vectors: Vectors, views: Sequence[CueView]) -> dict[str, np.ndarray]:
        """Class-specific evidence with one fitted weight per kind (see CalibratedLinear): for
        relevance, the former gate's score (its verdicts measured well on unseen papers, so
        they keep a weight of their own instead of being diluted among thousands of n-grams);
        for the section model (key ""), each section's anchor words and cue phrases and the
        closeness to its closest class definition; for each section's class model, each
        class's own cue phrases and the closeness to its definition."""
        closeness = np.zeros((len(views), len(self.labels)))
        if self._definition_of:
            closeness[:, self._definition_of] = (vectors.lexical @ self._definitions).toarray()
        kinds = [np.vstack([v.class_scores for v in views]), closeness]
        anchors = np.vstack([v.anchors for v in views])
        members = {s: [self._index[c] for c in self.labels if self._section_of[c] == s] for s in self.sections}
        rule = np.array([v.gate.dense[0] for v in views]) - 0.5  # > 0 when every cue verdict passes
        per_section = [np.column_stack([k[:, members[s]].max(axis=1) for s in self.sections]) for k in kinds[1:]]
        out = {"relevance": np.stack([np.zeros_like(rule), rule], axis=1)[:, None, :],
               "": np.stack([anchors, *per_section], axis=1)}
        for section, cols in members.items():
            out[section] = np.stack([k[:, cols] for k in kinds], axis=1)
        return out

    # ---- scoring

    def scores(self, papers: Sequence[tuple[str, str | None]]) -> Scores:
        """The probabilities for a batch of (title, abstract) pairs, vectorised in one pass."""
        docs = [document(t, a) for t, a in papers]
        views = [self._cues.view(d) for d in docs]
        vectors = self._featurizer.transform(docs, views)
        X, priors = self._space(vectors.all), self._priors(vectors, views)
        relevant = self._relevance.proba(X, priors["relevance"])[:, 1]
        by_section = self._section_model.proba(X, priors[""])
        classes = np.zeros((len(docs), len(self.labels)))
        within = {s: (m.proba(X, priors[s]), m.classes) for s, m in self._within.items()}
        for j, label in enumerate(self.labels):
            section = self._section_of[label]
            p = by_section[:, self.sections.index(section)]
            if section in within:
                probs, members = within[section]
                p = p * probs[:, members.index(label)]
            classes[:, j] = p
        nearest = (vectors.words @ self._train_words).toarray()
        return Scores(relevant, classes, views, nearest)

    def classify(self, title: str, abstract: str | None = None) -> Prediction:
        """Decide relevance, then class; same input, same output."""
        return self.classify_many([(title, abstract)])[0]

    def classify_many(self, papers: Sequence[tuple[str, str | None]]) -> list[Prediction]:
        """:meth:`classify` for a batch (much faster per paper: one vectorisation for all)."""
        if not papers:
            return []
        with _one_blas_thread():
            s = self.scores(papers)
        return [self._predict(papers[i], s, i) for i in range(len(papers))]

    def rank(self, title: str, abstract: str | None = None) -> list[tuple[str, float]]:
        """P(class | in scope) best first, ignoring relevance (for evaluation and review queues)."""
        with _one_blas_thread():
            probs = self.scores([(title, abstract)]).classes[0]
        return [(self.labels[i], round(float(probs[i]), 4)) for i in np.argsort(-probs, kind="stable")]

    # ---- the decision and its evidence

    def _predict(self, paper: tuple[str, str | None], s: Scores, i: int) -> Prediction:
        p_rel, probs, view = float(s.relevant[i]), s.classes[i], s.views[i]
        order = [int(j) for j in np.argsort(-probs, kind="stable")]
        best = self.labels[order[0]]
        relevant = p_rel >= self.relevance_threshold
        evidence: dict[str, Any] = {
            "matched_phrases": view.gate.phrases + view.class_phrases.get(best, []),
            "nearest": self._nearest(s.nearest[i], s.top_nearest[i]),
            "reason": self._reason(view, p_rel, relevant, best, float(probs[order[0]])),
            "top2": [[self.labels[j], round(float(probs[j]), 4)] for j in order[:2]],
            "p_relevant": round(p_rel, 4),
        }
        category = best if relevant else None
        p_class = float(probs[order[0]])
        if relevant and self.reranker is not None:
            top3 = [(self.labels[j], float(probs[j]), self.definitions.get(self.labels[j], "")) for j in order[:3]]
            answer = self.reranker.choose(paper[0], paper[1], top3)
            evidence["llm"] = answer.evidence()
            if answer.choice is not None and answer.choice != best:
                category, p_class = answer.choice, float(probs[self._index[answer.choice]])
                evidence["reason"] += f"; the LLM chose '{answer.choice}' among the top three"
        confidence = p_rel * p_class if relevant else 1.0 - p_rel
        return Prediction(relevant, category, round(float(min(max(confidence, 0.0), 1.0)), 4), evidence)

    def _reason(self, view: CueView, p_rel: float, relevant: bool, best: str, p_best: float) -> str:
        failures = view.gate.failures
        if not relevant:
            if failures:  # the cue verdicts say it in words a reviewer can check
                return "out of scope: " + "; ".join(failures)
            return f"out of scope: the cues pass but the learned model gives P(in scope) {p_rel:.2f}"
        section = self._section_of[best]
        reason = (f"in scope: P(in scope) {p_rel:.2f}; section '{section}', class '{best}' "
                  f"(P(class | in scope) {p_best:.2f})")
        if failures:
            reason += f"; the cues alone would have rejected it ({'; '.join(failures)})"
        return reason

    def _nearest(self, sims: np.ndarray, top: np.ndarray) -> list[dict[str, Any]]:
        return [
            {"title": self.examples[j].title, "label": self.examples[j].label, "similarity": round(float(sims[j]), 3)}
            for j in top
            if sims[j] > 0
        ]
