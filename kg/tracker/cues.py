"""Cue phrases of the paper classifier: the cue file, phrase matching, phrases read off class labels.

The editable ``kg/data/classifier-cues.toml`` holds the relevance cues (medical,
segmentation, generalist, off-domain, off-task) and extra cues per class or
section; further cues are derived from each class label itself, so a new class
has cues before anyone writes any. Matching rules (written at the top of the cue
file, implemented here): a lower-case phrase matches case-insensitively, a phrase
with a capital letter only with that case, a trailing ``*`` lets the last word
continue, hyphens and spaces are interchangeable.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.resources import DATA_DIR
from kg.tracker.classify_text import normalise

BUNDLED_CUES = DATA_DIR / "classifier-cues.toml"

__all__ = ["BUNDLED_CUES", "LABEL_FILLER", "CueSet", "PhraseMatcher", "derived_phrases", "label_words", "load_cues"]


@dataclass(frozen=True)
class _Phrase:
    key: str  # the phrase as the cue file writes it (lower-cased unless case-sensitive)
    words: tuple[str, ...]
    prefix: bool  # the last word may continue ('adapt*')
    exact_case: bool


def _parse_phrase(phrase: str) -> _Phrase | None:
    """'fine-tun*' -> words ('fine', 'tun'), prefix; a phrase with a capital letter keeps its case."""
    phrase = phrase.strip()
    exact_case = any(c.isupper() for c in phrase)
    key = phrase if exact_case else phrase.lower()
    words = tuple(re.findall(r"[A-Za-z0-9]+" if exact_case else r"[a-z0-9]+", key))
    if not words:
        return None
    return _Phrase(key, words, key.endswith("*") and len(words[-1]) >= 3, exact_case)


class PhraseMatcher:
    """All cue phrases matched in one pass over a word list.

    Phrases are indexed by their first word (exact, or its first three letters
    for a prefix), so the cost is a couple of dict look-ups per word however
    many phrases the cue file holds; a regex alternation of a few hundred
    phrases was two orders of magnitude slower."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._exact: dict[tuple[bool, str], list[_Phrase]] = defaultdict(list)
        self._prefix: dict[tuple[bool, str], list[_Phrase]] = defaultdict(list)
        for text in sorted(set(phrases)):
            phrase = _parse_phrase(text)
            if phrase is None:
                continue
            first = phrase.words[0]
            if phrase.prefix and len(phrase.words) == 1:
                self._prefix[(phrase.exact_case, first[:3])].append(phrase)
            else:
                self._exact[(phrase.exact_case, first)].append(phrase)

    def find(self, folded: list[str], cased: list[str]) -> Counter[str]:
        """Phrase key -> number of matches, given the text's lower-case and original-case words."""
        found: Counter[str] = Counter()
        for exact_case, words in ((False, folded), (True, cased)):
            exact, prefix = self._exact, self._prefix
            n = len(words)
            for i, word in enumerate(words):
                candidates = exact.get((exact_case, word), [])
                if len(word) >= 3:
                    candidates = candidates + prefix.get((exact_case, word[:3]), [])
                for phrase in candidates:
                    last = len(phrase.words) - 1
                    if i + last >= n:
                        continue
                    if all(
                        words[i + k].startswith(w) if (k == last and phrase.prefix) else words[i + k] == w
                        for k, w in enumerate(phrase.words)
                    ):
                        found[phrase.key] += 1
        return found


class CueSet:
    """A named group of phrases; matching itself is done once per text by :class:`PhraseMatcher`."""

    def __init__(self, phrases: Iterable[str]) -> None:
        parsed = [p for p in (_parse_phrase(t) for t in phrases if t and t.strip()) if p]
        self.phrases = sorted({p.key for p in parsed})
        self._keys = frozenset(self.phrases)

    def pick(self, found: Counter[str]) -> Counter[str]:
        return Counter({k: n for k, n in found.items() if k in self._keys})


# words of a class or section label that say nothing about which class a paper is in
LABEL_FILLER = frozenset([
    "of", "for", "to", "the", "and", "on", "in", "other", "only", "both", "models", "model", "based",
    "trained", "medical", "images", "image", "applications", "implementations",
])


def label_words(label: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", normalise(label))


def derived_phrases(label: str, anchors: set[str]) -> list[str]:
    """Cue phrases read off a class label: its runs of content words, the last word truncated
    to a prefix ('Adapters for SAM' -> 'adapt*'; 'Zero-shot of SAM' -> 'zero shot*')."""
    runs: list[list[str]] = [[]]
    for word in label_words(label):
        if word in LABEL_FILLER or word in anchors:
            runs.append([])
        else:
            runs[-1].append(word)
    phrases = []
    for run in runs:
        if not run:
            continue
        last = run[-1]
        cut = max(4, min(len(last) - 3, 6))
        phrases.append(" ".join(run[:-1] + [last[:cut]]) + "*")
    return phrases


def load_cues(path: Path | str | None = None) -> dict[str, Any]:
    """Read the cue file (TOML). Errors name the file so the fix is obvious."""
    path = Path(path) if path else BUNDLED_CUES
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML ({exc}); fix the cue file") from exc
