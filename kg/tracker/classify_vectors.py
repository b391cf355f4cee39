"""Papers as vectors for the learned classifier: four blocks side by side.

1. word unigrams and bigrams of the normalised text (SAM / SAM 2 as anchor tokens, the
   title counted twice), sub-linear TF-IDF, L2-normalised;
2. character n-grams inside words (3-5 by default), TF-IDF, L2-normalised: they pair 'adapter' with
   'adaptation', 'fine-tuned' with 'finetuning', 'LoRA' with 'LoRA-based', which matters
   when a class has a handful of labelled papers; an n-gram seen in a single training
   paper is dropped (it says nothing about any class);
3. one feature per cue phrase (:mod:`kg.tracker.classify_cue_features`), L2-normalised;
4. the dense cue scores (the former gate's verdicts, per-class cue scores, section anchors).

The blocks keep their natural scale (rows of norm 1, dense values in [0, 1]); no block
weight was tuned, so nothing here was fitted to the evaluation folds. Terms are hashed
(scikit-learn's HashingVectorizer, 2^20 columns: collisions are negligible for a few
thousand distinct terms), which keeps vectorising at thousands of papers per second.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from kg.tracker.classify_cue_features import CueFeatures, CueView
from kg.tracker.classify_text import Document, features

__all__ = ["Featurizer", "Vectors"]


@dataclass
class Vectors:
    """A batch of papers as the models see them."""

    all: sparse.csr_matrix  # the four blocks side by side
    words: sparse.csr_matrix  # the word block (the nearest labelled papers are found with it)
    lexical: sparse.csr_matrix  # words and characters, unit rows (closeness to a class definition)

# (low, high) -> word -> its character n-grams; words repeat, so this is most of the work
_GRAMS: dict[tuple[int, int], dict[str, tuple[str, ...]]] = {}
_GRAMS_MAX = 200_000


def _word_grams(word: str, low: int = 3, high: int = 5) -> tuple[str, ...]:
    """The n-grams of ' word ' (padded, as scikit-learn's char_wb does); a short word is one n-gram."""
    padded = f" {word} "
    if len(padded) <= low:
        return (padded,)
    return tuple(padded[i:i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1))


class _CharGrams:
    """The analyzer of the character block for one range of n-gram lengths (a class, not a
    closure, so that the vectoriser stays picklable)."""

    def __init__(self, low: int = 3, high: int = 5) -> None:
        self.low, self.high = low, high
        self._cache = _GRAMS.setdefault((low, high), {})

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        for word in text.split():
            grams = self._cache.get(word)
            if grams is None:
                grams = _word_grams(word, self.low, self.high)
                if len(self._cache) < _GRAMS_MAX:
                    self._cache[word] = grams
            out.extend(grams)
        return out


def _given(tokens: list[str]) -> list[str]:
    """The analyzer of the word block: the tokens were made by :func:`features` already."""
    return tokens


class _Tfidf:
    """Hashed term counts -> sub-linear TF x IDF (smoothed, as scikit-learn's) -> unit rows."""

    def __init__(self, analyzer: Callable[[Any], list[str]], min_df: int) -> None:
        self._hash = HashingVectorizer(analyzer=analyzer, n_features=2**20, alternate_sign=False, norm=None,
                                       dtype=np.float64)
        self.min_df = min_df
        self._idf = np.zeros(0)

    def _counts(self, items: Sequence[Any]) -> sparse.csr_matrix:
        counts = self._hash.transform(items).tocsr()
        counts.data = 1.0 + np.log(counts.data)
        return counts

    def fit_transform(self, items: Sequence[Any]) -> sparse.csr_matrix:
        counts = self._counts(items)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        n = counts.shape[0]
        min_df = self.min_df if (df >= self.min_df).any() else 1  # too few papers: keep every term
        self._idf = np.where(df >= min_df, np.log((1 + n) / (1 + df)) + 1.0, 0.0)
        return self._weigh(counts)

    def transform(self, items: Sequence[Any]) -> sparse.csr_matrix:
        return self._weigh(self._counts(items))

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        counts.data *= self._idf[counts.indices]
        counts.eliminate_zeros()
        return normalize(counts)


class Featurizer:
    """Fitted once on the training papers (IDF weights), then maps any paper."""

    def __init__(self, cues: CueFeatures, char_range: tuple[int, int] = (3, 5)) -> None:
        self.cues = cues
        self._words = _Tfidf(_given, min_df=1)
        self._chars = _Tfidf(_CharGrams(*char_range), min_df=2)

    @staticmethod
    def _word_tokens(docs: Sequence[Document]) -> list[list[str]]:
        return [list(features(d.norm_title, d.norm_abstract).elements()) for d in docs]

    @staticmethod
    def _char_texts(docs: Sequence[Document]) -> list[str]:
        return [f"{d.norm_title} {d.norm_abstract}" for d in docs]

    def fit_transform(self, docs: Sequence[Document], views: Sequence[CueView]) -> Vectors:
        """Learn the IDF weights of the training papers and return their vectors."""
        words = self._words.fit_transform(self._word_tokens(docs))
        return self._stack(words, self._chars.fit_transform(self._char_texts(docs)), views)

    def transform(self, docs: Sequence[Document], views: Sequence[CueView]) -> Vectors:
        words = self._words.transform(self._word_tokens(docs))
        return self._stack(words, self._chars.transform(self._char_texts(docs)), views)

    def _stack(self, words: sparse.csr_matrix, chars: sparse.csr_matrix, views: Sequence[CueView]) -> Vectors:
        rows, cols, vals = [], [], []
        for r, view in enumerate(views):
            for c, v in self.cues.phrase_counts(view).items():
                rows.append(r)
                cols.append(c)
                vals.append(v)
        phrases = normalize(sparse.csr_matrix((vals, (rows, cols)), shape=(len(views), len(self.cues.phrases))))
        dense = sparse.csr_matrix(np.vstack([v.dense for v in views]))
        lexical = normalize(sparse.hstack([words, chars], format="csr"))
        return Vectors(sparse.hstack([words, chars, phrases, dense], format="csr"), words, lexical)
