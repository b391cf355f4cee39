"""How close a paper is to each class's labelled papers: to their mean, and to the nearest one.

The class definitions are one prototype per class; the labelled papers are many. These
two numbers per class (cosine closeness to the class mean, to the class's most similar
paper) enter the section and class models as priors with one shared weight each (see
:class:`kg.tracker.classify_linear.CalibratedLinear`). For a training paper its own vector
is left out of both, otherwise every training paper would sit at closeness 1 to its own
class and the shared weight, fitted on the training papers, would be far too large for a
new paper.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

__all__ = ["ClassCloseness"]


class ClassCloseness:
    """Built on the labelled training papers' unit vectors; scores any batch of unit vectors."""

    def __init__(self, vectors: sparse.csr_matrix, classes: Sequence[int], n_classes: int) -> None:
        self._classes = np.asarray(classes, dtype=int)
        self._n_classes = n_classes
        members = sparse.csr_matrix((np.ones(len(self._classes)), (self._classes, np.arange(len(self._classes)))),
                                    shape=(n_classes, len(self._classes)))
        self._sums = (members @ vectors).tocsr()  # per class: the sum of its papers' vectors
        self._sq_norms = np.asarray(self._sums.multiply(self._sums).sum(axis=1)).ravel()
        self._vectors_t = vectors.T.tocsr()

    def __call__(self, X: sparse.csr_matrix, own: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(closeness to each class mean, to each class's nearest paper), shape (n, classes) each.

        ``own[i]`` is the index among the training papers of row i itself (-1 for a paper
        that is not one of them); it is left out of both numbers."""
        own = np.full(X.shape[0], -1) if own is None else np.asarray(own, dtype=int)
        dots = (X @ self._sums.T).toarray()
        sq = np.tile(self._sq_norms, (X.shape[0], 1))
        sims = (X @ self._vectors_t).toarray()  # to every training paper
        mine = np.flatnonzero(own >= 0)
        if len(mine):
            cls = self._classes[own[mine]]
            self_sim = sims[mine, own[mine]]
            sq[mine, cls] += self_sim - 2.0 * dots[mine, cls]  # ||S - x||^2 = ||S||^2 - 2 x.S + x.x
            dots[mine, cls] -= self_sim
            sims[mine, own[mine]] = -np.inf
        mean = np.where(sq > 1e-12, dots / np.sqrt(np.clip(sq, 1e-12, None)), 0.0)
        nearest = np.zeros((X.shape[0], self._n_classes))
        for c in range(self._n_classes):
            cols = np.flatnonzero(self._classes == c)
            if len(cols):
                best = sims[:, cols].max(axis=1)
                nearest[:, c] = np.where(np.isfinite(best), best, 0.0)
        return mean, nearest
