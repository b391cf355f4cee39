"""The cue phrases as *features* of the learned classifier (not rules).

Three groups of numbers come from the editable cue file (``kg/data/classifier-cues.toml``)
and from the class labels themselves:

* the relevance cues (medical, segmentation, generalist, off-domain, off-task), summed
  into a few bounded scores and the former gate's verdicts ("no medical cue", ...): the
  hand-written gate measured 0.93/0.97 relevance precision/recall on unseen papers, so
  its verdicts are kept as strong inputs, but the learned model weighs them and can be
  corrected by reviewers' rejections;
* every single cue phrase (one sparse feature each, title hits count double);
* per class, the cue score of its own phrases, and per section, the SAM / SAM 2 anchor
  evidence (``sam`` vs ``sam2`` tokens, see :mod:`kg.tracker.classify_text`).

The gate's human-readable verdict stays the reason shown for an out-of-scope paper.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kg.taxonomy import Category
from kg.tracker.classify_text import SAM_TOKENS, Document
from kg.tracker.cues import LABEL_FILLER, CueSet, PhraseMatcher, derived_phrases, label_words

Found = tuple[Counter[str], Counter[str]]  # cue phrase -> hits, in the title and in the abstract

__all__ = ["CueFeatures", "Found", "GateResult"]


@dataclass
class GateResult:
    """The relevance cues of one paper: why a rule reader would reject it, and bounded scores."""

    failures: list[str]
    phrases: list[str]
    dense: np.ndarray  # the gate's numbers, each in [0, 1] (see CueFeatures.gate_names)


@dataclass
class CueView:
    """Everything the cue stage knows about one paper."""

    found: Found
    gate: GateResult
    class_phrases: dict[str, list[str]]
    class_scores: np.ndarray  # per class: its own cue phrases found, in [0, 1]
    anchors: np.ndarray  # per section: SAM / SAM 2 anchor words and section cues, in [0, 1]

    @property
    def dense(self) -> np.ndarray:
        return np.concatenate([self.gate.dense, self.class_scores, self.anchors])


def _cap(value: float, top: float) -> float:
    return min(float(value), top) / top


class CueFeatures:
    """Reads cue phrases out of a paper and turns them into numbers for the linear models."""

    gate_names = ("rule", "no_medical", "no_segmentation", "no_generalist", "off_domain_wins", "off_task_title",
                  "medical_kinds", "medical_hits", "segmentation", "generalist", "off_domain", "sam_title",
                  "sam_abstract")

    def __init__(self, categories: Sequence[Category], cues: Mapping[str, Any]) -> None:
        self.labels = [c.label for c in categories]
        self._section_of = {c.label: c.section for c in categories}
        self.sections = list(dict.fromkeys(c.section for c in categories))
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
        self.phrases = sorted({p for g in groups for p in g.phrases})
        self.phrase_index = {p: i for i, p in enumerate(self.phrases)}
        self._matcher = PhraseMatcher(self.phrases)
        self.dense_names = ([f"gate:{n}" for n in self.gate_names] + [f"cue-score:{c}" for c in self.labels]
                            + [f"anchor:{s}" for s in self.sections])

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
        for label in self.labels:
            phrases = derived_phrases(label, all_anchors) + list(extra.get(label, {}).get("phrases", []))
            self._class_cues[label] = CueSet(phrases)
        # a phrase shared by several classes of one section says little about which one
        for section in self.sections:
            members = [c for c in self.labels if self._section_of[c] == section]
            share = Counter(p for m in members for p in self._class_cues[m].phrases)
            for m in members:
                self._cue_weight[m] = {p: 1.0 / share[p] for p in self._class_cues[m].phrases}
        # phrase -> (class index, weight): one look-up per phrase found instead of a pass per class
        self._classes_of: dict[str, list[tuple[int, float]]] = {}
        for i, label in enumerate(self.labels):
            for phrase, weight in self._cue_weight[label].items():
                self._classes_of.setdefault(phrase, []).append((i, weight))

    # ---- one paper

    def view(self, doc: Document) -> CueView:
        found = self._matcher.find(*doc.title_words), self._matcher.find(*doc.abstract_words)
        gate = self._gate(doc, found)
        scores, phrases = self._class_cue_scores(found)
        return CueView(found, gate, phrases, scores, self._section_evidence(doc, found))

    def phrase_counts(self, view: CueView) -> dict[int, float]:
        """Sparse phrase features: 2 per title hit, 1 per abstract hit, sub-linear."""
        counts: Counter[int] = Counter()
        for weight, hits in ((2, view.found[0]), (1, view.found[1])):
            for phrase, n in hits.items():
                counts[self.phrase_index[phrase]] += weight * n
        return {i: 1.0 + float(np.log(n)) for i, n in counts.items()}

    @staticmethod
    def _pick(cues: CueSet, found: Found) -> tuple[Counter[str], Counter[str]]:
        return cues.pick(found[0]), cues.pick(found[1])

    def _gate(self, doc: Document, found: Found) -> GateResult:
        """The former rule gate, kept as features: its verdicts and the scores behind them."""
        med_t, med_a = self._pick(self._medical, found)
        seg_t, seg_a = self._pick(self._segmentation, found)
        strong_t, strong_a = self._pick(self._strong, found)
        weak_t, weak_a = self._pick(self._weak, found)
        off_t, off_a = self._pick(self._off_domain, found)
        task_t, _ = self._pick(self._off_task, found)
        sam_t = sum(doc.title_words[0].count(a) for a in SAM_TOKENS)
        sam_a = sum(doc.abstract_words[0].count(a) for a in SAM_TOKENS)
        medical = set(med_t) | set(med_a)
        med_hits = sum(med_t.values()) * 2 + sum(med_a.values())
        seg_score = 2 * (bool(seg_t) or sam_t > 0) + sum(seg_a.values()) + min(sam_a, 2)
        strong, weak = set(strong_t) | set(strong_a), (set(weak_t) | set(weak_a))
        # a weak cue in the title ('Self-Supervised ... for 3D Medical Image Segmentation') counts as a strong one
        gen_score = 2 * len(strong) + sum(2 if p in weak_t else 1 for p in weak - strong) + (2 if sam_t + sam_a else 0)
        off_hits = sum(off_t.values()) * 2 + sum(off_a.values())
        flags = {"no_medical": not medical, "no_segmentation": seg_score < 2, "no_generalist": gen_score < 2,
                 "off_domain_wins": bool(off_hits and off_hits >= med_hits),
                 "off_task_title": bool(task_t and not seg_t and not sam_t)}
        off_names = ", ".join(sorted(set(off_t) | set(off_a)))
        failures = [text for key, text in (
            ("no_medical", "no medical cue"), ("no_segmentation", "no clear segmentation cue"),
            ("no_generalist", "no generalist cue (SAM, foundation, universal, promptable, pre-training...)"),
            ("off_domain_wins", f"off-domain cues outweigh medical ones ({off_names})"),
            ("off_task_title", f"title is about another task ({', '.join(sorted(task_t))})"),
        ) if flags[key]]
        if failures:
            rule = max(0.0, 0.35 - 0.1 * (len(failures) - 1))
        else:
            rule = 0.55 + 0.25 * min(1.0, (gen_score - 2) / 6) + 0.2 * min(1.0, (len(medical) - 1) / 4)
        values = {"rule": rule, **{k: float(v) for k, v in flags.items()}, "medical_kinds": _cap(len(medical), 5),
                  "medical_hits": _cap(med_hits, 10), "segmentation": _cap(seg_score, 6),
                  "generalist": _cap(gen_score, 8), "off_domain": _cap(off_hits, 6), "sam_title": float(sam_t > 0),
                  "sam_abstract": _cap(sam_a, 4)}
        phrases = (
            [f"medical: {p}" for p in sorted(medical)]
            + [f"segmentation: {p}" for p in sorted(set(seg_t) | set(seg_a))]
            + [f"generalist: {p}" for p in sorted(strong | weak)]
            + [f"off-domain: {p}" for p in sorted(set(off_t) | set(off_a))]
            + [f"off-task (title): {p}" for p in sorted(task_t)]
        )
        return GateResult(failures, phrases, np.array([values[n] for n in self.gate_names]))

    def _class_cue_scores(self, found: Found) -> tuple[np.ndarray, dict[str, list[str]]]:
        """Per class: its own phrases found (title x2), shared phrases discounted, in [0, 1]."""
        scores = np.zeros(len(self.labels))
        named: dict[int, set[str]] = {}
        for factor, hits in ((2.0, found[0]), (1.0, found[1])):
            for phrase in hits:
                for i, weight in self._classes_of.get(phrase, ()):
                    scores[i] += factor * weight
                    named.setdefault(i, set()).add(phrase)
        phrases = {self.labels[i]: [f"class: {p}" for p in sorted(ps)] for i, ps in named.items()}
        return np.minimum(scores, 4.0) / 4.0, phrases

    def _section_evidence(self, doc: Document, found: Found) -> np.ndarray:
        """Anchor words (title x3, abstract x1, capped) plus the section's cue phrases, in [0, 1]."""
        title_words, abstract_words = doc.title_words[0], doc.abstract_words[0]
        counts = {a: (3 * title_words.count(a), abstract_words.count(a))
                  for anchors in self.anchors.values() for a in anchors}
        silenced = {
            base
            for a, bases in self._extends.items()
            if counts[a][0] or counts[a][1] >= 2
            or (counts[a][1] and counts[a][1] >= min(counts[b][1] for b in bases or {a}))
            for base in bases
        }
        out = np.zeros(len(self.sections))
        for i, s in enumerate(self.sections):
            anchor = sum(min(counts[a][0] + counts[a][1], 8) for a in self.anchors[s] if a not in silenced)
            cues = set(self._section_cues[s].pick(found[0])) | set(self._section_cues[s].pick(found[1]))
            out[i] = min(anchor + 0.5 * min(len(cues), 4), 8.0) / 8.0
        return out
