"""In which order a reviewer meets the queue, and what it marks.

Two orders:

* ``"uncertain"`` (the default): least certain first. A decision teaches the classifier
  most where it was least sure, so the reviewer's first minutes improve the next run most
  (uncertainty sampling), and confident predictions, which are usually right, wait.
* ``"screening"``: most probably in scope first, the order that finds the relevant papers
  soonest (what WSS@95 / RRF@10 measure).

Either way about 5% of the places (``explore``) go to papers picked at random (seeded)
from the back half of the order, moved forward into the front half: the model's
favourites cannot fill the whole front, so a kind of paper the model has never seen, which
it ranks low or files confidently in the wrong class, still meets a reviewer soon.

A paper "needs a class" when its two most probable classes are within
``NEEDS_CLASS_MARGIN`` of each other: the reviewer should pick the class, not just accept.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

__all__ = ["EXPLORE_RATE", "NEEDS_CLASS_MARGIN", "ORDERS", "needs_class", "review_order"]

EXPLORE_RATE = 0.05
NEEDS_CLASS_MARGIN = 0.2  # in P(class | in scope); below it the top two classes are nearly a coin toss
ORDERS = ("uncertain", "screening")


def needs_class(top2: Sequence[Sequence[object]] | None) -> bool:
    """True when the evidence's ``top2`` ([[label, p], [label, p]]) has a margin below the threshold."""
    if not top2 or len(top2) < 2:
        return False
    try:
        return float(top2[0][1]) - float(top2[1][1]) < NEEDS_CLASS_MARGIN  # type: ignore[arg-type]
    except (TypeError, ValueError, IndexError):
        return False


def review_order(certainty: Sequence[float], relevance: Sequence[float] | None = None, *, order: str = "uncertain",
                 explore: float = EXPLORE_RATE, seed: int = 0) -> tuple[list[int], set[int]]:
    """(positions of the items in review order, the positions placed there by exploration).

    ``certainty``: the confidence of each item's decision; ``relevance``: P(in scope) (for
    the screening order; defaults to ``certainty``). Ties keep the input order, so a caller
    that sorts by title first gets a stable, readable queue. Same inputs and seed, same order.
    """
    if order not in ORDERS:
        raise ValueError(f"order '{order}' is none of {', '.join(ORDERS)}")
    n = len(certainty)
    relevance = certainty if relevance is None else relevance
    if order == "uncertain":
        base = sorted(range(n), key=lambda i: certainty[i])
    else:
        base = sorted(range(n), key=lambda i: -relevance[i])
    picks = round(n * explore)
    if picks < 1:
        return base, set()
    rng = random.Random(seed)
    back = base[n // 2:]
    chosen = rng.sample(back, min(picks, len(back)))
    rest = [i for i in base if i not in set(chosen)]
    front = max(n // 2, 1)
    for j, item in enumerate(chosen):  # spread evenly over the front half
        rest.insert(min(int((j + 0.5) * front / len(chosen)), len(rest)), item)
    return rest, set(chosen)
