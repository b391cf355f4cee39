"""Choose the classifier's modelling options (kg/tracker/classify_options.py) by nested
cross-validation, and say what the choosing procedure itself scores on papers it never saw.

Run:  PYTHONPATH=. .venv/bin/python scripts/tune_classifier.py [--seeds 0,1,2] [--inner 5]
          [--flat-seeds 0,1,2]

Outer loop: the same stratified 5-fold over the survey's labelled papers (and near misses)
as scripts/eval_classifier.py. For each outer fold, every option set of GRID is scored by
an inner stratified k-fold over that fold's *training* papers only (class accuracy, ties
broken by the log-loss of the gold class); the winner is refitted on the whole training
part and scores the held-out fold. So no outer test paper takes part in any choice, and the
printed numbers estimate how well "pick by inner CV, then train" does on new papers. Each
outer fold's winner is printed, and so is the plain k-fold of every option set (which
*is* optimistic for the best one: it is the number one would tune on).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
import warnings
from dataclasses import asdict

import numpy as np
from eval_classifier import FOLDS, Data, Fold, cross_validate, headline, load_data, score, split
from sklearn.model_selection import KFold, StratifiedKFold

from kg.taxonomy import bundled_categories
from kg.tracker.classify import Example, PaperClassifier
from kg.tracker.classify_options import DEFAULT_OPTIONS, ClassifierOptions

BEFORE = ClassifierOptions(prior_penalty=0.0)  # the classifier before this grid existed

# The grid is declared before any number is seen, small on purpose: 56 labelled papers
# cannot tell many configurations apart, and every extra one is one more chance to pick noise.
GRID = [
    BEFORE,
    ClassifierOptions(prior_penalty=1e-4),
    ClassifierOptions(prior_penalty=3e-4),
    ClassifierOptions(prior_penalty=1e-3),
    ClassifierOptions(prior_penalty=3e-3),
    ClassifierOptions(prior_penalty=1e-3, C=100.0),
    ClassifierOptions(prior_penalty=1e-3, char_low=4, char_high=6),
]


def describe(options: ClassifierOptions) -> str:
    changed = {k: v for k, v in asdict(options).items() if v != asdict(BEFORE)[k]}
    return ", ".join(f"{k}={v}" for k, v in changed.items()) or "as before (no prior penalty)"


def inner_score(survey: list[Example], negatives: list[Example], team: list[Example], categories: list,
                options: ClassifierOptions, seed: int, folds: int) -> tuple[float, float]:
    """(class accuracy, mean log-loss of the gold class) by k-fold inside the given papers."""
    labels = [e.label for e in survey]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # classes with fewer papers than folds
        s_split = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(survey)), labels))
    n_split = list(KFold(folds, shuffle=True, random_state=seed).split(negatives))
    right, loss = 0, 0.0
    for (s_train, s_test), (n_train, _) in zip(s_split, n_split):
        train = team + [survey[i] for i in s_train] + [negatives[i] for i in n_train]
        model = PaperClassifier(categories, train, seed=seed, reranker=None, options=options)
        probs = model.scores([(survey[i].title, survey[i].abstract) for i in s_test]).classes
        for row, i in zip(probs, s_test):
            gold = model.labels.index(str(survey[i].label))
            right += int(np.argmax(row) == gold)
            loss -= math.log(max(float(row[gold]), 1e-12))
    return right / len(survey), loss / len(survey)


def nested(data: Data, categories: list, seed: int, inner: int) -> tuple[list[Fold], list[str]]:
    survey_folds, negative_folds = split(data, seed)
    folds, chosen = [], []
    for f in range(FOLDS):
        held_s, held_n = set(survey_folds[f].tolist()), set(negative_folds[f].tolist())
        survey = [e for i, e in enumerate(data.survey) if i not in held_s]
        negatives = [e for i, e in enumerate(data.negatives) if i not in held_n]
        ranked = []
        for k, options in enumerate(GRID):
            accuracy, loss = inner_score(survey, negatives, data.team_positives, categories, options, seed, inner)
            ranked.append((-accuracy, loss, k))
        best = GRID[min(ranked)[2]]
        chosen.append(describe(best))
        model = PaperClassifier(categories, data.team_positives + survey + negatives, seed=seed, reranker=None,
                                options=best)
        extra = [e for e in data.dev + data.fixtures if e.label is None]
        folds.append(Fold(score(model, [data.survey[i] for i in sorted(held_s)]),
                          score(model, [data.negatives[i] for i in sorted(held_n)]), score(model, extra)))
    return folds, chosen


def print_rows(title: str, rows: list[dict[str, float]]) -> None:
    print(title)
    for key in ("class accuracy (best class)", "section accuracy", "class in top 2", "relevance precision",
                "relevance recall", "ECE (end to end)"):
        values = [r[key] for r in rows]
        spread = f" +- {statistics.stdev(values):.3f}" if len(values) > 1 else ""
        each = ", ".join(f"{v:.3f}" for v in values)
        print(f"  {key:32s} {statistics.mean(values):.3f}{spread}   (per seed: {each})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2",
                        help="outer fold seeds of the nested CV, comma-separated ('' to only make the final choice)")
    parser.add_argument("--inner", type=int, default=5, help="inner folds (over the outer training part only)")
    parser.add_argument("--flat-seeds", default="",
                        help="also print plain k-fold of every option set over these fold seeds (optimistic)")
    args = parser.parse_args()
    categories = bundled_categories()
    section_of = {c.label: c.section for c in categories}
    data = load_data()
    print(f"grid of {len(GRID)} option sets; shipped default: {describe(DEFAULT_OPTIONS)}")
    if args.flat_seeds:
        seeds = [int(s) for s in args.flat_seeds.split(",")]
        print(f"\n== plain {FOLDS}-fold per option set, fold seeds {seeds} (the best of these is optimistic)")
        for options in GRID:
            rows = [headline(cross_validate(data, categories, s, options=options), section_of) for s in seeds]
            accuracy = statistics.mean(r["class accuracy (best class)"] for r in rows)
            print(f"  {describe(options):44s} class {accuracy:.3f}"
                  f"  section {statistics.mean(r['section accuracy'] for r in rows):.3f}"
                  f"  ECE {statistics.mean(r['ECE (end to end)'] for r in rows):.3f}")
    rows = []
    for seed in (int(s) for s in args.seeds.split(",") if s):
        started = time.perf_counter()
        folds, chosen = nested(data, categories, seed, args.inner)
        rows.append(headline(folds, section_of))
        print(f"\n  outer seed {seed} ({time.perf_counter() - started:.0f} s): chosen per outer fold: "
              + "; ".join(chosen))
        print(f"    class {rows[-1]['class accuracy (best class)']:.3f}  section {rows[-1]['section accuracy']:.3f}")
    if rows:
        print_rows(f"\n== nested CV ({FOLDS} outer folds, {args.inner} inner): options chosen without the outer"
                   " test fold", rows)
    print(f"\n== the same choice on all {len(data.survey)} survey papers (what the shipped default should be;"
          f" {args.inner}-fold, seed 0)")
    ranked = []
    for k, options in enumerate(GRID):
        accuracy, loss = inner_score(data.survey, data.negatives, data.team_positives, categories, options, 0,
                                     args.inner)
        ranked.append((-accuracy, loss, k))
        print(f"  {describe(options):44s} class accuracy {accuracy:.3f}  log-loss of the gold class {loss:.3f}")
    print(f"  chosen: {describe(GRID[min(ranked)[2]])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
