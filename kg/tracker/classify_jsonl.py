"""The classifier as a JSON Lines filter (``kg classify``): one paper per line in, one decision per line out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Protocol

from kg.tracker.classify_records import Prediction

__all__ = ["classify_jsonl"]


class Classifies(Protocol):
    """What the stream needs of a classifier; a Protocol rather than an import of
    :class:`kg.tracker.classify.PaperClassifier`, which re-exports this module."""

    def classify(self, title: str, abstract: str | None = None) -> Prediction: ...


def classify_jsonl(lines: Iterable[str], classifier: Classifies) -> Iterator[str]:
    """JSON Lines in ({"title", "abstract"}), JSON Lines out; a bad line becomes
    {"line": n, "error": ...} and the stream goes on, so one broken record never
    loses a night's batch."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise TypeError("expected a JSON object")
            title = row.get("title")
            if not isinstance(title, str) or not title.strip():
                raise ValueError("missing 'title' (a non-empty string)")
            abstract = row.get("abstract")
            if abstract is not None and not isinstance(abstract, str):
                raise ValueError("'abstract' must be a string or null")
        except (json.JSONDecodeError, TypeError, ValueError) as exc:
            yield json.dumps({"line": number, "error": f"line {number}: {exc}"})
            continue
        prediction = classifier.classify(title, abstract)
        yield json.dumps({"title": title, **prediction.to_dict()}, ensure_ascii=False)
