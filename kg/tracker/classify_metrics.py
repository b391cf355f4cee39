"""How good the classifier is, in numbers a reviewer can act on (used by scripts/eval_classifier.py).

* calibration: a reliability table (confidence bins against how often the answer was
  right) and the expected calibration error, the bin-weighted gap between the two;
* screening: WSS@95 (work saved over sampling: the share of the pool a reviewer need not
  read to find 95% of the relevant papers, minus the 5% random screening would save) and
  RRF@10 (the share of relevant papers found in the first 10% of the pool);
* a confusion table of gold against predicted classes.

Plain functions over plain lists, so the numbers can be checked by hand.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bin", "confusion", "expected_calibration_error", "max_wss", "reliability", "rrf_at", "wss_at"]


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int
    confidence: float  # mean confidence in the bin
    accuracy: float  # share right in the bin


def reliability(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> list[Bin]:
    """Equal-width bins over [0, 1] (1.0 falls in the last); empty bins are left out."""
    members: dict[int, list[int]] = {}
    for i, c in enumerate(confidences):
        members.setdefault(min(int(c * bins), bins - 1), []).append(i)
    out = []
    for b in sorted(members):
        idx = members[b]
        out.append(Bin(b / bins, (b + 1) / bins, len(idx), sum(confidences[i] for i in idx) / len(idx),
                       sum(bool(correct[i]) for i in idx) / len(idx)))
    return out


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    n = len(confidences)
    if not n:
        return 0.0
    return sum(b.count / n * abs(b.accuracy - b.confidence) for b in reliability(confidences, correct, bins))


def wss_at(ranked_relevant: Sequence[bool], recall: float = 0.95) -> float:
    """WSS@recall of a screening order (True = relevant), reading from the top."""
    n, total = len(ranked_relevant), sum(map(bool, ranked_relevant))
    if not n or not total:
        return 0.0
    needed, found = math.ceil(recall * total), 0
    for read, relevant in enumerate(ranked_relevant, 1):
        found += bool(relevant)
        if found >= needed:
            return (n - read) / n - (1.0 - recall)
    return -(1.0 - recall)


def max_wss(n: int, relevant: int, recall: float = 0.95) -> float:
    """The best WSS@recall any order can reach on a pool: every relevant paper first."""
    return (n - math.ceil(recall * relevant)) / n - (1.0 - recall) if n and relevant else 0.0


def rrf_at(ranked_relevant: Sequence[bool], fraction: float = 0.10) -> float:
    """Share of the relevant papers among the first ``fraction`` of the order (rounded up)."""
    n, total = len(ranked_relevant), sum(map(bool, ranked_relevant))
    if not n or not total:
        return 0.0
    return sum(map(bool, ranked_relevant[: math.ceil(fraction * n)])) / total


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> Counter[tuple[str, str]]:
    """(gold, predicted) -> count, for every pair that occurred."""
    return Counter(zip(gold, predicted))
