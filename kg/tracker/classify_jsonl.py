"""The classifier as a JSON Lines filter (``kg classify``): one paper per line in, one decision per line out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

from kg.tracker.classify_records import Prediction

__all__ = ["classify_jsonl"]

BATCH = 256  # papers vectorised together: most of the speed, and a bounded delay before output


class Classifies(Protocol):
    """What the stream needs of a classifier; a Protocol rather than an import of
    :class:`kg.tracker.classify.PaperClassifier`, which re-exports this module."""

    def classify_many(self, papers: Sequence[tuple[str, str | None]]) -> list[Prediction]: ...


def _read(number: int, line: str) -> tuple[str, str | None] | str:
    """(title, abstract) of one input line, or the error line to write instead."""
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
        return json.dumps({"line": number, "error": f"line {number}: {exc}"})
    return title, abstract


def classify_jsonl(lines: Iterable[str], classifier: Classifies) -> Iterator[str]:
    """JSON Lines in ({"title", "abstract"}), JSON Lines out, in input order; a bad line
    becomes {"line": n, "error": ...} and the stream goes on, so one broken record never
    loses a night's batch. Papers are classified in batches of :data:`BATCH`."""
    pending: list[tuple[str, str | None] | str] = []

    def flush() -> Iterator[str]:
        papers = [p for p in pending if not isinstance(p, str)]
        predictions = iter(classifier.classify_many(papers))
        for item in pending:
            if isinstance(item, str):
                yield item
            else:
                yield json.dumps({"title": item[0], **next(predictions).to_dict()}, ensure_ascii=False)
        pending.clear()

    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        pending.append(_read(number, line))
        if sum(not isinstance(p, str) for p in pending) >= BATCH:
            yield from flush()
    yield from flush()
