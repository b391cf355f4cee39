"""The classifier's few modelling choices, in one place, so that they can be chosen honestly.

Every choice here changes what the models learn, so each is a field of one frozen record:
``scripts/tune_classifier.py`` picks among a small declared grid of them by nested
cross-validation (inner folds on the training part only), and the defaults are what that
procedure chose on the survey's papers. Nothing else in the classifier is a free knob.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_OPTIONS", "ClassifierOptions"]


@dataclass(frozen=True)
class ClassifierOptions:
    """How the papers are vectorised and the section and class models fitted (the relevance
    model keeps its own fixed C and no penalty).

    * ``C``: inverse L2 strength of the section and class regressions;
    * ``char_low`` / ``char_high``: the character n-gram lengths inside words (for all three models);
    * ``prior_penalty``: L2 on the shared prior weights when they are fitted with the
      temperatures (:func:`kg.tracker.classify_linear.calibrate_jointly`), per unit of mean
      log-loss; 0 lets a weight that separates the training papers run to its bound.
    """

    C: float = 10.0
    char_low: int = 3
    char_high: int = 5
    # chosen by scripts/tune_classifier.py from its grid (5-fold over all 56 survey papers);
    # 0, the value before that, let the section model's anchor weight run to its bound
    prior_penalty: float = 1e-3

    def __post_init__(self) -> None:
        if self.C <= 0:
            raise ValueError(f"ClassifierOptions.C = {self.C}: the regularisation must be a positive number")
        if self.prior_penalty < 0:
            raise ValueError(f"ClassifierOptions.prior_penalty = {self.prior_penalty}: must be >= 0")
        if not 1 <= self.char_low <= self.char_high:
            raise ValueError(f"ClassifierOptions char n-grams {self.char_low}-{self.char_high}: need 1 <= low <= high")


DEFAULT_OPTIONS = ClassifierOptions()
