"""Offline relevance and taxonomy classifier for new papers.

The weekly update finds papers by keyword; most hits are near misses (SAM for
remote sensing, a new U-Net for one organ, a medical VQA foundation model).
This module decides, with no network and no heavy dependency, whether a paper
is about *generalist* models for *medical* image *segmentation* and, if so,
which class of the survey taxonomy it belongs to.

Two stages, both explainable:

1. Relevance: three rule gates (a medical cue, a segmentation cue, a generalist
   cue; no dominant off-domain or off-task cue) blended with a vote of the
   nearest labelled examples (TF-IDF cosine), so the hand-written near misses
   can veto papers that pass the rules by accident.
2. Class: the section is chosen from *anchor* tokens derived from the section
   labels themselves ('SAM-based models' -> ``sam``, 'SAM 2-based models' ->
   ``sam2``), then the class within it from centroid and neighbour similarity
   plus cue phrases (derived from each class label, and from the editable
   ``kg/data/classifier-cues.toml``).

Nothing here names a class: the categories and their examples come from the
caller (the graph's SKOS scheme), so a renamed or added class just works.

This module holds the classifier itself; its pieces live beside it and are
re-exported here, so ``from kg.tracker.classify import ...`` keeps working:
the records and training examples in :mod:`kg.tracker.classify_records`, the
text normalisation in :mod:`kg.tracker.classify_text`, the cue phrases in
:mod:`kg.tracker.cues` and the JSON Lines filter in :mod:`kg.tracker.classify_jsonl`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from kg.tracker.classify_jsonl import classify_jsonl
from kg.tracker.classify_records import (
    BUNDLED_EXAMPLES,
    Category,
    Example,
    Prediction,
    categories_from_sections,
    load_training_examples,
)
from kg.tracker.classify_text import SAM_TOKENS, Document, document, features, normalise
from kg.tracker.cues import (
    BUNDLED_CUES,
    LABEL_FILLER,
    CueSet,
    PhraseMatcher,
    derived_phrases,
    label_words,
    load_cues,
)

__all__ = [
    "BUNDLED_CUES",
    "BUNDLED_EXAMPLES",
    "Category",
    "Example",
    "PaperClassifier",
    "Prediction",
    "categories_from_sections",
    "classify_jsonl",
    "load_cues",
    "load_training_examples",
]


class PaperClassifier:
    """Relevance gate + taxonomy class for (title, abstract) pairs; deterministic and CPU-cheap.

    ``categories`` come from the graph's SKOS scheme; ``examples`` are labelled
    papers (label = a category's prefLabel, or None for out of scope). Examples
    whose label is not among ``categories`` are ignored, so a caller can pass a
    subset of the taxonomy. ``cues`` is the parsed cue file (default: bundled).
    """

    k_neighbours = 5
    relevance_threshold = 0.5
    # class score = section + centroid + neighbours + cues; set by leave-one-out on the training data
    weights: ClassVar[dict[str, float]] = {"section": 1.0, "centroid": 0.6, "knn": 0.4, "cue": 1.2, "section_cue": 0.5, "residual_section": 2.0}

    def __init__(
        self,
        categories: Sequence[Category],
        examples: Sequence[Example],
        cues: Mapping[str, Any] | None = None,
    ) -> None:
        if not categories:
            raise ValueError("no categories given; read them from the taxonomy's SKOS scheme")
        self.categories = list(categories)
        self.labels = [c.label for c in self.categories]
        self._index = {label: i for i, label in enumerate(self.labels)}
        self._section_of = {c.label: c.section for c in self.categories}
        self.sections = list(dict.fromkeys(c.section for c in self.categories))
        cues = dict(cues) if cues is not None else load_cues()
        rel = cues.get("relevance", {})
        self._medical = CueSet(rel.get("medical", []))
        self._segmentation = CueSet(rel.get("segmentation", []))
        self._strong = CueSet(rel.get("generalist_strong", []))
        self._weak = CueSet(rel.get("generalist_weak", []))
        self._off_domain = CueSet(rel.get("off_domain", []))
        self._off_task = CueSet(rel.get("off_task", []))
        self._init_sections(cues.get("categories", {}))
        groups = [self._medical, self._segmentation, self._strong, self._weak, self._off_domain, self._off_task]
        groups += list(self._section_cues.values()) + list(self._class_cues.values())
        self._matcher = PhraseMatcher(p for g in groups for p in g.phrases)
        self._init_vectors([e for e in examples if e.label is None or e.label in self._index])

    # ---- set-up

    def _init_sections(self, extra: Mapping[str, Any]) -> None:
        """Anchors are the words of a section label that no other section label has."""
        words = {s: set(label_words(s)) - LABEL_FILLER for s in self.sections}
        self.anchors: dict[str, set[str]] = {
            s: {w for w in words[s] if not any(w in words[o] for o in self.sections if o != s)} for s in self.sections
        }
        all_anchors = set().union(*self.anchors.values())
        # an anchor that extends another ('sam2' extends 'sam') silences the shorter one when clearly present
        self._extends = {a: {b for b in all_anchors if b != a and a.startswith(b)} for a in all_anchors}
        self._section_cues = {s: CueSet(extra.get(s, {}).get("phrases", [])) for s in self.sections}
        self._class_cues: dict[str, CueSet] = {}
        self._cue_weight: dict[str, dict[str, float]] = {}
        for c in self.categories:
            phrases = derived_phrases(c.label, all_anchors) + list(extra.get(c.label, {}).get("phrases", []))
            self._class_cues[c.label] = CueSet(phrases)
        # a phrase shared by several classes of one section says little about which one
        for section in self.sections:
            members = [c.label for c in self.categories if c.section == section]
            share = Counter(p for m in members for p in self._class_cues[m].phrases)
            for m in members:
                self._cue_weight[m] = {p: 1.0 / share[p] for p in self._class_cues[m].phrases}

    def _init_vectors(self, examples: list[Example]) -> None:
        self.examples = examples
        feats = [features(normalise(e.title), normalise(e.abstract or "")) for e in examples]
        df: Counter[str] = Counter()
        for f in feats:
            df.update(f.keys())
        n = max(len(examples), 1)
        self._vocab = {t: i for i, t in enumerate(sorted(df))}
        self._idf = np.array([math.log((n + 1) / (df[t] + 1)) + 1.0 for t in sorted(df)], dtype=np.float64)
        self._oov_idf = math.log(n + 1) + 1.0
        matrix = np.zeros((len(self._vocab), len(examples)), dtype=np.float64)  # terms x examples
        for j, f in enumerate(feats):
            idx, val = self._weights(f)
            matrix[idx, j] = val
        self._matrix = matrix
        self._relevant = np.array([e.label is not None for e in examples], dtype=bool)
        self._example_class = np.array([self._index[e.label] if e.label is not None else -1 for e in examples])
        centroids = np.zeros((len(self._vocab), len(self.labels)), dtype=np.float64)
        for j, cls in enumerate(self._example_class):
            if cls >= 0:
                centroids[:, cls] += matrix[:, j]
        norms = np.linalg.norm(centroids, axis=0)
        self._centroids = centroids / np.where(norms > 0, norms, 1.0)

    def _weights(self, feats: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
        """Sublinear TF-IDF, L2-normalised over *all* terms (unknown ones included) so short
        off-topic texts do not look similar just because few of their words are known."""
        idx, val, norm = [], [], 0.0
        for term, count in feats.items():
            i = self._vocab.get(term)
            w = (1.0 + math.log(count)) * (self._idf[i] if i is not None else self._oov_idf)
            norm += w * w
            if i is not None:
                idx.append(i)
                val.append(w)
        scale = 1.0 / math.sqrt(norm) if norm else 0.0
        return np.array(idx, dtype=np.int64), np.array(val, dtype=np.float64) * scale

    # ---- public

    def classify(self, title: str, abstract: str | None = None) -> Prediction:
        """Decide relevance, then class; same input, same output."""
        doc = document(title, abstract)
        idx, val = self._weights(features(doc.norm_title, doc.norm_abstract))
        sims = val @ self._matrix[idx] if len(idx) else np.zeros(len(self.examples))
        found = self._found(doc)
        relevance, rel_phrases, reason = self._relevance(doc, found, sims)
        scores, cls_phrases, section = self._class_scores(doc, found, idx, val, sims)
        order = np.argsort(-scores, kind="stable")
        best = int(order[0])
        probs = np.exp((scores - scores[best]) / 0.15)
        p_class = float(probs[best] / probs.sum())
        nearest = [
            {"title": self.examples[j].title, "label": self.examples[j].label, "similarity": round(float(sims[j]), 3)}
            for j in np.argsort(-sims, kind="stable")[:3]
            if sims[j] > 0
        ]
        relevant = relevance >= self.relevance_threshold and reason.startswith("in scope")
        category = self.labels[best] if relevant else None
        confidence = relevance * p_class if relevant else 1.0 - relevance
        if relevant:
            reason += f"; section '{section}', class '{self.labels[best]}' (p={p_class:.2f})"
        evidence = {
            "matched_phrases": rel_phrases + cls_phrases.get(self.labels[best], []),
            "nearest": nearest,
            "reason": reason,
        }
        return Prediction(relevant, category, round(float(min(max(confidence, 0.0), 1.0)), 4), evidence)

    def rank(self, title: str, abstract: str | None = None) -> list[tuple[str, float]]:
        """Class scores best first, ignoring the relevance gate (for evaluation and review queues)."""
        doc = document(title, abstract)
        idx, val = self._weights(features(doc.norm_title, doc.norm_abstract))
        sims = val @ self._matrix[idx] if len(idx) else np.zeros(len(self.examples))
        scores, _, _ = self._class_scores(doc, self._found(doc), idx, val, sims)
        order = np.argsort(-scores, kind="stable")
        return [(self.labels[i], round(float(scores[i]), 4)) for i in order]

    # ---- stage 1

    def _found(self, doc: Document) -> tuple[Counter[str], Counter[str]]:
        """All cue phrases in the title and in the abstract (one matcher pass each)."""
        return self._matcher.find(*doc.title_words), self._matcher.find(*doc.abstract_words)

    @staticmethod
    def _count(cues: CueSet, found: tuple[Counter[str], Counter[str]]) -> tuple[Counter[str], Counter[str]]:
        return cues.pick(found[0]), cues.pick(found[1])

    def _relevance(self, doc: Document, found: tuple[Counter[str], Counter[str]], sims: np.ndarray) -> tuple[float, list[str], str]:
        med_t, med_a = self._count(self._medical, found)
        seg_t, seg_a = self._count(self._segmentation, found)
        strong_t, strong_a = self._count(self._strong, found)
        weak_t, weak_a = self._count(self._weak, found)
        off_t, off_a = self._count(self._off_domain, found)
        task_t, _ = self._count(self._off_task, found)
        sam_t = sum(doc.title_words[0].count(a) for a in SAM_TOKENS)
        sam_a = sum(doc.abstract_words[0].count(a) for a in SAM_TOKENS)

        medical = set(med_t) | set(med_a)
        med_hits = sum(med_t.values()) * 2 + sum(med_a.values())
        seg_score = 2 * (bool(seg_t) or sam_t > 0) + sum(seg_a.values()) + min(sam_a, 2)
        strong, weak = set(strong_t) | set(strong_a), (set(weak_t) | set(weak_a))
        # a weak cue in the title ('Self-Supervised ... for 3D Medical Image Segmentation') counts as a strong one
        gen_score = 2 * len(strong) + sum(2 if p in weak_t else 1 for p in weak - strong) + (2 if sam_t + sam_a else 0)
        off_hits = sum(off_t.values()) * 2 + sum(off_a.values())

        failures = []
        if not medical:
            failures.append("no medical cue")
        if seg_score < 2:
            failures.append("no clear segmentation cue")
        if gen_score < 2:
            failures.append("no generalist cue (SAM, foundation, universal, promptable, pre-training...)")
        if off_hits and off_hits >= med_hits:
            failures.append(f"off-domain cues outweigh medical ones ({', '.join(sorted(set(off_t) | set(off_a)))})")
        if task_t and not seg_t and not sam_t:
            failures.append(f"title is about another task ({', '.join(sorted(task_t))})")

        top = np.argsort(-sims, kind="stable")[: self.k_neighbours]
        total = float(sims[top].sum())
        knn = float(sims[top][self._relevant[top]].sum() / total) if total > 0 else 0.5

        if failures:
            rule = max(0.0, 0.35 - 0.1 * (len(failures) - 1))
        else:
            rule = 0.55 + 0.25 * min(1.0, (gen_score - 2) / 6) + 0.2 * min(1.0, (len(medical) - 1) / 4)
        relevance = 0.6 * rule + 0.4 * knn
        phrases = (
            [f"medical: {p}" for p in sorted(medical)]
            + [f"segmentation: {p}" for p in sorted(set(seg_t) | set(seg_a))]
            + [f"generalist: {p}" for p in sorted(strong | weak)]
            + [f"off-domain: {p}" for p in sorted(set(off_t) | set(off_a))]
            + [f"off-task (title): {p}" for p in sorted(task_t)]
        )
        if failures:
            reason = "out of scope: " + "; ".join(failures)
        elif relevance < self.relevance_threshold:
            reason = f"out of scope: cues pass but nearest labelled papers are mostly out of scope (neighbour vote {knn:.2f})"
        else:
            reason = f"in scope: medical, segmentation and generalist cues present (neighbour vote {knn:.2f})"
        return relevance, phrases, reason

    # ---- stage 2

    def _section_evidence(self, doc: Document, found: tuple[Counter[str], Counter[str]]) -> dict[str, float]:
        """Anchor words (title x3, abstract x1, capped) plus the section's cue phrases."""
        title_words, abstract_words = doc.title_words[0], doc.abstract_words[0]
        counts = {
            a: (3 * title_words.count(a), abstract_words.count(a))
            for anchors in self.anchors.values()
            for a in anchors
        }
        silenced = {
            base
            for a, bases in self._extends.items()
            if counts[a][0] or counts[a][1] >= 2 or (counts[a][1] and counts[a][1] >= min(counts[b][1] for b in bases or {a}))
            for base in bases
        }
        evidence = {}
        for s in self.sections:
            anchor = sum(min(counts[a][0] + counts[a][1], 8) for a in self.anchors[s] if a not in silenced)
            cues = set(self._section_cues[s].pick(found[0])) | set(self._section_cues[s].pick(found[1]))
            evidence[s] = anchor + self.weights["section_cue"] * min(len(cues), 4)
        return evidence

    def _class_scores(
        self, doc: Document, found: tuple[Counter[str], Counter[str]], idx: np.ndarray, val: np.ndarray, sims: np.ndarray
    ) -> tuple[np.ndarray, dict[str, list[str]], str]:
        evidence = self._section_evidence(doc, found)
        default = self.weights["residual_section"]  # sections with no anchor words compete at this level
        level = {s: (evidence[s] if self.anchors[s] else max(evidence[s], default)) for s in self.sections}
        top_level = max(level.values()) or 1.0
        section_weight = {s: level[s] / top_level for s in self.sections}
        section = max(self.sections, key=lambda s: (level[s], -self.sections.index(s)))

        centroid = val @ self._centroids[idx] if len(idx) else np.zeros(len(self.labels))
        knn = np.zeros(len(self.labels))
        top = [j for j in np.argsort(-sims, kind="stable") if self._relevant[j]][: self.k_neighbours]
        total = sum(float(sims[j]) for j in top)
        if total > 0:
            for j in top:
                knn[self._example_class[j]] += float(sims[j]) / total

        cue = np.zeros(len(self.labels))
        phrases: dict[str, list[str]] = defaultdict(list)
        for i, label in enumerate(self.labels):
            title_hits, abstract_hits = self._count(self._class_cues[label], found)
            weights = self._cue_weight[label]
            cue[i] = sum(2 * weights[p] for p in title_hits) + sum(weights[p] for p in abstract_hits)
            phrases[label] = [f"class: {p}" for p in sorted(set(title_hits) | set(abstract_hits))]
        cue = np.minimum(cue, 4.0) / 4.0

        sec = np.array([section_weight[self._section_of[label]] for label in self.labels])
        w = self.weights
        scores = w["section"] * sec + w["centroid"] * centroid + w["knn"] * knn + w["cue"] * cue
        return scores, phrases, section
