"""A logistic regression whose probabilities mean what they say.

A logistic regression fitted on a hundred papers is badly scaled: its raw probabilities
are far too flat or far too sharp depending on the regularisation. One temperature,
fitted on out-of-fold scores of the training papers themselves (never on anything that is
evaluated later), rescales them; a single parameter is all a training set this small can
estimate, and it leaves the ranking of the classes untouched. Rows marked ``always`` (the
class definitions used as prototype papers) stay in every inner training fold, so every
class is present in each of them.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

__all__ = ["CalibratedLinear", "RowSpace", "calibrate_jointly"]


class RowSpace:
    """The training papers' span, for fitting in n dimensions instead of tens of thousands.

    An L2-regularised linear model's weights lie in the span of its training rows (the
    representer theorem), so projecting every vector onto an orthonormal basis of that span
    changes no prediction and no penalty, while the optimiser works on ~n dense coordinates
    instead of ~20k sparse ones: the same fit, a hundred times faster. Any subset of the
    rows (an inner fold, one section's papers) lies in the same span, so one basis serves
    every model. The basis comes from the Gram matrix: X X^T = U S^2 U^T, coordinates
    (X_new X^T) U S^-1.
    """

    def __init__(self, X: sparse.csr_matrix) -> None:
        self._rows_t = X.T.tocsr()  # transposed once: csr @ csr, no conversion per call
        gram = (X @ self._rows_t).toarray()
        values, vectors = np.linalg.eigh(gram)
        keep = values > max(float(values.max(initial=0.0)), 1e-12) * 1e-10
        self._projection = vectors[:, keep] / np.sqrt(values[keep])
        self.train = gram @ self._projection  # the training rows' own coordinates (U S)

    def __call__(self, X: sparse.csr_matrix) -> np.ndarray:
        return np.asarray((X @ self._rows_t).toarray() @ self._projection)


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class CalibratedLinear:
    """Multinomial logistic regression over ``classes``, a fitted temperature and tied prior weights.

    ``classes`` is the full list the caller knows; a class with no training row is simply
    never predicted (probability 0), and with a single class present the answer is certain.

    ``priors`` (optional, shape papers x kinds x classes) are class-specific evidence scores,
    such as how many of a class's own cue phrases a paper contains or how close it is to the
    class's definition. Each kind gets ONE weight shared by all classes (logit of class c +=
    beta_k * prior[k, c]), fitted with the temperature on the out-of-fold scores: a
    per-class weight for "my own cues" would have to be learnt from a handful of papers per
    class, one shared weight is learnt from all of them, and it still works for a class
    with no labelled paper at all.
    """

    C = 10.0  # L2 strength for rows of norm ~1; fixed, not tuned on evaluation folds
    inner_folds = 5
    # The prior weights used when a training set is too small to fit its own (a new scheme
    # with a handful of papers): about what the survey taxonomy's training set fits (cue or
    # anchor evidence ~5, closeness to a definition ~10-30; not fitted on evaluation folds),
    # so that the definitions carry a new class from the first run.
    default_beta = (5.0, 10.0)

    def __init__(self, classes: Sequence[str], seed: int = 0, C: float | None = None, penalty: float = 0.0) -> None:
        self.classes = list(classes)
        self.seed = seed
        self.C = self.C if C is None else C
        self.penalty = penalty  # L2 on the prior weights in the calibration (see calibrate_jointly)
        self.temperature = 1.0
        self.beta = np.zeros(0)
        self._model: LogisticRegression | None = None
        self._single = 0

    def _fit_model(self, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> LogisticRegression | None:
        if len(set(y.tolist())) < 2:
            return None
        model = LogisticRegression(C=self.C, max_iter=2000, random_state=self.seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y, sample_weight=w)
        return model

    def _logits(self, model: LogisticRegression | None, X: np.ndarray, single: int) -> np.ndarray:
        """Scores over ``self.classes``: -inf for a class the model never saw."""
        out = np.full((X.shape[0], len(self.classes)), -np.inf)
        if model is None:
            out[:, single] = 0.0
            return out
        scores = X @ model.coef_.T + model.intercept_  # decision_function without its per-call validation
        cols = [int(c) for c in model.classes_]
        if scores.shape[1] == 1:  # binary: the score is the log-odds of the second class
            out[:, cols[0]] = 0.0
            out[:, cols[1]] = scores[:, 0]
        else:
            out[:, cols] = scores
        return out

    def fit(self, X: np.ndarray, labels: Sequence[str], weights: np.ndarray | None = None,
            always: np.ndarray | None = None, priors: np.ndarray | None = None, *,
            calibrate: bool = True) -> CalibratedLinear:
        """Fit the regression; with ``calibrate`` also the temperature and prior weights (else
        the out-of-fold scores are kept in ``self.held_out`` for :func:`calibrate_jointly`)."""
        y = np.array([self.classes.index(label) for label in labels])
        if len(y) == 0:
            raise ValueError("no training papers for this model")
        w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
        always = np.zeros(len(y), dtype=bool) if always is None else np.asarray(always, dtype=bool)
        priors = np.zeros((len(y), 0, len(self.classes))) if priors is None else priors
        self._single = int(y[0])
        self._model = self._fit_model(X, y, w)
        kinds = priors.shape[1]
        self.temperature = 1.0
        self.beta = np.array([self.default_beta[min(k, len(self.default_beta) - 1)] for k in range(kinds)], dtype=float)
        self.held_out = None
        if self._model is not None:
            logits, scored = self._out_of_fold(X, y, w, always)
            self.held_out = (logits[scored], priors[scored], y[scored], w[scored])
            if calibrate and scored.sum() >= 2:
                calibrate_jointly([self], self.penalty)
        return self

    def _out_of_fold(self, X: np.ndarray, y: np.ndarray, w: np.ndarray,
                     always: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each free row's scores from a model that did not train on it (rows marked ``always``
        train in every fold); ``scored`` says which rows got scores."""
        logits = np.full((len(y), len(self.classes)), -np.inf)
        scored = np.zeros(len(y), dtype=bool)
        free = np.flatnonzero(~always)
        splits = min(self.inner_folds, int(np.bincount(y[free], minlength=len(self.classes)).max(initial=0)))
        if len(free) < 2 * self.inner_folds or splits < 2:
            return logits, scored
        folds = StratifiedKFold(n_splits=splits, shuffle=True, random_state=self.seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # classes smaller than the number of folds
            split = list(folds.split(np.zeros(len(free)), y[free]))
        for train_part, test_part in split:
            train = np.concatenate([np.flatnonzero(always), free[train_part]])
            test = free[test_part]
            model = self._fit_model(X[train], y[train], w[train])
            if model is None:
                continue
            fold_logits = self._logits(model, X[test], int(y[train][0]))
            known = np.isfinite(fold_logits[np.arange(len(test)), y[test]])  # the class was in the inner training
            logits[test[known]] = fold_logits[known]
            scored[test[known]] = True
        return logits, scored

    def proba(self, X: np.ndarray, priors: np.ndarray | None = None) -> np.ndarray:
        """Calibrated probabilities, one column per class of ``self.classes``."""
        z = self._logits(self._model, X, self._single) / self.temperature
        if priors is not None and len(self.beta):
            z = z + np.einsum("k,nkc->nc", self.beta, priors)
        return _softmax(z)


def calibrate_jointly(models: Sequence[CalibratedLinear], penalty: float = 0.0) -> None:
    """One temperature per model and ONE set of prior weights for all of them, minimising the
    log-loss of their pooled out-of-fold scores. The class models of the sections share what
    "a class's own cues" and "closeness to a class's definition" are worth: each section
    alone has too few papers to pin that down (its fit runs off to a bound), all of them
    together do. Models without held-out scores keep their defaults.

    The parameters are the inverse temperatures and the weights: the log-loss is convex in
    them (the logits are linear in each), so the optimum does not depend on where the search
    starts, and the fit is reproducible to the last digit printed.

    ``penalty`` adds penalty x (sum of squared prior weights) to the mean log-loss. Without
    it, evidence that happens to separate the training papers' out-of-fold scores perfectly
    (SAM 2 anchor words do) drives its weight to the upper bound, and then a small amount of
    the same evidence in a new paper decides its section with probability 1.00, right or
    wrong; a weak Gaussian prior on the weights keeps them finite (strictly convex still)."""
    fitted = [m for m in models if m.held_out is not None and len(m.held_out[2]) >= 2]
    if not fitted:
        return
    kinds = len(fitted[0].beta)
    total = sum(float(m.held_out[3].sum()) for m in fitted)  # type: ignore[index]

    def loss(params: np.ndarray) -> float:
        beta, out = params[len(fitted):], 0.0
        for k, m in enumerate(fitted):
            logits, priors, y, w = m.held_out  # type: ignore[misc]
            z = np.where(np.isfinite(logits), logits * params[k], -np.inf) + np.einsum("k,nkc->nc", beta, priors)
            p = _softmax(z)[np.arange(len(y)), y]
            out -= float((w * np.log(np.clip(p, 1e-12, 1.0))).sum())
        return out / total + penalty * float(beta @ beta)

    start = np.concatenate([np.ones(len(fitted)), fitted[0].beta])
    bounds = [(1e-3, 50.0)] * len(fitted) + [(0.0, 100.0)] * kinds
    best = minimize(loss, start, method="L-BFGS-B", bounds=bounds, options={"ftol": 1e-12, "gtol": 1e-9})
    for k, m in enumerate(fitted):
        m.temperature, m.beta = 1.0 / float(best.x[k]), np.asarray(best.x[len(fitted):], dtype=float)
