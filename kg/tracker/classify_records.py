"""What the paper classifier reads and returns: taxonomy classes, labelled examples, predictions.

The classes come from the caller (the graph's SKOS scheme, or the survey list's
``section -> classes`` mapping); the labelled examples come from the bundled arXiv
snapshot plus the hand-written ``kg/data/classifier-examples.jsonl``, and from the
reviewers: every decision of the curation file is a labelled paper too
(:func:`decision_examples`). Keeping them apart from the classifier lets the review queue
and the CLI build categories without loading numpy or scikit-learn.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.curation import Decision

from kg.resources import DATA_DIR
from kg.taxonomy import Category, categories_from_sections

BUNDLED_EXAMPLES = DATA_DIR / "classifier-examples.jsonl"

__all__ = ["BUNDLED_EXAMPLES", "Category", "Example", "PaperText", "Prediction", "categories_from_sections",
           "decision_examples", "load_training_examples"]


@dataclass(frozen=True)
class Example:
    """A labelled paper; ``label`` None means 'not in scope' (a near miss).

    ``in_relevance`` False: the paper teaches its class only, not whether it is in scope
    (a reviewer's "maybe" with a class: the class is known, the scope is not decided)."""

    title: str
    abstract: str | None
    label: str | None
    in_relevance: bool = True


@dataclass(frozen=True)
class PaperText:
    """What the graph holds about a decided paper: its text and the class the classifier
    predicted for it (the class a plain "accept" confirms)."""

    title: str
    abstract: str | None = None
    predicted: str | None = None


def decision_examples(decisions: Iterable[Decision] | Mapping[str, Decision],
                      texts: Mapping[str, PaperText]) -> list[Example]:
    """Reviewer decisions as labelled papers, in a stable order (by paper IRI).

    accepted with a class -> that class; accepted as predicted -> the predicted class;
    rejected -> a near miss; "maybe" with a class -> a class-only example; a "maybe"
    without one, or a paper whose text the graph does not hold, teaches nothing."""
    items = decisions.values() if isinstance(decisions, Mapping) else decisions
    latest = {d.paper: d for d in items}
    out = []
    for paper in sorted(latest):
        d, text = latest[paper], texts.get(paper)
        if text is None or not text.title:
            continue
        if d.status == "rejected":
            out.append(Example(text.title, text.abstract, None))
        elif d.status == "accepted" and (d.category or text.predicted):
            out.append(Example(text.title, text.abstract, d.category or text.predicted))
        elif d.status == "maybe" and d.category:
            out.append(Example(text.title, text.abstract, d.category, in_relevance=False))
    return out


@dataclass(frozen=True)
class Prediction:
    """The decision and why. ``confidence`` is the confidence in the decision returned
    (in 'relevant, class X' when relevant, in 'not relevant' otherwise)."""

    relevant: bool
    category: str | None
    confidence: float
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"relevant": self.relevant, "category": self.category, "confidence": self.confidence,
                "evidence": self.evidence}


def load_training_examples(extra: Path | str | None = BUNDLED_EXAMPLES) -> list[Example]:
    """The survey's own papers from the bundled arXiv snapshot (label = their survey class,
    None for the snapshot's extra rows such as SAM itself) plus the hand-written examples."""
    import ingest  # local import: kg may depend on ingest, and this keeps import time small

    snapshot = Path(ingest.__file__).parent / "data" / "arxiv-snapshot.json"
    examples = []
    for row in json.loads(snapshot.read_text(encoding="utf-8")):
        title = row.get("title") or row.get("seed_title")
        if title:
            examples.append(Example(title, row.get("abstract"), row.get("seed_class")))
    if extra:
        for number, line in enumerate(Path(extra).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                examples.append(Example(row["title"], row.get("abstract"), row.get("label")))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"line {number} of {extra}: {exc}; each line needs a JSON object with 'title'") \
                    from exc
    return examples
